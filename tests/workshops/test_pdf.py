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
