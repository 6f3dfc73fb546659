"""The ground floor's rows of the permission matrix (the contract is in tests/matrix.py)."""

from datetime import date

from allauth.account.models import EmailAddress

from strategy_portal import services
from strategy_portal.models import (
    ActionField,
    District,
    Invitation,
    Membership,
    Mission,
    OutgoingEmail,
    Phase,
    Role,
    SiteProfile,
    Strategy,
    User,
)

from ..matrix import (
    ADMIN_PAGE,
    MISSING,
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

STRATEGY_ADMIN = WORKSPACE_ADMIN

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
    # --- the strategy's structure and the phases: district admins and site admins
    "workspace_strategy": STRATEGY_ADMIN,
    "workspace_action_fields": STRATEGY_ADMIN,
    "workspace_action_field": STRATEGY_ADMIN,
    "workspace_action_field_delete": STRATEGY_ADMIN,
    "workspace_mission_add": STRATEGY_ADMIN,
    "workspace_mission": STRATEGY_ADMIN,
    "workspace_mission_delete": STRATEGY_ADMIN,
    "workspace_phases": STRATEGY_ADMIN,
    "workspace_phase": STRATEGY_ADMIN,
    "workspace_phase_delete": STRATEGY_ADMIN,
    # --- the Steckbrief of a measure: the district's team
    "measures:steckbrief_edit": WORKSPACE,
    # --- the roof: public strategy pages, statistics, good examples
    "strategy:overview": PUBLIC,
    "strategy:action_field": PUBLIC,
    "strategy:mission": PUBLIC,
    "strategy:statistics": PUBLIC,
    # The strategy PDF: nothing exported in the matrix's world, so no file to download; starting
    # an export is a POST; the export page of the workspace is the district admins'.
    "strategy:pdf": everyone(404),
    "strategy:pdf_version": everyone(404),
    "strategy:pdf_request": POST_ONLY,
    "strategy:pdf_status": roles(403, anonymous=TO_LOGIN, district_admin=404, site_admin=404),
    "strategy:workspace_pdf": STRATEGY_ADMIN,
    "good_examples": PUBLIC,
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
    _populate_strategy(world)


def _populate_strategy(world):
    """An action field with a mission and an implemented measure, a strategy and a running
    participation phase (no measure in the second action field, so that it can be deleted)."""
    from measures.models import Measure, Steckbrief

    from ..factories import ActionFieldFactory, MeasureFactory

    district = world.district
    services.strategy_save(
        district=district,
        fields={"title": "Digitalstrategie", "vision": "Eine Vision"},
        values=[{"title": "Offenheit", "explanation": "Daten teilen"}],
        goals=[{"title": "Fachkräfte sichern", "text": ""}],
    )
    field = ActionFieldFactory(district=district, title="Arbeit 4.0", slug="arbeit-40")
    empty = ActionFieldFactory(district=district, title="Leeres Feld", slug="leeres-feld")
    mission = services.mission_save(district=district, action_field=field, title="Coworking")
    measure = MeasureFactory(district=district, action_field=field, mission=mission)
    # Participation runs (so that the other apps' rows see proposing and supporting open).
    phase = services.phase_save(
        district=district,
        kind="participation",
        start=date(2020, 1, 1),
        end=date(2099, 12, 31),
    )
    Measure.objects.filter(pk=measure.pk).update(status="implemented")
    steckbrief = Steckbrief.objects.create(measure=measure, responsible_body="WRM")
    world.admin_objects[Steckbrief] = steckbrief
    world.admin_objects[Strategy] = Strategy.objects.for_district(district).current().get()
    world.admin_objects[Mission] = mission
    world.admin_objects[Phase] = phase
    world.objects.update(
        action_field=field, empty_action_field=empty, mission=mission, measure=measure, phase=phase
    )


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
    if endpoint.key in {"workspace_action_field", "workspace_action_field_delete"} and name == "pk":
        return str(world.objects["empty_action_field"].pk)
    if endpoint.key == "workspace_mission_add" and name == "action_field":
        return str(world.objects["action_field"].pk)
    if endpoint.key in {"workspace_mission", "workspace_mission_delete"} and name == "pk":
        return str(world.objects["mission"].pk)
    if endpoint.key in {"workspace_phase", "workspace_phase_delete"} and name == "pk":
        return str(world.objects["phase"].pk)
    if endpoint.key == "measures:steckbrief_edit" and name == "pk":
        return str(world.objects["measure"].pk)
    if name == "field" and endpoint.key.startswith("strategy:"):
        return world.objects["action_field"].slug
    if name == "mission" and endpoint.key == "strategy:mission":
        return world.objects["mission"].slug
    if name == "document_id" and endpoint.key.startswith("strategy:"):
        return MISSING  # nothing exported in the matrix's world
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
ACTION_FIELDS_PAGE = (302, "/landkreis-meissen/verwaltung/strategie/handlungsfelder/")
FIELD_PAGE = (302, "/landkreis-meissen/verwaltung/strategie/handlungsfelder/")
PHASES_PAGE = (302, "/landkreis-meissen/verwaltung/strategie/phasen/")
STECKBRIEF_PAGE = (302, "/landkreis-meissen/verwaltung/massnahmen/")


def _strategy_state(world):
    return (
        list(Strategy.objects.values_list("pk", "title", "is_current")),
        list(ActionField.objects.values_list("pk", "title")),
        list(Mission.objects.values_list("pk", "title", "action_field")),
        list(Phase.objects.values_list("pk", "kind", "start", "end")),
    )


def _documents(world):
    from strategy_portal.models import GeneratedDocument

    return GeneratedDocument.objects.count()


STRATEGY_PDF_STATUS = (302, "/landkreis-meissen/strategie/pdf/")


def _steckbrief_state(world):
    from measures.models import Steckbrief

    return list(Steckbrief.objects.values_list("measure", "responsible_body"))


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
    # --- the strategy's structure: an empty form answers with its errors; deleting acts
    "workspace_strategy": PostCase(expected=STRATEGY_ADMIN, state=_strategy_state),
    "workspace_action_fields": PostCase(expected=STRATEGY_ADMIN, state=_strategy_state),
    "workspace_action_field": PostCase(expected=STRATEGY_ADMIN, state=_strategy_state),
    "workspace_action_field_delete": PostCase(
        expected=roles(
            403,
            anonymous=TO_LOGIN,
            district_admin=ACTION_FIELDS_PAGE,
            site_admin=ACTION_FIELDS_PAGE,
        ),
        state=_strategy_state,
        changes=frozenset({"district_admin", "site_admin"}),
    ),
    "workspace_mission_add": PostCase(
        expected=roles(403, anonymous=TO_LOGIN, district_admin=FIELD_PAGE, site_admin=FIELD_PAGE),
        state=_strategy_state,
        data=lambda world: {
            "action_field": world.objects["action_field"].pk,
            "title": "Neue Mission",
            "position": 1,
        },
        changes=frozenset({"district_admin", "site_admin"}),
    ),
    "workspace_mission": PostCase(expected=STRATEGY_ADMIN, state=_strategy_state),
    "workspace_mission_delete": PostCase(
        expected=roles(403, anonymous=TO_LOGIN, district_admin=FIELD_PAGE, site_admin=FIELD_PAGE),
        state=_strategy_state,
        changes=frozenset({"district_admin", "site_admin"}),
    ),
    "workspace_phases": PostCase(
        expected=roles(403, anonymous=TO_LOGIN, district_admin=PHASES_PAGE, site_admin=PHASES_PAGE),
        state=_strategy_state,
        data={"kind": "information", "start": "2019-02-01", "end": "2019-03-31"},
        changes=frozenset({"district_admin", "site_admin"}),
    ),
    "workspace_phase": PostCase(expected=STRATEGY_ADMIN, state=_strategy_state),
    "workspace_phase_delete": PostCase(
        expected=roles(403, anonymous=TO_LOGIN, district_admin=PHASES_PAGE, site_admin=PHASES_PAGE),
        state=_strategy_state,
        changes=frozenset({"district_admin", "site_admin"}),
    ),
    # The strategy PDF: district admins (and site admins) start an export and go to its progress.
    "strategy:pdf_request": PostCase(
        expected=roles(
            403,
            anonymous=TO_LOGIN,
            district_admin=STRATEGY_PDF_STATUS,
            site_admin=STRATEGY_PDF_STATUS,
        ),
        state=_documents,
        changes=frozenset({"district_admin", "site_admin"}),
    ),
    "strategy:pdf_status": PostCase(expected=everyone(405)),
    "strategy:pdf": PostCase(expected=everyone(405)),
    "strategy:pdf_version": PostCase(expected=everyone(405)),
    "strategy:workspace_pdf": PostCase(expected=everyone(405)),
    # The Steckbrief: the team saves it (an empty form is a valid, empty Steckbrief).
    "measures:steckbrief_edit": PostCase(
        expected=roles(
            403,
            anonymous=TO_LOGIN,
            facilitator=STECKBRIEF_PAGE,
            district_admin=STECKBRIEF_PAGE,
            site_admin=STECKBRIEF_PAGE,
        ),
        state=_steckbrief_state,
        data={
            "responsible_body": "Wirtschaftsförderung",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
        },
        changes=frozenset({"facilitator", "district_admin", "site_admin"}),
    ),
}
