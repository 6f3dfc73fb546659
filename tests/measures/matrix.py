"""The measures app's rows of the permission matrix (the contract is in tests/matrix.py)."""

from measures.models import Criterion, Measure, Score, Tier, TierThresholds

from ..factories import MeasureFactory
from ..matrix import (
    POST_ONLY,
    TO_ADMIN_LOGIN,
    TO_LOGIN,
    WORKSPACE,
    WORKSPACE_ADMIN,
    PostCase,
    roles,
)

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
    "measures:evaluation_score": PostCase(
        expected=_refused_except(EVALUATION_TEAM),
        state=_scores_of,
        changes=EVALUATION_TEAM,
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


def kwarg_value(name, endpoint, world):
    return _evaluation_kwarg_value(name, endpoint, world)


def populate(world, request):
    _evaluation_populate(world, request)
