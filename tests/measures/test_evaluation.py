"""Evaluation: weighted criteria, scores by the district's team, ranking, thresholds and tiers."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures import evaluation_services as evaluation
from measures import permissions, services
from measures.models import Criterion, Measure, Score, Status, Tier, TierThresholds

from ..factories import MeasureFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(district, district_admin):
    """Zeitnahe Umsetzbarkeit (weight 3) and Nachhaltigkeit (weight 1)."""
    return [
        evaluation.criterion_save(
            district=district, user=district_admin, title="Zeitnahe Umsetzbarkeit", weight="3"
        ),
        evaluation.criterion_save(
            district=district, user=district_admin, title="Nachhaltigkeit", weight="1"
        ),
    ]


def score(measure, evaluator, *values, comment=""):
    criteria = Criterion.objects.for_district(measure.district)
    return evaluation.scores_save(
        measure=measure,
        evaluator=evaluator,
        scores={c.pk: (v, comment) for c, v in zip(criteria, values, strict=True)},
    )


def url(name, district, **kwargs):
    return reverse(f"measures:{name}", kwargs={"district": district.slug, **kwargs})


def score_form(criteria, *values, comment="Begründung"):
    data = {}
    for criterion, value in zip(criteria, values, strict=True):
        data[f"score_{criterion.pk}"] = str(value)
        data[f"comment_{criterion.pk}"] = comment
    return data


# --- Criteria -------------------------------------------------------------------------------------


@pytest.mark.parametrize("weight", ["0", "-1", "0,0"])
def test_a_weight_of_zero_or_below_is_refused_on_the_field(district, district_admin, login, weight):
    response = login(district_admin).post(
        url("evaluation_criteria", district), {"title": "Nachhaltigkeit", "weight": weight}
    )

    assert response.status_code == 400
    assert "Das Gewicht muss größer als 0 sein." in response.content.decode()
    assert not Criterion.objects.exists()


def test_the_database_refuses_a_weight_of_zero(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(district=district, title="Teilhabe", weight=0)


def test_a_district_admin_adds_a_criterion_with_a_decimal_weight(district, district_admin, login):
    response = login(district_admin).post(
        url("evaluation_criteria", district),
        {
            "title": "Förderung digitaler Teilhabe",
            "weight": "2,5",
            "description": "Wer profitiert?",
        },
    )

    assert response.status_code == 302
    criterion = Criterion.objects.get(district=district)
    assert (criterion.title, criterion.weight) == ("Förderung digitaler Teilhabe", Decimal("2.5"))


def test_facilitators_may_score_but_not_manage_criteria(district, facilitator, login):
    client = login(facilitator)

    assert client.get(url("evaluation_ranking", district)).status_code == 200
    assert client.get(url("evaluation_criteria", district)).status_code == 403
    response = client.post(url("evaluation_criteria", district), {"title": "X", "weight": "1"})
    assert response.status_code == 403
    assert not Criterion.objects.exists()


def test_a_criterion_of_another_district_cannot_be_edited(
    district, other_district, district_admin, login
):
    foreign = Criterion.objects.create(district=other_district, title="Fremd", weight=1)

    response = login(district_admin).post(
        url("evaluation_criterion_edit", district, pk=foreign.pk),
        {"title": "Übernommen", "weight": "1"},
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Fremd"


def test_changing_a_weight_changes_the_scores_at_once(
    measure, criteria, facilitator, district_admin
):
    score(measure, facilitator, 5, 1)  # (3·5 + 1·1) / 4 = 4
    measure.refresh_from_db()
    assert measure.evaluation_score == Decimal("4.00")

    evaluation.criterion_save(
        district=measure.district,
        user=district_admin,
        criterion=criteria[1],
        title="Nachhaltigkeit",
        weight="3",
    )

    measure.refresh_from_db()
    assert measure.evaluation_score == Decimal("3.00")  # (3·5 + 3·1) / 6


def test_deleting_a_criterion_deletes_its_scores_and_recounts(
    measure, criteria, facilitator, district_admin, login
):
    score(measure, facilitator, 5, 1)

    response = login(district_admin).post(
        url("evaluation_criterion_delete", measure.district, pk=criteria[1].pk)
    )

    assert response.status_code == 302
    assert Score.objects.filter(measure=measure).count() == 1
    measure.refresh_from_db()
    assert measure.evaluation_score == Decimal("5.00")


# --- Scores ---------------------------------------------------------------------------------------


def test_a_score_of_six_is_refused(measure, criteria, facilitator, login):
    response = login(facilitator).post(
        url("evaluation_score", measure.district, pk=measure.pk), score_form(criteria, 6, 3)
    )

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Score.objects.exists()
    with pytest.raises(ValidationError) as error:
        score(measure, facilitator, 6, 3)
    assert f"score_{criteria[0].pk}" in error.value.message_dict
    assert not Score.objects.exists()


def test_the_database_refuses_a_score_of_six(measure, criteria, facilitator):
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(measure=measure, criterion=criteria[0], evaluator=facilitator, value=6)


def test_scoring_a_measure_of_another_district_is_refused(
    district, other_district, criteria, facilitator, other_district_facilitator, login
):
    foreign = MeasureFactory(district=other_district)
    own = MeasureFactory(district=district)

    # Through the own district's address: the other district's measure is not found there.
    response = login(facilitator).post(
        url("evaluation_score", district, pk=foreign.pk), score_form(criteria, 3, 3)
    )
    assert response.status_code == 404
    # Through the other district's address: a facilitator of another district is refused.
    response = login(other_district_facilitator).post(
        url("evaluation_score", district, pk=own.pk), score_form(criteria, 3, 3)
    )
    assert response.status_code == 403
    # And the service refuses both on its own.
    with pytest.raises(PermissionDenied):
        score(own, other_district_facilitator, 3, 3)
    assert not Score.objects.exists()


def test_a_criterion_of_another_district_cannot_be_scored(
    measure, criteria, other_district, facilitator
):
    foreign = Criterion.objects.create(district=other_district, title="Fremd", weight=1)

    with pytest.raises(ValidationError):
        evaluation.scores_save(measure=measure, evaluator=facilitator, scores={foreign.pk: (4, "")})
    assert not Score.objects.exists()


def test_citizens_cannot_score(measure, criteria, citizen, login):
    response = login(citizen).post(
        url("evaluation_score", measure.district, pk=measure.pk), score_form(criteria, 4, 4)
    )

    assert response.status_code == 403
    assert not Score.objects.exists()


def test_the_weighted_mean_of_several_evaluators(
    measure, criteria, facilitator, district_admin, district
):
    colleague = MembershipFactory(district=district).user
    score(measure, facilitator, 5, 1)
    score(measure, district_admin, 3, 3)
    score(measure, colleague, 4, 5)
    # Means per criterion: Umsetzbarkeit 4, Nachhaltigkeit 3; weighted (3·4 + 1·3) / 4 = 3.75.
    measure.refresh_from_db()
    assert measure.evaluation_score == Decimal("3.75")
    assert Score.objects.filter(measure=measure).count() == 6


def test_a_criterion_left_out_does_not_shift_the_weights(measure, criteria, facilitator):
    evaluation.scores_save(measure=measure, evaluator=facilitator, scores={criteria[1].pk: (2, "")})

    measure.refresh_from_db()
    assert measure.evaluation_score == Decimal("2.00")


def test_scoring_again_replaces_the_own_scores(measure, criteria, facilitator, login):
    client = login(facilitator)
    page = url("evaluation_score", measure.district, pk=measure.pk)
    client.post(page, score_form(criteria, 1, 1))

    response = client.post(page, score_form(criteria, 4, 0, comment="Nach Rücksprache"))

    assert response.status_code == 302
    assert sorted(Score.objects.values_list("value", flat=True)) == [0, 4]
    measure.refresh_from_db()
    assert measure.evaluation_score == Decimal("3.00")
    # The form shows the own scores and comments when opened again.
    content = client.get(page).content.decode()
    assert "Nach Rücksprache" in content
    assert re.search(rf'name="score_{criteria[0].pk}" value="4"[^>]*checked', content)


def test_recount_rebuilds_the_stored_scores(measure, criteria, facilitator):
    score(measure, facilitator, 4, 4)
    Measure.objects.filter(pk=measure.pk).update(evaluation_score=None)

    assert evaluation.evaluation_recount(district=measure.district) == 1

    measure.refresh_from_db()
    assert measure.evaluation_score == Decimal("4.00")


def test_scoring_follows_the_evaluation_phase(measure, criteria, facilitator, login, monkeypatch):
    """The seam for the process phases: when `is_evaluation_open` says no, nobody scores."""
    monkeypatch.setattr(permissions.is_evaluation_open, "fn", lambda user, measure: False)
    client = login(facilitator)
    page = url("evaluation_score", measure.district, pk=measure.pk)

    assert "kann derzeit nicht bewertet werden" in client.get(page).content.decode()
    assert client.post(page, score_form(criteria, 4, 4)).status_code == 403
    assert not Score.objects.exists()


def test_a_withdrawn_measure_cannot_be_scored(measure, criteria, facilitator, citizen):
    services.measure_withdraw(measure=measure, user=citizen, reason="Erledigt sich anders.")
    measure.refresh_from_db()
    assert measure.status == Status.WITHDRAWN

    with pytest.raises(PermissionDenied):
        score(measure, facilitator, 4, 4)


# --- Thresholds and tiers -------------------------------------------------------------------------


def test_thresholds_turn_scores_into_tiers(district, criteria, facilitator, district_admin):
    top, middle, low, unscored = MeasureFactory.create_batch(4, district=district)
    score(top, facilitator, 5, 4)  # 4.75
    score(middle, facilitator, 3, 4)  # 3.25
    score(low, facilitator, 2, 1)  # 1.75

    evaluation.thresholds_set(
        district=district, user=district_admin, premium_plus_min="4.5", premium_min="3"
    )

    tiers = dict(Measure.objects.values_list("pk", "tier"))
    assert tiers == {
        top.pk: Tier.PREMIUM_PLUS,
        middle.pk: Tier.PREMIUM,
        low.pk: Tier.FURTHER,
        unscored.pk: "",
    }

    evaluation.thresholds_set(
        district=district, user=district_admin, premium_plus_min="5", premium_min="1.5"
    )

    tiers = dict(Measure.objects.values_list("pk", "tier"))
    assert (tiers[top.pk], tiers[middle.pk], tiers[low.pk]) == (
        Tier.PREMIUM,
        Tier.PREMIUM,
        Tier.PREMIUM,
    )


def test_reversed_thresholds_are_refused(district, district_admin, login):
    response = login(district_admin).post(
        url("evaluation_thresholds", district), {"premium_plus_min": "2", "premium_min": "3"}
    )

    assert response.status_code == 400
    assert "Premium+ braucht mindestens die Punktzahl" in response.content.decode()
    assert not TierThresholds.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        TierThresholds.objects.create(district=district, premium_plus_min=2, premium_min=3)


def test_thresholds_outside_the_scale_are_refused(district, district_admin):
    with pytest.raises(ValidationError) as error:
        evaluation.thresholds_set(
            district=district, user=district_admin, premium_plus_min="6", premium_min="3"
        )
    assert "premium_plus_min" in error.value.message_dict


def test_a_tier_override_without_reason_is_refused(
    measure, criteria, facilitator, district_admin, login
):
    score(measure, facilitator, 1, 1)
    measure.refresh_from_db()
    assert measure.tier == Tier.FURTHER

    response = login(district_admin).post(
        url("evaluation_tier", measure.district, pk=measure.pk),
        {"tier": Tier.PREMIUM_PLUS, "reason": "   "},
    )

    assert response.status_code == 400
    assert "Bitte begründen Sie" in response.content.decode()
    with pytest.raises(ValidationError):
        evaluation.tier_override(
            measure=measure, user=district_admin, tier=Tier.PREMIUM_PLUS, reason=""
        )
    measure.refresh_from_db()
    assert (measure.tier, measure.tier_overridden) == (Tier.FURTHER, False)


def test_a_district_admin_overrides_a_tier_with_a_reason_that_is_recorded(
    measure, criteria, facilitator, district_admin, login
):
    score(measure, facilitator, 1, 1)
    client = login(district_admin)

    response = client.post(
        url("evaluation_tier", measure.district, pk=measure.pk),
        {"tier": Tier.PREMIUM_PLUS, "reason": "Kreistagsbeschluss vom 12. März"},
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.tier == Tier.PREMIUM_PLUS
    assert measure.tier_overridden
    assert measure.tier_reason == "Kreistagsbeschluss vom 12. März"
    assert measure.tier_overridden_by == district_admin
    assert measure.tier_overridden_at is not None
    # A later score does not move an overridden tier.
    score(measure, facilitator, 2, 2)
    measure.refresh_from_db()
    assert measure.tier == Tier.PREMIUM_PLUS
    # Until the admin gives it back to the thresholds.
    client.post(url("evaluation_tier_clear", measure.district, pk=measure.pk))
    measure.refresh_from_db()
    assert (measure.tier, measure.tier_overridden, measure.tier_reason) == (
        Tier.FURTHER,
        False,
        "",
    )


def test_facilitators_cannot_override_tiers(measure, facilitator, login):
    response = login(facilitator).post(
        url("evaluation_tier", measure.district, pk=measure.pk),
        {"tier": Tier.PREMIUM_PLUS, "reason": "Weil"},
    )

    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.tier == ""


# --- Reads: ranking, sort order, tier filter ------------------------------------------------------


def test_ranking_shows_measures_by_score_with_supports_beside(
    district, criteria, facilitator, login, company
):
    supported = MeasureFactory(district=district, title="Viel unterstützt")
    services.support_add(measure=supported, user=company)
    best = MeasureFactory(district=district, title="Am besten bewertet")
    MeasureFactory(district=district, title="Noch ohne Bewertung")
    score(best, facilitator, 5, 5)
    score(supported, facilitator, 2, 2)

    content = login(facilitator).get(url("evaluation_ranking", district)).content.decode()

    assert (
        content.index("Am besten bewertet")
        < content.index("Viel unterstützt")
        < content.index("Noch ohne Bewertung")
    )
    assert "Premium+" in content and "5,00" in content


def test_ranking_filters_by_tier(district, criteria, facilitator, login):
    best = MeasureFactory(district=district, title="Spitzenprojekt")
    MeasureFactory(district=district, title="Weitere Idee am Rand")
    score(best, facilitator, 5, 5)

    content = (
        login(facilitator)
        .get(url("evaluation_ranking", district), {"stufe": Tier.PREMIUM_PLUS})
        .content.decode()
    )

    assert "Spitzenprojekt" in content
    assert "Weitere Idee am Rand" not in content


def _ranking_queries(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_ranking_query_count_does_not_grow_with_the_measures(
    district, criteria, facilitator, district_admin, login
):
    client = login(facilitator)
    path = url("evaluation_ranking", district)
    for measure in MeasureFactory.create_batch(3, district=district):
        score(measure, facilitator, 4, 3)
    few = _ranking_queries(client, path)

    for measure in MeasureFactory.create_batch(30, district=district):
        score(measure, facilitator, 3, 2)
        score(measure, district_admin, 5, 1)
    many = _ranking_queries(client, path)

    assert few == many
    assert many <= 12


def test_scoring_page_query_count_does_not_grow_with_the_evaluators(
    district, measure, criteria, facilitator, login
):
    client = login(facilitator)
    path = url("evaluation_score", district, pk=measure.pk)
    score(measure, facilitator, 3, 3)
    few = _ranking_queries(client, path)
    for _ in range(5):
        score(measure, MembershipFactory(district=district).user, 2, 4)

    assert _ranking_queries(client, path) == few <= 14


def test_best_evaluated_sort_order_puts_unscored_measures_last(district, criteria, facilitator):
    unscored = MeasureFactory(district=district)
    low = MeasureFactory(district=district)
    high = MeasureFactory(district=district)
    score(low, facilitator, 1, 1)
    score(high, facilitator, 4, 4)

    ordered = list(Measure.objects.for_district(district).sorted_by("evaluated"))

    assert ordered == [high, low, unscored]


def test_the_list_can_be_filtered_by_tier(district, criteria, facilitator):
    high = MeasureFactory(district=district)
    MeasureFactory(district=district)
    score(high, facilitator, 5, 5)

    assert list(Measure.objects.for_district(district).in_tier(Tier.PREMIUM_PLUS)) == [high]
    assert Measure.objects.for_district(district).in_tier("unbekannt").count() == 2


# --- Demo -----------------------------------------------------------------------------------------


def test_demo_gives_werra_meissner_a_tiered_list_from_two_evaluators():
    from measures.evaluation_demo import load_evaluation
    from strategy_portal.demo import load_demo

    load_demo()
    first = load_evaluation()
    second = load_evaluation()

    assert first["measures"] == 14 and first["scores"] == 14 * 4 * 2
    assert not any(second.values())
    tiers = Measure.objects.filter(district__slug="werra-meissner-kreis").values_list(
        "tier", flat=True
    )
    assert sorted(tiers).count(Tier.PREMIUM_PLUS) == 3
    assert list(tiers).count(Tier.PREMIUM) == 5
    assert list(tiers).count(Tier.FURTHER) == 6
    assert Criterion.objects.filter(district__slug="landkreis-meissen").count() == 4
    evaluators = Score.objects.values("evaluator").distinct().count()
    assert evaluators == 2


def test_the_workspace_links_to_the_evaluation(district, facilitator, login):
    content = login(facilitator).get(f"/{district.slug}/verwaltung/").content.decode()

    assert url("evaluation_ranking", district) in content


def test_an_evaluator_deleted_keeps_the_scores_counting(measure, criteria, district):
    evaluator = MembershipFactory(district=district).user
    score(measure, evaluator, 4, 4)

    evaluator.delete()

    assert Score.objects.get(criterion=criteria[0]).evaluator is None
    assert evaluation.evaluation_recount(district=district) == 0


def test_an_evaluators_data_export_holds_their_scores_and_deletion_keeps_them_counting(
    measure, criteria, district_admin
):
    from strategy_portal.personal_data import erase_personal_data, export_personal_data

    score(measure, district_admin, 4, 2, comment="Schnell machbar")
    evaluation.tier_override(
        measure=measure, user=district_admin, tier=Tier.PREMIUM, reason="Kreistag"
    )

    exported = export_personal_data(district_admin)["measure_evaluation"]
    assert {s["criterion"]: s["score"] for s in exported["scores"]} == {
        "Zeitnahe Umsetzbarkeit": 4,
        "Nachhaltigkeit": 2,
    }
    assert exported["tiers_set"][0]["reason"] == "Kreistag"

    erase_personal_data(district_admin)
    district_admin.delete()

    assert Score.objects.filter(measure=measure, evaluator=None).count() == 2
    measure.refresh_from_db()
    assert (measure.tier_overridden_by, measure.tier_reason) == (None, "Kreistag")
