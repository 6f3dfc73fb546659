"""Joining a team: an administrator invites an address, its owner accepts through the mailed link.

GET on the link only shows the invitation (mail scanners open links); POST accepts, signed in
with the invited address confirmed, once, before the link expires.
"""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from strategy_portal import services
from strategy_portal.models import EmailStatus, Invitation, Membership, OutgoingEmail, Role
from tests.helpers import de

from ..factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TEAM = "/landkreis-meissen/verwaltung/team/"
WORKSPACE = "/landkreis-meissen/verwaltung/"
INVITATION_LINK = re.compile(r"https?://[^/\s]+(/konto/einladungen/[^/\s]+/)")
CONFIRMATION_LINK = re.compile(r"https?://[^/\s]+(/konto/e-mail-bestaetigen/\S+?/)(?=\s|$)", re.M)


def only_link(pattern, message) -> str:
    paths = pattern.findall(message.body)
    assert len(paths) == 1, message.body
    return paths[0]


@pytest.fixture
def invite(district, district_admin):
    def _invite(email="neu@example.org", role=Role.FACILITATOR, **kwargs):
        invitation = services.invitation_create(
            district=district, email=email, role=role, invited_by=district_admin, **kwargs
        )
        return invitation, reverse("invitation", args=[invitation.token])

    return _invite


def accept(client, path):
    return client.post(path, {"action": "accept"})


# --- The whole journey ----------------------------------------------------------------------------


def test_invited_address_without_account_signs_up_confirms_and_accepts(
    client, login, district, district_admin, mailoutbox, django_capture_on_commit_callbacks
):
    # The admin invites an address nobody has signed up with.
    with django_capture_on_commit_callbacks(execute=True):
        login(district_admin).post(
            TEAM, {"email": "neu@example.org", "role": Role.ADMIN, "organisation": "WRM"}
        )
    [mail] = mailoutbox
    assert mail.to == ["neu@example.org"]
    path = only_link(INVITATION_LINK, mail)
    html_part = mail.alternatives[0][0]
    assert "Landkreis Meißen" in html_part and "#8a1b2e" in html_part  # the district's branding
    client.logout()

    # Opening the link shows the invitation and how to accept it, and changes nothing.
    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<h1") == 1
    assert "Landkreis Meißen" in html
    assert de("District administrator") in html
    assert f"{reverse('account_signup')}?next={path}" in html.replace("%2F", "/")
    assert f"{reverse('account_login')}?next={path}" in html.replace("%2F", "/")
    assert Invitation.objects.get().status == "open"

    # Accepting without an account leads to the login, and back.
    refused = accept(client, path)
    assert refused.status_code == 302
    assert refused["Location"].replace("%2F", "/") == f"{reverse('account_login')}?next={path}"

    # They sign up with the invited address and confirm it.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "neu@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "kind": "citizen",
                "privacy_consent": "on",
            },
        )
    client.post(only_link(CONFIRMATION_LINK, mailoutbox[-1]))
    login_response = client.post(
        f"{reverse('account_login')}?next={path}",
        {"login": "neu@example.org", "password": PASSWORD},
    )
    assert login_response["Location"] == path

    # Now the page offers to accept, and POST does it.
    assert 'value="accept"' in client.get(path).content.decode()
    response = accept(client, path)

    assert response.status_code == 302
    assert response["Location"] == WORKSPACE
    membership = Membership.objects.get(user__email="neu@example.org")
    assert (membership.district, membership.role, membership.organisation) == (
        district,
        Role.ADMIN,
        "WRM",
    )
    assert client.get(WORKSPACE).status_code == 200
    assert Invitation.objects.get().accepted_at is not None


def test_invited_member_with_account_accepts_after_logging_in(client, district, invite, password):
    person = UserFactory(email="kim@example.org")
    _invitation, path = invite("Kim@Example.org")

    response = client.post(
        f"{reverse('account_login')}?next={path}", {"login": person.email, "password": password}
    )
    assert response["Location"] == path
    accept(client, path)

    assert Membership.objects.get(user=person).district == district


# --- What does not accept -------------------------------------------------------------------------


def test_opening_the_link_never_accepts(login, invite):
    person = UserFactory(email="neu@example.org")
    invitation, path = invite()
    client = login(person)

    for _ in range(3):
        assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200

    assert not Membership.objects.filter(user=person).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_another_account_cannot_accept(login, invite, citizen):
    invitation, path = invite("neu@example.org")
    client = login(citizen)

    page = client.get(path)
    response = accept(client, path)

    assert 'value="accept"' not in page.content.decode()
    assert response.status_code == 403
    assert "neu@example.org" in response.content.decode()
    assert not Membership.objects.filter(user=citizen).exists()
    invitation.refresh_from_db()
    assert invitation.status == "open"  # the invited person can still accept


def test_an_unconfirmed_address_of_the_account_is_not_enough(login, invite, citizen):
    EmailAddress.objects.create(user=citizen, email="neu@example.org", verified=False)
    _invitation, path = invite("neu@example.org")

    response = accept(login(citizen), path)

    assert response.status_code == 403
    assert not Membership.objects.filter(user=citizen).exists()


def test_a_confirmed_second_address_of_the_account_is_enough(login, invite, citizen, district):
    EmailAddress.objects.create(user=citizen, email="zweit@example.org", verified=True)
    _invitation, path = invite("ZWEIT@example.org")

    accept(login(citizen), path)

    assert Membership.objects.get(user=citizen).district == district


def test_a_link_is_used_only_once(login, invite):
    person = UserFactory(email="neu@example.org")
    _invitation, path = invite()
    client = login(person)
    accept(client, path)
    Membership.objects.filter(user=person).delete()  # e.g. removed from the team later

    again = accept(client, path)
    page = client.get(path)

    assert again.status_code == 410
    assert page.status_code == 410
    assert (
        de("This invitation has already been accepted. Each invitation link can be used only once.")
        in page.content.decode()
    )
    assert not Membership.objects.filter(user=person).exists()


def test_an_expired_link_accepts_nothing(login, invite):
    person = UserFactory(email="neu@example.org")
    invitation, path = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client = login(person)

    page = client.get(path)
    response = accept(client, path)

    assert page.status_code == response.status_code == 410
    assert 'value="accept"' not in page.content.decode()
    assert not Membership.objects.filter(user=person).exists()


def test_invitations_expire_after_fourteen_days(invite):
    invitation, _path = invite()

    assert (
        timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    )


def test_an_unknown_or_withdrawn_link_is_not_found(client, invite):
    invitation, path = invite()
    services.invitation_withdraw(invitation=invitation)

    assert client.get(path).status_code == 404
    assert client.get("/konto/einladungen/erfunden/").status_code == 404
    assert accept(client, path).status_code == 404


def test_the_invited_person_can_decline_without_an_account(client, invite):
    invitation, path = invite()

    response = client.post(path, {"action": "decline"}, follow=True)

    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert response.status_code == 410
    assert de("You have declined the invitation.") in response.content.decode()
    person = UserFactory(email="neu@example.org")
    client.force_login(person)
    assert accept(client, path).status_code == 410
    assert not Membership.objects.filter(user=person).exists()


def test_a_member_added_meanwhile_keeps_the_role(login, district, invite):
    person = MembershipFactory(
        district=district, role=Role.ADMIN, user__email="neu@example.org"
    ).user
    _invitation, path = invite(role=Role.FACILITATOR)

    accept(login(person), path)

    assert Membership.objects.get(user=person).role == Role.ADMIN


# --- The secret -----------------------------------------------------------------------------------


def test_neither_database_nor_outbox_keep_the_link(
    district, district_admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            district=district, email="neu@example.org", role=Role.ADMIN, invited_by=district_admin
        )

    assert invitation.token in mailoutbox[0].body
    assert invitation.token not in Invitation.objects.values_list("token_hash", flat=True)
    stored = OutgoingEmail.objects.get(to="neu@example.org")
    assert stored.status == EmailStatus.SENT
    assert invitation.token not in stored.text_body + stored.html_body


def test_invitation_mail_is_german(
    district, district_admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            district=district,
            email="neu@example.org",
            role=Role.FACILITATOR,
            invited_by=district_admin,
        )

    with translation.override("de"):
        expected = gettext("Invitation to the team of %(district)s") % {"district": district.name}
    assert mailoutbox[0].subject == expected
    assert expected != f"Invitation to the team of {district.name}"
