"""Bad input on the facilitator screens that the other test modules leave out: an empty title,
Markdown with script in every Markdown field on the preview and in the PDF, and a facilitator of
another district adding parts to a draft. Nothing is saved, no 500, a German message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from strategy_portal import documents, pdf
from workshops.models import (
    Attachment,
    DocumentationSection,
    Figure,
    Participant,
    Workshop,
    WorkshopGroup,
    WorkshopStatus,
)

from .helpers import add_parts, make_workshop, png_bytes

pytestmark = pytest.mark.django_db

BASE = "/landkreis-meissen/verwaltung/workshops/"
EVIL = (
    "<script>alert(1)</script>\n\n"
    '[Klick](javascript:alert(2)) <img src=x onerror="alert(3)"> **fett**'
)


def harmless(html: str) -> None:
    squeezed = html.replace(" ", "").lower()
    assert "<script>alert" not in squeezed
    assert 'href="javascript:' not in squeezed and "href='javascript:" not in squeezed
    assert "<imgsrc=x" not in squeezed  # shown as text at most: &lt;img …&gt;
    assert "<strong>fett</strong>" in html


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_creates_no_workshop(login, facilitator, title):
    response = login(facilitator).post(
        BASE + "neu/",
        {
            "title": title,
            "format": "in_person",
            "venue": "Großenhain",
            "start": "2023-06-13T13:00",
            "end": "2023-06-13T17:00",
        },
    )
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Workshop.objects.exists()


def test_an_empty_title_does_not_change_a_workshop(login, facilitator, district):
    workshop = make_workshop(district, title="Expertenworkshop", status=WorkshopStatus.DRAFT)
    response = login(facilitator).post(
        f"{BASE}{workshop.pk}/",
        {
            "title": "",
            "format": "in_person",
            "start": "2023-06-13T13:00",
            "end": "2023-06-13T17:00",
        },
    )
    assert response.status_code == 200
    workshop.refresh_from_db()
    assert workshop.title == "Expertenworkshop"


@pytest.fixture
def evil_workshop(district):
    workshop = add_parts(
        make_workshop(
            district, status=WorkshopStatus.DRAFT, summary=EVIL, outlook=EVIL, motto="Motto"
        ),
        agenda=1,
        figures=0,
        groups=1,
        measures=1,
    )
    DocumentationSection.objects.create(workshop=workshop, title="Bericht", text=EVIL)
    WorkshopGroup.objects.filter(workshop=workshop).update(
        vision=EVIL, values=EVIL, goals=EVIL, results=EVIL
    )
    return workshop


def test_markdown_with_script_is_harmless_on_the_preview(login, facilitator, evil_workshop):
    response = login(facilitator).get(f"{BASE}{evil_workshop.pk}/vorschau/")
    assert response.status_code == 200
    harmless(response.content.decode())


def test_markdown_with_script_is_harmless_in_the_pdf(evil_workshop):
    source = documents.builder("workshop").build(evil_workshop)
    harmless(pdf.document_html(source.template_name, source.context, title=source.title))


@pytest.mark.parametrize(
    ("part", "data", "model"),
    [
        ("teilnehmende", {"name": "Eindringling", "organisation": "X"}, Participant),
        ("abschnitte", {"title": "Fremd", "text": "Fremder Text"}, DocumentationSection),
        ("gruppen", {"number": "9", "topic": "Fremd"}, WorkshopGroup),
        ("abbildungen", {"caption": "Fremd", "alt_text": "Fremd"}, Figure),
        ("anlagen", {"title": "Fremd"}, Attachment),
    ],
)
def test_a_facilitator_of_another_district_adds_nothing_to_a_draft(
    login, other_district_facilitator, district, part, data, model
):
    draft = make_workshop(district, status=WorkshopStatus.DRAFT)
    before = model.objects.count()
    if part == "abbildungen":
        data["image"] = SimpleUploadedFile("f.png", png_bytes(), content_type="image/png")
    if part == "anlagen":
        data["file"] = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n")
    client = login(other_district_facilitator)
    assert client.get(f"{BASE}{draft.pk}/{part}/").status_code == 403
    assert client.post(f"{BASE}{draft.pk}/{part}/", data).status_code == 403
    assert model.objects.count() == before
