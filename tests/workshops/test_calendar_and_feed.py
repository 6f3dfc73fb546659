from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from .helpers import add_next_date, at, make_workshop

pytestmark = pytest.mark.django_db


def _events(client, slug="landkreis-meissen"):
    response = client.get(f"/{slug}/termine.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return response.content.decode(), {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_calendar_keeps_local_time_across_daylight_saving(client, district):
    # Around the change of 28 March 2027: 10:00 in Berlin is 09:00 UTC before, 08:00 UTC after.
    make_workshop(
        district, title="Wintertermin", start=at(2027, 3, 20, 10), end=at(2027, 3, 20, 12)
    )
    summer = make_workshop(
        district,
        title="Sommertermin",
        slug="sommer",
        start=at(2027, 4, 2, 10),
        end=at(2027, 4, 2, 12),
    )
    text, events = _events(client)
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Berlin" in text
    assert "DTSTART;TZID=Europe/Berlin:" in text
    for event in (events["Wintertermin"], events["Sommertermin"]):
        start = event["dtstart"].dt
        assert (start.hour, str(start.tzinfo)) == (10, "Europe/Berlin")
    assert events["Wintertermin"]["dtstart"].dt.utcoffset() == timedelta(hours=1)
    assert events["Sommertermin"]["dtstart"].dt.utcoffset() == timedelta(hours=2)
    assert str(events["Sommertermin"]["location"]) == "Großenhain"
    assert str(events["Sommertermin"]["url"]).endswith(summer.get_absolute_url())


def test_calendar_lists_next_dates_and_leaves_out_drafts(client, district):
    workshop = make_workshop(district, start=at(2025, 1, 26, 9), end=at(2025, 1, 26, 12))
    workshop.start = timezone.now() - timedelta(days=30)
    workshop.end = workshop.start + timedelta(hours=3)
    workshop.save()
    add_next_date(workshop, timezone.now() + timedelta(days=20), title="IT-Sicherheit für KMU")
    make_workshop(
        district,
        title="Geheimer Entwurf",
        slug="entwurf",
        status="draft",
        start=timezone.now(),
        end=timezone.now(),
    )
    _text, events = _events(client)
    assert "IT-Sicherheit für KMU" in events
    assert str(events["IT-Sicherheit für KMU"]["location"]) == "Friedberg"
    assert "Geheimer Entwurf" not in events


def test_feed_lists_published_documentation(client, district):
    make_workshop(district, title="Veröffentlicht")
    make_workshop(district, title="Entwurf", slug="entwurf", status="draft")
    response = client.get("/landkreis-meissen/workshops/feed/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'xmlns="http://www.w3.org/2005/Atom"' in body
    assert "Veröffentlicht" in body and "Entwurf" not in body
    assert "/landkreis-meissen/workshops/expertenworkshop/" in body or "veroeffentlicht" in body
