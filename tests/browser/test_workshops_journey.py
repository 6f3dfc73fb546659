"""The workshop pages in Debian's Chromium: axe-core finds nothing on the public pages and the
facilitator screens, and a facilitator creates, fills, reorders and publishes a workshop."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from workshops.models import Workshop, WorkshopStatus

from ..factories import PASSWORD
from ..workshops.helpers import add_attachment, add_parts, make_workshop
from .conftest import format_violations, log_in, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_for_the_server(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_no_violations(page, axe_source, name):
    screenshot(page, f"axe-workshops-{name}")
    violations = run_axe(page, axe_source)
    assert not violations, format_violations(page.url, violations)


def test_public_workshop_pages_have_no_axe_violations(live_server, axe_page, axe_source, district):
    workshop = add_parts(make_workshop(district, motto="Digitallabor"), figures=1)
    add_attachment(workshop)
    base = f"{live_server.url}/{district.slug}"
    for name, path in [
        ("list", "/workshops/"),
        ("detail", f"/workshops/{workshop.slug}/"),
        ("dates", "/termine/"),
    ]:
        axe_page.goto(base + path)
        assert axe_page.locator("h1").count() == 1
        assert_no_violations(axe_page, axe_source, name)


def test_facilitator_creates_reorders_and_publishes_a_workshop(
    live_server, axe_page, axe_source, district, facilitator
):
    log_in(axe_page, live_server.url, facilitator.email, PASSWORD)
    base = f"{live_server.url}/{district.slug}/verwaltung/workshops/"
    axe_page.goto(base + "neu/")
    assert_no_violations(axe_page, axe_source, "create")
    form = axe_page.locator("main form")
    form.get_by_label("Titel").fill("Expert*innenworkshop Digitalisierungsstrategie")
    form.get_by_label("Veranstaltungsort").fill("Großenhain")
    form.locator("input[name='start']").fill("2023-06-13T13:00")
    form.locator("input[name='end']").fill("2023-06-13T17:00")
    with axe_page.expect_navigation():
        form.locator("button[type='submit']").click()
    workshop = Workshop.objects.get()
    assert_no_violations(axe_page, axe_source, "edit")

    axe_page.goto(f"{base}{workshop.pk}/tagesordnung/")
    for title in ("Begrüßung", "Vorstellungsrunde"):
        form = axe_page.locator("main form").last
        form.get_by_label("Titel").fill(title)
        with axe_page.expect_navigation():
            form.locator("button[type='submit']").click()
    assert_no_violations(axe_page, axe_source, "agenda")
    # With htmx the list is swapped in place, without a page load.
    axe_page.get_by_role("button", name="Nach oben").click()
    expect(axe_page.locator("#sp-items li").first).to_contain_text("Vorstellungsrunde")
    titles = list(workshop.agenda_items.order_by("position").values_list("title", flat=True))
    assert titles == ["Vorstellungsrunde", "Begrüßung"]

    axe_page.goto(f"{base}{workshop.pk}/vorschau/")
    assert_no_violations(axe_page, axe_source, "preview")
    axe_page.goto(f"{base}{workshop.pk}/")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Veröffentlichen").click()
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.PUBLISHED


# --- The Meißen protocol, rebuilt in one sitting --------------------------------------------------

AGENDA = [
    ("TOP 1", "Begrüßung"),
    ("TOP 2", "Vorstellungsrunde"),
    ("TOP 3", "Impulspräsentation: Verstehen"),
    ("TOP 4", "Gruppenarbeit 1 – Vision"),
    ("TOP 5", "Gruppenarbeit 2 – Konkretisierung"),
    ("TOP 6", "Gruppenarbeit 3 – Vertiefung"),
    ("TOP 7", "Abschluss"),
]
SPEAKERS = [
    ("Niklas Günther", "atene KOM", "Projektstand und Umsetzungskonzept"),
    ("Simon Melch", "atene KOM", "Wirtschaftsförderung 4.0"),
    ("Eva Schmitz", "DKSR", "Daten als Grundlage"),
]
PARTICIPANTS = [
    ("Sascha Diemel", "WRM", True),
    ("Victoria Vincenc", "Landratsamt Meißen", False),
    ("Niklas Günther", "atene KOM", True),
    ("Eva Schmitz", "DKSR", True),
]
TOPICS = [
    "Neue Arbeitsformen / Arbeit 4.0",
    "Attraktivität für Tourismus und Bevölkerung",
    "Kompetenzaufbau in der Erwerbsbevölkerung",
    "Innovationsförderung bei Unternehmen",
]


def _add(page, url, fields, *, files=None, checks=()):
    """Fill the page's add form (the last form) and send it, as a person would."""
    page.goto(url)
    form = page.locator("main form").last
    for name, value in fields.items():
        field = form.locator(f"[name='{name}']")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    for name in checks:
        form.locator(f"input[name='{name}']").check()
    for name, payload in (files or {}).items():
        form.locator(f"input[name='{name}']").set_input_files(payload)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(page.locator(".kern-alert--danger, .kern-error")).to_have_count(0)


def test_facilitator_rebuilds_the_meissen_protocol_in_one_sitting(
    live_server, axe_page, axe_source, district, facilitator
):
    import io

    from PIL import Image
    from pypdf import PdfReader

    from measures.models import Measure

    from ..workshops.seed_tables import GROUP_TABLES

    page = axe_page
    log_in(page, live_server.url, facilitator.email, PASSWORD)
    base = f"{live_server.url}/{district.slug}/verwaltung/workshops/"

    # The workshop and its details.
    page.goto(base)
    assert_no_violations(page, axe_source, "meissen-list")
    page.goto(base + "neu/")
    form = page.locator("main form")
    form.get_by_label("Titel").fill("Expert*innenworkshop Digitalisierungsstrategie")
    form.locator("[name='motto']").fill("Digitallabor Wirtschaftsförderung")
    form.get_by_label("Veranstaltungsort").fill("Großenhain")
    form.locator("input[name='start']").fill("2023-06-13T13:00")
    form.locator("input[name='end']").fill("2023-06-13T17:00")
    form.locator("[name='organisers']").fill("Wirtschaftsförderung Region Meißen (WRM)")
    form.locator("[name='funding_note']").fill(
        "Gefördert durch den Bund aufgrund eines Beschlusses des Deutschen Bundestages."
    )
    form.locator("[name='participant_count']").fill("12")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    workshop = Workshop.objects.get()
    edit = f"{base}{workshop.pk}/"

    # The sections, part by part.
    for number, title in AGENDA:
        _add(page, edit + "tagesordnung/", {"number": number, "title": title})
    assert_no_violations(page, axe_source, "meissen-agenda")
    for name, organisation, topic in SPEAKERS:
        _add(
            page,
            edit + "referierende/",
            {"name": name, "organisation": organisation, "topic": topic},
        )
    assert_no_violations(page, axe_source, "meissen-speakers")
    for name, organisation, consent in PARTICIPANTS:
        _add(
            page,
            edit + "teilnehmende/",
            {"name": name, "organisation": organisation},
            checks=["consent_to_publish_name"] if consent else (),
        )
    assert_no_violations(page, axe_source, "meissen-participants")
    _add(
        page,
        edit + "abschnitte/",
        {
            "title": "Impulspräsentation – Verstehen",
            "agenda_item": "TOP 3: Impulspräsentation: Verstehen",
            "text": "Das Projektteam stellte den Stand des Vorhabens vor (siehe Anlage 1).",
        },
    )
    assert_no_violations(page, axe_source, "meissen-sections")
    for number, topic in enumerate(TOPICS, start=1):
        _add(page, edit + "gruppen/", {"number": str(number), "topic": topic})
    assert_no_violations(page, axe_source, "meissen-groups")

    # A figure and an attachment.
    image = io.BytesIO()
    Image.new("RGB", (800, 500), "#8a1c2e").save(image, format="PNG")
    _add(
        page,
        edit + "abbildungen/",
        {
            "caption": "Wording im Beteiligungs- und Strategieerstellungsprozess",
            "alt_text": "Trichter von der Vision über Werte und Ziele bis zu den Maßnahmen",
        },
        files={
            "image": {"name": "ebenen.png", "mimeType": "image/png", "buffer": image.getvalue()}
        },
    )
    expect(page.locator("#sp-items")).to_contain_text("Abbildung 1")
    assert_no_violations(page, axe_source, "meissen-figures")
    _add(
        page,
        edit + "anlagen/",
        {"title": "Präsentation"},
        files={
            "file": {
                "name": "praesentation.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            }
        },
    )
    expect(page.locator("#sp-items")).to_contain_text("Anlage 1")
    assert_no_violations(page, axe_source, "meissen-attachments")

    # The four tables of the protocol, pasted from Word, previewed, confirmed.
    expected = {1: 4, 2: 3, 3: 3, 4: 3}
    for number in range(1, len(TOPICS) + 1):
        page.goto(edit + "gruppen/")
        with page.expect_navigation():
            page.get_by_role(
                "link", name=re.compile(rf"^Maßnahmentabelle importieren.*Gruppe {number}\b")
            ).click()
        if number == 1:
            assert_no_violations(page, axe_source, "meissen-import")
        page.locator("main form textarea[name='text']").fill(GROUP_TABLES[number])
        with page.expect_navigation():
            page.get_by_role("button", name="Tabelle prüfen").click()
        expect(page.locator("main")).to_contain_text(
            f"{expected[number]} Maßnahmen werden angelegt."
        )
        expect(page.locator("main table tbody tr")).to_have_count(expected[number])
        if number == 1:
            assert_no_violations(page, axe_source, "meissen-import-preview")
        with page.expect_navigation():
            page.get_by_role("button", name=f"{expected[number]} Maßnahmen anlegen").click()
    assert Measure.objects.filter(district=district).count() == 13

    # The preview, then publishing.
    page.goto(edit + "vorschau/")
    expect(page.locator("main")).to_contain_text("Coworking im Landkreis weiter voranbringen")
    expect(page.locator("main")).to_contain_text("Abbildung 1")
    assert_no_violations(page, axe_source, "meissen-preview")
    page.goto(edit)
    assert_no_violations(page, axe_source, "meissen-edit")
    with page.expect_navigation():
        page.get_by_role("button", name="Veröffentlichen").click()
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.PUBLISHED

    # The PDF: requested, rendered, downloaded.
    with page.expect_navigation(timeout=180_000):
        page.get_by_role("button", name="PDF-Dokumentation erstellen").click()
    link = page.get_by_role("link", name=re.compile(r"PDF herunterladen \(\d+ Seiten"))
    expect(link).to_be_visible(timeout=180_000)
    assert_no_violations(page, axe_source, "meissen-pdf-status")
    shown_pages = int(re.search(r"\((\d+) Seiten", link.inner_text()).group(1))
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == shown_pages > 1
    text = "\n".join(page_.extract_text() for page_ in reader.pages)
    for words in ("Dokumentation des Termins", "Großenhain", "Abbildung 1", "Anlage 1"):
        assert words.lower() in text.lower()
    assert "Homeoffice" in text and "Offene-Daten-Plattform" in text

    # The public page, as everyone sees it.
    page.goto(live_server.url + workshop.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Gruppe 4")
    expect(page.get_by_role("link", name="Kreis-IT-Schule")).to_be_visible()
    assert_no_violations(page, axe_source, "meissen-public")

    # The measure list, filtered by the workshop the measures came from.
    from measures.services import measure_create

    measure_create(district=district, title="Eigener Vorschlag", description="Ohne Workshop")
    page.goto(f"{live_server.url}/{district.slug}/massnahmen/")
    expect(page.locator("#measure-results")).to_contain_text("Eigener Vorschlag")
    page.locator("summary", has_text="Weitere Filter").click()
    # htmx swaps the results in and records the filter in the address.
    page.locator("select[name='workshop']").select_option(label=workshop.title)
    expect(page).to_have_url(re.compile(rf"workshop={workshop.pk}"))
    expect(page.locator("#measure-results")).not_to_contain_text("Eigener Vorschlag")
    expect(page.get_by_role("link", name="Kreis-IT-Schule")).to_be_visible()
    assert_no_violations(page, axe_source, "meissen-measures-by-workshop")
