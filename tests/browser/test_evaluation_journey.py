"""A district admin sets the criteria and thresholds, scores a measure together with a
facilitator, and both see the ranking with the tier: in the browser, without JavaScript tricks."""

import re

import pytest

from measures.models import Measure, Tier

from ..factories import PASSWORD, MeasureFactory
from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _score(page, values: dict[str, str], comment: str):
    for criterion, value in values.items():
        group = page.get_by_role("group", name=criterion)
        group.get_by_label(value, exact=True).check()
        page.get_by_label(f"Kommentar zu „{criterion}“").fill(comment)
    with page.expect_navigation():
        page.get_by_role("button", name="Bewertung speichern").click()


def test_admin_and_facilitator_evaluate_a_measure_into_a_tier(
    live_server, browser, district, district_admin, facilitator
):
    base = live_server.url
    slug = district.slug
    measure = MeasureFactory(district=district, title="Coworking im Bahnhof Riesa")
    MeasureFactory(district=district, title="Digitale Dorfzeitung")

    admin_context = browser.new_context(locale="de-DE")
    page = admin_context.new_page()
    log_in(page, base, district_admin.email, PASSWORD)
    page.goto(f"{base}/{slug}/verwaltung/")
    page.get_by_role("link", name="Bewertung und Rangliste").click()
    page.get_by_role("link", name="Kriterien und Schwellenwerte").click()

    # Two criteria; a weight of 0 is refused first, on its field.
    for weight in ("0", "3"):
        form = page.locator("form", has=page.get_by_role("button", name="Kriterium hinzufügen"))
        form.get_by_label("Titel").fill("Zeitnahe Umsetzbarkeit")
        form.get_by_label("Gewicht").fill(weight)
        with page.expect_navigation():
            form.get_by_role("button", name="Kriterium hinzufügen").click()
        refused = "Das Gewicht muss größer als 0 sein." in page.content()
        assert refused == (weight == "0")
    form = page.locator("form", has=page.get_by_role("button", name="Kriterium hinzufügen"))
    form.get_by_label("Titel").fill("Nachhaltigkeit")
    form.get_by_label("Gewicht").fill("1")
    with page.expect_navigation():
        form.get_by_role("button", name="Kriterium hinzufügen").click()
    page.get_by_label("Premium+ ab Punktzahl").fill("4,5")
    page.get_by_label("Premium ab Punktzahl").fill("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Schwellenwerte speichern").click()
    screenshot(page, "evaluation-journey-1-criteria")
    assert page.get_by_role("row", name="Zeitnahe Umsetzbarkeit").is_visible()

    # The admin scores the measure.
    page.goto(f"{base}/{slug}/verwaltung/bewertung/")
    page.get_by_role("link", name=re.compile("Bewerten.*Coworking im Bahnhof Riesa")).click()
    _score(page, {"Zeitnahe Umsetzbarkeit": "5", "Nachhaltigkeit": "4"}, "Räume sind frei")
    assert "/verwaltung/bewertung/" in page.url

    # The facilitator scores it as well, in a browser of their own.
    facilitator_context = browser.new_context(locale="de-DE")
    other = facilitator_context.new_page()
    log_in(other, base, facilitator.email, PASSWORD)
    other.goto(f"{base}/{slug}/verwaltung/bewertung/{measure.pk}/")
    _score(other, {"Zeitnahe Umsetzbarkeit": "4", "Nachhaltigkeit": "4"}, "Gut machbar")
    screenshot(other, "evaluation-journey-2-ranking")

    # (3·4.5 + 1·4) / 4 = 4.375: Premium, below the 4.5 of Premium+.
    first_row = other.locator("table tbody tr").first
    assert "Coworking im Bahnhof Riesa" in first_row.inner_text()
    assert "4,38" in first_row.inner_text()
    assert "Premium" in first_row.inner_text()
    assert Measure.objects.get(pk=measure.pk).tier == Tier.PREMIUM

    # The admin lifts it to Premium+ by hand, with a reason.
    page.goto(f"{base}/{slug}/verwaltung/bewertung/{measure.pk}/")
    page.get_by_role("group", name="Prioritätsstufe").get_by_label("Premium+").check()
    page.get_by_label("Begründung").fill("Beschluss des Kreistags")
    with page.expect_navigation():
        page.get_by_role("button", name="Stufe festlegen").click()
    screenshot(page, "evaluation-journey-3-override")
    measure.refresh_from_db()
    assert (measure.tier, measure.tier_reason) == (Tier.PREMIUM_PLUS, "Beschluss des Kreistags")
    admin_context.close()
    facilitator_context.close()
