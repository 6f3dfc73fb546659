import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from workshops.models import Attachment, Figure

from .helpers import make_workshop, ooxml_bytes

pytestmark = pytest.mark.django_db


def _post(client, workshop, part, data):
    return client.post(f"/landkreis-meissen/verwaltung/workshops/{workshop.pk}/{part}/", data)


@pytest.fixture
def workshop(district):
    return make_workshop(district)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("protokoll.pdf", b"%PDF-1.7\n...", "pdf"),
        ("tabelle.xlsx", ooxml_bytes("xl/workbook.xml"), "xlsx"),
        ("folien.pptx", ooxml_bytes("ppt/presentation.xml"), "pptx"),
        ("text.docx", ooxml_bytes("word/document.xml"), "docx"),
    ],
)
def test_office_documents_are_accepted(login, facilitator, workshop, name, content, kind):
    upload = SimpleUploadedFile(name, content)
    response = _post(login(facilitator), workshop, "anlagen", {"title": "Anlage", "file": upload})
    assert response.status_code == 302
    assert Attachment.objects.get().kind == kind


def test_an_opendocument_is_recognised_by_its_mimetype(login, facilitator, workshop):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    upload = SimpleUploadedFile("liste.xlsx", buffer.getvalue())
    _post(login(facilitator), workshop, "anlagen", {"title": "Liste", "file": upload})
    attachment = Attachment.objects.get()
    assert attachment.kind == "ods"
    assert attachment.file.name.endswith(".ods")


def test_an_executable_renamed_pdf_is_refused(login, facilitator, workshop):
    upload = SimpleUploadedFile("rechnung.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = _post(login(facilitator), workshop, "anlagen", {"title": "X", "file": upload})
    assert response.status_code == 200
    assert "content was checked" in response.content.decode() or "Inhalt" in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()


def test_an_xlsx_that_is_a_zip_of_something_else_is_refused(login, facilitator, workshop):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("urlaub/foto.jpg", b"\xff\xd8\xff")
    upload = SimpleUploadedFile("tabelle.xlsx", buffer.getvalue())
    response = _post(login(facilitator), workshop, "anlagen", {"title": "X", "file": upload})
    assert response.status_code == 200
    assert not Attachment.objects.exists()


def test_a_decompression_bomb_image_is_refused(login, facilitator, workshop):
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("riesig.png", buffer.getvalue(), content_type="image/png")
    response = _post(
        login(facilitator),
        workshop,
        "abbildungen",
        {"image": upload, "caption": "Groß", "alt_text": "Weiß"},
    )
    assert response.status_code == 200
    assert "pixel" in response.content.decode().lower()
    assert not Figure.objects.exists()


def test_an_svg_with_script_is_refused(login, facilitator, workshop):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    upload = SimpleUploadedFile("grafik.svg", svg, content_type="image/svg+xml")
    response = _post(
        login(facilitator),
        workshop,
        "abbildungen",
        {"image": upload, "caption": "SVG", "alt_text": "Grafik"},
    )
    assert response.status_code == 200
    assert "SVG" in response.content.decode()
    assert not Figure.objects.exists()
