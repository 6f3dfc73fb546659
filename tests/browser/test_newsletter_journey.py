"""The newsletter pages in Debian's Chromium: axe-core finds nothing on sign-up (also with errors),
confirm and unsubscribe, and a visitor gets through subscribe → confirm → unsubscribe."""

import pytest
from django.core import mail

from newsletters import services
from newsletters.models import Subscription, SubscriptionStatus

from ..factories import ActionFieldFactory
from ..newsletters.conftest import link_in, make_subscription  # noqa: F401 (a fixture)
from .conftest import format_violations, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_violations(page, axe_source, name):
    screenshot(page, f"axe-newsletter-{name}")
    violations = run_axe(page, axe_source)
    assert not violations, format_violations(page.url, violations)


def test_subscribe_confirm_unsubscribe_journey_without_axe_violations(
    live_server, axe_page, axe_source, district
):
    ActionFieldFactory(district=district, title="Nahversorgung, Einzelhandel und Gewerbe")
    base = live_server.url
    axe_page.goto(f"{base}/{district.slug}/newsletter/")
    assert_no_violations(axe_page, axe_source, "signup")

    form = axe_page.locator("main form")
    form.locator("input[name='email']").fill("keine-adresse")
    with axe_page.expect_navigation():
        form.locator("button[type='submit']").click()
    assert axe_page.locator("[aria-invalid='true']").count() >= 1
    assert_no_violations(axe_page, axe_source, "signup-errors")

    form = axe_page.locator("main form")
    form.locator("input[name='email']").fill("leser@example.org")
    form.get_by_label("Nahversorgung, Einzelhandel und Gewerbe").check()
    form.locator("input[name='consent']").check()
    with axe_page.expect_navigation():
        form.locator("button[type='submit']").click()
    assert_no_violations(axe_page, axe_source, "requested")

    subscription = Subscription.objects.get()
    link = link_in(mail.outbox[0]) if mail.outbox else None
    link = link or f"/newsletter/bestaetigen/{services.confirmation_token(subscription)}/"
    axe_page.goto(base + link)
    assert_no_violations(axe_page, axe_source, "confirm")
    with axe_page.expect_navigation():
        axe_page.locator("main form button[type='submit']").click()
    assert_no_violations(axe_page, axe_source, "confirmed")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED

    axe_page.goto(f"{base}/newsletter/abmelden/{subscription.manage_token}/")
    assert_no_violations(axe_page, axe_source, "manage")
    with axe_page.expect_navigation():
        axe_page.locator("main form:has(input[value='unsubscribe']) button").click()
    assert_no_violations(axe_page, axe_source, "unsubscribed")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED


def test_admin_composes_previews_and_sends_without_axe_violations(
    live_server,
    axe_page,
    axe_source,
    district,
    district_admin,
    password,
    make_subscription,  # noqa: F811 (the fixture imported above)
):
    from newsletters.models import Newsletter, NewsletterStatus

    from ..browser.conftest import log_in

    make_subscription("leserin@example.org")
    base = live_server.url
    log_in(axe_page, base, district_admin.email, password)
    axe_page.goto(f"{base}/{district.slug}/verwaltung/newsletter/neu/")
    assert_no_violations(axe_page, axe_source, "compose")
    form = axe_page.locator("main form")
    form.locator("input[name='subject']").fill("Neues aus dem Landkreis")
    form.locator("textarea[name='body']").fill("Die Workshops sind dokumentiert.")
    with axe_page.expect_navigation():
        form.locator("button[type='submit']").click()
    assert_no_violations(axe_page, axe_source, "detail")

    newsletter = Newsletter.objects.get()
    axe_page.goto(f"{base}/{district.slug}/verwaltung/newsletter/{newsletter.pk}/vorschau/")
    assert_no_violations(axe_page, axe_source, "preview")
    axe_page.goto(f"{base}/{district.slug}/verwaltung/newsletter/{newsletter.pk}/")
    with axe_page.expect_navigation():
        axe_page.locator("main button[value='now']").click()
    assert_no_violations(axe_page, axe_source, "confirm-send")
    with axe_page.expect_navigation():
        axe_page.locator("main form button[type='submit']").click()
    assert "/fortschritt/" in axe_page.url
    assert_no_violations(axe_page, axe_source, "progress")
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT
    assert [m.to for m in mail.outbox if m.subject == "Neues aus dem Landkreis"] == [
        ["leserin@example.org"]
    ]
