"""Helpers for the newsletter tests: sign up through the page, read the link from the mail."""

import re

import pytest
from django.urls import reverse

from newsletters.models import ConsentText
from strategy_portal.models import ParticipantKind

LINK = re.compile(r"https?://[^/\s]+(/newsletter/(?:bestaetigen|abmelden)/\S+?/)(?=\s|$)", re.M)


def link_in(message) -> str:
    """The path of the (only) newsletter link in a mail's text part."""
    paths = LINK.findall(message.body)
    assert len(paths) == 1, message.body
    return paths[0]


def main_of(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def signup_data(district, email="leser@example.org", **extra):
    return {
        "email": email,
        "name": "Robin Leser",
        "kind": ParticipantKind.CITIZEN,
        "consent": "on",
        "consent_version": str(ConsentText.objects.in_force(district).pk),
        **extra,
    }


@pytest.fixture
def subscribe_url(district):
    return reverse("newsletters:subscribe", kwargs={"district": district.slug})


@pytest.fixture
def sign_up(client, district, subscribe_url, django_capture_on_commit_callbacks):
    """POST the sign-up form of `district` and send the mails that wait for the commit."""

    def _sign_up(client=client, url=subscribe_url, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, signup_data(district, **data))

    return _sign_up


@pytest.fixture
def post_and_send(django_capture_on_commit_callbacks):
    def _post(client, url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return _post


@pytest.fixture
def make_subscription(district):
    """A subscription as the double opt-in leaves it, written directly (no mail)."""
    from django.utils import timezone

    from newsletters.models import Subscription, SubscriptionStatus

    def _make(email="leser@example.org", district=district, status="confirmed", **fields):
        now = timezone.now()
        confirmed = status == SubscriptionStatus.CONFIRMED
        defaults = {
            "requested_at": now,
            "confirmed_at": now if confirmed else None,
            "consent_text": ConsentText.objects.in_force(district),
            "request_ip": "192.0.2.10",
            "confirm_ip": "192.0.2.11" if confirmed else None,
            "confirmation_key": "" if confirmed else "offen",
        }
        return Subscription.objects.create(
            district=district, email=email, status=status, **{**defaults, **fields}
        )

    return _make
