from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from workshops.models import Attachment, Figure, Format, Workshop

from .helpers import add_attachment, add_next_date, add_parts, at, make_workshop, png_bytes

pytestmark = pytest.mark.django_db


def test_workshop_page_reads_like_a_protocol(client, district):
    workshop = add_parts(make_workshop(district, motto="Digitallabor"), participants=4)
    add_attachment(workshop)
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "TOP 1: Punkt 1" in page
    assert "Bericht 2" in page
    assert "Person 0" in page and "Person 2" in page
    assert "Person 1" not in page  # no consent: only the organisation is shown
    assert "Organisation 1 (1)" in page
    assert "Maßnahme 1.0" in page
    measure = workshop.groups.get(number=1).measures.first().measure
    assert measure.get_absolute_url() in page
    assert 'alt="Ein rotes Rechteck"' in page
    assert "20\xa0Bytes" in page
    assert "Digitallabor" in page


def test_list_separates_upcoming_and_past_and_filters(client, district, action_field):
    past = make_workshop(district, title="Altes Treffen")
    past.action_fields.add(action_field)
    soon = timezone.now() + timedelta(days=3)
    make_workshop(
        district,
        title="Demnächst",
        format=Format.ONLINE,
        online_tool="Videokonferenz",
        start=soon,
        end=soon + timedelta(hours=2),
    )
    make_workshop(district, title="Entwurf", status="draft", slug="entwurf")
    page = client.get("/landkreis-meissen/workshops/").content.decode()
    assert page.index("Demnächst") < page.index("Altes Treffen")
    assert "Entwurf" not in page
    online = client.get("/landkreis-meissen/workshops/?format=online").content.decode()
    assert "Demnächst" in online and "Altes Treffen" not in online
    by_field = client.get(
        f"/landkreis-meissen/workshops/?action_field={action_field.slug}"
    ).content.decode()
    assert "Altes Treffen" in by_field and "Demnächst" not in by_field
    by_year = client.get("/landkreis-meissen/workshops/?year=2023").content.decode()
    assert "Altes Treffen" in by_year and "Demnächst" not in by_year
    assert client.get("/landkreis-meissen/workshops/?year=abc&format=x").status_code == 200
    partly = client.get("/landkreis-meissen/workshops/?year=abc&format=online").content.decode()
    assert "Demnächst" in partly and "Altes Treffen" not in partly


def test_dates_page_shows_upcoming_dates_and_the_subscribe_address(client, district):
    workshop = make_workshop(district)
    add_next_date(workshop, timezone.now() + timedelta(days=10), title="Basismodul IT-Sicherheit")
    add_next_date(workshop, timezone.now() - timedelta(days=10), title="Längst vorbei")
    page = client.get("/landkreis-meissen/termine/").content.decode()
    assert "Basismodul IT-Sicherheit" in page
    assert "Längst vorbei" not in page
    assert "/landkreis-meissen/termine.ics" in page


def test_attachment_is_served_through_the_storage(client, district):
    workshop = make_workshop(district)
    attachment = add_attachment(workshop)
    response = client.get(f"{workshop.get_absolute_url()}anlagen/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        "Anlage 1" in response["Content-Disposition"]
        or "Anlage%201" in response["Content-Disposition"]
    )


def test_facilitator_builds_a_workshop_section_by_section(login, facilitator, district):
    client = login(facilitator)
    response = client.post(
        "/landkreis-meissen/verwaltung/workshops/neu/",
        {
            "title": "Expert*innenworkshop",
            "format": "in_person",
            "venue": "Großenhain",
            "start": "2023-06-13T13:00",
            "end": "2023-06-13T17:00",
        },
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert workshop.status == "draft"
    assert workshop.start == at(2023, 6, 13, 13)
    base = f"/landkreis-meissen/verwaltung/workshops/{workshop.pk}/"
    for title in ("Begrüßung", "Vorstellungsrunde"):
        client.post(base + "tagesordnung/", {"number": "TOP", "title": title})
    first, second = workshop.agenda_items.order_by("position")
    client.post(base + f"tagesordnung/{second.pk}/verschieben/", {"direction": "up"})
    assert [i.title for i in workshop.agenda_items.order_by("position")] == [
        "Vorstellungsrunde",
        "Begrüßung",
    ]
    response = client.post(
        base + f"tagesordnung/{first.pk}/verschieben/",
        {"direction": "down"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Begrüßung" in response.content.decode()
    upload = SimpleUploadedFile("foto.png", png_bytes((800, 600)), content_type="image/png")
    response = client.post(
        base + "abbildungen/",
        {"image": upload, "caption": "Gruppenarbeit", "alt_text": "Menschen an Stellwänden"},
    )
    figure = Figure.objects.get()
    assert figure.thumbnail and figure.thumbnail.width <= 480
    client.post(base + "ausblick/", {"outlook": "Weiter geht es.", "save_outlook": "1"})
    workshop.refresh_from_db()
    assert workshop.outlook == "Weiter geht es."


def test_a_figure_needs_alternative_text(login, facilitator, district):
    workshop = make_workshop(district)
    upload = SimpleUploadedFile("foto.png", png_bytes(), content_type="image/png")
    response = login(facilitator).post(
        f"/landkreis-meissen/verwaltung/workshops/{workshop.pk}/abbildungen/",
        {"image": upload, "caption": "Ohne Beschreibung", "alt_text": ""},
    )
    assert response.status_code == 200
    assert not Figure.objects.exists()
    assert not Attachment.objects.exists()


def test_markdown_with_script_and_javascript_links_is_made_harmless(client, district):
    from workshops.models import DocumentationSection

    workshop = make_workshop(district)
    DocumentationSection.objects.create(
        workshop=workshop,
        title="Bericht",
        text="<script>alert(1)</script>\n\n[Klick](javascript:alert(2)) und **fett**",
    )
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "<strong>fett</strong>" in page
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page.replace(" ", "")
