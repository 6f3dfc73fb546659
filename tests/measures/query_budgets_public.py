"""Query budgets of the public measure pages (the contract is in
tests/strategy_portal/test_query_counts.py): list and detail at most 12 queries, whatever the
number of measures (10 → 100) and comments (5 → 100)."""

from measures import services
from measures.models import Comment, Measure
from strategy_portal.models import ActionField

from ..factories import ActionFieldFactory, MeasureFactory, UserFactory


def _detail(district) -> str:
    return Measure.objects.get(district=district, title="Die große Debatte").get_absolute_url()


PAGES = [
    ("measures", "/landkreis-meissen/massnahmen/", None, 12),
    ("measures, signed in", "/landkreis-meissen/massnahmen/", "citizen", 12),
    ("measures, most supported", "/landkreis-meissen/massnahmen/?sort=supported", None, 12),
    (
        "measures, filtered and searched",
        "/landkreis-meissen/massnahmen/?q=Coworking&status=proposed",
        None,
        12,
    ),
    ("measure", _detail, None, 12),
    ("measure, signed in", _detail, "citizen", 12),
    ("measure, team", _detail, "facilitator", 12),
    ("propose a measure", "/landkreis-meissen/massnahmen/neu/", "citizen", 10),
    ("notification settings", "/konto/benachrichtigungen/", "citizen", 6),
]


def _measures(district, count):
    # The ground floor's action fields (its budgets count them), else one of our own.
    field = ActionField.objects.for_district(district).first() or ActionFieldFactory(
        district=district
    )
    for n in range(count):
        measure = MeasureFactory(district=district, action_field=field, title=f"Coworking {n}")
        measure.tags.set([f"Tag {n % 7}", "Coworking"])


def _comments(measure, count):
    authors = [UserFactory() for _ in range(3)]
    existing = Comment.objects.filter(measure=measure).count()
    parent = None
    for n in range(existing, count):
        author = authors[n % 3]
        comment = Comment.objects.create(
            measure=measure,
            author=author,
            body=f"Beitrag {n}",
            parent=parent if n % 2 else None,
            depth=1 if (n % 2 and parent) else 0,
        )
        if not n % 2:
            parent = comment
    services.recount(measure_ids=[measure.pk])


def populate(district, request):
    """10 measures with tags, one with 5 comments and a few supports."""
    citizen = request.getfixturevalue("citizen")
    request.getfixturevalue("facilitator")
    _measures(district, 10)
    debate = MeasureFactory(district=district, title="Die große Debatte")
    debate.tags.set(["Coworking"])
    services.support_add(measure=debate, user=citizen)
    services.follow_add(measure=debate, user=citizen)
    services.status_change(
        measure=debate,
        user=request.getfixturevalue("facilitator"),
        status="under_evaluation",
        reason="Wir prüfen.",
    )
    _comments(debate, 5)


def grow(district, request, **sizes):
    """100 measures; the debated one with 100 comments."""
    _measures(district, 100 - Measure.objects.filter(district=district).count())
    _comments(Measure.objects.get(district=district, title="Die große Debatte"), 100)
