"""Bad input gets a clear German message on the field that caused it, or a proper 403/404 page in
the site's design – never a 500, and nothing is changed."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from strategy_portal.models import ParticipantKind, User
from tests.helpers import de

FORGED_TOKEN = "F" * 64


@pytest.fixture
def csrf_client():
    """A browser-like client: the CSRF check is not waived as in the default test client."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def h1_of(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.DOTALL)
    assert match, "page has no <h1>"
    return match.group(1).strip()


def assert_site_page(response):
    """Rendered in the site's own layout (skip link, header, footer), in German."""
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert 'class="sp-skip-link"' in html
    assert 'class="sp-footer"' in html
    assert html.count("<h1") == 1


def signup_data(**changes):
    data = {
        "email": "neu@example.org",
        "password1": "Sicheres-Passwort-2026",
        "password2": "Sicheres-Passwort-2026",
        "kind": ParticipantKind.CITIZEN,
        "privacy_consent": "on",
    }
    data.update(changes)
    return data


# --- CSRF -----------------------------------------------------------------------------------------


def test_signup_without_csrf_token_gets_the_sites_403_page(csrf_client, db):
    response = csrf_client.post(reverse("account_signup"), signup_data())

    assert response.status_code == 403
    assert_site_page(response)
    assert h1_of(response) == de("Form expired")
    assert "403_csrf.html" in [t.name for t in response.templates]
    assert not User.objects.exists()


def test_signup_with_forged_csrf_token_gets_the_sites_403_page(csrf_client, db):
    csrf_client.get(reverse("account_signup"))  # the browser has a genuine CSRF cookie …
    assert "csrftoken" in csrf_client.cookies

    response = csrf_client.post(  # … but the form carries a token made up by another site
        reverse("account_signup"), signup_data(csrfmiddlewaretoken=FORGED_TOKEN)
    )

    assert response.status_code == 403
    assert_site_page(response)
    assert h1_of(response) == de("Form expired")
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()


def test_signup_with_genuine_csrf_token_works(csrf_client, db):
    """Counter-check: the 403 above comes from the forged token, not from the form."""
    csrf_client.get(reverse("account_signup"))
    token = csrf_client.cookies["csrftoken"].value

    response = csrf_client.post(reverse("account_signup"), signup_data(csrfmiddlewaretoken=token))

    assert response.status_code == 302
    assert User.objects.filter(email="neu@example.org").exists()


def test_account_deletion_with_forged_csrf_token_deletes_nothing(csrf_client, citizen, password):
    csrf_client.force_login(citizen)
    csrf_client.get(reverse("personal_data"))

    response = csrf_client.post(
        reverse("personal_data"),
        {"password": password, "confirm": "on", "csrfmiddlewaretoken": FORGED_TOKEN},
    )

    assert response.status_code == 403
    assert_site_page(response)
    assert User.objects.filter(pk=citizen.pk).exists()


def test_logout_with_forged_csrf_token_keeps_the_session(csrf_client, citizen):
    csrf_client.force_login(citizen)

    response = csrf_client.post(reverse("account_logout"), {"csrfmiddlewaretoken": FORGED_TOKEN})

    assert response.status_code == 403
    assert csrf_client.session["_auth_user_id"] == str(citizen.pk)


# --- Unknown addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/gibt-es-nicht/",
        "/gibt-es-nicht/impressum/",
        "/gibt-es-nicht/verwaltung/",
        "/landkreis-meissen/gibt-es-nicht/",
    ],
)
def test_unknown_district_gets_the_sites_404_page(client, district, path):
    response = client.get(path)

    assert response.status_code == 404
    assert_site_page(response)
    assert h1_of(response) == de("Page not found")
    assert f'href="{reverse("landing")}"' in response.content.decode()


def test_unpublished_district_is_not_found(client, district):
    district.is_active = False
    district.save()

    response = client.get(district.get_absolute_url())

    assert response.status_code == 404
    assert h1_of(response) == de("Page not found")


# --- Sign-up form ---------------------------------------------------------------------------------


def test_weak_password_is_refused_on_the_password_field(client, db):
    response = client.post(
        reverse("account_signup"), signup_data(password1="12345678", password2="12345678")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"password1"}
    html = response.content.decode()
    assert 'id="id_password1_error"' in html
    # Django's German messages of the configured validators
    assert "Dieses Passwort ist zu kurz. Es muss mindestens 10 Zeichen enthalten." in html
    assert "Dieses Passwort ist komplett numerisch." in html
    field = re.search(r'<input[^>]*name="password1"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert not User.objects.exists()


def test_password_like_the_email_address_is_refused(client, db):
    response = client.post(
        reverse("account_signup"),
        signup_data(
            email="kim.beispiel@example.org",
            password1="kim.beispiel@example",
            password2="kim.beispiel@example",
        ),
    )

    assert response.status_code == 200
    assert "zu ähnlich" in " ".join(response.context["form"].errors["password1"])
    assert not User.objects.exists()


def test_password_repeated_wrongly_is_refused(client, db):
    response = client.post(
        reverse("account_signup"), signup_data(password2="Sicheres-Passwort-2027")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert 'id="id_password2_error"' in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "email", ["kein-at-zeichen", "zwei@@example.org", "leer zeichen@example.org", ""]
)
def test_invalid_email_is_refused_on_the_email_field(client, db, email):
    response = client.post(reverse("account_signup"), signup_data(email=email))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email"}
    assert 'id="id_email_error"' in response.content.decode()
    assert not User.objects.exists()


def test_invalid_email_message_is_german(client, db):
    response = client.post(reverse("account_signup"), signup_data(email="kein-at-zeichen"))

    assert response.context["form"].errors["email"] == ["Bitte gültige E-Mail-Adresse eingeben."]


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "a\x00b@example.org"},
        {"password1": "Sicheres\x00Passwort", "password2": "Sicheres\x00Passwort"},
        {"kind": "admin"},
        {"kind": ""},
        {"kind": ParticipantKind.COMPANY, "sector": "<script>", "company_size": "riesig"},
        {"email": "x" * 400 + "@example.org"},
        {"display_name": "ö" * 500},
        {"organisation_name": "\x00", "kind": ParticipantKind.INSTITUTION},
    ],
    ids=[
        "nul-in-email",
        "nul-in-password",
        "unknown-kind",
        "no-kind",
        "invalid-choices",
        "overlong-email",
        "overlong-name",
        "nul-in-organisation",
    ],
)
def test_garbage_in_signup_is_refused_without_server_error(db, changes):
    client = Client(raise_request_exception=False)

    response = client.post(reverse("account_signup"), signup_data(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="kern-error"' in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_taken_email_in_other_case_does_not_fail(client, citizen):
    response = Client(raise_request_exception=False).post(
        reverse("account_signup"), signup_data(email="BUERGERIN@EXAMPLE.ORG")
    )

    assert response.status_code == 302
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/konto/e-mail-bestaetigen/nicht-echt/",
        "/konto/passwort/neu/zz-nicht-echt/",
        "/konto/passwort/neu/1-set-password/",
    ],
)
def test_forged_account_links_do_not_fail(db, path):
    client = Client(raise_request_exception=False)

    get = client.get(path, follow=True)
    post = client.post(
        path, {"password1": "Neues-Kennwort-2026", "password2": "Neues-Kennwort-2026"}
    )

    assert get.status_code == 200
    assert post.status_code in (200, 302, 404)
    assert not EmailAddress.objects.filter(verified=True).exists()


def test_login_with_garbage_does_not_fail(db):
    client = Client(raise_request_exception=False)

    response = client.post(reverse("account_login"), {"login": "\x00" * 10, "password": ""})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_get_on_a_post_only_address_shows_the_sites_405_page(login, district_admin, district):
    membership = district.memberships.get(user=district_admin)

    response = login(district_admin).get(
        reverse("workspace_team_remove", args=[district.slug, membership.pk])
    )

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert 'class="sp-skip-link"' in response.content.decode()
    assert district.memberships.filter(pk=membership.pk).exists()
