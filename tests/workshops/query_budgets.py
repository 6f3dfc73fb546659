"""The workshops' page query budgets; the contract is in tests/strategy_portal/test_query_counts.py.

The workshop page reads every part of a workshop with one query per kind of part, so its count
stays the same however long the agenda, the participant list or the measure tables grow."""

from datetime import timedelta

from django.utils import timezone

from workshops.models import Workshop

from .helpers import add_attachment, add_next_date, add_parts, make_workshop

SLUG = "expertenworkshop"


def _workshop(district) -> Workshop:
    return Workshop.objects.get(district=district, slug=SLUG)


PAGES = [
    ("workshops", "/landkreis-meissen/workshops/", None, 8),
    ("workshop page", lambda d: _workshop(d).get_absolute_url(), None, 16),
    ("dates", "/landkreis-meissen/termine/", None, 5),
    ("dates ics", "/landkreis-meissen/termine.ics", None, 4),
    ("workshops feed", "/landkreis-meissen/workshops/feed/", None, 4),
    ("workspace workshops", "/landkreis-meissen/verwaltung/workshops/", "district_admin", 10),
    (
        "workshop preview",
        lambda d: f"/landkreis-meissen/verwaltung/workshops/{_workshop(d).pk}/vorschau/",
        "district_admin",
        22,
    ),
    (
        "workshop agenda editor",
        lambda d: f"/landkreis-meissen/verwaltung/workshops/{_workshop(d).pk}/tagesordnung/",
        "district_admin",
        14,
    ),
]


def _media(request):
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = request.getfixturevalue("tmp_path") / "media"


def populate(district, request):
    _media(request)
    workshop = add_parts(make_workshop(district, title="Expertenworkshop"), agenda=2, figures=1)
    add_attachment(workshop)
    add_next_date(workshop, timezone.now() + timedelta(days=7))
    make_workshop(district, title="Zweiter Workshop", slug="zweiter")


def grow(district, request, *, agenda=20, participants=20, figures=10, groups=4, **_sizes):
    _media(request)
    workshop = _workshop(district)
    add_parts(
        workshop,
        agenda=agenda,
        participants=participants,
        figures=figures,
        groups=groups,
        measures=5,
    )
    for n in range(5):
        add_attachment(workshop, title=f"Anlage {n}")
        add_next_date(workshop, timezone.now() + timedelta(days=10 + n))
        make_workshop(district, title=f"Workshop {n}", slug=f"workshop-{n}")
