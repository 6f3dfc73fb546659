"""django-allauth's account views under German, readable paths (ASCII, no umlauts).

The URL names are allauth's own, so allauth and our templates reverse them as usual. Features we
do not switch on (login by code, re-authentication by code, phone numbers, passkeys, password
reset by code) have no address.
"""

from allauth.account import views
from django.urls import path, re_path

urlpatterns = [
    path("anmelden/", views.login, name="account_login"),
    path("abmelden/", views.logout, name="account_logout"),
    path("inaktiv/", views.account_inactive, name="account_inactive"),
    path("registrieren/", views.signup, name="account_signup"),
    path("erneut-anmelden/", views.reauthenticate, name="account_reauthenticate"),
    path(
        "anmelden/code/bestaetigen/",
        views.confirm_login_code,
        name="account_confirm_login_code",
    ),
    path("e-mail/", views.email, name="account_email"),
    path(
        "e-mail-bestaetigen/",
        views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^e-mail-bestaetigen/(?P<key>[-:\w]+)/$",
        views.confirm_email,
        name="account_confirm_email",
    ),
    path("passwort/aendern/", views.password_change, name="account_change_password"),
    path("passwort/festlegen/", views.password_set, name="account_set_password"),
    path("passwort/vergessen/", views.password_reset, name="account_reset_password"),
    path(
        "passwort/vergessen/gesendet/",
        views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^passwort/neu/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "passwort/neu/fertig/",
        views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
]
