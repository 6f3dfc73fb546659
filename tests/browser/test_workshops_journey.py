"""The workshop pages in Debian's Chromium: axe-core finds nothing on the public pages and the
facilitator screens, and a facilitator creates, fills, reorders and publishes a workshop."""

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
