"""PDF documents: the safe URL fetcher, the rendered file, the generated-document record and task,
and the request → progress → download pages (mounted here for a builder that exists only in
these tests)."""

import io
import subprocess
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.urls import include, path, reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from strategy_portal import documents
from strategy_portal import urls as project_urls
from strategy_portal.document_tasks import render_document
from strategy_portal.documents_views import DocumentViewMixin, document_urlpatterns
from strategy_portal.models import DocumentStatus, GeneratedDocument
from strategy_portal.pdf import RefusedURL, SiteURLFetcher, render_html, render_template

LONG_TEXT = " ".join(
    [
        "Die Digitalisierungsstrategie des Landkreises beschreibt, wie Kreisverwaltung, "
        "Wirtschaftsförderungsgesellschaft und Zivilgesellschaft gemeinsam den "
        "Breitbandinfrastrukturausbau und die Datenschutzgrundverordnungskonformität der "
        "Fachverfahren voranbringen."
    ]
    * 25
)


# --- Test document kind and its pages ------------------------------------------------------------


def sample_source(district, *, rows=3, figures=()):
    chapters = [
        {
            "id": "praeambel",
            "title": "Präambel",
            "text": LONG_TEXT + "\n\nMehr unter https://www.example.org/" + "pfad/" * 40,
            "sections": [{"id": "werte", "title": "Werte und Ziele", "text": LONG_TEXT}],
        },
        {
            "id": "massnahmen",
            "title": "Alle Maßnahmen",
            "text": "Die folgende Tabelle listet alle Maßnahmen.",
            "table": {
                "caption": "Maßnahmen nach Handlungsfeld",
                "head": [("Nr.", 10), ("Titel", 50), ("Handlungsfeld", 25), ("Status", 15)],
                "rows": [
                    [
                        str(n),
                        f"Kompetenzzentrum Digitalisierung, Baustein {n}",
                        "Arbeit 4.0",
                        "offen",
                    ]
                    for n in range(1, rows + 1)
                ],
            },
            "figures": list(figures),
        },
    ]
    return documents.DocumentSource(
        template_name="pdf/sample.html",
        context={
            "district": district,
            "chapters": chapters,
            "toc": [{"id": c["id"], "title": c["title"], "level": 1} for c in chapters],
            "document_subtitle": "Ein Musterdokument",
        },
        title=f"Musterdokument {district.name}",
        filename=f"Musterdokument {district.name}",
    )


@pytest.fixture
def sample_kind(monkeypatch):
    """A document kind registered only in these tests: the district's sample document."""
    calls = {"fail": False}

    def build(district):
        if calls["fail"]:
            raise RuntimeError("builder broke")
        return sample_source(district)

    monkeypatch.setitem(
        documents._builders, "test-sample", documents.Builder("test-sample", build, None)
    )
    monkeypatch.setitem(
        documents._builders, "test-pruned", documents.Builder("test-pruned", build, 1)
    )
    return calls


class SampleDocument(DocumentViewMixin):
    kind = "test-sample"
    permission_required = "strategy_portal.view_workspace"
    download_permission_required = None


urlpatterns = [
    path(
        "<slug:district>/musterdokument/",
        include(document_urlpatterns(SampleDocument, name="sample_pdf")),
    ),
    *project_urls.urlpatterns,
]
uses_sample_urls = pytest.mark.urls(__name__)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_bytes(size=(120, 80), colour=(27, 79, 138)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


# --- URL fetcher ----------------------------------------------------------------------------------


class RecordingServer:
    """A local web server that records every request it gets; /weiter redirects."""

    def __init__(self):
        self.requests = []
        recorder = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.append(self.path)
                if self.path.startswith("/weiter"):
                    self.send_response(302)
                    self.send_header("Location", "/static/css/pdf.css")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(png_bytes())

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def web_server():
    with RecordingServer() as server:
        yield server


def fetch(url):
    response = SiteURLFetcher().fetch(url)
    try:
        return response.read(), response.content_type
    finally:
        response.close()


def test_fetcher_serves_the_sites_static_files():
    body, content_type = fetch("sp-site:/static/css/pdf.css")
    assert b"@page" in body
    assert content_type == "text/css"


def test_fetcher_serves_fonts_of_the_design_system_as_truetype():
    body, _content_type = fetch("sp-site:/static/kern/fonts/fira-sans/FiraSans-Regular.woff2")
    assert body[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")


def test_fetcher_reads_media_through_the_storage_api(settings):
    # An in-memory storage has no file on disk: only the storage API can answer.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    name = default_storage.save("districts/logos/wappen.png", ContentFile(png_bytes()))
    body, content_type = fetch(f"sp-site:/media/{name}")
    assert body == png_bytes()
    assert content_type == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "sp-site:/etc/passwd",
        "sp-site:/static/../../../../etc/passwd",
        "sp-site:/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "sp-site:/media/..%2f..%2fdb.sqlite3",
        "sp-site://evil.example/static/css/pdf.css",
        "https://www.example.org/logo.png",
        "ftp://example.org/logo.png",
        "data:text/html,<script>alert(1)</script>",
        "data:image/png;base64," + "A" * 200_000,
    ],
)
def test_fetcher_refuses_anything_but_the_sites_own_files(url):
    with pytest.raises((RefusedURL, FileNotFoundError)):
        fetch(url)


def test_fetcher_refuses_file_urls_even_to_the_sites_own_static_files():
    real_path = finders.find("css/pdf.css")
    assert real_path
    with pytest.raises(RefusedURL):
        fetch(f"file://{real_path}")


def test_fetcher_refuses_the_sites_own_host_by_name(settings, web_server):
    settings.SITE_URL = web_server.url
    with pytest.raises(RefusedURL):
        fetch(f"{settings.SITE_URL}/static/css/pdf.css")
    with pytest.raises(RefusedURL):
        fetch(f"{web_server.url}/bild.png")
    assert web_server.requests == []


def test_fetcher_follows_no_redirect(web_server):
    with pytest.raises(RefusedURL):
        fetch(f"{web_server.url}/weiter")
    assert web_server.requests == []


def test_fetcher_allows_small_inline_images_only():
    import base64

    small = "data:image/png;base64," + base64.b64encode(png_bytes((4, 4))).decode()
    body, content_type = fetch(small)
    assert body == png_bytes((4, 4))
    assert content_type == "image/png"


def test_rendering_contacts_no_other_host_and_reads_no_local_file(web_server, tmp_path):
    secret = tmp_path / "geheim.png"
    secret.write_bytes(png_bytes())
    html = f"""<!DOCTYPE html><html lang="de"><head><title>Test</title>
      <link rel="stylesheet" href="{web_server.url}/style.css"></head>
      <body><p>Text</p><img src="{web_server.url}/bild.png" alt="fremd">
      <img src="{web_server.url}/weiter" alt="umgeleitet">
      <img src="file://{secret}" alt="lokal"></body></html>"""
    result = render_html(html)
    assert web_server.requests == []
    reader = PdfReader(io.BytesIO(result.content))
    assert not _images_of(reader)


# --- The rendered document ------------------------------------------------------------------------


def _images_of(reader):
    # WeasyPrint shares one resource dictionary between pages: count each image once.
    return {image.data for page in reader.pages for image in page.images}


def _outline_titles(reader, outline=None):
    titles = []
    for item in reader.outline if outline is None else outline:
        if isinstance(item, list):
            titles += _outline_titles(reader, item)
        else:
            titles.append(item.title)
    return titles


@pytest.fixture
def sample_pdf(media, district, tmp_path_factory):
    district.logo = default_storage.save("districts/logos/wappen.png", ContentFile(png_bytes()))
    district.logo_alt = "Wappen des Landkreises"
    foto = default_storage.save("workshops/gruppenfoto.png", ContentFile(png_bytes((600, 400))))
    source = sample_source(
        district,
        rows=90,
        figures=[{"src": foto, "alt": "Gruppenfoto", "caption": "Ergebnisse der Gruppe 1"}],
    )
    rendered = render_template(
        source.template_name, source.context, title=source.title, author=district.name
    )
    path_ = tmp_path_factory.mktemp("pdf") / "muster.pdf"
    path_.write_bytes(rendered.content)
    return path_, rendered


def test_sample_document_is_a_tagged_german_pdf_with_title_and_author(sample_pdf):
    pdf_path, rendered = sample_pdf
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True)
    assert "Title:           Musterdokument Landkreis Meißen" in info.stdout
    assert "Author:          Landkreis Meißen" in info.stdout
    assert "Tagged:          yes" in info.stdout
    reader = PdfReader(str(pdf_path))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "de"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert rendered.page_count == len(reader.pages) > 3


def test_sample_document_text_is_extractable_with_running_header_and_footer(sample_pdf):
    pdf_path, rendered = sample_pdf
    reader = PdfReader(str(pdf_path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Kompetenzzentrum Digitalisierung, Baustein 90" in text
    last = reader.pages[-1].extract_text()
    assert f"Seite {rendered.page_count} von {rendered.page_count}" in last
    assert "Stand:" in last
    assert "Alle Maßnahmen" in last  # the chapter in the running header
    assert "Abbildung 1: Ergebnisse der Gruppe 1" in text


def test_sample_table_repeats_its_header_on_every_page_it_spans(sample_pdf):
    pdf_path, _rendered = sample_pdf
    reader = PdfReader(str(pdf_path))
    table_pages = [p.extract_text() for p in reader.pages if "Baustein" in p.extract_text()]
    assert len(table_pages) > 1
    assert all("Handlungsfeld" in page for page in table_pages)


def test_sample_document_embeds_the_sites_fonts_and_media_images(sample_pdf):
    pdf_path, _rendered = sample_pdf
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True).stdout
    embedded = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert embedded and all("Fira-Sans" in name for name in embedded)
    reader = PdfReader(str(pdf_path))
    assert len(_images_of(reader)) == 2  # logo and figure, both from media storage


def test_sample_document_has_bookmarks_for_its_headings_and_a_table_of_contents(sample_pdf):
    pdf_path, _rendered = sample_pdf
    reader = PdfReader(str(pdf_path))
    titles = _outline_titles(reader)
    assert {"Präambel", "Werte und Ziele", "Alle Maßnahmen"} <= set(titles)
    contents = reader.pages[1].extract_text()
    assert "Inhalt" in contents
    # target-counter filled in the page number of the chapter.
    assert "Präambel" in contents and "3" in contents


def test_german_words_are_hyphenated_and_nothing_runs_into_the_right_margin(sample_pdf):
    pdf_path, _rendered = sample_pdf
    reader = PdfReader(str(pdf_path))
    text = "\n".join(page.extract_text() for page in reader.pages[2:4])
    # Hyphenation breaks long compounds at line ends.
    assert any(line.endswith("-") for line in text.splitlines())
    # Nothing of any page after the cover (the long URL, the table's rules) reaches into the
    # right margin of 20 mm: its pixels stay white.
    out = pdf_path.parent / "seite"
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "2", str(pdf_path), str(out)], check=True)
    pages = sorted(pdf_path.parent.glob("seite-*.png"))
    assert len(pages) == len(reader.pages) - 1
    for page in pages:
        image = Image.open(page).convert("L")
        margin_start = image.width - int((20 - 1) / 25.4 * 50)
        strip = image.crop((margin_start, 0, image.width, image.height))
        assert strip.getextrema()[0] > 250, f"{page.name} draws into the right margin"


# --- Generated documents --------------------------------------------------------------------------


def request_and_run(django_capture_on_commit_callbacks, obj, user=None, kind="test-sample"):
    with django_capture_on_commit_callbacks(execute=True):
        document, created = documents.document_request(kind=kind, obj=obj, user=user)
    document.refresh_from_db()
    return document, created


def test_requested_document_is_rendered_and_recorded(
    media, district, district_admin, sample_kind, django_capture_on_commit_callbacks
):
    document, created = request_and_run(
        django_capture_on_commit_callbacks, district, district_admin
    )
    assert created
    assert document.status == DocumentStatus.DONE
    assert document.progress == 100
    assert document.version == 1
    assert document.created_by == district_admin
    assert document.district == district
    assert document.page_count >= 3
    assert document.title == "Musterdokument Landkreis Meißen"
    assert document.filename == "Musterdokument Landkreis Meißen.pdf"
    assert document.started_at <= document.finished_at
    with default_storage.open(document.file.name) as stored:
        content = stored.read()
    assert content.startswith(b"%PDF-1.7")
    assert document.byte_size == len(content)
    assert documents.latest_document(kind="test-sample", obj=district) == document


def test_second_request_while_one_is_active_is_told_and_starts_nothing(
    media, district, sample_kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first, first_created = documents.document_request(kind="test-sample", obj=district)
    second, second_created = documents.document_request(kind="test-sample", obj=district)
    assert (first_created, second_created) == (True, False)
    assert second.pk == first.pk
    assert GeneratedDocument.objects.count() == 1


def test_failed_render_is_recorded_and_the_previous_version_stays(
    media, district, sample_kind, django_capture_on_commit_callbacks
):
    good, _created = request_and_run(django_capture_on_commit_callbacks, district)
    sample_kind["fail"] = True
    failed, _created = request_and_run(django_capture_on_commit_callbacks, district)
    assert failed.status == DocumentStatus.FAILED
    assert "builder broke" in failed.error_message
    assert not failed.file
    assert failed.version is None
    assert documents.latest_document(kind="test-sample", obj=district) == good
    assert default_storage.exists(good.file.name)
    _dirs, files = default_storage.listdir(f"documents/{district.pk}/test-sample")
    assert files == [good.file.name.rsplit("/", 1)[1]]


def test_new_version_replaces_the_old_file_only_once_it_is_complete(
    media, district, sample_kind, django_capture_on_commit_callbacks
):
    first, _created = request_and_run(
        django_capture_on_commit_callbacks, district, kind="test-pruned"
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second, _created = documents.document_request(kind="test-pruned", obj=district)
    # Requested but not rendered yet: the first version is still the one offered.
    assert documents.latest_document(kind="test-pruned", obj=district) == first
    assert default_storage.exists(first.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.version == 2
    assert documents.latest_document(kind="test-pruned", obj=district) == second
    assert not first.file  # the record stays as history, its file is gone
    assert len(default_storage.listdir(f"documents/{district.pk}/test-pruned")[1]) == 1


def test_rerun_of_the_task_after_it_finished_does_nothing(
    media, district, sample_kind, django_capture_on_commit_callbacks
):
    document, _created = request_and_run(django_capture_on_commit_callbacks, district)
    assert render_document(document.pk) is False
    document.refresh_from_db()
    assert document.version == 1
    assert GeneratedDocument.objects.count() == 1


def test_render_abandoned_by_a_dead_worker_does_not_block_a_new_request(
    media, district, sample_kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        stuck, _created = documents.document_request(kind="test-sample", obj=district)
    GeneratedDocument.objects.filter(pk=stuck.pk).update(
        status=DocumentStatus.RUNNING, modified=timezone.now() - timedelta(hours=1)
    )
    fresh, created = request_and_run(django_capture_on_commit_callbacks, district)
    stuck.refresh_from_db()
    assert created
    assert stuck.status == DocumentStatus.FAILED
    assert fresh.status == DocumentStatus.DONE


def test_unreachable_task_queue_marks_the_request_failed(
    media, district, sample_kind, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(render_document, "delay", broker_down)
    document, _created = request_and_run(django_capture_on_commit_callbacks, district)
    assert document.status == DocumentStatus.FAILED
    assert "task queue" in document.error_message


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_start_one_render(district, sample_kind, monkeypatch):
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(documents, "enqueue_render", lambda document_id: None)
    barrier = threading.Barrier(2)
    results = []

    def request():
        try:
            barrier.wait(timeout=10)
            results.append(documents.document_request(kind="test-sample", obj=district))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(created for _document, created in results) == [False, True]
    assert len({document.pk for document, _created in results}) == 1
    assert GeneratedDocument.objects.count() == 1


# --- Pages: request, progress, download -----------------------------------------------------------


def sample_url(district, suffix="", **kwargs):
    return reverse(f"sample_pdf{suffix}", kwargs={"district": district.slug, **kwargs})


@uses_sample_urls
def test_facilitator_requests_a_pdf_follows_progress_and_downloads_it(
    media, district, facilitator, login, sample_kind, django_capture_on_commit_callbacks
):
    client = login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sample_url(district, "_request"))
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == sample_url(district, "_status", document_id=document.pk)

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Das PDF ist fertig" in html
    download_url = sample_url(district, "_version", document_id=document.pk)
    assert download_url in html

    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Musterdokument%20Landkreis%20Mei%C3%9Fen.pdf"
        in (download["Content-Disposition"])
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@uses_sample_urls
def test_progress_page_polls_while_the_render_runs_and_reloads_without_javascript(
    media, district, facilitator, login, sample_kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        document, _created = documents.document_request(kind="test-sample", obj=district)
    client = login(facilitator)
    url = sample_url(district, "_status", document_id=document.pk)
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{url}"' in html
    assert '<noscript><meta http-equiv="refresh"' in html
    assert "<progress" in html
    assert f'href="{url}"' in html  # a reload link for whoever prefers it

    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()

    documents.document_render(document_id=document.pk)
    finished = client.get(url, headers={"HX-Request": "true"})
    assert finished.status_code == 286  # htmx stops polling
    assert "Das PDF ist fertig" in finished.content.decode()
    assert "hx-trigger" not in client.get(url).content.decode()


@uses_sample_urls
def test_second_request_is_told_that_the_pdf_is_already_being_created(
    media, district, facilitator, login, sample_kind, django_capture_on_commit_callbacks
):
    client = login(facilitator)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(sample_url(district, "_request"))
        response = client.post(sample_url(district, "_request"), follow=True)
    assert GeneratedDocument.objects.count() == 1
    assert "wird bereits erstellt" in response.content.decode()


@uses_sample_urls
def test_failed_render_offers_a_retry(
    media, district, facilitator, login, sample_kind, django_capture_on_commit_callbacks
):
    sample_kind["fail"] = True
    client = login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sample_url(district, "_request"))
    html = client.get(response["Location"]).content.decode()
    assert "konnte nicht erstellt werden" in html
    assert f'action="{sample_url(district, "_request")}"' in html
    assert "builder broke" not in html  # the technical detail stays in the record


@uses_sample_urls
@pytest.mark.parametrize("who", ["citizen", "other_district_facilitator"])
def test_only_the_districts_team_may_request_or_watch_a_render(
    media, district, who, request, login, sample_kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        document, _created = documents.document_request(kind="test-sample", obj=district)
    client = login(request.getfixturevalue(who))
    assert client.post(sample_url(district, "_request")).status_code == 403
    assert client.get(sample_url(district, "_status", document_id=document.pk)).status_code == 403
    assert GeneratedDocument.objects.count() == 1


@uses_sample_urls
def test_anonymous_visitor_is_sent_to_login_but_may_download_the_published_pdf(
    client, media, district, sample_kind, django_capture_on_commit_callbacks
):
    response = client.post(sample_url(district, "_request"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert client.get(sample_url(district)).status_code == 404  # nothing rendered yet

    request_and_run(django_capture_on_commit_callbacks, district)
    download = client.get(sample_url(district))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


@uses_sample_urls
def test_request_address_answers_only_post(district, facilitator, login, sample_kind):
    assert login(facilitator).get(sample_url(district, "_request")).status_code == 405


@uses_sample_urls
def test_document_of_another_district_is_not_found_under_this_one(
    media, district, other_district, facilitator, login, sample_kind,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False):
        foreign, _created = documents.document_request(kind="test-sample", obj=other_district)
    client = login(facilitator)
    assert client.get(sample_url(district, "_status", document_id=foreign.pk)).status_code == 404
    assert client.get(sample_url(district, "_version", document_id=foreign.pk)).status_code == 404
