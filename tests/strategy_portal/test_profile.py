"""The profile page (/konto/profil/): who a participant speaks for, and their public name."""

import pytest
from django.urls import reverse

from strategy_portal.models import (
    CompanySize,
    InstitutionType,
    Membership,
    ParticipantKind,
    Role,
    Sector,
)
from tests.helpers import de

from ..factories import MembershipFactory


def profile_data(**changes):
    data = {
        "kind": ParticipantKind.CITIZEN,
        "display_name": "",
        "organisation_name": "",
        "sector": "",
        "company_size": "",
        "institution_type": "",
    }
    data.update(changes)
    return data


def test_profile_requires_login(client, db):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('profile')}"


def test_profile_shows_the_participants_details(login, company):
    response = login(company).get(reverse("profile"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'value="Lötwerk GmbH"' in html
    assert 'name="kind" value="company" id="id_kind_1"' in html
    assert f'<option value="{Sector.IT}" selected>' in html
    assert f'<option value="{CompanySize.SMALL}" selected>' in html


def test_profile_lists_roles_in_districts(login, facilitator, district):
    html = login(facilitator).get(reverse("profile")).content.decode()

    assert reverse("workspace", kwargs={"district": district.slug}) in html
    assert "Landkreis Meißen" in html


def test_citizen_becomes_a_company(login, citizen):
    client = login(citizen)

    response = client.post(
        reverse("profile"),
        profile_data(
            kind=ParticipantKind.COMPANY,
            display_name="Kim Beispiel",
            organisation_name="Beispiel & Söhne KG",
            sector=Sector.RETAIL,
            company_size=CompanySize.MEDIUM,
            institution_type=InstitutionType.CHAMBER,  # not for companies: dropped
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    citizen.refresh_from_db()
    assert citizen.kind == ParticipantKind.COMPANY
    assert citizen.organisation_name == "Beispiel & Söhne KG"
    assert citizen.sector == Sector.RETAIL
    assert citizen.company_size == CompanySize.MEDIUM
    assert citizen.institution_type == ""
    assert citizen.public_name == "Beispiel & Söhne KG"
    page = client.get(response["Location"])
    assert de("Your profile has been saved.") in page.content.decode()


def test_company_edits_its_size_and_public_name(login, company):
    response = login(company).post(
        reverse("profile"),
        profile_data(
            kind=ParticipantKind.COMPANY,
            display_name="Frau Löt",
            organisation_name="Lötwerk GmbH & Co. KG",
            sector=Sector.MANUFACTURING,
            company_size=CompanySize.LARGE,
        ),
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.display_name == "Frau Löt"
    assert company.organisation_name == "Lötwerk GmbH & Co. KG"
    assert company.sector == Sector.MANUFACTURING
    assert company.company_size == CompanySize.LARGE


def test_switching_to_citizen_clears_organisation_fields(login, company):
    response = login(company).post(
        reverse("profile"),
        profile_data(
            kind=ParticipantKind.CITIZEN,
            display_name="Kim Löt",
            # still filled in the browser, but no longer true
            organisation_name="Lötwerk GmbH",
            sector=Sector.IT,
            company_size=CompanySize.SMALL,
            institution_type=InstitutionType.SCHOOL,
        ),
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.kind == ParticipantKind.CITIZEN
    assert (
        company.organisation_name,
        company.sector,
        company.company_size,
        company.institution_type,
    ) == ("", "", "", "")
    assert company.public_name == "Kim Löt"


def test_institution_keeps_name_and_type_but_not_company_fields(login, citizen):
    response = login(citizen).post(
        reverse("profile"),
        profile_data(
            kind=ParticipantKind.INSTITUTION,
            organisation_name="IHK Dresden",
            institution_type=InstitutionType.CHAMBER,
            sector=Sector.FINANCE,
            company_size=CompanySize.LARGE,
        ),
    )

    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.kind == ParticipantKind.INSTITUTION
    assert citizen.organisation_name == "IHK Dresden"
    assert citizen.institution_type == InstitutionType.CHAMBER
    assert (citizen.sector, citizen.company_size) == ("", "")


def test_company_without_name_gets_error_on_that_field_and_nothing_is_saved(login, citizen):
    response = login(citizen).post(
        reverse("profile"),
        profile_data(
            kind=ParticipantKind.COMPANY,
            display_name="Neuer Name",
            organisation_name="   ",
            sector=Sector.IT,
            company_size=CompanySize.SMALL,
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    message = de("Please enter the name of your company.")
    assert 'id="id_organisation_name_error"' in html
    error_start = html.index('id="id_organisation_name_error"')
    assert message in html[error_start : error_start + 400]
    field = html[html.index('name="organisation_name"') :]
    field = field[: field.index(">")]
    assert 'aria-invalid="true"' in field
    assert "id_organisation_name_error" in field  # aria-describedby ties the message to it
    # Only that field is marked.
    assert 'id="id_sector_error"' not in html
    assert 'id="id_display_name_error"' not in html
    citizen.refresh_from_db()
    assert citizen.kind == ParticipantKind.CITIZEN
    assert citizen.display_name == "Kim Beispiel"
    assert citizen.sector == ""


def test_unknown_kind_is_rejected_on_the_kind_field(login, citizen):
    response = login(citizen).post(reverse("profile"), profile_data(kind="praesident"))

    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert 'id="id_kind_error"' in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.kind == ParticipantKind.CITIZEN


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.ADMIN])
def test_profile_cannot_change_email_or_roles(login, district, role):
    user = MembershipFactory(district=district, role=role).user
    original_email = user.email

    login(user).post(
        reverse("profile"),
        profile_data(email="boese@example.org", is_superuser="on", is_staff="on"),
    )

    user.refresh_from_db()
    assert user.email == original_email
    assert not user.is_superuser
    assert not user.is_staff
    assert user.memberships.get().role == role


# --- Giving up a role -----------------------------------------------------------------------------


def leave_url(membership):
    return reverse("membership_leave", args=[membership.pk])


def test_profile_offers_to_give_up_each_role(login, facilitator, district):
    membership = facilitator.memberships.get()

    html = login(facilitator).get(reverse("profile")).content.decode()

    assert f'href="{leave_url(membership)}"' in html


def test_facilitator_gives_up_the_role_after_confirming(login, facilitator, district):
    membership = facilitator.memberships.get()
    client = login(facilitator)

    page = client.get(leave_url(membership))
    assert page.status_code == 200
    assert page.content.decode().count("<h1") == 1
    assert Membership.objects.filter(pk=membership.pk).exists()  # asking changes nothing

    response = client.post(leave_url(membership), follow=True)

    assert response.redirect_chain[-1][0] == reverse("profile")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert client.get(f"/{district.slug}/verwaltung/").status_code == 403


def test_an_admin_with_a_colleague_gives_up_the_role(login, district_admin, district):
    MembershipFactory(district=district, role=Role.ADMIN)
    membership = district_admin.memberships.get()

    login(district_admin).post(leave_url(membership))

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_is_told_to_invite_a_successor_first(login, district_admin, district):
    membership = district_admin.memberships.get()
    client = login(district_admin)

    page = client.get(leave_url(membership))
    response = client.post(leave_url(membership), follow=True)

    assert reverse("workspace_team", args=[district.slug]) in page.content.decode()
    assert 'type="submit"' not in page.content.decode().split("<main", 1)[1]
    assert Membership.objects.filter(pk=membership.pk).exists()
    messages = list(response.context["messages"])
    assert [m.level_tag for m in messages] == ["error"]
    assert district.name in str(messages[0])


def test_nobody_gives_up_another_persons_role(login, facilitator, district_admin, client):
    membership = facilitator.memberships.get()

    assert login(district_admin).post(leave_url(membership)).status_code == 404
    client.logout()
    anonymous = client.post(leave_url(membership))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert Membership.objects.filter(pk=membership.pk).exists()
