"""The workshops' part of the participation statistics: workshops held by year and their
participants; drafts, future workshops and other districts do not count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from workshops.models import WorkshopStatus

from .helpers import at, make_workshop

pytestmark = pytest.mark.django_db


def test_statistics_show_workshops_held_and_their_participants(client, district, other_district):
    make_workshop(district, title="Expert*innenworkshop", slug="a", participant_count=12)
    make_workshop(
        district,
        title="Bürgerwerkstatt",
        slug="b",
        start=at(2024, 3, 5, 17),
        end=at(2024, 3, 5, 20),
        participant_count=30,
    )
    make_workshop(district, title="Entwurf", slug="c", status=WorkshopStatus.DRAFT)
    soon = timezone.now() + timedelta(days=10)
    make_workshop(district, title="Demnächst", slug="d", start=soon, end=soon, participant_count=5)
    make_workshop(other_district, title="Anderswo", slug="e", participant_count=99)

    response = client.get(f"/{district.slug}/statistik/")

    charts = {
        entry["chart"].key: entry["chart"]
        for section in response.context["sections"]
        for entry in section["charts"]
    }
    assert charts["workshops-by-year"].rows == [("2023", 1), ("2024", 1)]
    assert charts["workshop-participants"].rows == [
        ("Bürgerwerkstatt", 30),
        ("Expert*innenworkshop", 12),
    ]
    html = response.content.decode()
    assert "Teilnehmende der Workshops" in html and "Anderswo" not in html
