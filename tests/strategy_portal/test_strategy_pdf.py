"""The strategy PDF a district council adopts: its content and structure, bad input, the export in
the workspace (progress, versions, download), the public link to the latest version, and the
management command that renders it without a worker."""

import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from measures.models import Milestone, Steckbrief
from strategy_portal import documents, pdf, services
from strategy_portal.models import GeneratedDocument, Membership, Role
from strategy_portal.workspace_strategy import StrategyForm
from workshops.models import Workshop, WorkshopStatus

from ..factories import ActionFieldFactory, MeasureFactory
from ..helpers import de

WORKSPACE_PDF = "/landkreis-meissen/verwaltung/strategie/pdf/"
REQUEST = "/landkreis-meissen/strategie/pdf/erstellen/"
LATEST = "/landkreis-meissen/strategie/pdf/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_strategy(district, **fields):
    return services.strategy_save(
        district=district,
        fields={
            "title": "Digitalisierungsstrategie der Wirtschaftsförderung",
            "subtitle": "Digitallabor Wirtschaftsförderung im Landkreis Meißen",
            "version": "Entwurf 1",
            "as_of": date(2023, 6, 13),
            "preamble": "Der Landkreis erarbeitet eine **Strategie** mit allen Beteiligten.",
            "vision": "Wer hier lebt, kann hier arbeiten.",
            **fields,
        },
        values=[{"title": "Nachhaltigkeit", "explanation": "Ressourcen schonen."}],
        goals=[{"title": "Fachkräfte sichern", "text": "Wissen bleibt in der Region."}],
    )


def make_content(district):
    """Two action fields (one cross-cutting), a mission, measures in every tier, a Steckbrief
    with milestones, a measure without action field, a published workshop and the phases."""
    arbeit = ActionFieldFactory(district=district, title="Neue Arbeitsformen", position=1)
    ActionFieldFactory(
        district=district, title="Daten als Grundlage", position=2, is_cross_cutting=True
    )
    coworking = services.mission_save(
        district=district, action_field=arbeit, title="Coworking etablieren"
    )
    plus = MeasureFactory(
        district=district,
        action_field=arbeit,
        mission=coworking,
        title="Coworking-Space im Bahnhof",
        tier="premium_plus",
        status="prioritised",
        evaluation_score=3.8,
    )
    steckbrief = Steckbrief.objects.create(
        measure=plus,
        responsible_body="Wirtschaftsförderung Region Meißen",
        budget_estimate="ca. 40.000 € p. a.",
        funding_programme="LEADER",
    )
    Milestone.objects.create(steckbrief=steckbrief, title="Räume anmieten", position=1)
    MeasureFactory(
        district=district,
        action_field=arbeit,
        mission=coworking,
        title="Popup-Coworking im Sommer",
        tier="premium",
        evaluation_score=3.1,
    )
    MeasureFactory(
        district=district, action_field=arbeit, title="Homeoffice-Beratung", tier="further"
    )
    MeasureFactory(district=district, action_field=arbeit, title="Dorfbüro auf Probe")
    MeasureFactory(district=district, title="Idee ohne Handlungsfeld")
    MeasureFactory(district=district, title="Zurückgezogene Idee", status="withdrawn")
    start = timezone.make_aware(datetime(2023, 6, 13, 9, 0))
    Workshop.objects.create(
        district=district,
        title="Expert*innenworkshop Digitalisierungsstrategie",
        slug="expertenworkshop",
        venue="Kulturschloss",
        address="Großenhain",
        start=start,
        end=start + timedelta(hours=5),
        participant_count=12,
        status=WorkshopStatus.PUBLISHED,
        published_at=start,
    )
    services.phase_save(
        district=district, kind="participation", start=date(2023, 1, 1), end=date(2023, 12, 31)
    )
    return plus


def render(district, tmp_path, name="strategie.pdf") -> tuple[Path, int]:
    path = tmp_path / name
    with path.open("wb") as target:
        _source, pages = documents.document_write(kind="strategy", obj=district, target=target)
    return path, pages


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def outline_titles(reader, outline=None) -> list[str]:
    titles = []
    for item in reader.outline if outline is None else outline:
        if isinstance(item, list):
            titles += outline_titles(reader, item)
        else:
            titles.append(item.title)
    return titles


def assert_right_margin_is_white(path: Path, first_page: int = 2) -> None:
    """Nothing after the cover reaches into the right margin of 20 mm: its pixels stay white."""
    out = path.parent / f"{path.stem}-seite"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", str(first_page), str(path), str(out)], check=True
    )
    pages = sorted(path.parent.glob(f"{path.stem}-seite-*.png"))
    assert pages
    for page in pages:
        image = Image.open(page).convert("L")
        margin_start = image.width - int((20 - 1) / 25.4 * 40)
        strip = image.crop((margin_start, 0, image.width, image.height))
        assert strip.getextrema()[0] > 250, f"{page.name} draws into the right margin"


# --- The document ---------------------------------------------------------------------------------


def test_strategy_pdf_reads_like_a_published_strategy(media, district, tmp_path):
    district.contact_name = "Wirtschaftsförderung Region Meißen"
    district.save()
    make_strategy(district)
    make_content(district)
    path, pages = render(district, tmp_path)
    raw = page_texts(path)
    # Lines joined: a title may wrap.
    texts = [" ".join(t.split()) for t in raw]
    text = "\n".join(texts)

    # Cover and imprint.
    assert "Digitalisierungsstrategie der Wirtschaftsförderung" in texts[0]
    assert "13. Juni 2023" in texts[0] and "Entwurf 1" in texts[0]
    assert "Impressum" in texts[1] and "Herausgeber" in texts[1]
    assert "Lizenz des Textes" in texts[1] and "CC BY 4.0" in texts[1]
    # Contents with page numbers (target-counter), then the chapters.
    contents = raw[2]
    assert "Inhalt" in contents
    for title in ("Präambel", "Vision, Werte und Projektziele", "Neue Arbeitsformen"):
        assert title in contents
    assert "Der Beteiligungsprozess" in contents and "Anhang: Alle Maßnahmen" in contents
    vision_page = next(i for i, t in enumerate(texts) if "Wer hier lebt" in t) + 1
    line = next(ln for ln in contents.splitlines() if "Vision, Werte und Projektziele" in ln)
    assert line.rstrip().endswith(str(vision_page)), line
    # The Premium+ measure as a Steckbrief with everything a council member asks for.
    steckbrief = next(t for t in texts if "1.1 Coworking-Space im Bahnhof" in t)
    for part in (
        "Premium+",
        "Projektsteckbrief",
        "Wirtschaftsförderung Region Meißen",
        "ca. 40.000 € p. a.",
        "LEADER",
        "Priorisiert",
        "Räume anmieten",
        "Mehrwert",
        "Machbarkeit",
        "Herkunft",
    ):
        assert part.lower() in steckbrief.lower(), part  # the kicker is set in capitals
    # Ordered by tier: Premium+ before Premium; further ideas and open proposals as lists.
    assert text.index("Coworking-Space im Bahnhof") < text.index("Popup-Coworking im Sommer")
    assert "Weitere Ideen" in text and "Homeoffice-Beratung" in text
    assert "Noch nicht bewertete Vorschläge" in text and "Dorfbüro auf Probe" in text
    assert "Maßnahmen ohne Handlungsfeld" in text and "Idee ohne Handlungsfeld" in text
    assert "Zurückgezogene Idee" not in text
    assert "querschnittsthema" in text.lower() and "Daten als Grundlage" in text
    # The participation process: phases, the workshop with date, place, participants; charts.
    process = "\n".join(t for t in texts if t.startswith("Der Beteiligungsprozess"))
    assert "Beteiligung 01.01.2023 – 31.12.2023" in process
    assert "13.06.2023" in text and "Kulturschloss" in text
    assert "Beteiligung in Zahlen" in text
    # The annex table, with every public measure.
    annex = "\n".join(t for t in texts if t.startswith("Anhang"))
    for title in ("Coworking-Space im Bahnhof", "Homeoffice-Beratung", "Idee ohne Handlungsfeld"):
        assert title in annex
    # Running head and foot.
    assert f"Seite {pages} von {pages}" in texts[-1]
    assert "Anhang: Alle Maßnahmen" in texts[-1]
    # Bookmarks for the chapters and the action fields.
    reader = PdfReader(str(path))
    titles = outline_titles(reader)
    for title in ("Präambel", "Neue Arbeitsformen", "Daten als Grundlage", "Coworking etablieren"):
        assert any(title in t for t in titles), title
    assert pages == len(reader.pages)


def test_strategy_pdf_is_tagged_with_title_author_and_language(media, district, tmp_path):
    make_strategy(district)
    path, _pages = render(district, tmp_path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Title:           Digitalisierungsstrategie der Wirtschaftsförderung" in info.stdout
    assert "Author:          Landkreis Meißen" in info.stdout
    assert "Tagged:          yes" in info.stdout
    catalog = PdfReader(str(path)).trailer["/Root"]
    assert catalog["/Lang"] == "de"
    assert "/StructTreeRoot" in catalog


# --- Bad input ------------------------------------------------------------------------------------


def test_district_without_strategy_is_told_and_gets_no_empty_pdf(
    media, district, district_admin, login, tmp_path
):
    client = login(district_admin)
    page = client.get(WORKSPACE_PDF)
    message = de(
        "There is no strategy to export yet. Write its title, preamble and vision under "
        "„Vision, values, goals“ first; then the PDF can be created."
    )
    assert message in page.content.decode()
    response = client.post(REQUEST, follow=True)
    assert response.redirect_chain[-1][0] == WORKSPACE_PDF
    assert message in response.content.decode()
    assert not GeneratedDocument.objects.exists()
    with pytest.raises(CommandError, match="Es gibt noch keine Strategie"):
        call_command("export_strategy_pdf", district.slug, output=tmp_path / "leer.pdf")
    assert not list(tmp_path.iterdir())


def test_longest_titles_and_a_5000_word_description_stay_in_their_boxes(media, district, tmp_path):
    long_word = "Breitbandinfrastrukturausbaubeschleunigungs" * 5  # no place to break
    make_strategy(district, title=("Digitalstrategie " * 12)[:200], subtitle=long_word[:300])
    field = ActionFieldFactory(district=district, title=long_word[:200])
    description = (
        " ".join(f"Wort{n} Digitalisierungsvorhaben der Kreisverwaltung." for n in range(1250))
        + " Schlusswort."
    )
    assert len(description.split()) >= 5000
    MeasureFactory(
        district=district,
        action_field=field,
        title=long_word[:200],
        description=description,
        tier="premium_plus",
    )
    path, pages = render(district, tmp_path)
    text = "\n".join(page_texts(path))
    assert "Schlusswort." in text
    assert pages > 15  # the description runs over many pages instead of being cut
    assert_right_margin_is_white(path)


def test_a_title_longer_than_the_strategy_allows_is_refused_with_a_message(db):
    form = StrategyForm(data={"title": "T" * 300})
    assert not form.is_valid()
    assert "title" in form.errors


def test_markdown_with_html_and_script_is_shown_as_text_and_nothing_is_fetched(
    media, district, tmp_path, monkeypatch
):
    fetched = []
    original = pdf.SiteURLFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.SiteURLFetcher, "fetch", recording)
    hostile = (
        '<script>alert("x")</script><img src="http://127.0.0.1:9/spion.png">\n\n'
        "[Klick](javascript:alert(1)) ![Bild](http://127.0.0.1:9/bild.png) "
        '<iframe src="file:///etc/passwd"></iframe>'
    )
    make_strategy(district, preamble=hostile, vision=hostile)
    field = ActionFieldFactory(district=district, summary=hostile)
    MeasureFactory(district=district, action_field=field, description=hostile, tier="premium")
    path, _pages = render(district, tmp_path)
    content = path.read_bytes()
    assert b"/JavaScript" not in content and b"/JS " not in content
    assert b"javascript:" not in content
    text = "\n".join(page_texts(path))
    assert 'alert("x")' in text  # escaped: the words are there, nothing ran
    assert all(url.startswith(("sp-site:/static/", "data:")) for url in fetched), fetched


def test_logo_missing_from_storage_still_gives_a_cover(media, district, tmp_path):
    district.logo = "districts/logos/verloren.png"
    district.logo_alt = "Wappen"
    district.save()
    assert not default_storage.exists(district.logo.name)
    make_strategy(district)
    path, _pages = render(district, tmp_path)
    reader = PdfReader(str(path))
    assert "Landkreis Meißen" in reader.pages[0].extract_text()
    assert not list(reader.pages[0].images)


def test_logo_in_storage_is_on_the_cover(media, district, tmp_path):
    from io import BytesIO

    buffer = BytesIO()
    Image.new("RGB", (200, 120), (138, 27, 46)).save(buffer, format="PNG")
    district.logo = default_storage.save(
        "districts/logos/wappen.png", ContentFile(buffer.getvalue())
    )
    district.save()
    make_strategy(district)
    path, _pages = render(district, tmp_path)
    assert len(list(PdfReader(str(path)).pages[0].images)) == 1


def test_two_exports_started_at_once_run_once_and_the_second_is_told(
    media, district, district_admin, login, django_capture_on_commit_callbacks
):
    make_strategy(district)
    client = login(district_admin)
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(REQUEST)
    second = client.post(REQUEST, follow=True)
    document = GeneratedDocument.objects.get()
    assert first["Location"] == f"{LATEST}{document.pk}/"
    assert second.redirect_chain[-1][0] == f"{LATEST}{document.pk}/"
    told = de(
        "This document is already being created. "
        "You can follow its progress here; it will not be created twice."
    )
    assert told in second.content.decode()
    assert GeneratedDocument.objects.count() == 1


def test_admin_of_another_district_may_not_export_nor_see_the_versions(
    media, district, other_district, login, django_user_model
):
    make_strategy(district)
    stranger = django_user_model.objects.create_user(email="admin@wetterau.example")
    Membership.objects.create(user=stranger, district=other_district, role=Role.ADMIN)
    client = login(stranger)
    assert client.post(REQUEST).status_code == 403
    assert client.get(WORKSPACE_PDF).status_code == 403
    assert not GeneratedDocument.objects.exists()


def test_facilitator_may_not_export(media, district, facilitator, login):
    make_strategy(district)
    client = login(facilitator)
    assert client.post(REQUEST).status_code == 403
    assert client.get(WORKSPACE_PDF).status_code == 403
    assert not GeneratedDocument.objects.exists()


def test_pdf_is_not_an_action_field_address(district):
    field = services.action_field_save(district=district, title="PDF")
    assert field.slug != "pdf"


# --- Export, versions, download, public link ------------------------------------------------------


def test_admin_exports_follows_progress_and_the_public_page_links_the_latest(
    media, district, district_admin, login, client, django_capture_on_commit_callbacks
):
    make_strategy(district)
    overview = client.get("/landkreis-meissen/strategie/")
    assert LATEST not in overview.content.decode()
    assert client.get(LATEST).status_code == 404

    admin = login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(REQUEST)
    document = GeneratedDocument.objects.get()
    assert response["Location"] == f"{LATEST}{document.pk}/"
    status = admin.get(response["Location"])
    assert status.status_code == 200
    assert f"{LATEST}{document.pk}/datei/" in status.content.decode()

    page = admin.get(WORKSPACE_PDF).content.decode()
    assert f"{LATEST}{document.pk}/datei/" in page
    assert district_admin.public_name in page
    assert timezone.localtime(document.finished_at).strftime("%Y") in page

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(REQUEST)
    assert list(
        GeneratedDocument.objects.order_by("version").values_list("version", flat=True)
    ) == [1, 2]
    # Both versions keep their files (an adopted strategy stays downloadable).
    assert all(d.is_done for d in GeneratedDocument.objects.all())

    admin.logout()
    overview = client.get("/landkreis-meissen/strategie/").content.decode()
    assert f'href="{LATEST}"' in overview
    download = client.get(LATEST)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    latest = GeneratedDocument.objects.get(version=2)
    assert len(body) == latest.byte_size


def test_management_command_writes_the_pdf_without_a_worker(media, district, tmp_path, capsys):
    make_strategy(district)
    output = tmp_path / "strategie.pdf"
    call_command("export_strategy_pdf", district.slug, "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    assert "Digitalisierungsstrategie der Wirtschaftsförderung" in capsys.readouterr().out
    assert not GeneratedDocument.objects.exists()
    with pytest.raises(CommandError, match="keine-stadt"):
        call_command("export_strategy_pdf", "keine-stadt", "--output", str(output))


# --- The renderer's font cache --------------------------------------------------------------------


def test_converted_fonts_are_kept_on_disk_for_the_next_process(settings, tmp_path, monkeypatch):
    settings.PDF_FONT_CACHE_DIR = str(tmp_path)
    name = "kern/fonts/fira-sans/FiraSans-Regular.woff2"
    pdf._static_font.cache_clear()
    converted = pdf._static_font(name)
    assert converted[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")  # plain TrueType/OpenType
    kept = list((tmp_path / "strategieportal-fonts").glob("*.ttf"))
    assert len(kept) == 1 and kept[0].read_bytes() == converted

    # A new process (an empty memory cache) reads the disk copy instead of converting again.
    pdf._static_font.cache_clear()

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(pdf, "TTFont", no_conversion)
    assert pdf._static_font(name) == converted
    pdf._static_font.cache_clear()
