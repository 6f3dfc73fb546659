"""The page behind the unsubscribe link: RFC 8058 one-click POST without cookies or CSRF token,
every other POST with CSRF protection, topics, and the token that never expires."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Subscription, SubscriptionStatus
from tests.helpers import de

from ..factories import ActionFieldFactory

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def subscription(make_subscription):
    return make_subscription(email="leser@example.org")


@pytest.fixture
def manage_url(subscription):
    return reverse("newsletters:manage", kwargs={"token": subscription.manage_token})


def test_one_click_post_without_cookies_unsubscribes_at_once(subscription, manage_url):
    mail_provider = Client(enforce_csrf_checks=True)

    response = mail_provider.post(manage_url, ONE_CLICK, content_type=FORM)

    assert response.status_code == 200
    assert not mail_provider.cookies.get("sessionid")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert subscription.unsubscribed_at is not None


def test_one_click_post_as_multipart_form_data_unsubscribes(subscription, manage_url):
    response = Client(enforce_csrf_checks=True).post(manage_url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED


def test_one_click_post_twice_is_harmless(subscription, manage_url):
    client = Client(enforce_csrf_checks=True)
    client.post(manage_url, ONE_CLICK, content_type=FORM)
    first = Subscription.objects.get().unsubscribed_at

    assert client.post(manage_url, ONE_CLICK, content_type=FORM).status_code == 200
    assert Subscription.objects.get().unsubscribed_at == first


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("action=unsubscribe", FORM),
        ("List-Unsubscribe=One-Click&action=topics", FORM),
        ("List-Unsubscribe=Yes", FORM),
        ("List-Unsubscribe=One-Click&List-Unsubscribe=One-Click", FORM),
        ("", FORM),
        ('{"List-Unsubscribe": "One-Click"}', "application/json"),
    ],
)
def test_other_posts_without_csrf_token_are_refused(subscription, manage_url, body, content_type):
    response = Client(enforce_csrf_checks=True).post(manage_url, body, content_type=content_type)

    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED


def test_changing_topics_without_csrf_token_is_refused(subscription, manage_url, action_field):
    response = Client(enforce_csrf_checks=True).post(
        manage_url, {"action": "topics", "topics": [action_field.pk]}
    )

    assert response.status_code == 403
    assert not subscription.topics.exists()


def test_opening_the_link_shows_topics_and_a_button_but_changes_nothing(
    client, subscription, manage_url, action_field
):
    response = client.get(manage_url)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "leser@example.org" in html
    assert action_field.title in html
    assert de("Unsubscribe now") in html
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED


def test_subscriber_unsubscribes_with_the_button(client, subscription, manage_url):
    response = client.post(manage_url, {"action": "unsubscribe"})

    assert response.status_code == 200
    assert de("Unsubscribed") in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED


def test_subscriber_changes_topics(client, subscription, manage_url, district):
    keep = ActionFieldFactory(district=district, title="Coworking")
    drop = ActionFieldFactory(district=district, title="Breitband")
    subscription.topics.set([drop])

    response = client.post(manage_url, {"action": "topics", "topics": [keep.pk]}, follow=True)

    assert de("Your topics have been saved.") in response.content.decode()
    assert list(subscription.topics.all()) == [keep]


def test_topics_of_another_district_cannot_be_chosen(
    client, subscription, manage_url, other_district
):
    foreign = ActionFieldFactory(district=other_district)

    response = client.post(manage_url, {"action": "topics", "topics": [foreign.pk]})

    assert response.status_code == 200
    assert response.context["form"].errors["topics"]
    assert not subscription.topics.exists()


def test_the_unsubscribe_link_never_expires(client, subscription, manage_url):
    Subscription.objects.filter(pk=subscription.pk).update(
        requested_at=timezone.now() - timedelta(days=3650),
        confirmed_at=timezone.now() - timedelta(days=3650),
    )

    Client(enforce_csrf_checks=True).post(manage_url, ONE_CLICK, content_type=FORM)

    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED


def test_a_forged_unsubscribe_link_is_refused(subscription):
    url = reverse("newsletters:manage", kwargs={"token": subscription.manage_token[:-2] + "xx"})

    response = Client(enforce_csrf_checks=True).post(url, ONE_CLICK, content_type=FORM)

    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED
