"""Bad input around the evaluation, with the district's real timeline: scoring outside the
„Bewertung“ phase, and a tier reason with a script in it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from measures import evaluation_services as evaluation
from measures.models import Score, Tier
from strategy_portal import services as strategy_services

from ..strategy_portal.xss_payloads import SCRIPT_TAGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def criterion(district, district_admin):
    return evaluation.criterion_save(
        district=district, user=district_admin, title="Nachhaltigkeit", weight="1"
    )


def timeline(district, *, current: str):
    """Participation, then evaluation; `current` is the one running today."""
    today = timezone.localdate()
    days = {"participation": (-10, 10), "evaluation": (11, 40)}
    if current == "evaluation":
        days = {"participation": (-40, -11), "evaluation": (-10, 10)}
    for kind, (start, end) in days.items():
        strategy_services.phase_save(
            district=district,
            kind=kind,
            start=today + timedelta(days=start),
            end=today + timedelta(days=end),
        )


def score_url(measure):
    return reverse(
        "measures:evaluation_score",
        kwargs={"district": measure.district.slug, "pk": measure.pk},
    )


def test_scoring_in_the_participation_phase_is_refused_with_an_explanation(
    measure, criterion, facilitator, login
):
    timeline(measure.district, current="participation")
    client = login(facilitator)

    page = client.get(score_url(measure)).content.decode()
    post = client.post(score_url(measure), {f"score_{criterion.pk}": "4"})

    assert "kann derzeit nicht bewertet werden" in page
    assert post.status_code == 403
    with pytest.raises(PermissionDenied):
        evaluation.scores_save(
            measure=measure, evaluator=facilitator, scores={criterion.pk: (4, "")}
        )
    assert not Score.objects.exists()


def test_scoring_in_the_evaluation_phase_is_open(measure, criterion, facilitator, login):
    timeline(measure.district, current="evaluation")

    response = login(facilitator).post(
        score_url(measure), {f"score_{criterion.pk}": "4", f"comment_{criterion.pk}": ""}
    )

    assert response.status_code == 302
    assert Score.objects.get().value == 4


@pytest.mark.parametrize("payload", SCRIPT_TAGS[:4])
def test_a_tier_reason_with_a_script_is_harmless(measure, district_admin, login, payload):
    evaluation.tier_override(
        measure=measure, user=district_admin, tier=Tier.PREMIUM, reason=f"Begründung {payload}"
    )

    html = login(district_admin).get(score_url(measure)).content.decode().lower()

    assert "begründung" in html
    assert "<script>alert" not in html
    assert "<script src=https://evil" not in html
