"""Composing and sending a newsletter: what the admin sees, what the recipients get, and that a
crash, a retry or a failure never loses or repeats a mail."""

import smtplib
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone

from newsletters import announcements, services, tasks
from newsletters.models import (
    Delivery,
    DeliveryProblem,
    DeliveryStatus,
    Newsletter,
    NewsletterStatus,
    Subscription,
)
from strategy_portal.models import OutgoingEmail
from tests.factories import MembershipFactory
from tests.helpers import de

from .conftest import main_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsletter(district, district_admin):
    return Newsletter.objects.create(
        district=district,
        subject='Neues aus dem "Digitalen Landkreis"',
        preheader="Workshops, Maßnahmen und Termine",
        body='## Was gibt es Neues?\n\nDie Workshops sind "dokumentiert"...\n\nBis bald - Ihr Team',
        created_by=district_admin,
    )


@pytest.fixture
def subscribers(make_subscription):
    return [make_subscription(f"leser{i}@example.org") for i in range(3)]


def url(name, district, newsletter=None):
    kwargs = {"district": district.slug}
    if newsletter is not None:
        kwargs["pk"] = newsletter.pk
    return reverse(f"newsletters:{name}", kwargs=kwargs)


def send_now(client, district, newsletter, capture):
    with capture(execute=True):
        return client.post(url("send", district, newsletter), {"mode": "now", "confirmed": "1"})


# --- Composing ------------------------------------------------------------------------------------


def test_admin_writes_a_newsletter_and_sees_the_live_recipient_count(
    client, district, district_admin, action_field, subscribers
):
    subscribers[0].topics.add(action_field)
    client.force_login(district_admin)
    response = client.post(
        url("create", district),
        {
            "subject": "Einladung zum Workshop",
            "preheader": "Am 12. März in Riesa",
            "body": "Wir laden Sie herzlich ein.",
            "recipients": f"topic:{action_field.pk}",
        },
    )
    newsletter = Newsletter.objects.get()
    assert response.status_code == 302
    assert (newsletter.segment, newsletter.segment_value) == ("topic", str(action_field.pk))
    assert newsletter.district == district
    assert newsletter.created_by == district_admin

    count = client.get(
        url("recipient_count", district),
        {"recipients": f"topic:{action_field.pk}"},
        HTTP_HX_REQUEST="true",
    )
    assert count.content.decode().strip() == "1 Person"
    everyone = client.get(url("recipient_count", district), {"recipients": "all"})
    assert everyone.content.decode().strip() == "3 Personen"

    listing = client.get(url("recipients", district, newsletter))
    assert "leser0@example.org" in main_of(listing)
    assert "leser1@example.org" not in main_of(listing)


def test_subject_with_a_line_break_is_refused(client, district, district_admin):
    client.force_login(district_admin)
    response = client.post(
        url("create", district),
        {"subject": "Hallo\r\nBcc: alle@example.org", "body": "Text", "recipients": "all"},
    )
    assert response.status_code == 200
    assert de("Please enter this on one line, without line breaks.") in main_of(response)
    assert not Newsletter.objects.exists()


def test_a_body_of_one_megabyte_is_refused(client, district, district_admin):
    client.force_login(district_admin)
    response = client.post(
        url("create", district),
        {"subject": "Zu lang", "body": "x" * 1_000_000, "recipients": "all"},
    )
    assert response.status_code == 200
    assert "1.000.000" in main_of(response)
    assert not Newsletter.objects.exists()


def test_preview_shows_html_and_text_exactly_as_sent(client, district, district_admin, newsletter):
    client.force_login(district_admin)
    page = client.get(url("preview", district, newsletter))
    assert page.status_code == 200
    text = main_of(page)
    assert "„Digitalen Landkreis“" in text  # German typography, as in the mail
    assert url("preview_html", district, newsletter) in text
    frame = client.get(url("preview_html", district, newsletter))
    assert frame.status_code == 200
    assert "<h2>Was gibt es Neues?</h2>" in frame.content.decode()
    assert "frame-ancestors 'self'" in frame["Content-Security-Policy"]
    assert "script-src 'none'" in frame["Content-Security-Policy"]


def test_test_send_goes_to_the_admin_only(
    client, district, district_admin, newsletter, subscribers, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("test_send", district, newsletter))
    assert [m.to for m in mail.outbox] == [[district_admin.email]]
    assert mail.outbox[0].subject.startswith("[Test] ")
    assert not Delivery.objects.exists()
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT


# --- Sending: the admin's steps -------------------------------------------------------------------


def test_send_now_needs_a_confirmation_step(
    client, district, district_admin, newsletter, subscribers
):
    client.force_login(district_admin)
    response = client.post(url("send", district, newsletter), {"mode": "now"})
    assert response.status_code == 200
    assert "3" in main_of(response)
    assert 'name="confirmed" value="1"' in main_of(response)
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT
    assert not Delivery.objects.exists()


def test_admin_sends_and_every_subscriber_gets_one_mail(
    client, district, district_admin, newsletter, subscribers, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    response = send_now(client, district, newsletter, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == url("progress", district, newsletter)

    assert sorted(m.to[0] for m in mail.outbox) == [s.email for s in subscribers]
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT
    assert (newsletter.recipient_count, newsletter.sent_count, newsletter.failed_count) == (
        3,
        3,
        0,
    )
    report = client.get(url("progress", district, newsletter))
    assert de("sent") in main_of(report)
    assert not OutgoingEmail.objects.exists()  # newsletter bodies are not kept


def test_every_newsletter_mail_carries_unsubscribe_headers_branding_and_typography(
    client,
    district,
    district_admin,
    newsletter,
    subscribers,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.SITE_URL = "https://beteiligung.example.de"
    district.newsletter_sender_name = "Landkreis Meißen"
    district.newsletter_sender_email = "newsletter@kreis-meissen.example"
    district.save()
    client.force_login(district_admin)
    send_now(client, district, newsletter, django_capture_on_commit_callbacks)

    message = next(m for m in mail.outbox if m.to == ["leser0@example.org"])
    token = Subscription.objects.get(email="leser0@example.org").manage_token
    manage = f"https://beteiligung.example.de/newsletter/abmelden/{token}/"
    headers = message.message()
    sender = str(make_header(decode_header(headers["From"])))
    assert sender == "Landkreis Meißen <newsletter@kreis-meissen.example>"
    assert headers["List-Unsubscribe"].startswith(f"<{manage}>, <mailto:")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Message-ID"].endswith("@beteiligung.example.de>")
    delivery = Delivery.objects.get(email="leser0@example.org")
    assert delivery.message_id == headers["Message-ID"]
    assert message.subject == "Neues aus dem „Digitalen Landkreis“"
    assert "Die Workshops sind „dokumentiert“…" in message.body
    assert "Bis bald – Ihr Team" in message.body
    assert manage in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{manage}"' in html
    assert district.theme_colour in html  # the ground floor's branded frame
    assert "Workshops, Maßnahmen und Termine" in html  # the preheader


def test_a_newsletter_without_recipients_cannot_be_sent_and_says_why(
    client, district, district_admin, newsletter, make_subscription
):
    make_subscription("offen@example.org", status="pending")
    client.force_login(district_admin)
    response = client.post(url("send", district, newsletter), {"mode": "now", "confirmed": "1"})
    assert response.status_code == 400
    assert de(
        "Nobody would receive this newsletter: the chosen recipients have no confirmed "
        "subscription. Choose other recipients or wait for subscriptions."
    ) in main_of(response)
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT
    assert not Delivery.objects.exists()


def test_facilitator_cannot_send(client, district, facilitator, newsletter, subscribers):
    client.force_login(facilitator)
    response = client.post(url("send", district, newsletter), {"mode": "now", "confirmed": "1"})
    assert response.status_code == 403
    assert client.get(url("workspace", district)).status_code == 403
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT
    assert not Delivery.objects.exists()


def test_admin_of_another_district_cannot_send(
    client, district, other_district, newsletter, subscribers
):
    stranger = MembershipFactory(district=other_district, role="admin").user
    client.force_login(stranger)
    response = client.post(url("send", district, newsletter), {"mode": "now", "confirmed": "1"})
    assert response.status_code == 403
    # Nor through the address of their own district.
    own = reverse("newsletters:send", kwargs={"district": other_district.slug, "pk": newsletter.pk})
    assert client.post(own, {"mode": "now", "confirmed": "1"}).status_code == 404
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT
    assert not Delivery.objects.exists()


def test_a_scheduled_time_in_the_past_is_refused(
    client, district, district_admin, newsletter, subscribers
):
    client.force_login(district_admin)
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("send", district, newsletter), {"mode": "schedule", "when": past, "confirmed": "1"}
    )
    assert response.status_code == 400
    assert de("The time of sending lies in the past. Please choose a later time.") in main_of(
        response
    )
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT
    with pytest.raises(services.SendError):
        services.newsletter_schedule(newsletter=newsletter, when=timezone.now())


def test_scheduled_newsletter_is_sent_by_beat_when_due_and_can_be_cancelled_before(
    client, district, district_admin, newsletter, subscribers, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    when = timezone.localtime() + timedelta(days=1)
    client.post(
        url("send", district, newsletter),
        {"mode": "schedule", "when": when.strftime("%Y-%m-%dT%H:%M"), "confirmed": "1"},
    )
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SCHEDULED

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_newsletters.apply()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.newsletters_sweep(now=timezone.now() + timedelta(days=2))
    assert len(mail.outbox) == 3
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT


def test_cancel_a_scheduled_send(client, district, district_admin, newsletter, subscribers):
    services.newsletter_schedule(newsletter=newsletter, when=timezone.now() + timedelta(hours=2))
    client.force_login(district_admin)
    response = client.post(url("cancel", district, newsletter))
    assert response.status_code == 302
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.CANCELLED
    services.newsletters_sweep(now=timezone.now() + timedelta(hours=3))
    assert not Delivery.objects.exists()
    assert mail.outbox == []


# --- Sending: crashes, retries, failures ----------------------------------------------------------


def start(newsletter):
    """Record the deliveries as a send does, without running a worker."""
    Newsletter.objects.filter(pk=newsletter.pk).update(
        status=NewsletterStatus.SCHEDULED, scheduled_for=timezone.now()
    )
    Newsletter.objects.filter(pk=newsletter.pk).update(status=NewsletterStatus.SENDING)
    services.deliveries_create(newsletter=newsletter)


def test_creating_deliveries_twice_adds_none(newsletter, subscribers, make_subscription):
    start(newsletter)
    make_subscription("spaet@example.org")
    assert services.deliveries_create(newsletter=newsletter) == 4
    assert services.deliveries_create(newsletter=newsletter) == 4
    assert Delivery.objects.filter(newsletter=newsletter).count() == 4


def test_a_delivery_claimed_by_a_dead_worker_is_sent_once_after_its_lease_and_a_sent_one_never(
    newsletter, subscribers
):
    start(newsletter)
    dead, done, fresh = Delivery.objects.order_by("pk")
    # A worker claimed `dead` and died; `done` was sent and marked.
    Delivery.objects.filter(pk=dead.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    Delivery.objects.filter(pk=done.pk).update(status=DeliveryStatus.SENT, attempts=1)

    services.newsletter_send_chunk(newsletter_id=newsletter.pk)
    services.newsletter_send_chunk(newsletter_id=newsletter.pk)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([dead.email, fresh.email])
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (DeliveryStatus.SENT, 2)
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT


def test_a_live_claim_of_another_worker_is_left_alone(newsletter, subscribers):
    start(newsletter)
    busy = Delivery.objects.order_by("pk").first()
    Delivery.objects.filter(pk=busy.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, lease_until=timezone.now() + timedelta(minutes=5)
    )
    services.newsletter_send_chunk(newsletter_id=newsletter.pk)
    assert busy.email not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 2
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENDING  # not finished while the claim lives


class FlakyBackend(LocmemBackend):
    """Refuses `temp@` with 451 (try later) and `weg@` with 550 (no such mailbox)."""

    opened = 0

    def open(self):
        FlakyBackend.opened += 1
        return super().open()

    def send_messages(self, messages):
        for message in messages:
            if message.to[0].startswith("temp@"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"try again later")})
            if message.to[0].startswith("weg@"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(messages)


def test_temporary_failures_retry_with_backoff_permanent_ones_mark_the_subscription(
    settings, newsletter, make_subscription
):
    settings.EMAIL_BACKEND = "tests.newsletters.test_sending.FlakyBackend"
    FlakyBackend.opened = 0
    make_subscription("ok@example.org")
    make_subscription("temp@example.org")
    gone = make_subscription("weg@example.org")
    start(newsletter)

    services.newsletter_send_chunk(newsletter_id=newsletter.pk)

    assert FlakyBackend.opened == 1  # one connection for the chunk
    assert [m.to[0] for m in mail.outbox] == ["ok@example.org"]
    temporary = Delivery.objects.get(email="temp@example.org")
    assert temporary.status == DeliveryStatus.QUEUED
    assert temporary.retry_at > timezone.now()
    assert "451" in temporary.last_error
    permanent = Delivery.objects.get(email="weg@example.org")
    assert permanent.status == DeliveryStatus.FAILED
    gone.refresh_from_db()
    assert gone.delivery_problem == DeliveryProblem.BOUNCE
    # The bounced address is skipped by later newsletters until it is confirmed again.
    assert "weg@example.org" not in [
        s.email for s in Subscription.objects.for_district(newsletter.district).deliverable()
    ]


def test_someone_who_unsubscribes_during_the_send_is_skipped(newsletter, subscribers):
    start(newsletter)
    services.unsubscribe(subscription=subscribers[1])
    services.newsletter_send_chunk(newsletter_id=newsletter.pk)
    services.newsletter_send_chunk(newsletter_id=newsletter.pk)
    assert subscribers[1].email not in [m.to[0] for m in mail.outbox]
    assert Delivery.objects.get(email=subscribers[1].email).status == DeliveryStatus.SKIPPED
    newsletter.refresh_from_db()
    assert (newsletter.sent_count, newsletter.skipped_count) == (2, 1)


def test_a_provider_bounce_or_complaint_marks_the_subscription(make_subscription):
    from anymail.signals import AnymailTrackingEvent, tracking

    subscription = make_subscription("beschwerde@example.org")
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type="complained", recipient="Beschwerde@example.org"),
        esp_name="Test",
    )
    subscription.refresh_from_db()
    assert subscription.delivery_problem == DeliveryProblem.COMPLAINT


# --- Announcements and archive --------------------------------------------------------------------


def test_a_published_workshop_prepares_one_draft_and_sends_nothing(district, subscribers):
    class Workshop:
        pk = 41
        title = "Zukunftswerkstatt Riesa"

        def __init__(self, district):
            self.district = district

        def get_absolute_url(self):
            return "/landkreis-meissen/workshops/zukunftswerkstatt-riesa/"

    workshop = Workshop(district)
    announcements.workshop_published(sender=None, workshop=workshop)
    announcements.workshop_published(sender=None, workshop=workshop)
    draft = Newsletter.objects.get()
    assert draft.status == NewsletterStatus.DRAFT
    assert "Zukunftswerkstatt Riesa" in draft.subject
    assert "/workshops/zukunftswerkstatt-riesa/" in draft.body
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_the_archive_shows_sent_newsletters_of_the_district_only(
    client, district, other_district, newsletter
):
    Newsletter.objects.filter(pk=newsletter.pk).update(
        status=NewsletterStatus.SENT, finished_at=timezone.now()
    )
    draft = Newsletter.objects.create(district=district, subject="Noch ein Entwurf", body="x")
    foreign = Newsletter.objects.create(
        district=other_district,
        subject="Wetterau aktuell",
        body="x",
        status=NewsletterStatus.SENT,
        finished_at=timezone.now(),
    )
    archive = main_of(client.get(url("archive", district)))
    assert "Neues aus dem „Digitalen Landkreis“" in archive  # as in the mail
    assert "Noch ein Entwurf" not in archive
    assert "Wetterau aktuell" not in archive
    detail = client.get(url("archive_detail", district, newsletter))
    assert "<h2>Was gibt es Neues?</h2>" in main_of(detail)
    assert client.get(url("archive_detail", district, draft)).status_code == 404
    assert client.get(url("archive_detail", district, foreign)).status_code == 404


def test_a_worker_slower_than_its_lease_never_sends_what_another_took_over(newsletter, subscribers):
    start(newsletter)
    lease = timedelta(seconds=30)
    mine = Delivery.objects.claim_chunk(
        newsletter_id=newsletter.pk, size=3, lease=lease, token="langsam"
    )
    # The slow worker's lease ran out; another worker put the rows back and took one.
    Delivery.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    Delivery.objects.filter(newsletter=newsletter).requeue_expired()
    taken = Delivery.objects.claim_chunk(
        newsletter_id=newsletter.pk, size=1, lease=lease, token="schnell"
    )
    claim = services._Claim("langsam", lease)
    claim.until = timezone.now()  # the slow worker notices it is near the end of its lease

    assert [claim.hold(delivery) for delivery in mine] == [False, False, False]
    assert taken[0].claimed_by == "schnell"
