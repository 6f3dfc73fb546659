"""Subscribing without an account: the form, double opt-in, the confirmation link, the cooldown,
bad input and the rate limit – through the pages and the mailbox."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsletters import services
from newsletters.models import ConsentText, Subscription, SubscriptionSource, SubscriptionStatus
from strategy_portal.models import ParticipantKind
from tests.helpers import de

from ..factories import ActionFieldFactory
from .conftest import link_in, main_of, signup_data

pytestmark = pytest.mark.django_db


# --- The sign-up page -----------------------------------------------------------------------------


def test_signup_page_offers_topics_kind_and_the_consent_text(client, district, subscribe_url):
    ActionFieldFactory(district=district, title="Nahversorgung, Einzelhandel und Gewerbe")
    ActionFieldFactory(title="Handlungsfeld eines anderen Kreises")

    response = client.get(subscribe_url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert html.count("<h1") == 1
    assert "Nahversorgung, Einzelhandel und Gewerbe" in html
    assert "Handlungsfeld eines anderen Kreises" not in html
    topic = re.search(r'<input[^>]*name="topics"[^>]*>', html).group()
    assert 'type="checkbox"' in topic
    assert 'class="kern-form-check__checkbox"' in topic  # drawn as a box, not as a radio button
    for value in ParticipantKind.values:
        assert f'name="kind" value="{value}"' in html
    # The consent text in force, with the district's name filled in.
    assert "Ich möchte den Newsletter von Landkreis Meißen per E-Mail erhalten" in html
    assert '<label class="kern-label" for="id_email">' in html


def test_unknown_district_has_no_newsletter_page(client, db):
    assert client.get("/nirgendwo/newsletter/").status_code == 404


# --- Double opt-in --------------------------------------------------------------------------------


def test_visitor_subscribes_and_confirms_through_the_mailed_link(
    client, district, action_field, sign_up, subscribe_url
):
    response = sign_up(email="Leser@Example.org", topics=[action_field.pk])

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "newsletters:requested", kwargs={"district": district.slug}
    )
    page = client.get(response["Location"])
    assert de("Please confirm your sign-up") in page.content.decode()

    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.PENDING
    assert subscription.email == "Leser@example.org"
    assert subscription.request_ip == "127.0.0.1"
    assert subscription.consent_text == ConsentText.objects.in_force(district)
    assert subscription.source == SubscriptionSource.FORM
    assert subscription.source_path == subscribe_url
    assert list(subscription.topics.all()) == [action_field]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Leser@example.org"]
    assert "Landkreis Meißen" in message.subject
    assert "72" in message.body
    link = link_in(message)
    assert link.startswith("/newsletter/bestaetigen/")

    page = client.get(link)
    assert page.status_code == 200
    assert de("Confirm subscription") in page.content.decode()
    assert action_field.title in page.content.decode()

    confirmed = client.post(link, REMOTE_ADDR="198.51.100.7")

    assert confirmed.status_code == 200
    assert de("Subscription confirmed") in confirmed.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED
    assert subscription.confirmed_at is not None
    assert subscription.confirm_ip == "198.51.100.7"


def test_opening_the_confirmation_link_confirms_nothing(client, sign_up):
    sign_up()
    link = link_in(mail.outbox[0])

    for _visit in range(3):  # a mail scanner, a preview, the person
        assert client.get(link).status_code == 200

    assert Subscription.objects.get().status == SubscriptionStatus.PENDING


def test_confirmation_mail_contains_no_advertising_and_no_unsubscribe_link(sign_up):
    sign_up()

    message = mail.outbox[0]
    assert "/newsletter/abmelden/" not in message.body
    assert "List-Unsubscribe" not in message.extra_headers
    # Nothing but the request: no newsletter content, no other links than the site and the link.
    assert message.body.count("http") == 2


def test_a_used_confirmation_link_does_nothing_the_second_time(client, sign_up):
    sign_up()
    link = link_in(mail.outbox[0])
    client.post(link)
    first = Subscription.objects.get()

    again = client.post(link, REMOTE_ADDR="203.0.113.99")

    assert again.status_code == 200
    assert de("Already confirmed") in again.content.decode()
    second = Subscription.objects.get()
    assert second.confirmed_at == first.confirmed_at
    assert second.confirm_ip == first.confirm_ip == "127.0.0.1"


def test_an_expired_confirmation_link_confirms_nothing(client, district, make_subscription):
    subscription = make_subscription(status=SubscriptionStatus.PENDING)
    long_ago = time.time() - 73 * 3600
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        link = reverse("newsletters:confirm", args=[services.confirmation_token(subscription)])

    shown = client.get(link)
    posted = client.post(link)

    for response in (shown, posted):
        assert response.status_code == 200
        assert de("This link is no longer valid") in response.content.decode()
        assert de("Sign up again") in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PENDING
    assert subscription.confirmed_at is None


def test_a_link_from_71_hours_ago_still_works(client, make_subscription):
    subscription = make_subscription(status=SubscriptionStatus.PENDING)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 71 * 3600):
        link = reverse("newsletters:confirm", args=[services.confirmation_token(subscription)])

    client.post(link)

    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: "2" + token,  # another subscription's id under this signature
        lambda token: "unsinn",
    ],
)
def test_a_forged_confirmation_link_is_refused(client, make_subscription, forge):
    subscription = make_subscription(status=SubscriptionStatus.PENDING)
    token = forge(services.confirmation_token(subscription))

    response = client.post(reverse("newsletters:confirm", args=[token]))

    assert response.status_code == 404
    assert de("This link is not valid") in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PENDING


def test_confirming_needs_the_csrf_token(make_subscription):
    subscription = make_subscription(status=SubscriptionStatus.PENDING)
    link = reverse("newsletters:confirm", args=[services.confirmation_token(subscription)])

    response = Client(enforce_csrf_checks=True).post(link)

    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PENDING


# --- Asking again: cooldown, and nothing revealed -------------------------------------------------


def test_asking_again_within_the_cooldown_sends_no_second_mail(sign_up):
    sign_up(email="leser@example.org")
    sign_up(email="LESER@example.org", name="Jemand anderes")

    assert len(mail.outbox) == 1
    subscription = Subscription.objects.get()
    assert subscription.name == "Robin Leser"  # the second request changed nothing


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, sign_up, make_subscription):
    make_subscription(email="abonniert@example.org", confirmation_sent_at=timezone.now())
    make_subscription(
        email="wartet@example.org",
        status=SubscriptionStatus.PENDING,
        confirmation_sent_at=timezone.now(),
    )

    responses = [
        sign_up(email=address)
        for address in ("abonniert@example.org", "wartet@example.org", "neu@example.org")
    ]

    assert {response.status_code for response in responses} == {302}
    assert len({response["Location"] for response in responses}) == 1
    pages = [main_of(client.get(response["Location"])) for response in responses]
    assert pages[0] == pages[1] == pages[2]
    assert [message.to for message in mail.outbox] == [["neu@example.org"]]


def test_after_the_cooldown_a_pending_request_gets_its_link_again(sign_up, settings):
    sign_up()
    Subscription.objects.update(
        confirmation_sent_at=timezone.now()
        - timedelta(minutes=settings.NEWSLETTER_CONFIRMATION_COOLDOWN_MINUTES + 1)
    )

    sign_up()

    assert len(mail.outbox) == 2
    assert Subscription.objects.count() == 1
    assert services.confirmation_check(link_in(mail.outbox[1]).split("/")[-2]).state == "valid"


def test_after_the_cooldown_a_subscriber_is_told_by_mail_and_nothing_changes(
    sign_up, make_subscription, action_field, settings
):
    subscription = make_subscription(email="leser@example.org", name="Robin")
    original_confirmed_at = subscription.confirmed_at

    sign_up(email="leser@example.org", name="Angreifer", topics=[action_field.pk])

    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("/newsletter/abmelden/") == 1
    assert "/newsletter/bestaetigen/" not in mail.outbox[0].body
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED
    assert subscription.name == "Robin"
    assert subscription.confirmed_at == original_confirmed_at
    assert not subscription.topics.exists()


def test_an_unsubscribed_address_can_subscribe_again_with_a_new_consent(
    client, sign_up, make_subscription
):
    make_subscription(
        email="leser@example.org",
        status=SubscriptionStatus.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
    )

    sign_up(email="leser@example.org")

    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.PENDING
    assert subscription.confirmed_at is None
    client.post(link_in(mail.outbox[0]))
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED


def test_the_same_address_may_subscribe_in_two_districts(client, sign_up, district, other_district):
    sign_up(email="leser@example.org")
    other_url = reverse("newsletters:subscribe", kwargs={"district": other_district.slug})
    data = signup_data(other_district, email="leser@example.org")
    client.post(other_url, data)

    assert Subscription.objects.filter(email__iexact="leser@example.org").count() == 2


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "kein-at-zeichen.example.org",
        "leser@",
        "leser@example.org\r\nBcc: opfer@example.org",
        "leser@example.org\nSubject: Gewinn",
        "a" * 250 + "@example.org",
        "",
    ],
)
def test_malformed_addresses_get_an_error_on_the_field(sign_up, email):
    response = sign_up(email=email)

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert not Subscription.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    "name", ["Robin\r\nBcc: opfer@example.org", "Robin\nLeser", "Robin\x00", "Rob\u2028in"]
)
def test_line_breaks_in_the_name_get_an_error_on_the_field(sign_up, name):
    response = sign_up(name=name)

    assert response.status_code == 200
    assert (
        de("The name may not contain line breaks or other control characters.")
        in (response.context["form"].errors["name"])
    )
    assert not Subscription.objects.exists()


def test_subscribing_needs_the_consent(sign_up):
    response = sign_up(consent="")

    assert response.context["form"].errors["consent"] == [
        de("Please agree to the consent text to subscribe to the newsletter.")
    ]
    assert not Subscription.objects.exists()


def test_a_new_consent_text_between_showing_and_sending_must_be_read_again(
    client, sign_up, district
):
    shown = signup_data(district)["consent_version"]
    ConsentText.objects.create(district=district, version=1, text="Neue Fassung für {district}.")

    response = sign_up(consent_version=shown)

    assert response.context["form"].errors["consent"] == [
        de("The consent text has changed meanwhile. Please read it again and agree.")
    ]
    assert "Neue Fassung für Landkreis Meißen." in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_district_text_takes_precedence_and_its_version_is_stored(sign_up, district):
    own = ConsentText.objects.create(district=district, version=3, text="Eigener Text.")

    sign_up()

    assert Subscription.objects.get().consent_text == own


def test_a_topic_of_another_district_is_refused(sign_up, other_district):
    foreign = ActionFieldFactory(district=other_district)

    response = sign_up(topics=[foreign.pk])

    assert response.context["form"].errors["topics"]
    assert not Subscription.objects.exists()


def test_the_service_refuses_a_topic_of_another_district(district, other_district):
    foreign = ActionFieldFactory(district=other_district)

    with pytest.raises(services.TopicError):
        services.subscription_request(
            district=district,
            email="leser@example.org",
            consent_text=ConsentText.objects.in_force(district),
            topics=[foreign],
        )
    assert not Subscription.objects.exists()


def test_mass_signups_from_one_address_are_stopped_with_a_german_message(sign_up, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "newsletter_subscribe": "5/h/ip",
    }
    for n in range(5):
        assert sign_up(email=f"opfer{n}@example.org").status_code == 302

    response = sign_up(email="noch-eins@example.org")

    assert response.status_code == 429
    html = response.content.decode()
    assert de("Too many sign-ups") in html
    assert "sp-skip-link" in html
    assert not Subscription.objects.filter(email="noch-eins@example.org").exists()
    assert len(mail.outbox) == 5
    # Another connection is not affected.
    other = sign_up(email="anderer@example.org", client=Client(REMOTE_ADDR="198.51.100.1"))
    assert other.status_code == 302


def test_the_configured_limit_stops_a_flood_of_signups(sign_up, settings):
    limit = int(settings.ACCOUNT_RATE_LIMITS["newsletter_subscribe"].split("/")[0])
    for _attempt in range(limit):
        sign_up(email="kaputt")  # invalid attempts count as well

    assert sign_up(email="leser@example.org").status_code == 429
    assert not Subscription.objects.exists()


def test_the_database_holds_one_subscription_per_address_and_district(make_subscription):
    from django.db import IntegrityError, transaction

    make_subscription(email="leser@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_subscription(email="LESER@example.org")
