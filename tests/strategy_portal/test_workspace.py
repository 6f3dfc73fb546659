"""The workspace of a district: overview, settings and legal pages, team."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from strategy_portal import services
from strategy_portal.forms import DistrictSettingsForm
from strategy_portal.models import District, Invitation, Membership, Role

from ..factories import ActionFieldFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

WORKSPACE = "/landkreis-meissen/verwaltung/"
SETTINGS = "/landkreis-meissen/verwaltung/einstellungen/"
TEAM = "/landkreis-meissen/verwaltung/team/"


def remove_url(membership, slug="landkreis-meissen"):
    return f"/{slug}/verwaltung/team/{membership.pk}/entfernen/"


def role_url(membership, slug="landkreis-meissen"):
    return f"/{slug}/verwaltung/team/{membership.pk}/rolle/"


def withdraw_url(invitation, slug="landkreis-meissen"):
    return f"/{slug}/verwaltung/team/einladungen/{invitation.pk}/zurueckziehen/"


def error_codes(response, field):
    """The codes of the errors a form in the response shows on `field`."""
    form = response.context["form"]
    return [error.code for error in form.errors.as_data().get(field, [])]


def settings_data(district, **changes):
    """The settings form as the district admin would submit it unchanged, plus `changes`."""
    data = {}
    for name in DistrictSettingsForm.Meta.fields:
        if name in ("logo", "sign_language_video"):
            continue
        data[name] = getattr(district, name)
    data.update(changes)
    return data


def png_file(name="logo.png"):
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "#8a1b2e").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- Who gets in ----------------------------------------------------------------------------------


def test_facilitator_sees_the_workspace_with_team_and_action_fields(login, district, facilitator):
    ActionFieldFactory(district=district, title="Neue Arbeitsformen / Arbeit 4.0")
    MembershipFactory(district=district, role=Role.ADMIN, user__email="chefin@example.org")

    response = login(facilitator).get(WORKSPACE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Neue Arbeitsformen / Arbeit 4.0" in html
    assert "moderation@example.org" in html
    assert "chefin@example.org" in html
    # A facilitator does not manage branding or the team: no links to those pages.
    assert SETTINGS not in html
    assert TEAM not in html


def test_district_admin_sees_the_workspace_with_links_to_settings_and_team(
    login, district, district_admin
):
    response = login(district_admin).get(WORKSPACE)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{SETTINGS}"' in html
    assert f'href="{TEAM}"' in html


def test_site_admin_may_enter_every_workspace(login, district, site_admin):
    assert login(site_admin).get(WORKSPACE).status_code == 200
    assert login(site_admin).get(SETTINGS).status_code == 200
    assert login(site_admin).get(TEAM).status_code == 200


@pytest.mark.parametrize("path", [WORKSPACE, SETTINGS, TEAM])
def test_citizen_gets_403_in_the_workspace(login, district, citizen, path):
    assert login(citizen).get(path).status_code == 403


@pytest.mark.parametrize("path", [WORKSPACE, SETTINGS, TEAM])
def test_facilitator_of_another_district_gets_403(
    login, district, other_district_facilitator, path
):
    assert login(other_district_facilitator).get(path).status_code == 403


@pytest.mark.parametrize("path", [WORKSPACE, SETTINGS, TEAM])
def test_anonymous_visitor_is_sent_to_login(client, district, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")
    assert f"next={path}" in response["Location"].replace("%2F", "/")


def test_workspace_of_an_unknown_district_is_404(login, district_admin):
    assert login(district_admin).get("/gibt-es-nicht/verwaltung/").status_code == 404


def test_workspace_link_appears_in_the_navigation_for_staff_only(
    login, client, district, facilitator, citizen
):
    assert f'href="{WORKSPACE}"' in login(facilitator).get("/landkreis-meissen/").content.decode()
    client.logout()
    assert f'href="{WORKSPACE}"' not in login(citizen).get("/landkreis-meissen/").content.decode()


# --- Settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["facilitator", "citizen", "other_district_facilitator"])
def test_settings_cannot_be_changed_without_the_admin_role(request, login, district, user_fixture):
    user = request.getfixturevalue(user_fixture)

    response = login(user).post(SETTINGS, settings_data(district, imprint="Gekapert"))

    assert response.status_code == 403
    district.refresh_from_db()
    assert district.imprint != "Gekapert"


def test_district_admin_saves_contact_and_legal_texts(login, district, district_admin):
    data = settings_data(
        district,
        contact_name="Wirtschaftsförderung Region Meißen",
        contact_email="digital@wrm.example",
        contact_phone="03522 303-0",
        imprint="## Angaben gemäß § 5 DDG\n\nLandratsamt Meißen",
        privacy_policy="## Verantwortliche Stelle\n\nLandratsamt Meißen",
        accessibility_statement="## Stand\n\nTeilweise barrierefrei.",
        website="www.kreis-meissen.de",
    )

    response = login(district_admin).post(SETTINGS, data)

    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    district.refresh_from_db()
    assert district.contact_name == "Wirtschaftsförderung Region Meißen"
    assert district.contact_email == "digital@wrm.example"
    assert district.contact_phone == "03522 303-0"
    assert district.imprint == "## Angaben gemäß § 5 DDG\n\nLandratsamt Meißen"
    assert district.privacy_policy.startswith("## Verantwortliche Stelle")
    assert district.accessibility_statement.endswith("Teilweise barrierefrei.")
    assert district.website == "https://www.kreis-meissen.de"
    # The public page shows the new text.
    html = login(district_admin).get("/landkreis-meissen/impressum/").content.decode()
    assert "<h2>Angaben gemäß § 5 DDG</h2>" in html


def test_saving_settings_confirms_with_a_message(login, district, district_admin):
    response = login(district_admin).post(SETTINGS, settings_data(district), follow=True)

    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1


def test_invalid_theme_colour_shows_a_field_error_and_changes_nothing(
    login, district, district_admin
):
    data = settings_data(district, theme_colour="#ffff00", contact_name="Neue Stelle")

    response = login(district_admin).post(SETTINGS, data)

    assert response.status_code == 200
    assert error_codes(response, "theme_colour") == ["contrast"]
    assert 'id="id_theme_colour_error"' in response.content.decode()
    district.refresh_from_db()
    assert district.theme_colour == "#8a1b2e"
    assert district.contact_name != "Neue Stelle"


def test_theme_colour_that_is_no_hex_code_is_rejected(login, district, district_admin):
    response = login(district_admin).post(SETTINGS, settings_data(district, theme_colour="rot"))

    assert response.status_code == 200
    assert error_codes(response, "theme_colour") == ["format"]
    district.refresh_from_db()
    assert district.theme_colour == "#8a1b2e"


def test_logo_upload_with_alt_text_is_saved(login, district, district_admin):
    data = settings_data(district, logo=png_file(), logo_alt="Wappen des Landkreises Meißen")

    response = login(district_admin).post(SETTINGS, data)

    assert response.status_code == 302
    district.refresh_from_db()
    assert district.logo.name.startswith("districts/logos/")
    assert district.logo_alt == "Wappen des Landkreises Meißen"
    html = login(district_admin).get("/landkreis-meissen/").content.decode()
    assert f'src="{district.logo.url}" alt="Wappen des Landkreises Meißen"' in html


def test_logo_upload_without_alt_text_is_rejected_on_the_alt_field(login, district, district_admin):
    data = settings_data(district, logo=png_file(), logo_alt="")

    response = login(district_admin).post(SETTINGS, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert "logo_alt" in form.errors
    assert "logo" not in form.errors
    assert 'id="id_logo_alt_error"' in response.content.decode()
    district.refresh_from_db()
    assert not district.logo


def test_logo_that_is_not_an_image_is_rejected(login, district, district_admin):
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", content_type="image/png")
    data = settings_data(district, logo=fake, logo_alt="Wappen")

    response = login(district_admin).post(SETTINGS, data)

    assert response.status_code == 200
    assert error_codes(response, "logo") == ["invalid_image"]
    district.refresh_from_db()
    assert not district.logo


def test_missing_name_is_a_field_error(login, district, district_admin):
    response = login(district_admin).post(SETTINGS, settings_data(district, name=""))

    assert response.status_code == 200
    assert error_codes(response, "name") == ["required"]
    assert District.objects.get(pk=district.pk).name == "Landkreis Meißen"


# --- Team -----------------------------------------------------------------------------------------


def invite(client, email, role=Role.FACILITATOR, organisation=""):
    return client.post(TEAM, {"email": email, "role": role, "organisation": organisation})


def test_admin_invites_a_person_who_joins_only_on_accepting(
    login, district, district_admin, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(email="Moderation@Atene.example")
    client = login(district_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, "moderation@atene.example", organisation="atene KOM")

    assert response.status_code == 302
    assert response["Location"] == TEAM
    # Nobody is made a member without consent: there is an invitation, not a role.
    assert not Membership.objects.filter(user=person).exists()
    invitation = Invitation.objects.get(district=district)
    assert (invitation.email, invitation.role, invitation.organisation) == (
        "moderation@atene.example",
        Role.FACILITATOR,
        "atene KOM",
    )
    assert invitation.invited_by == district_admin
    assert [m.to for m in mailoutbox] == [["moderation@atene.example"]]
    assert "Landkreis Meißen" in mailoutbox[0].subject
    assert login(person).get(WORKSPACE).status_code == 403
    # The team page lists the open invitation with a way to withdraw it.
    html = login(district_admin).get(TEAM).content.decode()
    assert "moderation@atene.example" in html
    assert withdraw_url(invitation) in html


def test_inviting_an_address_with_or_without_account_answers_alike(
    login, district, district_admin, citizen
):
    client = login(district_admin)

    known = client.post(TEAM, {"email": citizen.email, "role": Role.ADMIN}, follow=True)
    unknown = client.post(TEAM, {"email": "niemand@example.org", "role": Role.ADMIN}, follow=True)

    def message(response):
        [only] = [str(m) for m in response.context["messages"]]
        return only

    assert known.status_code == unknown.status_code == 200
    assert message(known).replace(citizen.email, "X") == message(unknown).replace(
        "niemand@example.org", "X"
    )
    assert Invitation.objects.filter(district=district).count() == 2
    assert Membership.objects.filter(district=district).count() == 1


def test_inviting_a_member_again_is_a_field_error(login, district, district_admin, facilitator):
    response = login(district_admin).post(
        TEAM, {"email": facilitator.email.upper(), "role": Role.ADMIN}
    )

    assert response.status_code == 200
    assert error_codes(response, "email") == ["exists"]
    assert 'id="id_email_error"' in response.content.decode()
    assert not Invitation.objects.exists()
    assert Membership.objects.get(user=facilitator, district=district).role == Role.FACILITATOR


def test_inviting_the_same_address_again_replaces_the_open_invitation(
    login, district, district_admin
):
    client = login(district_admin)

    invite(client, "neu@example.org", Role.FACILITATOR)
    invite(client, "NEU@example.org", Role.ADMIN)

    [invitation] = Invitation.objects.filter(district=district)
    assert invitation.role == Role.ADMIN


def test_member_of_another_district_can_be_invited(
    login, district, district_admin, other_district_facilitator
):
    response = invite(login(district_admin), other_district_facilitator.email)

    assert response.status_code == 302
    assert Invitation.objects.get(district=district).email == other_district_facilitator.email


def test_facilitator_cannot_invite(login, district, facilitator):
    response = invite(login(facilitator), "neu@example.org", Role.ADMIN)

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_admin_withdraws_an_open_invitation_and_its_link_stops_working(
    login, client, district, district_admin
):
    invitation = services.invitation_create(
        district=district, email="neu@example.org", role=Role.ADMIN, invited_by=district_admin
    )

    response = login(district_admin).post(withdraw_url(invitation), follow=True)

    assert response.status_code == 200
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert withdraw_url(invitation) not in response.content.decode()
    client.logout()
    assert client.get(reverse("invitation", args=[invitation.token])).status_code == 404


def test_withdrawing_with_htmx_returns_the_team_list(login, district, district_admin):
    invitation = services.invitation_create(
        district=district, email="neu@example.org", role=Role.ADMIN, invited_by=district_admin
    )

    response = login(district_admin).post(withdraw_url(invitation), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="team-list"')
    assert "neu@example.org" in html  # in the message …
    assert withdraw_url(invitation) not in html  # … but no longer in the list


def test_only_the_districts_admins_withdraw_its_invitations(
    login, district, district_admin, facilitator, other_district
):
    invitation = services.invitation_create(
        district=district, email="neu@example.org", role=Role.ADMIN, invited_by=district_admin
    )
    foreign_admin = MembershipFactory(district=other_district, role=Role.ADMIN).user

    assert login(facilitator).post(withdraw_url(invitation)).status_code == 403
    assert login(foreign_admin).post(withdraw_url(invitation)).status_code == 403
    assert login(foreign_admin).post(withdraw_url(invitation, "wetteraukreis")).status_code == 404
    assert login(district_admin).get(withdraw_url(invitation)).status_code == 405
    assert Invitation.objects.filter(pk=invitation.pk).exists()


# --- Roles on the team page -----------------------------------------------------------------------


def test_admin_makes_a_facilitator_administrator(login, district, district_admin, facilitator):
    membership = Membership.objects.get(user=facilitator)

    response = login(district_admin).post(role_url(membership), {"role": Role.ADMIN})

    assert response.status_code == 302
    assert response["Location"] == TEAM
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_the_last_admin_cannot_give_up_the_role_on_the_team_page(login, district, district_admin):
    own = Membership.objects.get(user=district_admin)

    response = login(district_admin).post(role_url(own), {"role": Role.FACILITATOR}, follow=True)

    own.refresh_from_db()
    assert own.role == Role.ADMIN
    messages = list(response.context["messages"])
    assert [m.level_tag for m in messages] == ["error"]
    assert "Landkreis Meißen" in str(messages[0])


def test_an_admin_with_a_colleague_hands_over_and_leaves_the_team_page(
    login, district, district_admin
):
    MembershipFactory(district=district, role=Role.ADMIN)
    own = Membership.objects.get(user=district_admin)

    response = login(district_admin).post(role_url(own), {"role": Role.FACILITATOR})

    assert response["Location"] == district.get_absolute_url()
    own.refresh_from_db()
    assert own.role == Role.FACILITATOR


def test_role_change_with_an_unknown_role_changes_nothing(
    login, district, district_admin, facilitator
):
    membership = Membership.objects.get(user=facilitator)

    login(district_admin).post(role_url(membership), {"role": "superuser"})

    membership.refresh_from_db()
    assert membership.role == Role.FACILITATOR


def test_facilitator_cannot_change_roles(login, district, district_admin, facilitator):
    own = Membership.objects.get(user=facilitator)

    response = login(facilitator).post(role_url(own), {"role": Role.ADMIN})

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.role == Role.FACILITATOR


def test_admin_removes_a_facilitator_and_is_redirected(
    login, district, district_admin, facilitator
):
    membership = Membership.objects.get(user=facilitator, district=district)

    response = login(district_admin).post(remove_url(membership))

    assert response.status_code == 302
    assert response["Location"] == TEAM
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert login(facilitator).get(WORKSPACE).status_code == 403


def test_removal_with_htmx_returns_the_team_list_partial(
    login, district, district_admin, facilitator
):
    membership = Membership.objects.get(user=facilitator, district=district)

    response = login(district_admin).post(remove_url(membership), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "strategy_portal/workspace/_team_list.html"
    assert html.lstrip().startswith('<div id="team-list"')
    assert 'id="messages"' in html and 'hx-swap-oob="true"' in html
    assert "<html" not in html
    assert "kreisadmin@example.org" in html  # the remaining team
    assert remove_url(membership) not in html  # the removed person's row is gone …
    assert 'role="status"' in html and "moderation@example.org" in html  # … the message says so
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_last_district_admin_cannot_be_removed(login, district, district_admin):
    membership = Membership.objects.get(user=district_admin, district=district)

    response = login(district_admin).post(remove_url(membership), follow=True)

    assert Membership.objects.filter(pk=membership.pk).exists()
    messages = list(response.context["messages"])
    assert [m.level_tag for m in messages] == ["error"]


def test_one_of_two_admins_can_be_removed(login, district, district_admin):
    second = MembershipFactory(district=district, role=Role.ADMIN)

    login(district_admin).post(remove_url(second))

    assert not Membership.objects.filter(pk=second.pk).exists()
    assert Membership.objects.filter(district=district, role=Role.ADMIN).count() == 1


def test_admin_cannot_remove_members_of_another_district(
    login, district, district_admin, other_district_facilitator
):
    foreign = Membership.objects.get(user=other_district_facilitator)
    client = login(district_admin)

    # Through the own district's address the membership does not exist …
    response_own = client.post(remove_url(foreign, "landkreis-meissen"))
    # … and the other district's address needs the admin role there.
    response_other = client.post(remove_url(foreign, "wetteraukreis"))

    assert response_own.status_code == 404
    assert response_other.status_code == 403
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_facilitator_cannot_remove_team_members(login, district, district_admin, facilitator):
    admin_membership = Membership.objects.get(user=district_admin)
    MembershipFactory(district=district, role=Role.ADMIN)

    response = login(facilitator).post(remove_url(admin_membership))

    assert response.status_code == 403
    assert Membership.objects.filter(pk=admin_membership.pk).exists()


def test_anonymous_removal_is_sent_to_login(client, district, facilitator):
    membership = Membership.objects.get(user=facilitator)

    response = client.post(remove_url(membership))

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_removal_needs_post(login, district, district_admin, facilitator):
    membership = Membership.objects.get(user=facilitator)

    response = login(district_admin).get(remove_url(membership))

    assert response.status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_rejected_settings_do_not_show_up_in_the_page_header(login, district_admin, district):
    response = login(district_admin).post(
        reverse("workspace_settings", args=[district.slug]),
        {"name": "Kreis der Fehleingabe", "theme_colour": "#ffff00"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_theme_colour_error"' in html
    assert "--sp-theme: #8a1b2e" in html
    assert "Kreis der Fehleingabe</span>" not in html


def test_admin_who_removes_themselves_lands_on_the_district_home(login, district_admin, district):
    MembershipFactory(district=district, role=Role.ADMIN)
    own = Membership.objects.get(user=district_admin, district=district)
    client = login(district_admin)

    plain = client.post(reverse("workspace_team_remove", args=[district.slug, own.pk]))

    assert plain.status_code == 302
    assert plain["Location"] == district.get_absolute_url()
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_admin_who_removes_themselves_via_htmx_is_redirected_by_htmx(
    login, district_admin, district
):
    MembershipFactory(district=district, role=Role.ADMIN)
    own = Membership.objects.get(user=district_admin, district=district)

    response = login(district_admin).post(
        reverse("workspace_team_remove", args=[district.slug, own.pk]), HTTP_HX_REQUEST="true"
    )

    assert response["HX-Redirect"] == district.get_absolute_url()


def test_the_only_admin_is_offered_no_remove_button_and_removal_asks_first(
    login, district_admin, facilitator, district
):
    html = login(district_admin).get(reverse("workspace_team", args=[district.slug])).content
    html = html.decode()

    own = Membership.objects.get(user=district_admin, district=district)
    other = Membership.objects.get(user=facilitator, district=district)
    assert reverse("workspace_team_remove", args=[district.slug, own.pk]) not in html
    assert reverse("workspace_team_remove", args=[district.slug, other.pk]) in html
    assert "hx-confirm=" in html
