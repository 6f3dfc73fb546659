"""Signed-in users: opt in with the account's address, see their newsletters."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from newsletters.models import Subscription, SubscriptionSource, SubscriptionStatus
from tests.helpers import de

from ..factories import UserFactory
from .conftest import link_in

pytestmark = pytest.mark.django_db


def test_signed_in_user_with_verified_address_opts_in_without_a_mail(
    login, citizen, sign_up, action_field
):
    client = login(citizen)

    page = client.get(reverse("newsletters:subscribe", args=["landkreis-meissen"]))
    assert 'name="email"' not in page.content.decode()
    assert citizen.email in page.content.decode()
    response = sign_up(client=client, email="", topics=[action_field.pk])

    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters:mine")
    subscription = Subscription.objects.get()
    assert subscription.email == citizen.email
    assert subscription.user == citizen
    assert subscription.status == SubscriptionStatus.CONFIRMED
    assert subscription.source == SubscriptionSource.PROFILE
    assert subscription.request_ip == subscription.confirm_ip == "127.0.0.1"
    assert list(subscription.topics.all()) == [action_field]
    assert not mail.outbox
    mine = client.get(response["Location"]).content.decode()
    assert "Landkreis Meißen" in mine
    assert subscription.manage_token in mine


def test_signed_in_user_with_unverified_address_confirms_by_mail(login, sign_up, db):
    user = UserFactory(email="unbestaetigt@example.org", verified=False)
    client = login(user)

    sign_up(client=client, email="")

    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.PENDING
    assert subscription.user == user
    client.post(link_in(mail.outbox[0]))
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED


def test_subscription_by_address_shows_on_the_account_page(login, citizen, make_subscription):
    make_subscription(email=citizen.email.upper())

    html = login(citizen).get(reverse("newsletters:mine")).content.decode()

    assert "Landkreis Meißen" in html
    assert de("Change topics or unsubscribe: %(name)s") % {"name": "Landkreis Meißen"} in html


def test_signup_page_tells_a_subscriber_they_are_subscribed(login, citizen, make_subscription):
    make_subscription(email=citizen.email)

    response = login(citizen).get(reverse("newsletters:subscribe", args=["landkreis-meissen"]))

    assert de("You already receive this newsletter") in response.content.decode()
    assert '<form class="sp-form"' not in response.content.decode()


def test_a_secondary_address_of_the_account_counts_as_the_users(login, citizen, make_subscription):
    EmailAddress.objects.create(user=citizen, email="zweit@example.org", verified=True)
    make_subscription(email="zweit@example.org")

    html = login(citizen).get(reverse("newsletters:mine")).content.decode()

    assert "zweit@example.org" in html
