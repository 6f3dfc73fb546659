import io

import pytest
from pypdf import PdfReader

from strategy_portal.models import DocumentStatus, GeneratedDocument
from workshops.models import WorkshopStatus

from .helpers import add_attachment, add_parts, make_workshop

pytestmark = pytest.mark.django_db


def test_facilitator_creates_the_workshop_pdf_and_anyone_downloads_it(
    login, facilitator, client, district, django_capture_on_commit_callbacks
):
    workshop = add_parts(
        make_workshop(district, title="Expert*innenworkshop", funding_note="Gefördert durch …"),
        agenda=4,
        figures=2,
    )
    add_attachment(workshop, title="Präsentation")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(facilitator).post(f"{workshop.get_absolute_url()}pdf/erstellen/")
    assert response.status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.status == DocumentStatus.DONE, document.error_message
    client.logout()
    download = client.get(f"{workshop.get_absolute_url()}pdf/")
    assert download.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    assert len(reader.pages) > 1
    assert reader.metadata.title == "Expert*innenworkshop"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Gefördert durch" in text
    assert "Maßnahme 1.0" in text
    assert "Präsentation" in text
    assert "TOP 1: Bericht 1" in _bookmarks(reader.outline)


def _bookmarks(outline) -> list[str]:
    titles = []
    for item in outline:
        titles.extend(_bookmarks(item) if isinstance(item, list) else [item.title])
    return titles


def test_the_pdf_of_a_draft_is_not_public(client, login, district, other_district_facilitator):
    workshop = make_workshop(district, status=WorkshopStatus.DRAFT)
    assert client.get(f"{workshop.get_absolute_url()}pdf/").status_code == 302  # to login
    response = login(other_district_facilitator).post(
        f"{workshop.get_absolute_url()}pdf/erstellen/"
    )
    assert response.status_code == 403
    assert not GeneratedDocument.objects.exists()


# --- Layout: what a reader sees on the pages ------------------------------------------------------


def _laid_out(workshop):
    """The workshop document laid out by WeasyPrint (as `strategy_portal.pdf` does), for looking
    at the boxes, and the PDF's text page by page."""
    from weasyprint import HTML

    from strategy_portal import documents, pdf

    source = documents.builder("workshop").build(workshop)
    html = pdf.document_html(source.template_name, source.context, title=source.title)
    document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.SiteURLFetcher()).render()
    reader = PdfReader(io.BytesIO(document.write_pdf()))
    return document, [page.extract_text() for page in reader.pages]


def _boxes_with_class(box, name):
    element = getattr(box, "element", None)
    if element is not None and name in (element.get("class") or "").split():
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _boxes_with_class(child, name)


def test_the_cover_facts_sit_below_the_title_band_however_long_the_title(district):
    workshop = make_workshop(
        district,
        title="Expert*innenworkshop Digitalisierungsstrategie der Wirtschaftsförderung im "
        "Landkreis und seinen Städten und Gemeinden",
        motto="Digitallabor Wirtschaftsförderung",
        funding_note="Gefördert durch den Bund aufgrund eines Beschlusses des Bundestages.",
    )
    document, pages = _laid_out(workshop)

    cover = document.pages[0]._page_box
    (band,) = _boxes_with_class(cover, "pdf-cover__band")
    (facts,) = _boxes_with_class(cover, "pdf-cover__meta")
    band_bottom = band.position_y + band.margin_height()
    assert facts.position_y + facts.margin_top >= band_bottom + 10  # a clear gap, no overlap
    assert facts.position_y + facts.margin_height() <= cover.margin_height()  # on the cover
    assert "13.06.2023" in pages[0] and "Großenhain" in pages[0]
    assert "Gefördert durch den Bund" in pages[0]


def test_long_tables_repeat_their_header_figures_and_attachments_are_numbered(district):
    workshop = add_parts(
        make_workshop(district), agenda=12, participants=6, figures=3, groups=2, measures=20
    )
    add_attachment(workshop, title="Präsentation")
    add_attachment(workshop, title="Maßnahmentabelle")
    document, pages = _laid_out(workshop)
    text = "\n".join(pages)

    # Every page after the cover carries „Seite n von N“.
    assert len(pages) > 3
    for number, page in enumerate(pages[1:], start=2):
        assert f"Seite {number} von {len(pages)}" in page
    # A measure table running over a page break shows its header again on the next page.
    table_pages = [page for page in pages if "Maßnahme 1." in page or "Maßnahme 2." in page]
    assert len(table_pages) > 2
    for page in table_pages:
        assert "Mehrwert (Ziele der" in page
    # A table's caption is never left alone at the foot of a page.
    for page in pages:
        for group in (1, 2):
            if f"Maßnahmen der Gruppe {group}" in page:
                assert f"Maßnahme {group}.0" in page
    for number in (1, 2, 3):
        assert f"Abbildung {number}: Bild" in text
    assert "Anlage 1: Präsentation" in text and "Anlage 2: Maßnahmentabelle" in text
