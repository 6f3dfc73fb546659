"""The measures app's rows of the permission matrix (the contract is in tests/matrix.py)."""

from measures import services
from measures.models import (
    AnswerTemplate,
    Comment,
    Criterion,
    Flag,
    Measure,
    Score,
    Tier,
    TierThresholds,
)
from strategy_portal.models import User

from ..factories import AnswerTemplateFactory, MeasureFactory, UserFactory
from ..matrix import (
    POST_ONLY,
    TO_ADMIN_LOGIN,
    TO_LOGIN,
    WORKSPACE,
    WORKSPACE_ADMIN,
    PostCase,
    roles,
)
from . import matrix_public

EXPECTED = {
    # Logs of the measures app are read-only in the admin; blocks are lifted by an action.
    **{
        f"admin:measures_{model}_{view}": roles(TO_ADMIN_LOGIN, site_admin=403)
        for model in (
            "moderationaction",
            "measuremerge",
            "notificationevent",
            "digestrun",
            "userblock",
        )
        for view in ("add", "delete")
    },
}


# --- Evaluation -----------------------------------------------------------------------------------

EVALUATION_TEAM = frozenset({"facilitator", "district_admin", "site_admin"})
EVALUATION_ADMINS = frozenset({"district_admin", "site_admin"})


def _refused_except(changed_roles, status=(302, "/landkreis-meissen/verwaltung/bewertung/")):
    return roles(403, anonymous=TO_LOGIN, **dict.fromkeys(changed_roles, status))


EXPECTED.update(
    {
        "measures:evaluation_ranking": WORKSPACE,
        "measures:evaluation_score": WORKSPACE,
        "measures:evaluation_criteria": WORKSPACE_ADMIN,
        "measures:evaluation_criterion_edit": WORKSPACE_ADMIN,
        "measures:evaluation_criterion_delete": WORKSPACE_ADMIN,
        "measures:evaluation_thresholds": POST_ONLY,
        "measures:evaluation_tier": POST_ONLY,
        "measures:evaluation_tier_clear": POST_ONLY,
    }
)


def _criterion_of(world):
    return world.objects["evaluation_criteria"][0]


def _scores_of(world):
    return sorted(
        Score.objects.filter(measure=world.objects["evaluation_measure"]).values_list(
            "evaluator_id", "value"
        )
    )


def _score_data(world):
    data = {}
    for criterion in world.objects["evaluation_criteria"]:
        data[f"score_{criterion.pk}"] = "4"
        data[f"comment_{criterion.pk}"] = "Zeitnah umsetzbar"
    return data


def _tier_of(key):
    def state(world):
        measure = Measure.objects.get(pk=world.objects[key].pk)
        return (measure.tier, measure.tier_overridden, measure.tier_reason)

    return state


POST = {
    # The matrix's district is in its participation phase: scoring is closed for the district's
    # team (the page says why); site admins may still correct scores.
    "measures:evaluation_score": PostCase(
        expected=_refused_except(frozenset({"site_admin"})),
        state=_scores_of,
        changes=frozenset({"site_admin"}),
        data=_score_data,
    ),
    "measures:evaluation_criteria": PostCase(
        expected=_refused_except(
            EVALUATION_ADMINS, (302, "/landkreis-meissen/verwaltung/bewertung/kriterien/")
        ),
        state=lambda world: Criterion.objects.filter(district=world.district).count(),
        changes=EVALUATION_ADMINS,
        data={"title": "Nachhaltigkeit", "weight": "1,5"},
    ),
    "measures:evaluation_criterion_edit": PostCase(
        expected=_refused_except(
            EVALUATION_ADMINS, (302, "/landkreis-meissen/verwaltung/bewertung/kriterien/")
        ),
        state=lambda world: Criterion.objects.get(pk=_criterion_of(world).pk).weight,
        changes=EVALUATION_ADMINS,
        data={"title": "Zeitnahe Umsetzbarkeit", "weight": "4"},
    ),
    "measures:evaluation_criterion_delete": PostCase(
        expected=_refused_except(
            EVALUATION_ADMINS, (302, "/landkreis-meissen/verwaltung/bewertung/kriterien/")
        ),
        state=lambda world: Criterion.objects.filter(pk=_criterion_of(world).pk).exists(),
        changes=EVALUATION_ADMINS,
    ),
    "measures:evaluation_thresholds": PostCase(
        expected=_refused_except(
            EVALUATION_ADMINS, (302, "/landkreis-meissen/verwaltung/bewertung/kriterien/")
        ),
        state=lambda world: list(
            TierThresholds.objects.filter(district=world.district).values_list(
                "premium_plus_min", "premium_min"
            )
        ),
        changes=EVALUATION_ADMINS,
        data={"premium_plus_min": "4,5", "premium_min": "2,5"},
    ),
    "measures:evaluation_tier": PostCase(
        expected=_refused_except(EVALUATION_ADMINS, (302, "/landkreis-meissen/verwaltung/")),
        state=_tier_of("evaluation_measure"),
        changes=EVALUATION_ADMINS,
        data={"tier": Tier.PREMIUM_PLUS, "reason": "Beschluss des Kreistags"},
    ),
    "measures:evaluation_tier_clear": PostCase(
        expected=_refused_except(EVALUATION_ADMINS, (302, "/landkreis-meissen/verwaltung/")),
        state=_tier_of("overridden_measure"),
        changes=EVALUATION_ADMINS,
    ),
}

_EVALUATION_PKS = {
    "measures:evaluation_score": "evaluation_measure",
    "measures:evaluation_tier": "evaluation_measure",
    "measures:evaluation_tier_clear": "overridden_measure",
}


def _evaluation_kwarg_value(name, endpoint, world):
    if name != "pk":
        return None
    if endpoint.key in _EVALUATION_PKS:
        return str(world.objects[_EVALUATION_PKS[endpoint.key]].pk)
    if endpoint.key.startswith("measures:evaluation_criterion_"):
        return str(_criterion_of(world).pk)
    return None


def _evaluation_populate(world, request):
    """Two criteria, a measure to score and one whose tier was set by hand."""
    district = world.district
    world.objects["evaluation_criteria"] = [
        Criterion.objects.create(
            district=district, title="Zeitnahe Umsetzbarkeit", weight=3, position=0
        ),
        Criterion.objects.create(
            district=district, title="Förderung digitaler Teilhabe", weight=2, position=1
        ),
    ]
    world.objects["evaluation_measure"] = MeasureFactory(district=district)
    world.objects["overridden_measure"] = MeasureFactory(
        district=district,
        tier=Tier.PREMIUM,
        tier_overridden=True,
        tier_reason="Beschluss des Kreistags",
    )


# --- The team's workspace (measures/workspace_views.py) -------------------------------------------

TEAM_ROLES = frozenset({"facilitator", "district_admin", "site_admin"})
WORKSPACE_HOME = (302, "/landkreis-meissen/verwaltung/")


def workspace_post(state, data) -> PostCase:
    """A workspace action: the team is redirected and changes `state`; others change nothing."""
    return PostCase(
        expected=roles(
            403,
            anonymous=TO_LOGIN,
            facilitator=WORKSPACE_HOME,
            district_admin=WORKSPACE_HOME,
            site_admin=WORKSPACE_HOME,
        ),
        state=state,
        changes=TEAM_ROLES,
        data=data,
    )


def _measure_state(world, name, *fields):
    return Measure.objects.filter(pk=world.objects[name].pk).values_list(*fields).get()


def _comment_hidden(world, name):
    return Comment.objects.get(pk=world.objects[name].pk).is_hidden


def _flag_statuses(world, **item):
    return sorted(Flag.objects.filter(**item).values_list("status", flat=True))


WORKSPACE_EXPECTED = {
    f"measures:{name}": WORKSPACE
    for name in (
        "workspace_list",
        "workspace_record",
        "workspace_measure",
        "workspace_edit",
        "workspace_status",
        "workspace_answer",
        "workspace_merge",
        "workspace_answer_templates",
        "workspace_answer_template_create",
        "workspace_answer_template_edit",
        "workspace_answer_template_delete",
        "workspace_moderation",
        "workspace_moderation_log",
        "workspace_measure_hide",
        "workspace_measure_dismiss",
        "workspace_measure_restore",
        "workspace_comment_hide",
        "workspace_comment_dismiss",
        "workspace_comment_restore",
        "workspace_block_author",
    )
}

WORKSPACE_POST = {
    "measures:workspace_list": workspace_post(
        lambda world: _measure_state(world, "ws_measure", "status"),
        lambda world: {
            "measures": [world.objects["ws_measure"].pk],
            "status": "under_evaluation",
            "reason": "Wir prüfen alle Vorschläge.",
        },
    ),
    "measures:workspace_record": workspace_post(
        lambda world: Measure.objects.filter(title="Am Telefon erfasst").count(),
        {"origin": "phone", "title": "Am Telefon erfasst", "description": "Ein Anruf."},
    ),
    "measures:workspace_edit": workspace_post(
        lambda world: _measure_state(world, "ws_measure", "title"),
        {"title": "Neuer Titel", "description": "Neu", "origin": "online"},
    ),
    "measures:workspace_status": workspace_post(
        lambda world: _measure_state(world, "ws_measure", "status"),
        {"status": "prioritised", "reason": "Priorisiert"},
    ),
    "measures:workspace_answer": workspace_post(
        lambda world: _measure_state(world, "ws_measure", "official_answer"),
        {"text": "Die offizielle Antwort."},
    ),
    "measures:workspace_merge": workspace_post(
        lambda world: _measure_state(world, "ws_measure", "merged_into"),
        lambda world: {"target": world.objects["ws_target"].pk, "confirm": "1"},
    ),
    "measures:workspace_answer_template_create": workspace_post(
        lambda world: AnswerTemplate.objects.count(),
        {"title": "Neue Vorlage", "body": "Text"},
    ),
    "measures:workspace_answer_template_edit": workspace_post(
        lambda world: AnswerTemplate.objects.get(pk=world.objects["ws_template"].pk).title,
        {"title": "Geändert", "body": "Text"},
    ),
    "measures:workspace_answer_template_delete": workspace_post(
        lambda world: AnswerTemplate.objects.filter(pk=world.objects["ws_template"].pk).exists(),
        {},
    ),
    "measures:workspace_measure_hide": workspace_post(
        lambda world: _measure_state(world, "ws_measure", "is_hidden"), {"reason": "Spam"}
    ),
    "measures:workspace_measure_dismiss": workspace_post(
        lambda world: _flag_statuses(world, measure=world.objects["ws_measure"]),
        {"reason": "Kein Verstoß"},
    ),
    "measures:workspace_measure_restore": workspace_post(
        lambda world: _measure_state(world, "ws_hidden_measure", "is_hidden"),
        {"reason": "Doch in Ordnung"},
    ),
    "measures:workspace_comment_hide": workspace_post(
        lambda world: _comment_hidden(world, "ws_comment"), {"reason": "Beleidigend"}
    ),
    "measures:workspace_comment_dismiss": workspace_post(
        lambda world: _flag_statuses(world, comment=world.objects["ws_comment"]),
        {"reason": "Kein Verstoß"},
    ),
    "measures:workspace_comment_restore": workspace_post(
        lambda world: _comment_hidden(world, "ws_hidden_comment"), {"reason": "Doch in Ordnung"}
    ),
    "measures:workspace_block_author": workspace_post(
        lambda world: User.objects.get(pk=world.objects["ws_author"].pk).is_active,
        {"reason": "Wiederholt beleidigend"},
    ),
}

_WORKSPACE_PK = {
    "measures:workspace_measure": "ws_measure",
    "measures:workspace_edit": "ws_measure",
    "measures:workspace_status": "ws_measure",
    "measures:workspace_answer": "ws_measure",
    "measures:workspace_merge": "ws_measure",
    "measures:workspace_answer_template_edit": "ws_template",
    "measures:workspace_answer_template_delete": "ws_template",
    "measures:workspace_measure_hide": "ws_measure",
    "measures:workspace_measure_dismiss": "ws_measure",
    "measures:workspace_measure_restore": "ws_hidden_measure",
    "measures:workspace_comment_hide": "ws_comment",
    "measures:workspace_comment_dismiss": "ws_comment",
    "measures:workspace_comment_restore": "ws_hidden_comment",
    "measures:workspace_block_author": "ws_author",
}


def populate_workspace(world, request):
    """A flagged measure and a flagged comment by a participant, a merge target, hidden content
    to restore, and an answer template: every workspace URL has something to act on."""
    district = world.district
    author = UserFactory(email="verfasserin@example.org")
    reporter = UserFactory(email="meldend@example.org")
    measure = MeasureFactory(district=district, title="Gemeldete Idee", author=author)
    target = MeasureFactory(district=district, title="Ähnliche Idee")
    comment = services.comment_add(measure=target, author=author, body="Scharfer Ton")
    services.flag_add(user=reporter, measure=measure, reason="Werbung")
    services.flag_add(user=reporter, comment=comment, reason="Beleidigend")
    hidden_measure = MeasureFactory(district=district, title="Ausgeblendet", is_hidden=True)
    hidden_comment = Comment.objects.create(
        measure=target, author=author, body="Ausgeblendeter Kommentar", is_hidden=True
    )
    world.objects.update(
        ws_author=author,
        ws_measure=measure,
        ws_target=target,
        ws_comment=comment,
        ws_hidden_measure=hidden_measure,
        ws_hidden_comment=hidden_comment,
        ws_template=AnswerTemplateFactory(district=district, title="Eingang"),
    )


def workspace_kwarg_value(name, endpoint, world):
    if name == "pk" and endpoint.key in _WORKSPACE_PK:
        return str(world.objects[_WORKSPACE_PK[endpoint.key]].pk)
    return None


# The public pages' rows are in matrix_public.py.
EXPECTED.update(WORKSPACE_EXPECTED)
EXPECTED.update(matrix_public.EXPECTED)
POST.update(WORKSPACE_POST)
POST.update(matrix_public.POST)


def kwarg_value(name, endpoint, world):
    for part in (_evaluation_kwarg_value, workspace_kwarg_value, matrix_public.kwarg_value):
        value = part(name, endpoint, world)
        if value is not None:
            return value
    return None


def populate(world, request):
    matrix_public.populate(world, request)
    _evaluation_populate(world, request)
    populate_workspace(world, request)
