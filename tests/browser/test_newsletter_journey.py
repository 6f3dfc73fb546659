"""The newsletter pages in Debian's Chromium: axe-core finds nothing on sign-up (also with errors),
confirm, unsubscribe, compose and progress; a visitor gets through subscribe → confirm →
unsubscribe; an admin composes, tests, schedules and sends, and the reader unsubscribes in one
click from the mail's header."""

from datetime import timedelta
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from django.core import mail
from django.utils import timezone

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


def test_admin_composes_tests_schedules_and_sends_and_the_reader_unsubscribes_from_the_header(
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

    reader = make_subscription("leserin@example.org")
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
    detail = f"{base}/{district.slug}/verwaltung/newsletter/{newsletter.pk}/"
    axe_page.goto(f"{detail}vorschau/")
    assert_no_violations(axe_page, axe_source, "preview")

    # „Testversand an mich“: only the admin gets it, the newsletter stays a draft.
    axe_page.goto(detail)
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Testversand an mich").click()
    assert [m.to for m in mail.outbox] == [[district_admin.email]]
    assert mail.outbox[0].subject == "[Test] Neues aus dem Landkreis"
    assert_no_violations(axe_page, axe_source, "test-sent")

    # Scheduled for tomorrow, confirmed, then cancelled again.
    tomorrow = timezone.localtime() + timedelta(days=1)
    axe_page.locator("main input[name='when']").fill(tomorrow.strftime("%Y-%m-%dT10:00"))
    with axe_page.expect_navigation():
        axe_page.locator("main button[value='schedule']").click()
    assert_no_violations(axe_page, axe_source, "confirm-schedule")
    with axe_page.expect_navigation():
        axe_page.locator("main form button[type='submit']").click()
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SCHEDULED
    assert timezone.localtime(newsletter.scheduled_for).strftime("%d.%m. %H:%M") == (
        tomorrow.strftime("%d.%m. 10:00")
    )
    assert_no_violations(axe_page, axe_source, "scheduled")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Geplanten Versand abbrechen").click()
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.CANCELLED

    # Sent now, behind the confirmation step.
    with axe_page.expect_navigation():
        axe_page.locator("main button[value='now']").click()
    assert_no_violations(axe_page, axe_source, "confirm-send")
    with axe_page.expect_navigation():
        axe_page.locator("main form button[type='submit']").click()
    assert "/fortschritt/" in axe_page.url
    assert_no_violations(axe_page, axe_source, "progress")
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT
    sent = [m for m in mail.outbox if m.subject == "Neues aus dem Landkreis"]
    assert [m.to for m in sent] == [["leserin@example.org"]]

    # The reader's mail program unsubscribes in one click from the header (RFC 8058): a POST
    # without cookies, session or CSRF token.
    header = sent[0].message()["List-Unsubscribe"]
    assert sent[0].message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https_link = header.split(",")[0].strip().strip("<>")
    one_click = Request(
        base + urlsplit(https_link).path,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urlopen(one_click, timeout=30) as response:  # noqa: S310 (the live server)
        assert response.status == 200
        assert "sessionid" not in (response.headers.get("Set-Cookie") or "")
    reader.refresh_from_db()
    assert reader.status == SubscriptionStatus.UNSUBSCRIBED
