"""Subscriptions in the data export and the account erasure, found by account and by address."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from newsletters.models import Subscription
from strategy_portal import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriptions(citizen, make_subscription, other_district, action_field):
    EmailAddress.objects.create(user=citizen, email="alt@example.org", verified=False)
    by_address = make_subscription(email=citizen.email.upper())
    by_address.topics.set([action_field])
    by_second_address = make_subscription(email="alt@example.org", district=other_district)
    by_user = make_subscription(email="frueher@example.org", user=citizen)
    someone_else = make_subscription(email="nachbar@example.org")
    return by_address, by_second_address, by_user, someone_else


def test_export_contains_the_subscriptions_of_every_address(login, citizen, subscriptions):
    response = login(citizen).get(reverse("personal_data_export"))

    document = json.loads(response.content)
    exported = document["newsletter_subscriptions"]
    assert {entry["email"] for entry in exported} == {
        citizen.email.upper(),
        "alt@example.org",
        "frueher@example.org",
    }
    first = next(e for e in exported if e["email"] == citizen.email.upper())
    assert first["topics"] == ["Neue Arbeitsformen / Arbeit 4.0"]
    assert first["consent_text_version"] == 1
    assert "Landkreis Meißen" in first["consent_text"]
    assert first["request_ip"] == "192.0.2.10"
    assert first["status"] == "confirmed"


def test_erasing_the_account_deletes_its_subscriptions(citizen, subscriptions):
    services.account_delete(user=citizen)

    assert list(Subscription.objects.values_list("email", flat=True)) == ["nachbar@example.org"]


def test_deliveries_are_exported_and_erased_with_the_account(
    login, citizen, district, subscriptions
):
    from newsletters.models import Delivery, Newsletter

    by_address, _second, by_user, someone_else = subscriptions
    newsletter = Newsletter.objects.create(district=district, subject="Ausgabe 1", body="Text")
    for subscription in (by_address, by_user, someone_else):
        Delivery.objects.create(
            newsletter=newsletter,
            subscription=subscription,
            email=subscription.email.lower(),
            status="sent",
        )
    # A delivery whose subscription is gone is still found by the address.
    Delivery.objects.filter(email=citizen.email).update(subscription=None)

    document = json.loads(login(citizen).get(reverse("personal_data_export")).content)
    assert sorted(d["email"] for d in document["newsletter_deliveries"]) == sorted(
        [citizen.email, "frueher@example.org"]
    )
    assert document["newsletter_deliveries"][0]["newsletter"] == "Ausgabe 1"

    services.account_delete(user=citizen)
    assert list(Delivery.objects.values_list("email", flat=True)) == ["nachbar@example.org"]
