"""The strategy PDF in Debian's Chromium: a district admin finds the export in the workspace,
starts it, follows it and downloads the file; the public strategy page offers it and prints
cleanly from the browser (the print stylesheet)."""

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from ..strategy_portal.test_strategy_pdf import make_content, make_strategy
from .conftest import format_violations, log_in, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Laying out the PDF in the request (tasks run in-process here) takes a while on a busy machine.
RENDER_TIMEOUT_MS = 300_000


@pytest.fixture(autouse=True)
def _media_for_the_server(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_no_violations(page, axe_source, name):
    screenshot(page, f"axe-strategy-pdf-{name}")
    violations = run_axe(page, axe_source)
    assert not violations, format_violations(page.url, violations)


def test_district_admin_exports_the_strategy_and_the_public_page_offers_it(
    live_server, axe_page, axe_source, district, district_admin
):
    make_strategy(district)
    make_content(district)
    log_in(axe_page, live_server.url, district_admin.email, PASSWORD)
    axe_page.goto(f"{live_server.url}/{district.slug}/verwaltung/")
    axe_page.get_by_role("link", name="Strategie und Phasen", exact=True).click()
    axe_page.get_by_role("link", name="Strategie als PDF", exact=True).click()
    expect(axe_page.locator("h1")).to_have_text("Strategie als PDF")
    assert_no_violations(axe_page, axe_source, "workspace")

    axe_page.get_by_role("button", name="Strategie als PDF exportieren").click(
        timeout=RENDER_TIMEOUT_MS
    )
    axe_page.wait_for_url("**/strategie/pdf/*/", timeout=RENDER_TIMEOUT_MS)
    download_link = axe_page.get_by_role("link", name="PDF herunterladen")
    expect(download_link).to_be_visible()
    assert_no_violations(axe_page, axe_source, "status")
    with axe_page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.startswith(
        "Digitalisierungsstrategie der Wirtschaftsförderung"
    )

    axe_page.goto(f"{live_server.url}/{district.slug}/verwaltung/strategie/pdf/")
    versions = axe_page.locator("table").first
    expect(versions).to_contain_text(district_admin.public_name)

    axe_page.goto(f"{live_server.url}/{district.slug}/strategie/")
    link = axe_page.get_by_role("link", name="Strategie als PDF herunterladen")
    expect(link).to_be_visible()
    assert_no_violations(axe_page, axe_source, "overview")


def test_public_strategy_page_prints_its_content_without_the_sites_furniture(
    live_server, page, district
):
    make_strategy(district)
    page.goto(f"{live_server.url}/{district.slug}/strategie/")
    header = page.locator(".sp-header")
    expect(header).to_be_visible()
    page.emulate_media(media="print")
    expect(header).to_be_hidden()
    expect(page.locator(".sp-footer")).to_be_hidden()
    expect(page.locator("h1")).to_have_text("Digitalisierungsstrategie der Wirtschaftsförderung")
    expect(page.get_by_text("Wer hier lebt, kann hier arbeiten.")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
