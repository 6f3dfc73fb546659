"""The measures app's page query budgets; the contract is in
tests/strategy_portal/test_query_counts.py."""

from measures import services
from measures.models import AnswerTemplate, Comment, Measure, ModerationAction

from ..factories import AnswerTemplateFactory, MeasureFactory, UserFactory
from . import query_budgets_public

WORKSPACE = "/landkreis-meissen/verwaltung"


def _first_measure(district) -> str:
    measure = Measure.objects.filter(district=district, title="Budget: Maßnahme").first()
    return f"{WORKSPACE}/massnahmen/{measure.pk}/"


PAGES = [
    ("workspace measures", f"{WORKSPACE}/massnahmen/", "district_admin", 12),
    (
        "workspace measures, filtered",
        f"{WORKSPACE}/massnahmen/?status=proposed&q=Idee",
        "facilitator",
        12,
    ),
    ("workspace measure", _first_measure, "district_admin", 14),
    ("workspace record", f"{WORKSPACE}/massnahmen/erfassen/", "facilitator", 10),
    ("moderation queue", f"{WORKSPACE}/moderation/", "district_admin", 16),
    ("moderation log", f"{WORKSPACE}/moderation/protokoll/", "district_admin", 10),
    ("answer templates", f"{WORKSPACE}/antwortvorlagen/", "facilitator", 10),
]


def _add(district, moderator, n):
    """`n` more of everything the workspace lists: flagged measures with supports, flagged
    comments, hidden content, moderation actions and answer templates."""
    start = Measure.objects.filter(district=district).count()
    for i in range(start, start + n):
        author = UserFactory()
        reporters = [UserFactory(), UserFactory()]
        measure = MeasureFactory(district=district, author=author, title=f"Idee {i}")
        services.measure_update(measure=measure, user=moderator, tags=[f"Thema {i}"])
        services.support_add(measure=measure, user=reporters[0])
        comment = services.comment_add(measure=measure, author=author, body=f"Kommentar {i}")
        for reporter in reporters:
            services.flag_add(user=reporter, measure=measure, reason="Werbung")
            services.flag_add(user=reporter, comment=comment, reason="Beleidigend")
        hidden = services.comment_add(measure=measure, author=reporters[1], body="Zu scharf")
        services.moderation_hide(moderator=moderator, comment=hidden, reason="Netiquette")
        AnswerTemplateFactory(district=district)
    for item in Measure.objects.filter(district=district, is_hidden=False)[: n // 2]:
        services.moderation_hide(moderator=moderator, measure=item, reason="Spam")
        services.moderation_restore(moderator=moderator, measure=item, reason="Doch nicht")


def _populate_workspace(district, request):
    moderator = request.getfixturevalue("facilitator")
    request.getfixturevalue("district_admin")
    measure = MeasureFactory(district=district, title="Budget: Maßnahme")
    services.status_change(measure=measure, user=moderator, status="prioritised", reason="Ja")
    services.answer_publish(measure=measure, user=moderator, text="Antwort")
    _add(district, moderator, 2)


def _grow_workspace(district, request, **sizes):
    moderator = request.getfixturevalue("facilitator")
    _add(district, moderator, 20)
    assert Comment.objects.filter(measure__district=district, is_hidden=True).count() >= 20
    assert ModerationAction.objects.for_district(district).count() >= 40
    assert AnswerTemplate.objects.for_district(district).count() >= 20


# The public pages' budgets are in query_budgets_public.py.
PAGES = [*PAGES, *query_budgets_public.PAGES]


def populate(district, request):
    query_budgets_public.populate(district, request)
    _populate_workspace(district, request)


def grow(district, request, **sizes):
    query_budgets_public.grow(district, request, **sizes)
    _grow_workspace(district, request, **sizes)
