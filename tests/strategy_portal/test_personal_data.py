"""Personal data (/konto/daten/): JSON export, account deletion, and the registry through which
every app contributes its part to both."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from strategy_portal import personal_data, services
from strategy_portal.models import EmailStatus, Invitation, Membership, OutgoingEmail, User
from tests.helpers import de

from ..factories import MembershipFactory, UserFactory


def outbox_mail(to: str, subject: str = "Einladung zum Workshop") -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        to=to,
        from_email="Strategieportal <noreply@localhost>",
        subject=subject,
        text_body="Guten Tag",
        template_prefix="test/mail",
        status=EmailStatus.SENT,
    )


@pytest.fixture
def extra_section():
    """A section as a later app (measures, newsletters, …) would register it. It records what
    the database looked like when `erase` ran, and is removed from the registry afterwards."""
    personal_data.sections()  # discover the apps' own sections first, as at runtime

    @personal_data.register
    class SupportsSection:
        key = "test_supports"
        erased: list = []

        def export(self, user):
            return [{"measure": "Coworking im Dorfladen", "supporter": user.email}]

        def erase(self, user):
            SupportsSection.erased.append(
                {
                    "user_id": user.pk,
                    "user_row_exists": User.objects.filter(pk=user.pk).exists(),
                    "email_address_exists": EmailAddress.objects.filter(user=user).exists(),
                }
            )

    yield SupportsSection
    personal_data._sections.pop(SupportsSection.key, None)


# --- Page and export ------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["personal_data", "personal_data_export"])
def test_personal_data_pages_require_login(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_personal_data_page_offers_export_and_deletion(login, citizen):
    response = login(citizen).get(reverse("personal_data"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'href="{reverse("personal_data_export")}"' in html
    assert 'name="password"' in html
    assert 'name="confirm"' in html


def test_export_is_a_json_attachment_with_profile_roles_and_addresses(login, facilitator, district):
    facilitator.display_name = "Moderation Meißen"
    facilitator.save()
    EmailAddress.objects.create(user=facilitator, email="zweit@example.org", verified=False)
    outbox_mail(facilitator.email)
    outbox_mail("jemand-anderes@example.org", subject="Nicht für dich")

    response = login(facilitator).get(reverse("personal_data_export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="strategieportal-daten-' in disposition
    assert disposition.endswith('.json"')
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]

    document = json.loads(response.content.decode("utf-8"))
    account = document["account"]
    assert account["email"] == "moderation@example.org"
    assert account["public_name"] == "Moderation Meißen"
    assert account["kind"] == "citizen"
    assert "date_joined" in account
    assert {(a["email"], a["verified"], a["primary"]) for a in account["email_addresses"]} == {
        ("moderation@example.org", True, True),
        ("zweit@example.org", False, False),
    }
    assert [(r["district"], r["role"]) for r in account["roles"]] == [
        ("Landkreis Meißen", "facilitator")
    ]
    assert [e["subject"] for e in account["emails_sent_to_you"]] == ["Einladung zum Workshop"]
    assert "Nicht für dich" not in response.content.decode("utf-8")


def test_export_contains_company_profile_and_keeps_umlauts_readable(login, company):
    response = login(company).get(reverse("personal_data_export"))

    account = json.loads(response.content)["account"]
    assert account["kind"] == "company"
    assert account["organisation_name"] == "Lötwerk GmbH"
    assert account["sector"] == "it"
    assert account["company_size"] == "small"
    assert "Lötwerk GmbH" in response.content.decode("utf-8")  # not \u00f6-escaped


def test_export_contains_only_the_requesting_users_data(login, citizen, company):
    response = login(citizen).get(reverse("personal_data_export"))

    body = response.content.decode("utf-8")
    assert citizen.email in body
    assert company.email not in body
    assert "Lötwerk" not in body


def test_export_needs_get(login, citizen):
    response = login(citizen).post(reverse("personal_data_export"))

    assert response.status_code == 405


# --- Deletion -------------------------------------------------------------------------------------


def test_deletion_with_wrong_password_shows_field_error_and_keeps_account(login, citizen):
    client = login(citizen)

    response = client.post(
        reverse("personal_data"), {"password": "nicht-das-passwort", "confirm": "on"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_password_error"' in html
    assert de("The password is not correct.") in html
    assert response.context["form"].errors["password"] == [de("The password is not correct.")]
    assert User.objects.filter(pk=citizen.pk).exists()
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_deletion_needs_the_confirm_checkbox(login, citizen, password):
    client = login(citizen)

    response = client.post(reverse("personal_data"), {"password": password})

    assert response.status_code == 200
    assert 'id="id_confirm_error"' in response.content.decode()
    assert response.context["form"].errors["confirm"] == [
        de("Please confirm that you want to delete your account.")
    ]
    assert User.objects.filter(pk=citizen.pk).exists()


def test_deletion_logs_out_and_removes_user_addresses_and_mails(
    login, facilitator, district, password
):
    client = login(facilitator)
    EmailAddress.objects.create(user=facilitator, email="zweit@example.org", verified=False)
    outbox_mail(facilitator.email)
    outbox_mail("MODERATION@example.org", subject="Anders geschrieben")
    kept = outbox_mail("jemand-anderes@example.org")

    response = client.post(reverse("personal_data"), {"password": password, "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("landing")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=facilitator.pk).exists()
    assert not EmailAddress.objects.filter(user_id=facilitator.pk).exists()
    assert not Membership.objects.filter(user_id=facilitator.pk).exists()
    assert list(OutgoingEmail.objects.all()) == [kept]
    assert district.memberships.count() == 0

    landing = client.get(response["Location"])
    assert (
        de("Your account has been deleted. Your public contributions remain, without your name.")
        in landing.content.decode()
    )
    assert client.get(reverse("profile")).status_code == 302


def test_deleted_account_cannot_log_in_again(login, citizen, password):
    client = login(citizen)
    client.post(reverse("personal_data"), {"password": password, "confirm": "on"})

    response = client.post(
        reverse("account_login"), {"login": "buergerin@example.org", "password": password}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deleting_one_account_leaves_others_untouched(login, citizen, company, password):
    login(citizen).post(reverse("personal_data"), {"password": password, "confirm": "on"})

    assert User.objects.filter(pk=company.pk).exists()
    assert EmailAddress.objects.filter(user=company, verified=True).exists()


# --- The registry later apps plug into ------------------------------------------------------------


def test_export_includes_section_registered_by_another_app(login, citizen, extra_section):
    response = login(citizen).get(reverse("personal_data_export"))

    document = json.loads(response.content)
    assert document["test_supports"] == [
        {"measure": "Coworking im Dorfladen", "supporter": "buergerin@example.org"}
    ]
    assert document["account"]["email"] == "buergerin@example.org"


def test_deletion_erases_registered_sections_before_the_user_row_goes(
    login, citizen, password, extra_section
):
    login(citizen).post(reverse("personal_data"), {"password": password, "confirm": "on"})

    assert extra_section.erased == [
        {"user_id": citizen.pk, "user_row_exists": True, "email_address_exists": True}
    ]
    assert not User.objects.filter(pk=citizen.pk).exists()


def test_section_registry_is_left_clean_after_a_test(db):
    assert "test_supports" not in {section.key for section in personal_data.sections()}
    assert "account" in {section.key for section in personal_data.sections()}


def test_failing_erasure_deletes_nothing(citizen):
    @personal_data.register
    class BrokenSection:
        key = "test_broken"

        def export(self, user):
            return []

        def erase(self, user):
            raise RuntimeError("the measures app could not anonymise")

    outbox_mail(citizen.email)
    try:
        with pytest.raises(RuntimeError):
            services.account_delete(user=citizen)
    finally:
        personal_data._sections.pop("test_broken", None)

    assert User.objects.filter(pk=citizen.pk).exists()
    assert OutgoingEmail.objects.filter(to=citizen.email).count() == 1


def test_author_label_of_deleted_account():
    assert personal_data.author_label(None) == de("deleted account")
    with translation.override("de"):
        assert personal_data.author_label(None) == "gelöschtes Konto"


def test_author_label_of_existing_users(db):
    citizen = UserFactory.build(display_name="Kim Beispiel")
    anonymous_citizen = UserFactory.build(display_name="")
    company = UserFactory.build(kind="company", organisation_name="Lötwerk GmbH")

    assert personal_data.author_label(citizen) == "Kim Beispiel"
    assert personal_data.author_label(company) == "Lötwerk GmbH"
    with translation.override("de"):
        assert personal_data.author_label(anonymous_citizen) == de("Participant")


def test_export_and_deletion_cover_mails_to_every_address_of_the_account(login, citizen, password):
    EmailAddress.objects.create(user=citizen, email="zweite@example.org", verified=False)
    outbox_mail("zweite@example.org", subject="An die zweite Adresse")
    client = login(citizen)

    exported = client.get(reverse("personal_data_export")).json()
    subjects = [m["subject"] for m in exported["account"]["emails_sent_to_you"]]
    assert "An die zweite Adresse" in subjects

    client.post(reverse("personal_data"), {"password": password, "confirm": "on"})
    assert not OutgoingEmail.objects.filter(to="zweite@example.org").exists()


def test_the_only_administrator_can_delete_the_account_and_site_admins_are_told(
    login, district_admin, district, password, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="betrieb@example.org", is_superuser=True, is_staff=True)
    UserFactory(email="technik@example.org", is_superuser=True, is_staff=True)
    UserFactory(email="redaktion@example.org", is_staff=True)  # staff, but no site admin
    client = login(district_admin)
    page = client.get(reverse("personal_data"))
    assert district.name in page.content.decode()  # told what happens before deciding

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("personal_data"), {"password": password, "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=district_admin.pk).exists()
    assert not Membership.objects.filter(district=district, role="admin").exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["betrieb@example.org", "technik@example.org"]
    for message in mailoutbox:
        assert district.name in message.subject
        assert f"/{district.slug}/verwaltung/team/" in message.body
        assert f"/admin/strategy_portal/district/{district.pk}/change/" in message.body


def test_site_admins_administer_a_district_whose_last_admin_left(
    login, district_admin, district, site_admin
):
    services.account_delete(user=district_admin)

    assert login(site_admin).get(f"/{district.slug}/verwaltung/team/").status_code == 200


def test_an_administrator_with_a_colleague_can_delete_the_account(
    login, district_admin, district, password
):
    MembershipFactory(district=district, role="admin")

    response = login(district_admin).post(
        reverse("personal_data"), {"password": password, "confirm": "on"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=district_admin.pk).exists()
    assert district.memberships.filter(role="admin").count() == 1
    # The district still has an administrator: nobody needs to be told.
    assert not OutgoingEmail.objects.exists()


def test_export_and_deletion_cover_invitations_to_the_account(login, citizen, district, password):
    EmailAddress.objects.create(user=citizen, email="zweite@example.org", verified=False)
    services.invitation_create(
        district=district, email="ZWEITE@example.org", role="admin", invited_by=None
    )
    kept = services.invitation_create(
        district=district, email="andere@example.org", role="admin", invited_by=None
    )
    client = login(citizen)

    exported = client.get(reverse("personal_data_export")).json()
    assert [i["district"] for i in exported["account"]["invitations"]] == ["Landkreis Meißen"]

    client.post(reverse("personal_data"), {"password": password, "confirm": "on"})
    assert list(Invitation.objects.all()) == [Invitation.objects.get(pk=kept.pk)]


def test_an_inviting_admins_deletion_keeps_the_invitation(district_admin, district):
    invitation = services.invitation_create(
        district=district, email="neu@example.org", role="admin", invited_by=district_admin
    )
    MembershipFactory(district=district, role="admin")

    services.account_delete(user=district_admin)

    invitation.refresh_from_db()
    assert invitation.invited_by is None


# --- Deletion in the Django admin -----------------------------------------------------------------


def test_user_deleted_in_the_admin_has_their_data_erased(login, site_admin, citizen, extra_section):
    outbox_mail(citizen.email)
    kept = outbox_mail(site_admin.email)
    client = login(site_admin)
    url = reverse("admin:strategy_portal_user_delete", args=[citizen.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=citizen.pk).exists()
    assert extra_section.erased == [
        {"user_id": citizen.pk, "user_row_exists": True, "email_address_exists": True}
    ]
    assert list(OutgoingEmail.objects.all()) == [kept]


def test_users_deleted_together_in_the_admin_have_their_data_erased(
    login, site_admin, citizen, company, district_admin, district, extra_section,
    mailoutbox, django_capture_on_commit_callbacks,
):  # fmt: skip
    outbox_mail(citizen.email)
    outbox_mail(company.email)
    client = login(site_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:strategy_portal_user_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [citizen.pk, company.pk, district_admin.pk],
                "post": "yes",
            },
        )

    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[citizen.pk, company.pk, district_admin.pk]).exists()
    assert sorted(e["user_id"] for e in extra_section.erased) == sorted(
        [citizen.pk, company.pk, district_admin.pk]
    )
    assert not OutgoingEmail.objects.filter(to__in=[citizen.email, company.email]).exists()
    # The district lost its last administrator this way too: the site admins are told.
    assert [m.to for m in mailoutbox] == [[site_admin.email]]
    assert district.name in mailoutbox[0].subject
