"""Markdown with a script in the Steckbrief's texts is harmless wherever the roof shows them: the
good examples, the landing page's teaser and the mission page."""

from datetime import date

import pytest

from measures import services as measure_services
from measures.models import Tier
from strategy_portal import services

from ..factories import ActionFieldFactory, MeasureFactory
from .xss_payloads import SCRIPT_TAGS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", SCRIPT_TAGS[:4])
def test_markdown_with_script_is_harmless_in_every_steckbrief_text(
    client, district, facilitator, payload
):
    field = ActionFieldFactory(district=district, slug="feld", summary=payload)
    mission = services.mission_save(
        district=district, action_field=field, title="Coworking etablieren", description=payload
    )
    measure = MeasureFactory(
        district=district, action_field=field, mission=mission, tier=Tier.PREMIUM_PLUS
    )
    measure_services.steckbrief_save(
        measure=measure,
        user=facilitator,
        fields={
            "responsible_body": payload,
            "partners": payload,
            "budget_estimate": payload,
            "funding_programme": payload,
            "indicators": payload,
        },
        milestones=[{"title": payload, "is_done": True, "done_on": date(2026, 3, 1)}],
    )

    pages = [
        "/gute-beispiele/",
        "/",
        f"/{district.slug}/strategie/feld/",
        f"/{district.slug}/strategie/feld/{mission.slug}/",
        measure.get_absolute_url(),
    ]
    for path in pages:
        response = client.get(path)
        html = response.content.decode().lower()
        assert response.status_code == 200, path
        assert "<script>alert" not in html, path
        assert "<script src=https://evil" not in html, path
