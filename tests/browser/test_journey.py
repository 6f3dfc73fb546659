"""A citizen's first visit: sign up, confirm the address from the mail, log in, edit the profile."""

import re

import pytest
from allauth.account.models import EmailAddress

from strategy_portal.models import User

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser

EMAIL = "neu.buergerin@example.org"
PASSWORD = "Ein-gutes-Passwort-2026"
CONFIRM_LINK = re.compile(r"https?://\S+/konto/e-mail-bestaetigen/\S+")


def test_citizen_signs_up_confirms_logs_in_and_edits_profile(live_server, page, mailoutbox):
    base = live_server.url

    # Sign up: e-mail, password twice, "citizen" is preselected, privacy consent.
    page.goto(f"{base}/konto/registrieren/")
    screenshot(page, "journey-1-signup")
    form = page.locator("main form")
    form.locator("input[name='email']").fill(EMAIL)
    form.locator("input[name='password1']").fill(PASSWORD)
    form.locator("input[name='password2']").fill(PASSWORD)
    assert form.locator("input[name='kind'][value='citizen']").is_checked()
    form.locator("input[name='privacy_consent']").check()
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    assert "/konto/registrieren/" not in page.url, _page_errors(page)
    screenshot(page, "journey-2-verification-sent")

    user = User.objects.get(email=EMAIL)
    assert user.kind == "citizen"
    assert not EmailAddress.objects.get(user=user, email=EMAIL).verified

    # The verification mail was sent (in-process, after commit) and carries the link.
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    mail = mailoutbox[0]
    assert mail.to == [EMAIL]
    match = CONFIRM_LINK.search(mail.body)
    assert match, mail.body
    link = match.group(0)
    assert link.startswith(base), f"the link points elsewhere: {link}"

    # Opening the link shows a button (mail scanners open links); pressing it confirms.
    page.goto(link)
    screenshot(page, "journey-3-confirm")
    assert not EmailAddress.objects.get(user=user, email=EMAIL).verified
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert EmailAddress.objects.get(user=user, email=EMAIL).verified

    # Log in with e-mail and password; the profile page follows.
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/konto/profil/")
    assert page.url.endswith("/konto/profil/")
    screenshot(page, "journey-4-profile")

    # Change the public name and save: a success message, and the name is stored.
    form = page.locator("main form.sp-form").filter(has=page.locator("[name='display_name']"))
    form.locator("input[name='display_name']").fill("Kim aus Meißen")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    success = page.locator(".sp-messages .kern-alert--success[role='status']")
    success.wait_for()
    assert success.inner_text().strip()
    screenshot(page, "journey-5-profile-saved")
    assert page.locator("input[name='display_name']").input_value() == "Kim aus Meißen"
    user.refresh_from_db()
    assert user.display_name == "Kim aus Meißen"


def _page_errors(page) -> str:
    """The error texts of a form that did not go through, for the assertion message."""
    errors = page.locator(".kern-error, [id$='_error']").all_inner_texts()
    return f"sign-up did not go through: {errors or page.url}"
