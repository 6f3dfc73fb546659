"""The ground floor's rows of the permission matrix (the contract is in tests/matrix.py)."""

from allauth.account.models import EmailAddress

from strategy_portal import services
from strategy_portal.models import (
    District,
    Invitation,
    Membership,
    OutgoingEmail,
    Role,
    SiteProfile,
    User,
)

from ..matrix import (
    ADMIN_PAGE,
    NOT_AN_ERROR,
    POST_ONLY,
    PUBLIC,
    SIGNED_IN,
    TO_ADMIN_LOGIN,
    TO_LOGIN,
    WORKSPACE,
    WORKSPACE_ADMIN,
    PostCase,
    everyone,
    roles,
)

# Where a login leads without `next`: district staff to their workspace, others to the profile.
AFTER_LOGIN = {
    "facilitator": (302, "/landkreis-meissen/verwaltung/"),
    "district_admin": (302, "/landkreis-meissen/verwaltung/"),
    "other_district_facilitator": (302, "/wetteraukreis/verwaltung/"),
}
# allauth sends signed-in users away from login and sign-up, to where a login leads.
ENTRANCE = roles((302, "/konto/profil/"), anonymous=200, **AFTER_LOGIN)

EXPECTED = {
    # --- site pages
    "landing": PUBLIC,
    "healthz": PUBLIC,
    "site_imprint": PUBLIC,
    "site_privacy_policy": PUBLIC,
    "site_accessibility_statement": PUBLIC,
    "site_easy_language": PUBLIC,
    "site_sign_language": PUBLIC,
    # Django's language switch acts on POST; a GET just goes back to where the visitor came from.
    "set_language": everyone((302, "/")),
    # --- own account
    "profile": SIGNED_IN,
    "personal_data": SIGNED_IN,
    "personal_data_export": SIGNED_IN,
    # Giving up one's own role: the facilitator's membership is requested; it is nobody else's.
    "membership_leave": roles(404, anonymous=TO_LOGIN, facilitator=200),
    # An open invitation's page is shown to whoever holds the link; only POST acts.
    "invitation": PUBLIC,
    # --- allauth
    "account_login": ENTRANCE,
    "account_signup": ENTRANCE,
    # Logout needs POST; GET shows a confirmation form, anonymous visitors have nothing to leave.
    "account_logout": roles(200, anonymous=(302, "/")),
    "account_inactive": PUBLIC,
    "account_reauthenticate": SIGNED_IN,
    # Login by code is off: there is never a pending code to confirm.
    "account_confirm_login_code": roles(
        (302, "/konto/profil/"), anonymous=(302, "/konto/anmelden/"), **AFTER_LOGIN
    ),
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN,
    # Everybody here has a password, so "set" forwards to "change".
    "account_set_password": roles((302, "/konto/passwort/aendern/"), anonymous=TO_LOGIN),
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    # A forged key shows the "link invalid" page, for everyone alike.
    "account_confirm_email": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    # --- district pages
    "district_home": PUBLIC,
    "imprint": PUBLIC,
    "privacy_policy": PUBLIC,
    "accessibility_statement": PUBLIC,
    "easy_language": PUBLIC,
    "sign_language": PUBLIC,
    "workspace": WORKSPACE,
    "workspace_settings": WORKSPACE_ADMIN,
    "workspace_team": WORKSPACE_ADMIN,
    "workspace_team_remove": POST_ONLY,
    "workspace_team_role": POST_ONLY,
    "workspace_invitation_withdraw": POST_ONLY,
    # --- uploaded files (served by Django only with DEBUG or SERVE_MEDIA); a missing file is 404
    r"^media/(?P<path>.*)$": everyone(404),
    # --- Django admin
    "admin:*": ADMIN_PAGE,
    # The admin's login is allauth's (rate-limited) login; logged-in non-staff are refused.
    "admin:login": roles(403, anonymous=TO_LOGIN, site_admin=(302, "/admin/")),
    # Logout needs POST; the admin sends non-staff to its index (and from there to its login).
    "admin:logout": roles((302, "/admin/"), site_admin=405),
    # Without its query parameters the autocomplete refuses.
    "admin:autocomplete": roles(TO_ADMIN_LOGIN, site_admin=403),
    "admin:view_on_site": roles(TO_ADMIN_LOGIN, site_admin=(302, "http://")),
    # The outbox is written by the code only; the site profile exists once.
    "admin:strategy_portal_outgoingemail_add": roles(TO_ADMIN_LOGIN, site_admin=403),
    "admin:strategy_portal_siteprofile_add": roles(TO_ADMIN_LOGIN, site_admin=403),
    # Invitations are sent from a district's team page, which mails the link.
    "admin:strategy_portal_invitation_add": roles(TO_ADMIN_LOGIN, site_admin=403),
    # Old-style object URLs redirect to the change page (which then checks permissions).
    "admin:admin/*/<path:object_id>/": everyone((302, "/admin/")),
    # Unknown admin addresses: 404 for staff, login for everyone else.
    "admin:admin/(?P<url>.*)$": roles(TO_ADMIN_LOGIN, site_admin=404),
}

# Entries for patterns that only exist in some configurations.
OPTIONAL_KEYS = {r"^media/(?P<path>.*)$"}


def populate(world, request):
    """An open invitation to an address none of the roles owns."""
    invitation = services.invitation_create(
        district=world.district,
        email="eingeladen@example.org",
        role=Role.ADMIN,
        invited_by=request.getfixturevalue("district_admin"),
    )
    world.objects["invitation"] = invitation
    world.admin_objects[Invitation] = invitation


def kwarg_value(name, endpoint, world):
    if name == "pk" and endpoint.key in {
        "workspace_team_remove",
        "workspace_team_role",
        "membership_leave",
    }:
        return str(world.membership.pk)
    if name == "pk" and endpoint.key == "workspace_invitation_withdraw":
        return str(world.objects["invitation"].pk)
    if name == "token" and endpoint.key == "invitation":
        return world.objects["invitation"].token
    return None


def _membership_role(world):
    membership = Membership.objects.filter(pk=world.membership.pk).first()
    return membership and membership.role


def _invitation_state(world):
    invitation = Invitation.objects.filter(pk=world.objects["invitation"].pk).first()
    return invitation and (invitation.status, invitation.accepted_at)


def _membership_exists(world):
    return Membership.objects.filter(pk=world.membership.pk).exists()


def _accounts(world):
    return (User.objects.count(), EmailAddress.objects.count(), OutgoingEmail.objects.count())


def _admin_state(world):
    return (
        District.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        SiteProfile.objects.count(),
    )


TEAM_PAGE = (302, "/landkreis-meissen/verwaltung/team/")

# POSTed with an empty form unless `data` says otherwise: the forms answer with their errors.
POST = {
    "set_language": PostCase(expected=everyone((302, "/"))),
    "profile": PostCase(expected=SIGNED_IN, state=_accounts),
    "personal_data": PostCase(expected=SIGNED_IN, state=_accounts),
    "account_login": PostCase(expected=ENTRANCE, state=_accounts),
    "account_signup": PostCase(expected=ENTRANCE, state=_accounts),
    "account_logout": PostCase(expected=everyone((302, "/"))),
    "account_reauthenticate": PostCase(expected=SIGNED_IN),
    "account_confirm_login_code": PostCase(
        expected=roles((302, "/konto/profil/"), anonymous=(302, "/konto/anmelden/"), **AFTER_LOGIN)
    ),
    # Uploaded files (with DEBUG or SERVE_MEDIA): a missing one is 404, whatever the method.
    r"^media/(?P<path>.*)$": PostCase(expected=everyone(404)),
    "account_email": PostCase(
        expected=roles((302, "/konto/e-mail/"), anonymous=TO_LOGIN), state=_accounts
    ),
    # A forged key: nothing to confirm.
    "account_confirm_email": PostCase(expected=everyone(404), state=_accounts),
    "account_change_password": PostCase(expected=SIGNED_IN),
    "account_set_password": PostCase(
        expected=roles((302, "/konto/passwort/aendern/"), anonymous=TO_LOGIN)
    ),
    "account_reset_password": PostCase(expected=PUBLIC, state=_accounts),
    "account_reset_password_from_key": PostCase(expected=PUBLIC, state=_accounts),
    "workspace_settings": PostCase(expected=WORKSPACE_ADMIN),
    "workspace_team": PostCase(expected=WORKSPACE_ADMIN, state=_admin_state),
    "workspace_team_remove": PostCase(
        expected=roles(403, anonymous=TO_LOGIN, district_admin=TEAM_PAGE, site_admin=TEAM_PAGE),
        state=_membership_exists,
        changes=frozenset({"district_admin", "site_admin"}),
    ),
    "workspace_team_role": PostCase(
        expected=roles(403, anonymous=TO_LOGIN, district_admin=TEAM_PAGE, site_admin=TEAM_PAGE),
        state=_membership_role,
        data={"role": Role.ADMIN},
        changes=frozenset({"district_admin", "site_admin"}),
    ),
    "workspace_invitation_withdraw": PostCase(
        expected=roles(403, anonymous=TO_LOGIN, district_admin=TEAM_PAGE, site_admin=TEAM_PAGE),
        state=_invitation_state,
        changes=frozenset({"district_admin", "site_admin"}),
    ),
    # Only the facilitator can give up the facilitator's role; for everyone else it is not theirs.
    "membership_leave": PostCase(
        expected=roles(404, anonymous=TO_LOGIN, facilitator=(302, "/konto/profil/")),
        state=_membership_exists,
        changes=frozenset({"facilitator"}),
    ),
    # Nobody in the matrix owns the invited address: nobody can accept it.
    "invitation": PostCase(
        expected=roles(403, anonymous=TO_LOGIN),
        state=_invitation_state,
        data={"action": "accept"},
    ),
    # Django admin: nobody but staff gets past its login; its forms are Django's own.
    "admin:*": PostCase(
        expected=roles(TO_ADMIN_LOGIN, site_admin=NOT_AN_ERROR), state=_admin_state
    ),
    "admin:login": PostCase(
        expected=roles(403, anonymous=TO_LOGIN, site_admin=NOT_AN_ERROR), state=_admin_state
    ),
    "admin:logout": PostCase(
        expected=roles((302, "/admin/"), site_admin=NOT_AN_ERROR), state=_admin_state
    ),
    "admin:view_on_site": PostCase(
        expected=roles(TO_ADMIN_LOGIN, site_admin=NOT_AN_ERROR), state=_admin_state
    ),
}
