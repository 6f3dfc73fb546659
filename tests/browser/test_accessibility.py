"""Accessibility (BITV 2.0 / WCAG 2.1 AA): axe-core finds nothing, and the keyboard gets around.

axe-core is injected as an inline script, which the site's CSP rightly forbids; these pages are
therefore opened in a context that bypasses CSP. test_privacy.py checks the same pages with CSP on.
"""

import pytest

from strategy_portal import services
from strategy_portal.models import Membership, Role

from ..factories import PASSWORD, ActionFieldFactory, MembershipFactory, UserFactory
from .conftest import format_violations, log_in, run_axe, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def district_with_content(district):
    ActionFieldFactory(district=district, title="Nahversorgung, Einzelhandel und Gewerbe")
    ActionFieldFactory(district=district, title="Neue Arbeitsformen / Arbeit 4.0")
    return district


def assert_no_violations(page, axe_source, name):
    screenshot(page, f"axe-{name}")
    violations = run_axe(page, axe_source)
    assert not violations, format_violations(page.url, violations)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("landing", "/"),
        ("district", "/{district}/"),
        ("login", "/konto/anmelden/"),
        ("signup", "/konto/registrieren/"),
        ("password-reset", "/konto/passwort/vergessen/"),
        ("imprint", "/{district}/impressum/"),
        ("not-found", "/{district}/gibt-es-nicht/"),
    ],
)
def test_public_page_has_no_axe_violations(
    live_server, axe_page, axe_source, district_with_content, name, path
):
    axe_page.goto(live_server.url + path.format(district=district_with_content.slug))
    assert_no_violations(axe_page, axe_source, name)


def test_signup_with_errors_has_no_axe_violations(live_server, axe_page, axe_source):
    """Error messages tied to their fields must not break the form's accessibility."""
    axe_page.goto(f"{live_server.url}/konto/registrieren/")
    form = axe_page.locator("main form")
    form.locator("input[name='email']").fill("keine-adresse")
    form.locator("input[name='password1']").fill("kurz")
    with axe_page.expect_navigation():
        form.locator("button[type='submit']").click()
    assert axe_page.locator("[aria-invalid='true']").count() >= 1
    assert_no_violations(axe_page, axe_source, "signup-errors")


def test_profile_has_no_axe_violations(live_server, axe_page, axe_source, db):
    user = UserFactory(email="profil@example.org", display_name="Kim Beispiel")
    log_in(axe_page, live_server.url, user.email, PASSWORD)
    axe_page.goto(f"{live_server.url}/konto/profil/")
    assert axe_page.url.endswith("/konto/profil/")
    assert_no_violations(axe_page, axe_source, "profile")


def test_account_and_workspace_pages_have_no_axe_violations(
    live_server, axe_page, axe_source, district_with_content, district_admin
):
    """Every page a district admin reaches from the profile, checked in one login."""
    base = live_server.url
    slug = district_with_content.slug
    # A team with a colleague and an open invitation, so that every control is on the page.
    MembershipFactory(district=district_with_content, role=Role.ADMIN)
    invitation = services.invitation_create(
        district=district_with_content,
        email="neu@example.org",
        role=Role.FACILITATOR,
        invited_by=district_admin,
    )
    own = Membership.objects.get(user=district_admin)
    log_in(axe_page, base, district_admin.email, PASSWORD)
    reports = []
    for name, path in [
        ("membership-leave", f"/konto/profil/rollen/{own.pk}/abgeben/"),
        ("invitation", f"/konto/einladungen/{invitation.token}/"),
        ("personal-data", "/konto/daten/"),
        ("email", "/konto/e-mail/"),
        ("password-change", "/konto/passwort/aendern/"),
        ("workspace", f"/{slug}/verwaltung/"),
        ("workspace-team", f"/{slug}/verwaltung/team/"),
        ("workspace-settings", f"/{slug}/verwaltung/einstellungen/"),
    ]:
        response = axe_page.goto(base + path)
        assert response.status == 200, f"{path} answered {response.status}"
        screenshot(axe_page, f"axe-{name}")
        violations = run_axe(axe_page, axe_source)
        if violations:
            reports.append(format_violations(axe_page.url, violations))
    assert not reports, "\n\n".join(reports)


def test_english_and_narrow_screen_pages_have_no_axe_violations(
    live_server, axe_page, axe_source, district_with_content
):
    base = live_server.url
    reports = []
    axe_page.set_viewport_size({"width": 375, "height": 800})
    for name, path in [
        ("mobile-landing", "/"),
        ("mobile-district", f"/{district_with_content.slug}/"),
        ("mobile-signup", "/konto/registrieren/"),
    ]:
        axe_page.goto(base + path)
        screenshot(axe_page, f"axe-{name}")
        violations = run_axe(axe_page, axe_source)
        if violations:
            reports.append(format_violations(f"{axe_page.url} (375 px)", violations))
    # The language switch is a form; English is remembered for the next pages.
    with axe_page.expect_navigation():
        axe_page.locator("button[name='language'][value='en']").click()
    assert axe_page.locator("html").get_attribute("lang") == "en"
    axe_page.set_viewport_size({"width": 1280, "height": 900})
    for name, path in [("en-landing", "/"), ("en-login", "/konto/anmelden/")]:
        axe_page.goto(base + path)
        screenshot(axe_page, f"axe-{name}")
        violations = run_axe(axe_page, axe_source)
        if violations:
            reports.append(format_violations(f"{axe_page.url} (English)", violations))
    assert not reports, "\n\n".join(reports)


@pytest.mark.parametrize("path", ["/", "/{district}/"])
def test_first_tab_reaches_skip_link_which_moves_focus_to_main(live_server, page, district, path):
    page.goto(live_server.url + path.format(district=district.slug))
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className,"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert "sp-skip-link" in focused["cls"], f"first Tab focused {focused}"
    assert focused["href"] == "#main"
    skip_link = page.locator(".sp-skip-link")
    box = skip_link.bounding_box()
    assert box and box["y"] >= 0, "the focused skip link is not visible"
    screenshot(page, f"keyboard-skip-link-{'district' if '{' in path else 'landing'}")

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_one_h1_per_page(live_server, page, district):
    for path in ("/", f"/{district.slug}/", "/konto/anmelden/", "/konto/registrieren/"):
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, f"{path} has not exactly one <h1>"


def test_narrow_screens_fold_the_navigation_behind_a_menu_button(
    live_server, axe_page, axe_source, district_with_content
):
    """At 375 px the bar takes one row; the button opens it by keyboard, without JavaScript."""
    axe_page.set_viewport_size({"width": 375, "height": 800})
    axe_page.goto(f"{live_server.url}/{district_with_content.slug}/")
    nav = axe_page.get_by_role("navigation", name="Hauptnavigation")
    overview = nav.get_by_role("link", name="Übersicht")
    assert not overview.is_visible()
    nav_box = nav.bounding_box()
    assert nav_box["height"] < 80, nav_box

    axe_page.locator("summary.sp-nav__toggle").focus()
    axe_page.keyboard.press("Enter")
    assert overview.is_visible()
    assert nav.get_by_role("link", name="Anmelden").is_visible()
    assert_no_violations(axe_page, axe_source, "mobile-menu-open")

    axe_page.set_viewport_size({"width": 1280, "height": 800})
    axe_page.goto(f"{live_server.url}/{district_with_content.slug}/")
    assert overview.is_visible()
    assert not axe_page.locator("summary.sp-nav__toggle").is_visible()


def test_the_menu_button_works_with_javascript_off(browser, live_server, district):
    context = browser.new_context(
        locale="de-DE", java_script_enabled=False, viewport={"width": 375, "height": 800}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/{district.slug}/")
    page.get_by_text("Menü").click()
    assert page.get_by_role("link", name="Übersicht").is_visible()
    context.close()


def test_evaluation_pages_have_no_axe_violations(
    live_server, axe_page, axe_source, district_with_content, district_admin
):
    """Ranking, scoring (with the team's scores, the tier override and errors) and criteria."""
    from measures import evaluation_services
    from measures.models import Criterion

    from ..factories import MeasureFactory

    base = live_server.url
    slug = district_with_content.slug
    criteria = [
        evaluation_services.criterion_save(
            district=district_with_content,
            user=district_admin,
            title=title,
            weight=weight,
            description="Worauf achten?",
        )
        for title, weight in (("Zeitnahe Umsetzbarkeit", "3"), ("Nachhaltigkeit", "1"))
    ]
    scored, _unscored = MeasureFactory.create_batch(2, district=district_with_content)
    evaluation_services.scores_save(
        measure=scored,
        evaluator=district_admin,
        scores={c.pk: (4, "Gut machbar") for c in criteria},
    )
    log_in(axe_page, base, district_admin.email, PASSWORD)
    reports = []
    for name, path in [
        ("evaluation-ranking", f"/{slug}/verwaltung/bewertung/"),
        ("evaluation-score", f"/{slug}/verwaltung/bewertung/{scored.pk}/"),
        ("evaluation-criteria", f"/{slug}/verwaltung/bewertung/kriterien/"),
        ("evaluation-criterion", f"/{slug}/verwaltung/bewertung/kriterien/{criteria[0].pk}/"),
        (
            "evaluation-criterion-delete",
            f"/{slug}/verwaltung/bewertung/kriterien/{criteria[0].pk}/loeschen/",
        ),
    ]:
        response = axe_page.goto(base + path)
        assert response.status == 200, f"{path} answered {response.status}"
        screenshot(axe_page, f"axe-{name}")
        violations = run_axe(axe_page, axe_source)
        if violations:
            reports.append(format_violations(axe_page.url, violations))
    # The scoring form with errors: nothing chosen, a reason missing for the tier.
    axe_page.goto(f"{base}/{slug}/verwaltung/bewertung/{_unscored.pk}/")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Bewertung speichern").click()
    assert axe_page.locator("[aria-invalid='true']").count() >= 1
    screenshot(axe_page, "axe-evaluation-score-errors")
    violations = run_axe(axe_page, axe_source)
    if violations:
        reports.append(format_violations(axe_page.url, violations))
    assert Criterion.objects.count() == 2
    assert not reports, "\n\n".join(reports)


@pytest.fixture
def district_with_strategy(district, district_admin):
    """A strategy with a mission, measures of two tiers, an implemented one with its Steckbrief,
    and the current phase."""
    from datetime import date, timedelta

    from django.utils import timezone

    from measures import services as measure_services
    from measures.models import Measure

    from ..factories import MeasureFactory

    services.strategy_save(
        district=district,
        fields={"title": "Digitalstrategie", "subtitle": "Entwurf", "vision": "- Coworking"},
        values=[{"title": "Offenheit", "explanation": "Wir teilen Daten."}],
        goals=[{"title": "Fachkräfte sichern", "text": "Mit Bildung."}],
    )
    field = ActionFieldFactory(
        district=district, title="Neue Arbeitsformen", slug="arbeit", colour="#2f5d34"
    )
    mission = services.mission_save(
        district=district, action_field=field, title="Coworking etablieren"
    )
    for tier in ("premium_plus", "further"):
        MeasureFactory(district=district, action_field=field, mission=mission, tier=tier)
    implemented = Measure.objects.filter(district=district).first()
    measure_services.steckbrief_save(
        measure=implemented,
        user=district_admin,
        fields={"responsible_body": "WRM", "budget_estimate": "40.000 €"},
        milestones=[{"title": "Eröffnung", "is_done": True, "done_on": date(2026, 3, 1)}],
    )
    today = timezone.localdate()
    services.phase_save(
        district=district,
        kind="participation",
        start=today - timedelta(days=3),
        end=today + timedelta(days=30),
    )
    return district


def test_strategy_statistics_and_good_examples_have_no_axe_violations(
    live_server, axe_page, axe_source, district_with_strategy, district_admin
):
    base = live_server.url
    slug = district_with_strategy.slug
    reports = []
    pages = [
        ("strategy", f"/{slug}/strategie/"),
        ("strategy-action-field", f"/{slug}/strategie/arbeit/"),
        ("strategy-mission", f"/{slug}/strategie/arbeit/coworking-etablieren/"),
        ("statistics", f"/{slug}/statistik/"),
        ("good-examples", "/gute-beispiele/"),
        ("district-with-phase", f"/{slug}/"),
        ("landing-with-examples", "/"),
        ("login", None),
        ("workspace-strategy", f"/{slug}/verwaltung/strategie/"),
        ("workspace-action-fields", f"/{slug}/verwaltung/strategie/handlungsfelder/"),
        ("workspace-phases", f"/{slug}/verwaltung/strategie/phasen/"),
        (
            "workspace-steckbrief",
            f"/{slug}/verwaltung/massnahmen/"
            f"{district_with_strategy.measures_measure_set.first().pk}/steckbrief/",
        ),
    ]
    for name, path in pages:
        if path is None:
            log_in(axe_page, base, district_admin.email, PASSWORD)
            continue
        response = axe_page.goto(base + path)
        assert response.status == 200, f"{path} answered {response.status}"
        screenshot(axe_page, f"axe-{name}")
        violations = run_axe(axe_page, axe_source)
        if violations:
            reports.append(format_violations(axe_page.url, violations))
    assert not reports, "\n\n".join(reports)


def test_measure_pages_have_no_axe_violations(
    live_server, axe_page, axe_source, district_with_content, facilitator
):
    """The measure list, a measure with its thread (as a visitor and as a participant), and the
    proposal form empty, with errors and as a preview."""
    from measures import services as measure_services

    district = district_with_content
    field = district.strategy_portal_actionfield_set.first()
    author = UserFactory(email="jana@example.org", display_name="Jana aus Großenhain")
    company = UserFactory(
        email="tischlerei@example.org", kind="company", organisation_name="Tischlerei Hahn GmbH"
    )
    measure = measure_services.measure_submit(
        district=district,
        author=author,
        title="Coworking auf Probe im Dorfgemeinschaftshaus",
        description="Ein Raum, schnelles Internet, drei Monate zum Ausprobieren.",
        added_value="Weniger Pendeln.",
        feasibility="Popup-Test mit Hochschule.",
        time_horizon="short",
        action_field=field,
        tags=["Coworking"],
    )
    measure_services.support_add(measure=measure, user=company)
    first = measure_services.comment_add(measure=measure, author=company, body="Gute Idee!")
    reply = measure_services.comment_add(
        measure=measure, author=author, body="Danke!", parent=first
    )
    measure_services.comment_add(measure=measure, author=company, body="Gern.", parent=reply)
    hidden = measure_services.comment_add(measure=measure, author=company, body="Unfreundlich")
    measure_services.moderation_hide(moderator=facilitator, reason="Ton", comment=hidden)
    measure_services.status_change(
        measure=measure, user=facilitator, status="under_evaluation", reason="Wir prüfen."
    )
    measure_services.answer_publish(measure=measure, user=facilitator, text="Danke für die Idee.")

    base = live_server.url
    reports = []

    def check(name):
        screenshot(axe_page, f"axe-{name}")
        violations = run_axe(axe_page, axe_source)
        if violations:
            reports.append(format_violations(axe_page.url, violations))

    for name, path in [
        ("measures", f"/{district.slug}/massnahmen/"),
        ("measures-filtered", f"/{district.slug}/massnahmen/?status=proposed&q=Coworking"),
        ("measure", measure.get_absolute_url()),
    ]:
        axe_page.goto(base + path)
        check(name)

    log_in(axe_page, base, author.email, PASSWORD)
    axe_page.goto(base + measure.get_absolute_url())
    check("measure-participant")
    axe_page.goto(f"{base}/{district.slug}/massnahmen/neu/")
    assert axe_page.locator("h1").count() == 1
    check("measure-propose")
    form = axe_page.locator("main form.sp-form")
    form.locator("input[name='title']").fill("")
    with axe_page.expect_navigation():
        form.locator("button[name='step']").click()
    assert axe_page.locator("[aria-invalid='true']").count() >= 1
    check("measure-propose-errors")
    assert not reports, "\n\n".join(reports)
