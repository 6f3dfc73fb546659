"""A district admin sets the criteria and thresholds, scores a measure together with a
facilitator, and both see the ranking with the tier: in the browser, without JavaScript tricks.
Then, as a new user would: the admin builds the strategy with its vision, an action field and a
mission, and the process phases; the team evaluates in the „Bewertung“ phase, sets a tier by hand
with a reason, assigns the measure to the mission and writes its Steckbrief; a citizen sees what
is open in the current phase; axe finds nothing on the pages on the way."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from measures.models import Measure, Status, Tier
from strategy_portal.models import Mission, Phase, Strategy

from ..factories import PASSWORD, MeasureFactory
from .conftest import _new_context, format_violations, log_in, run_axe, screenshot

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


def _submit(page, button: str, scope=None):
    with page.expect_navigation():
        (scope or page).get_by_role("button", name=button).click()


def _build_strategy(page, base: str, slug: str):
    """Vision, a value, a goal; an action field with a mission."""
    page.goto(f"{base}/{slug}/verwaltung/")
    page.get_by_role("link", name="Vision, Werte, Ziele").click()
    page.get_by_label("Titel", exact=True).fill("Digitalstrategie Landkreis Meißen")
    page.get_by_label("Vision (Markdown)").fill(
        "Wer hier lebt, kann hier arbeiten – im **Coworking-Space** im Ort."
    )
    value = page.get_by_role("group", name="Wert 1")
    value.get_by_label("Wert", exact=True).fill("Wissen teilen")
    value.get_by_label("Erläuterung (Markdown)").fill("Ältere und Jüngere lernen voneinander.")
    goal = page.get_by_role("group", name="Ziel 1")
    goal.get_by_label("Ziel", exact=True).fill("Neue Arbeitsformen etablieren")
    _submit(page, "Strategie speichern")
    assert Strategy.objects.get(district__slug=slug).values.get().title == "Wissen teilen"

    page.get_by_role("link", name="Handlungsfelder und Missionen").first.click()
    page.get_by_label("Titel", exact=True).fill("Neue Arbeitsformen / Arbeit 4.0")
    page.get_by_label("Beschreibung (Markdown)").fill("Coworking und Homeoffice.")
    page.get_by_label("Farbe").fill("#1b4f8a")
    _submit(page, "Handlungsfeld hinzufügen")
    page.get_by_role("link", name="Neue Arbeitsformen / Arbeit 4.0").click()
    page.get_by_role("link", name="Mission hinzufügen").click()
    page.get_by_label("Titel", exact=True).fill("Coworking etablieren")
    page.get_by_label("Beschreibung (Markdown)").fill("Pilotierung von Coworking-Einrichtungen.")
    _submit(page, "Mission speichern")
    screenshot(page, "strategy-journey-1-action-field")
    assert Mission.objects.filter(district__slug=slug, title="Coworking etablieren").exists()


def _add_phase(page, kind: str, start, end):
    page.get_by_label("Phase", exact=True).select_option(label=kind)
    page.get_by_label("Erster Tag").fill(start.isoformat())
    page.get_by_label("Letzter Tag").fill(end.isoformat())
    _submit(page, "Phase hinzufügen")


def _build_phases(page, base: str, slug: str):
    """Beteiligung is over, Bewertung runs; reversed dates are refused on their field first."""
    today = timezone.localdate()
    page.goto(f"{base}/{slug}/verwaltung/strategie/phasen/")
    _add_phase(page, "Beteiligung", today - timedelta(days=1), today - timedelta(days=40))
    assert "Der letzte Tag kann nicht vor dem ersten Tag liegen." in page.content()
    assert not Phase.objects.filter(district__slug=slug).exists()
    _add_phase(page, "Beteiligung", today - timedelta(days=40), today - timedelta(days=1))
    _add_phase(page, "Bewertung", today, today + timedelta(days=30))
    screenshot(page, "strategy-journey-2-phases")
    assert Phase.objects.filter(district__slug=slug).count() == 2


def _set_criteria(page, base: str, slug: str):
    page.goto(f"{base}/{slug}/verwaltung/")
    page.get_by_role("link", name="Bewertung und Rangliste").click()
    page.get_by_role("link", name="Kriterien und Schwellenwerte").click()
    for title, weight in (("Zeitnahe Umsetzbarkeit", "-1"), ("Zeitnahe Umsetzbarkeit", "3")):
        form = page.locator("form", has=page.get_by_role("button", name="Kriterium hinzufügen"))
        form.get_by_label("Titel").fill(title)
        form.get_by_label("Gewicht").fill(weight)
        _submit(page, "Kriterium hinzufügen", form)
        assert ("Das Gewicht muss größer als 0 sein." in page.content()) == (weight == "-1")
    form = page.locator("form", has=page.get_by_role("button", name="Kriterium hinzufügen"))
    form.get_by_label("Titel").fill("Nutzer*innenorientierung")
    form.get_by_label("Gewicht").fill("2")
    _submit(page, "Kriterium hinzufügen", form)


def _axe_pages(browser, axe_source: str, base: str, email: str, paths: list[str]) -> list[str]:
    context = _new_context(browser, bypass_csp=True)
    page = context.new_page()
    if email:
        log_in(page, base, email, PASSWORD)
    reports = []
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, f"{path} answered {response.status}"
        violations = run_axe(page, axe_source)
        if violations:
            reports.append(format_violations(page.url, violations))
    context.close()
    return reports


def test_admin_builds_strategy_and_phases_team_evaluates_and_a_citizen_sees_what_is_open(
    live_server, browser, axe_source, district, district_admin, facilitator, citizen
):
    base = live_server.url
    slug = district.slug
    measure = MeasureFactory(district=district, title="Coworking im Bahnhof Riesa")
    MeasureFactory(district=district, title="Digitale Dorfzeitung")

    admin_context = _new_context(browser)
    page = admin_context.new_page()
    log_in(page, base, district_admin.email, PASSWORD)
    _build_strategy(page, base, slug)
    _build_phases(page, base, slug)
    _set_criteria(page, base, slug)

    # In the „Bewertung“ phase the admin scores, and so does the facilitator.
    page.goto(f"{base}/{slug}/verwaltung/bewertung/")
    page.get_by_role("link", name=re.compile("Bewerten.*Coworking im Bahnhof Riesa")).click()
    _score(page, {"Zeitnahe Umsetzbarkeit": "4", "Nutzer*innenorientierung": "3"}, "Räume frei")
    facilitator_context = _new_context(browser)
    other = facilitator_context.new_page()
    log_in(other, base, facilitator.email, PASSWORD)
    other.goto(f"{base}/{slug}/verwaltung/bewertung/{measure.pk}/")
    _score(other, {"Zeitnahe Umsetzbarkeit": "4", "Nutzer*innenorientierung": "3"}, "Machbar")
    # (3·4 + 2·3) / 5 = 3.6: Premium with the default thresholds (Premium+ from 4).
    first_row = other.locator("table tbody tr").first
    assert "Coworking im Bahnhof Riesa" in first_row.inner_text()
    assert "3,60" in first_row.inner_text() and "Premium" in first_row.inner_text()
    facilitator_context.close()

    # A tier set by hand needs a reason; with one, it is recorded and shown.
    page.goto(f"{base}/{slug}/verwaltung/bewertung/{measure.pk}/")
    page.get_by_role("group", name="Prioritätsstufe").get_by_label("Premium+").check()
    _submit(page, "Stufe festlegen")
    assert "Bitte begründen Sie, warum Sie die Stufe von Hand festlegen." in page.content()
    measure.refresh_from_db()
    assert measure.tier == Tier.PREMIUM and not measure.tier_overridden
    page.get_by_role("group", name="Prioritätsstufe").get_by_label("Premium+").check()
    page.get_by_label("Begründung").fill("Pilot für die Mission „Coworking etablieren“")
    _submit(page, "Stufe festlegen")
    assert "Pilot für die Mission" in page.content()
    measure.refresh_from_db()
    assert measure.tier == Tier.PREMIUM_PLUS and measure.tier_overridden

    # From the ranking to the Steckbrief of the Premium+ measure; then the mission on the form.
    page.goto(f"{base}/{slug}/verwaltung/bewertung/")
    page.get_by_role("link", name=re.compile("Steckbrief.*Coworking im Bahnhof Riesa")).click()
    page.get_by_label("Verantwortliche Stelle").fill("Wirtschaftsförderung Region Meißen")
    milestone = page.get_by_role("group", name="Meilenstein 1")
    milestone.get_by_label("Meilenstein", exact=True).fill("Pop-up-Coworking eröffnet")
    milestone.get_by_label("Erledigt", exact=True).check()
    _submit(page, "Steckbrief speichern")
    measure.refresh_from_db()
    assert measure.status == Status.IMPLEMENTED
    page.goto(f"{base}/{slug}/verwaltung/massnahmen/{measure.pk}/bearbeiten/")
    page.get_by_label(re.compile("^Handlungsfeld")).select_option(
        label="Neue Arbeitsformen / Arbeit 4.0"
    )
    page.get_by_label(re.compile("^Mission")).select_option(label="Coworking etablieren")
    _submit(page, "Änderungen speichern")
    measure.refresh_from_db()
    assert measure.mission.title == "Coworking etablieren"
    admin_context.close()

    # A citizen: the strategy with the measure under its mission; what is open now.
    citizen_context = _new_context(browser)
    public = citizen_context.new_page()
    log_in(public, base, citizen.email, PASSWORD)
    public.goto(f"{base}/{slug}/strategie/")
    assert "Coworking-Space" in public.content()
    public.get_by_role("link", name=re.compile("Neue Arbeitsformen")).first.click()
    public.get_by_role("link", name=re.compile("Coworking etablieren")).first.click()
    screenshot(public, "strategy-journey-3-mission")
    assert "Coworking im Bahnhof Riesa" in public.content()
    public.goto(f"{base}/{slug}/")
    assert "Bewertung" in public.locator("main").inner_text()
    response = public.goto(f"{base}/{slug}/massnahmen/neu/")
    notice = public.locator("main").inner_text()
    assert response.status == 403
    assert "Nur in der Phase „Beteiligung“ möglich" in notice
    assert "derzeit in der Phase „Bewertung“" in notice
    public.goto(f"{base}{measure.get_absolute_url()}")
    assert public.get_by_role("button", name="Unterstützen").count() == 0
    assert "Nur in der Phase „Beteiligung“ möglich" in public.locator("main").inner_text()
    screenshot(public, "strategy-journey-4-closed")
    citizen_context.close()

    field = measure.action_field.slug
    reports = _axe_pages(
        browser,
        axe_source,
        base,
        district_admin.email,
        [
            f"/{slug}/verwaltung/bewertung/",
            f"/{slug}/verwaltung/bewertung/{measure.pk}/",
            f"/{slug}/verwaltung/bewertung/kriterien/",
            f"/{slug}/verwaltung/massnahmen/{measure.pk}/bearbeiten/",
            f"/{slug}/verwaltung/massnahmen/{measure.pk}/",
            f"/{slug}/strategie/",
            f"/{slug}/strategie/{field}/",
            f"/{slug}/strategie/{field}/{measure.mission.slug}/",
            f"/{slug}/statistik/",
            "/gute-beispiele/",
        ],
    )
    reports += _axe_pages(
        browser, axe_source, base, "", [measure.get_absolute_url(), f"/{slug}/massnahmen/"]
    )
    assert not reports, "\n\n".join(reports)
