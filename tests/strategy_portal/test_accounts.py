"""Accounts (django-allauth): sign-up, verification, login, logout, password, e-mail change,
no account enumeration, rate limits – all through the public pages, in German.

Strings have English msgids – the project's own from `locale/de`, allauth's from its catalogue
(which the project may override, e.g. to address users with "Sie"). Pages and mails are compared
with `de(msgid)`: the German text the site's catalogues yield, which must exist, so the tests hold
whatever wording the translators choose.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from strategy_portal.models import (
    CompanySize,
    EmailStatus,
    InstitutionType,
    OutgoingEmail,
    ParticipantKind,
    Sector,
    User,
)
from tests.helpers import de

from ..factories import PASSWORD

NEW_PASSWORD = "Neues-Kennwort-fuer-2026"
LINK = re.compile(r"https?://testserver(/konto/\S+?/)(?=\s|$)", re.MULTILINE)


def main_of(response) -> str:
    """The page's <main> element, without CSRF tokens (they differ per session)."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def link_in(message) -> str:
    """The path of the (only) /konto/ link in a mail's text part."""
    paths = LINK.findall(message.body)
    assert len(paths) == 1, message.body
    return paths[0]


def signup_data(email="neu@example.org", password=PASSWORD, **extra):
    return {
        "email": email,
        "password1": password,
        "password2": password,
        "kind": ParticipantKind.CITIZEN,
        "privacy_consent": "on",
        **extra,
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps its rate-limit counters in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """POST the sign-up form and run the mail tasks that wait for the commit."""

    def _sign_up(**data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("account_signup"), signup_data(**data))

    return _sign_up


@pytest.fixture
def post_and_send(client, django_capture_on_commit_callbacks):
    def _post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return _post


# --- Sign-up --------------------------------------------------------------------------------------


def test_signup_page_is_german_and_asks_who_takes_part(client, db):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert de("Sign Up") in html  # allauth's string, in German
    assert "sp-skip-link" in html  # drawn in the site's layout
    assert html.count("<h1") == 1
    for value in ParticipantKind.values:
        assert f'name="kind" value="{value}"' in html
    for name in ("organisation_name", "sector", "company_size", "institution_type"):
        assert f'name="{name}"' in html


def test_citizen_can_sign_up_by_email(sign_up, db):
    response = sign_up(email="Neu@Example.org", display_name="Alex Muster")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email__iexact="neu@example.org")
    assert user.kind == ParticipantKind.CITIZEN
    assert user.display_name == "Alex Muster"
    assert user.organisation_name == ""
    assert user.check_password("Sicheres-Passwort-2026")
    address = EmailAddress.objects.get(user=user)
    assert address.email.lower() == "neu@example.org"
    assert address.verified is False


def test_company_signs_up_with_name_sector_and_size(sign_up, db):
    response = sign_up(
        email="info@loetwerk.example",
        kind=ParticipantKind.COMPANY,
        organisation_name="Lötwerk GmbH",
        sector=Sector.CRAFT,
        company_size=CompanySize.MICRO,
        institution_type=InstitutionType.SCHOOL,  # does not apply to a company
    )

    assert response.status_code == 302
    user = User.objects.get(email="info@loetwerk.example")
    assert user.kind == ParticipantKind.COMPANY
    assert user.organisation_name == "Lötwerk GmbH"
    assert user.sector == Sector.CRAFT
    assert user.company_size == CompanySize.MICRO
    assert user.institution_type == ""
    assert user.public_name == "Lötwerk GmbH"


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("organisation_name", "Please enter the name of your company."),
        ("sector", "Please choose the sector of your company."),
        ("company_size", "Please choose the size of your company."),
    ],
)
def test_company_must_name_itself_and_give_sector_and_size_on_signup(sign_up, db, missing, message):
    data = {
        "kind": ParticipantKind.COMPANY,
        "organisation_name": "Lötwerk GmbH",
        "sector": Sector.CRAFT,
        "company_size": CompanySize.SMALL,
    }
    data[missing] = ""

    response = sign_up(**data)

    assert response.status_code == 200
    assert response.context["form"].errors[missing] == [de(message)]
    html = response.content.decode()
    assert f'id="id_{missing}_error"' in html
    assert de(message) in html
    assert not User.objects.exists()
    assert mail.outbox == []


def test_institution_signs_up_with_name_and_type(sign_up, db):
    response = sign_up(
        email="schule@example.org",
        kind=ParticipantKind.INSTITUTION,
        organisation_name="Oberschule Riesa",
        institution_type=InstitutionType.SCHOOL,
        sector=Sector.IT,  # does not apply to an institution
        company_size=CompanySize.LARGE,
    )

    assert response.status_code == 302
    user = User.objects.get(email="schule@example.org")
    assert user.kind == ParticipantKind.INSTITUTION
    assert user.organisation_name == "Oberschule Riesa"
    assert user.institution_type == InstitutionType.SCHOOL
    assert (user.sector, user.company_size) == ("", "")


def test_institution_must_give_name_and_type_on_signup(sign_up, db):
    response = sign_up(kind=ParticipantKind.INSTITUTION)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["organisation_name"] == [de("Please enter the name of your institution.")]
    assert errors["institution_type"] == [de("Please choose the type of your institution.")]
    assert not User.objects.exists()


def test_signup_needs_privacy_consent(sign_up, db):
    response = sign_up(privacy_consent="")

    assert response.status_code == 200
    assert response.context["form"].errors["privacy_consent"] == [
        de("Please agree to the privacy policy to sign up.")
    ]
    assert 'id="id_privacy_consent_error"' in response.content.decode()
    assert not User.objects.exists()


# --- Verification ---------------------------------------------------------------------------------


def test_signup_sends_german_verification_mail_with_link(sign_up, client, db):
    response = sign_up()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert de("Verify Your Email Address") in page.content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu@example.org"]
    assert message.subject == "[Strategieportal] " + de("Please confirm your e-mail address")
    assert de("Hello,") in message.body
    path = link_in(message)
    assert path.startswith("/konto/e-mail-bestaetigen/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="de">' in html
    assert f'href="http://testserver{path}"' in html

    stored = OutgoingEmail.objects.get(to="neu@example.org")
    assert stored.status == EmailStatus.SENT
    assert stored.sent_at is not None
    assert stored.subject == message.subject
    # The one-time link went out in the mail; the outbox keeps no copy of it.
    assert path not in stored.text_body + stored.html_body


def test_confirmation_link_shows_a_button_and_only_post_confirms(sign_up, client, db):
    sign_up()
    path = link_in(mail.outbox[0])
    address = EmailAddress.objects.get(email="neu@example.org")

    page = client.get(path)

    assert page.status_code == 200
    html = page.content.decode()
    assert de("Confirm Email Address") in html
    # allauth signs the key again per rendering (with a timestamp): compare the address only.
    assert f'action="{path.rsplit(":", 2)[0]}' in html
    assert 'type="submit"' in html
    assert de("Confirm") in html
    address.refresh_from_db()
    assert address.verified is False  # a mail scanner opening the link confirms nothing

    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    address.refresh_from_db()
    assert address.verified is True
    assert address.primary is True


def test_forged_confirmation_key_shows_expired_link_and_confirms_nothing(sign_up, client, db):
    sign_up()

    page = client.get("/konto/e-mail-bestaetigen/MQ:forged:key/")
    response = client.post("/konto/e-mail-bestaetigen/MQ:forged:key/")

    assert page.status_code == 200
    expired = de(
        'This email confirmation link expired or is invalid. Please <a href="%(email_url)s">issue'
        " a new email confirmation request</a>."
    ) % {"email_url": reverse("account_email")}
    assert expired in page.content.decode()
    assert response.status_code in (200, 404)
    assert not EmailAddress.objects.filter(verified=True).exists()


# --- Login and logout -----------------------------------------------------------------------------


def test_login_page_is_german(client, db):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert de("Sign In") in html
    assert de("Forgot your password?") in html
    assert 'type="email" name="login"' in html  # login is by e-mail, not user name


def test_unverified_account_cannot_log_in_until_confirmed(sign_up, client, db):
    sign_up()
    path = link_in(mail.outbox[0])
    credentials = {"login": "neu@example.org", "password": "Sicheres-Passwort-2026"}

    refused = client.post(reverse("account_login"), credentials)

    assert refused.status_code == 302
    assert refused["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("profile")).status_code == 302

    client.post(path)
    response = client.post(reverse("account_login"), credentials)

    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)
    assert client.get(reverse("profile")).status_code == 200


def test_verified_user_logs_in_by_email(client, citizen, password):
    response = client.post(
        reverse("account_login"), {"login": "BUERGERIN@example.org", "password": password}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_wrong_password_shows_german_error_and_does_not_log_in(client, citizen):
    response = client.post(
        reverse("account_login"), {"login": citizen.email, "password": "falsch-falsch-falsch"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == [
        de("The email address and/or password you specified are not correct.")
    ]
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(login, citizen):
    client = login(citizen)

    page = client.get(reverse("account_logout"))

    assert page.status_code == 200
    assert de("Are you sure you want to sign out?") in page.content.decode()
    assert client.session["_auth_user_id"] == str(citizen.pk)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("profile")).status_code == 302


def test_logged_in_pages_offer_logout_as_a_form(login, citizen):
    html = login(citizen).get(reverse("profile")).content.decode()

    assert re.search(rf'<form action="{reverse("account_logout")}" method="post">', html), (
        "logout must be a POST form, not a link"
    )


# --- Password reset and change --------------------------------------------------------------------


def test_password_reset_mail_lets_user_set_a_new_password(client, citizen, post_and_send):
    response = post_and_send(reverse("account_reset_password"), {"email": citizen.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [citizen.email]
    assert message.subject == "[Strategieportal] " + de("Reset your password")
    assert message.alternatives[0][1] == "text/html"
    path = link_in(message)
    assert path.startswith("/konto/passwort/neu/")
    assert (
        OutgoingEmail.objects.get(to=citizen.email, subject=message.subject).status
        == EmailStatus.SENT
    )

    # The key in the link is moved into the session; the form lives at a key-less address.
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert de("Change Password") in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session  # no login by reset link

    login = client.post(
        reverse("account_login"), {"login": citizen.email, "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_password_reset_link_cannot_be_used_twice(client, citizen, post_and_send):
    post_and_send(reverse("account_reset_password"), {"email": citizen.email})
    path = link_in(mail.outbox[0])
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    second = client.get(path, follow=True)

    assert second.status_code == 200
    assert 'name="password1"' not in second.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)


def test_password_reset_rejects_weak_new_password(client, citizen, password, post_and_send):
    post_and_send(reverse("account_reset_password"), {"email": citizen.email})
    form_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"password1": "12345678", "password2": "12345678"})

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert 'id="id_password1_error"' in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(password)


def test_password_change_needs_current_password(login, citizen, password, post_and_send):
    client = login(citizen)
    page = client.get(reverse("account_change_password"))
    assert page.status_code == 200
    assert de("Change Password") in page.content.decode()

    wrong = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "nicht-mein-passwort",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["oldpassword"] == [de("Please type your current password.")]
    citizen.refresh_from_db()
    assert citizen.check_password(password)

    response = post_and_send(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(citizen.pk)  # stays logged in
    # allauth's notice about the change, in its own German words, through the site's mail helper
    notice = mail.outbox[-1]
    assert notice.to == [citizen.email]
    assert notice.subject == "[Strategieportal] " + de("Password Changed")
    assert de("Your password has been changed.") in notice.body
    assert OutgoingEmail.objects.get(subject=notice.subject).status == EmailStatus.SENT


# --- E-mail change --------------------------------------------------------------------------------


def test_email_change_page_shows_current_address(login, citizen):
    response = login(citizen).get(reverse("account_email"))

    assert response.status_code == 200
    html = response.content.decode()
    assert citizen.email in html
    assert de("Change Email") in html


def test_email_change_takes_effect_after_new_address_is_confirmed(login, citizen, post_and_send):
    client = login(citizen)

    response = post_and_send(
        reverse("account_email"), {"action_add": "", "email": "neue-adresse@example.org"}
    )

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.email == "buergerin@example.org"  # unchanged until confirmed
    message = mail.outbox[-1]
    assert message.to == ["neue-adresse@example.org"]
    assert message.subject == "[Strategieportal] " + de("Please confirm your e-mail address")

    client.post(link_in(message))

    citizen.refresh_from_db()
    assert citizen.email == "neue-adresse@example.org"
    addresses = EmailAddress.objects.filter(user=citizen)
    assert [(a.email, a.verified, a.primary) for a in addresses] == [
        ("neue-adresse@example.org", True, True)
    ]


def test_email_change_to_address_of_another_account_cannot_take_it_over(
    login, citizen, company, post_and_send
):
    client = login(citizen)

    response = post_and_send(reverse("account_email"), {"action_add": "", "email": company.email})
    # allauth does not reveal that the address is taken; whatever it mails goes to that address.
    assert response.status_code in (200, 302)
    assert all(m.to == [company.email] for m in mail.outbox)
    for message in mail.outbox:
        for path in LINK.findall(message.body):
            client.post(path)

    citizen.refresh_from_db()
    assert citizen.email == "buergerin@example.org"
    assert EmailAddress.objects.get(email=company.email, verified=True).user == company
    assert not EmailAddress.objects.filter(
        user=citizen, email=company.email, verified=True
    ).exists()


# --- Unconfirmed addresses ------------------------------------------------------------------------

CLAIMED = "vertippt@example.org"


@pytest.fixture
def unconfirmed_claim(login, citizen, post_and_send):
    """The citizen adds an address at /konto/e-mail/ and does not confirm it, then logs out."""
    client = login(citizen)
    post_and_send(reverse("account_email"), {"action_add": "", "email": CLAIMED})
    assert EmailAddress.objects.get(user=citizen, email=CLAIMED).verified is False
    claim_confirmation = link_in(mail.outbox[-1])
    client.logout()
    mail.outbox.clear()
    cache.clear()  # later: allauth mails one confirmation per address every few minutes
    return claim_confirmation


def test_password_reset_is_not_mailed_to_an_unconfirmed_address(
    client, citizen, password, unconfirmed_claim, post_and_send
):
    response = post_and_send(reverse("account_reset_password"), {"email": CLAIMED})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    # The address's owner learns only what anyone learns about an address without an account.
    assert [m.to for m in mail.outbox] == [[CLAIMED]]
    assert mail.outbox[0].subject == "[Strategieportal] " + de("Password reset requested")
    assert "/konto/passwort/neu/" not in mail.outbox[0].body
    citizen.refresh_from_db()
    assert citizen.check_password(password)


def test_unconfirmed_address_does_not_log_in(client, citizen, password, unconfirmed_claim):
    response = client.post(reverse("account_login"), {"login": CLAIMED, "password": password})

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == [
        de("The email address and/or password you specified are not correct.")
    ]
    assert "_auth_user_id" not in client.session
    assert mail.outbox == []  # no confirmation mail re-sent to the claimed address either


def test_notices_do_not_go_to_an_unconfirmed_address(
    login, citizen, password, unconfirmed_claim, post_and_send
):
    login(citizen)

    post_and_send(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert [m.to for m in mail.outbox] == [[citizen.email]]


def test_unconfirmed_address_does_not_block_someone_elses_signup(
    sign_up, client, citizen, unconfirmed_claim
):
    response = sign_up(email=CLAIMED)

    assert response.status_code == 302
    newcomer = User.objects.get(email=CLAIMED)
    assert newcomer != citizen
    assert [m.to for m in mail.outbox] == [[CLAIMED]]
    assert mail.outbox[0].subject == "[Strategieportal] " + de("Please confirm your e-mail address")

    client.post(link_in(mail.outbox[0]))

    # Whoever confirms first owns the address; the citizen's claim of it is gone.
    assert EmailAddress.objects.get(email=CLAIMED).user == newcomer
    assert EmailAddress.objects.get(email=CLAIMED).verified is True
    assert not EmailAddress.objects.filter(user=citizen, email=CLAIMED).exists()
    citizen.refresh_from_db()
    assert citizen.email == "buergerin@example.org"


def test_first_to_confirm_an_address_owns_it(login, sign_up, client, citizen, unconfirmed_claim):
    sign_up(email=CLAIMED)  # someone else signs up with the address the citizen claimed
    signup_confirmation = link_in(mail.outbox[-1])
    client.logout()

    client.post(unconfirmed_claim)  # the owner of the address confirms the citizen's claim first

    citizen.refresh_from_db()
    assert citizen.email == CLAIMED
    assert EmailAddress.objects.get(email=CLAIMED).user == citizen
    # The account that signed up with it and never confirmed anything is gone …
    assert User.objects.filter(email__iexact=CLAIMED).get() == citizen
    # … and its confirmation link confirms nothing any more.
    client.post(signup_confirmation)
    assert list(EmailAddress.objects.filter(email=CLAIMED).values_list("user", flat=True)) == [
        citizen.pk
    ]


# --- No account enumeration -----------------------------------------------------------------------


def test_password_reset_for_unknown_address_looks_like_known_one(client, citizen, post_and_send):
    known = post_and_send(reverse("account_reset_password"), {"email": citizen.email})
    known_page = client.get(known["Location"])
    unknown = post_and_send(reverse("account_reset_password"), {"email": "niemand@example.org"})
    unknown_page = client.get(unknown["Location"])

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert known_page.status_code == unknown_page.status_code == 200
    assert main_of(known_page) == main_of(unknown_page)
    assert citizen.email not in main_of(known_page)
    # The owner of the unknown address learns that there is no account, nobody else does.
    assert [m.to for m in mail.outbox] == [[citizen.email], ["niemand@example.org"]]
    assert mail.outbox[1].subject == "[Strategieportal] " + de("Password reset requested")
    assert "/konto/registrieren/" in mail.outbox[1].body


@pytest.mark.parametrize("spelling", ["buergerin@example.org", "BuergerIn@Example.ORG"])
def test_signup_with_taken_email_creates_no_user_and_warns_the_owner(
    sign_up, client, citizen, spelling
):
    fresh = sign_up(email="frisch@example.org")
    fresh_page = client.get(fresh["Location"])

    taken = sign_up(email=spelling, display_name="Eindringling")
    taken_page = client.get(taken["Location"])

    # The visitor sees exactly what a new sign-up sees …
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == reverse("account_email_verification_sent")
    assert taken_page.status_code == 200
    anonymised = [
        re.sub(address, "X", main_of(page), flags=re.IGNORECASE)
        for address, page in (("frisch@example.org", fresh_page), (spelling, taken_page))
    ]
    assert anonymised[0] == anonymised[1]
    # … and the page explains that the mail says whether an account exists already.
    assert (
        de(
            "If an account with this address exists already, the e-mail tells you so and how to "
            "log in – for your protection this page does not say whether an address is registered."
        )
        in taken_page.content.decode()
    )
    # … but no second account exists, and the owner is told by mail.
    assert User.objects.filter(email__iexact="buergerin@example.org").count() == 1
    citizen.refresh_from_db()
    assert citizen.display_name == "Kim Beispiel"
    assert EmailAddress.objects.filter(email__iexact="buergerin@example.org").count() == 1
    notice = mail.outbox[-1]
    assert notice.to[0].lower() == "buergerin@example.org"
    assert notice.subject == "[Strategieportal] " + de("You already have an account")
    assert "/konto/passwort/vergessen/" in notice.body
    assert OutgoingEmail.objects.get(subject=notice.subject).status == EmailStatus.SENT


def test_signup_with_taken_address_hashes_the_password_like_a_new_one(
    sign_up, citizen, monkeypatch
):
    # The answer's timing must not tell whether an address is registered: both paths hash.
    from django.contrib.auth.hashers import MD5PasswordHasher

    hashed = []
    original = MD5PasswordHasher.encode

    def counting_encode(self, password, salt):
        hashed.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)

    sign_up(email="frisch@example.org")
    new_address = list(hashed)
    hashed.clear()
    sign_up(email=citizen.email)

    assert new_address == [PASSWORD]
    assert hashed == new_address
    assert User.objects.filter(email__iexact=citizen.email).count() == 1


# --- Rate limits ----------------------------------------------------------------------------------


def test_repeated_failed_logins_lock_the_account_for_a_while(client, citizen, password):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": citizen.email, "password": "rate-mal"})

    # Even the right password is refused now, with allauth's German message.
    response = client.post(reverse("account_login"), {"login": citizen.email, "password": password})

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == [
        de("Too many failed login attempts. Try again later.")
    ]
    assert "_auth_user_id" not in client.session


def test_repeated_password_reset_requests_get_the_sites_429_page(client, citizen, post_and_send):
    for _attempt in range(3):
        assert (
            post_and_send(reverse("account_reset_password"), {"email": citizen.email}).status_code
            == 302
        )

    response = post_and_send(reverse("account_reset_password"), {"email": citizen.email})

    assert response.status_code == 429
    html = response.content.decode()
    assert "sp-skip-link" in html  # the site's own layout, not allauth's bare fallback
    assert re.search(rf"<h1[^>]*>{re.escape(de('Too many attempts'))}</h1>", html)
    assert '<html lang="de">' in html
    assert len(mail.outbox) == 3


def test_too_many_signups_from_one_address_get_the_sites_429_page(client, db):
    for _attempt in range(10):
        # Invalid sign-ups count as well and cost nothing to hash.
        client.post(reverse("account_signup"), {"email": "kaputt"})

    response = client.post(reverse("account_signup"), signup_data())

    assert response.status_code == 429
    assert "sp-skip-link" in response.content.decode()
    assert not User.objects.exists()


def test_too_many_logins_from_one_address_get_the_sites_429_page(client, db):
    for n in range(30):
        client.post(reverse("account_login"), {"login": f"p{n}@example.org", "password": "x"})

    response = client.post(reverse("account_login"), {"login": "p@example.org", "password": "x"})

    assert response.status_code == 429
    assert "sp-skip-link" in response.content.decode()
