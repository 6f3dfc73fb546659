"""The district's dates as iCalendar (RFC 5545), for subscription in a calendar program.

Times are written in Europe/Berlin with its VTIMEZONE, so that an entry on either side of a
daylight-saving change shows at the local time it was announced for.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

BERLIN = ZoneInfo("Europe/Berlin")


def _local(value):
    return timezone.localtime(value, BERLIN)


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "strategieportal"


def calendar_ics(*, district, workshops, next_dates) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Strategieportal//Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Termine – {district.name}")
    calendar.add("x-wr-timezone", "Europe/Berlin")
    stamp = timezone.now()
    for workshop in workshops:
        event = Event()
        event.add("uid", f"workshop-{workshop.pk}@{_host()}")
        event.add("dtstamp", stamp)
        event.add("summary", workshop.title)
        event.add("dtstart", _local(workshop.start))
        event.add("dtend", _local(workshop.end))
        if workshop.place:
            event.add("location", workshop.place)
        url = workshop.get_full_url()
        event.add("url", url)
        description = "\n".join(p for p in (workshop.motto, workshop.summary, url) if p)
        event.add("description", description)
        event.add("last-modified", workshop.modified)
        calendar.add_component(event)
    for date in next_dates:
        event = Event()
        event.add("uid", f"termin-{date.pk}@{_host()}")
        event.add("dtstamp", stamp)
        event.add("summary", date.title)
        event.add("dtstart", _local(date.start))
        event.add("dtend", _local(date.end or date.start + timedelta(hours=2)))
        if date.venue:
            event.add("location", date.venue)
        url = date.link or date.workshop.get_full_url()
        event.add("url", url)
        event.add("description", f"Angekündigt im Workshop „{date.workshop.title}“\n{url}")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
