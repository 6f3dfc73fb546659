"""The e-mail helper: render, store, send after commit, once; retries and the periodic sweep."""

import re
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy
from io import StringIO
from smtplib import SMTPException

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from strategy_portal import emails, tasks
from strategy_portal.emails import deliver_email, send_templated_email, site_url
from strategy_portal.models import District, EmailStatus, OutgoingEmail, ParticipantKind

from .test_workspace import settings_data

pytestmark = pytest.mark.django_db

PREFIX = "account/email/password_reset_key"
RESET_URL = "https://strategieportal.example/konto/passwort/neu/abc-123/"


class FailingBackend(BaseEmailBackend):
    """An SMTP relay that is down."""

    def send_messages(self, email_messages):
        raise SMTPException("Relay nicht erreichbar")


@pytest.fixture
def failing_backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"


def send(**kwargs):
    return send_templated_email(
        template_prefix=PREFIX,
        to=kwargs.pop("to", "buergerin@example.org"),
        context={"password_reset_url": RESET_URL, **kwargs.pop("context", {})},
        **kwargs,
    )


def make_stale(email, minutes=6):
    earlier = timezone.now() - timedelta(minutes=minutes)
    OutgoingEmail.objects.filter(pk=email.pk).update(created=earlier, modified=earlier)


# --- Rendering and storing ------------------------------------------------------------------------


def test_renders_subject_text_and_html_from_the_template_prefix(db):
    email = send()

    with translation.override("de"):
        expected_subject = gettext("Reset your password")
    assert email.subject == expected_subject
    assert "\n" not in email.subject
    assert RESET_URL in email.text_body
    assert email.text_body == email.text_body.strip()
    assert f'href="{RESET_URL}"' in email.html_body
    assert email.html_body.startswith("<!DOCTYPE html>")
    assert email.template_prefix == PREFIX
    assert email.to == "buergerin@example.org"


def test_renders_in_german_unless_told_otherwise(db):
    with translation.override("en"):
        german = send()
        assert translation.get_language() == "en"  # the caller's language is restored
    english = send(language="en")

    with translation.override("de"):
        assert german.subject == gettext("Reset your password")
    assert english.subject == "Reset your password"


def test_email_is_stored_queued_before_anything_is_sent(db):
    email = send()

    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert stored.status == EmailStatus.QUEUED
    assert stored.attempts == 0
    assert stored.sent_at is None
    assert mail.outbox == []


def test_email_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = send(subject_prefix="[Strategieportal] ")
        assert mail.outbox == []  # still inside the transaction

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buergerin@example.org"]
    assert message.subject == email.subject
    assert message.subject.startswith("[Strategieportal] ")
    assert RESET_URL in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert html == email.html_body
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.sent_at is not None
    assert email.attempts == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send()

    # The callbacks are dropped, as they would be on rollback.
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_html_part_is_the_branded_frame_of_the_district(
    district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = send(district=district)

    html = mail.outbox[0].alternatives[0][0]
    assert "background:#8a1b2e" in html
    assert "Landkreis Meißen" in html
    assert email.district == district
    # The plain text signs with the district as well.
    assert "Landkreis Meißen" in mail.outbox[0].body


def test_html_part_without_district_uses_the_site_branding(db):
    email = send()

    assert "background:#1b4f8a" in email.html_body
    assert "Strategieportal" in email.html_body
    assert email.district is None


def test_html_part_escapes_text_from_the_context(db):
    email = send(context={"password_reset_url": "https://example.org/?q=<script>alert(1)</script>"})

    assert "<script>" not in email.html_body


def test_sender_is_the_district_newsletter_identity_when_set(
    district, settings, django_capture_on_commit_callbacks
):
    district.newsletter_sender_name = "Digitalstrategie Landkreis Meißen"
    district.newsletter_sender_email = "digital@kreis-meissen.example"
    district.save()

    with django_capture_on_commit_callbacks(execute=True):
        email = send(district=district)

    expected = "Digitalstrategie Landkreis Meißen <digital@kreis-meissen.example>"
    assert email.from_email == expected
    assert mail.outbox[0].from_email == expected


def test_sender_name_falls_back_to_the_district_name(district):
    district.newsletter_sender_email = "digital@kreis-meissen.example"
    district.save()

    assert send(district=district).from_email == "Landkreis Meißen <digital@kreis-meissen.example>"


def test_sender_is_the_site_default_without_district_identity(district, settings):
    settings.DEFAULT_FROM_EMAIL = "Strategieportal <noreply@strategieportal.example>"

    assert send(district=district).from_email == settings.DEFAULT_FROM_EMAIL
    assert send().from_email == settings.DEFAULT_FROM_EMAIL


def test_headers_are_kept_and_sent(django_capture_on_commit_callbacks):
    unsubscribe = "<https://strategieportal.example/newsletter/abmelden/t0k3n/>"

    with django_capture_on_commit_callbacks(execute=True):
        send(headers={"List-Unsubscribe": unsubscribe})

    assert mail.outbox[0].extra_headers["List-Unsubscribe"] == unsubscribe


# --- Delivering once ------------------------------------------------------------------------------


def test_deliver_email_is_idempotent(db):
    email = send()

    assert deliver_email(email.pk) is True
    assert deliver_email(email.pk) is False

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1


def test_task_rerun_after_sending_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = send()

    assert tasks.send_email.delay(email.pk).get() is False
    assert len(mail.outbox) == 1


def test_deliver_email_of_a_missing_row_sends_nothing(db):
    assert deliver_email(987654) is False
    assert mail.outbox == []


def test_failed_attempt_is_recorded_and_the_email_stays_queued(db, failing_backend):
    email = send()

    with pytest.raises(SMTPException):
        deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 1
    assert "SMTPException" in email.last_error
    assert "Relay nicht erreichbar" in email.last_error
    assert email.sent_at is None


def test_failing_relay_does_not_fail_the_sender(
    failing_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = send()  # the eager task swallows the error; the row keeps it

    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 1
    assert "Relay nicht erreichbar" in email.last_error


def test_email_fails_for_good_after_max_attempts(db, failing_backend):
    email = send()

    for attempt in range(1, OutgoingEmail.MAX_ATTEMPTS + 1):
        with pytest.raises(SMTPException):
            deliver_email(email.pk)
        email.refresh_from_db()
        expected = (
            EmailStatus.FAILED if attempt == OutgoingEmail.MAX_ATTEMPTS else EmailStatus.QUEUED
        )
        assert email.status == expected, attempt

    assert email.attempts == OutgoingEmail.MAX_ATTEMPTS
    assert deliver_email(email.pk) is False  # a failed mail is not tried again
    assert email.attempts == OutgoingEmail.MAX_ATTEMPTS


def test_success_after_a_failure_clears_the_error(db, settings):
    email = send()
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(SMTPException):
        deliver_email(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert deliver_email(email.pk) is True

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 2
    assert email.last_error == ""
    assert len(mail.outbox) == 1


# --- The periodic sweep ---------------------------------------------------------------------------


def test_send_queued_emails_sends_stale_queued_mails(db):
    stale = send(to="alt@example.org")
    fresh = send(to="neu@example.org")
    make_stale(stale, minutes=1)

    assert tasks.send_queued_emails() == 1

    assert [m.to for m in mail.outbox] == [["alt@example.org"]]
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == EmailStatus.SENT
    assert fresh.status == EmailStatus.QUEUED  # its own task is still on its way


def test_send_queued_emails_leaves_sent_and_failed_mails_alone(db):
    sent = send(to="gesendet@example.org")
    failed = send(to="gescheitert@example.org")
    OutgoingEmail.objects.filter(pk=sent.pk).update(status=EmailStatus.SENT)
    OutgoingEmail.objects.filter(pk=failed.pk).update(
        status=EmailStatus.FAILED, attempts=OutgoingEmail.MAX_ATTEMPTS
    )
    make_stale(sent)
    make_stale(failed)

    assert tasks.send_queued_emails() == 0
    assert mail.outbox == []


def test_mail_stays_queued_when_enqueuing_fails_and_the_request_succeeds(
    client, citizen, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis nicht erreichbar")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/passwort/vergessen/", {"email": citizen.email})

    assert response.status_code == 302
    email = OutgoingEmail.objects.get(to=citizen.email)
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 0
    assert mail.outbox == []

    # Once the broker is back, the sweep delivers the stored mail.
    monkeypatch.undo()
    make_stale(email)
    assert tasks.send_queued_emails() == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert mail.outbox[0].to == [citizen.email]


def test_sent_account_mail_keeps_no_copy_of_its_one_time_link(db):
    email = send()

    deliver_email(email.pk)

    assert RESET_URL in mail.outbox[0].body
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert RESET_URL not in email.text_body + email.html_body
    assert email.subject and email.to == "buergerin@example.org"


def test_other_mails_keep_their_text_after_sending(db, settings, tmp_path):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    (tmp_path / "hinweis_subject.txt").write_text("Neuigkeiten")
    (tmp_path / "hinweis_message.txt").write_text("Der nächste Workshop ist am 16. März.")
    email = send_templated_email(template_prefix="hinweis", to="leser@example.org")

    deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert "16. März" in email.text_body


# --- Claim → send → mark: nothing waits on the relay ----------------------------------------------


class RelayThatLooks(BaseEmailBackend):
    """A relay that records, while it is being talked to, what the database and connection say."""

    seen: list = []

    def send_messages(self, email_messages):
        for message in email_messages:
            stored = OutgoingEmail.objects.get(to=message.to[0])
            RelayThatLooks.seen.append(
                {
                    "in_transaction": connection.in_atomic_block,
                    "status": stored.status,
                    "lease_until": stored.lease_until,
                    "attempts": stored.attempts,
                }
            )
        return len(email_messages)


@pytest.mark.django_db(transaction=True)
def test_no_transaction_or_lock_is_held_while_the_relay_answers(settings, monkeypatch):
    settings.EMAIL_BACKEND = f"{__name__}.RelayThatLooks"
    RelayThatLooks.seen = []
    monkeypatch.setattr(emails, "enqueue_email", lambda email_id: None)  # sent by hand below
    email = send()

    assert deliver_email(email.pk) is True

    [seen] = RelayThatLooks.seen
    assert seen["in_transaction"] is False
    # The claim was committed before the relay was asked: the row says „wird gesendet“.
    assert seen["status"] == EmailStatus.SENDING
    assert seen["lease_until"] > timezone.now()
    assert seen["attempts"] == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.lease_until is None


def test_sending_status_reads_wird_gesendet_in_german():
    with translation.override("de"):
        assert str(EmailStatus.SENDING.label) == "wird gesendet"


def test_a_claimed_mail_is_not_sent_by_a_second_worker(db):
    email = send()
    assert OutgoingEmail.objects.claim(email.pk, lease=timedelta(minutes=5)) is not None

    assert deliver_email(email.pk) is False
    assert tasks.send_email.delay(email.pk).get() is False
    assert tasks.send_queued_emails() == 0  # the lease has not run out: the sweep leaves it

    assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == EmailStatus.SENDING
    assert email.attempts == 1


def test_only_one_of_two_claims_wins(db):
    email = send()

    first = OutgoingEmail.objects.claim(email.pk, lease=timedelta(minutes=5))
    second = OutgoingEmail.objects.claim(email.pk, lease=timedelta(minutes=5))

    assert first is not None and first.status == EmailStatus.SENDING
    assert second is None


def test_sweep_sends_a_mail_whose_worker_died_once_the_lease_ran_out(db):
    email = send()
    OutgoingEmail.objects.claim(email.pk, lease=timedelta(minutes=5))  # then the worker dies
    OutgoingEmail.objects.filter(pk=email.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )

    assert tasks.send_queued_emails() == 1

    assert [m.to for m in mail.outbox] == [["buergerin@example.org"]]
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 2


def test_a_mail_whose_sender_died_every_time_fails_for_good(db):
    email = send()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENDING,
        attempts=OutgoingEmail.MAX_ATTEMPTS,
        lease_until=timezone.now() - timedelta(seconds=1),
    )

    assert tasks.send_queued_emails() == 0

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "Lease expired" in email.last_error
    assert mail.outbox == []


def test_failed_attempt_waits_for_its_back_off_before_the_sweep_retries(db, settings):
    email = send()
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(SMTPException):
        deliver_email(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email.refresh_from_db()
    assert email.retry_at > timezone.now() + timedelta(seconds=50)

    make_stale(email, minutes=2)  # long after its own task, but still within the back-off
    assert tasks.send_queued_emails() == 0
    assert mail.outbox == []

    OutgoingEmail.objects.filter(pk=email.pk).update(retry_at=timezone.now())
    assert tasks.send_queued_emails() == 1
    assert len(mail.outbox) == 1


def test_the_task_records_a_failure_and_does_not_raise(db, failing_backend):
    email = send()

    assert tasks.send_email.delay(email.pk).get() is False

    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert email.lease_until is None
    assert "Relay nicht erreichbar" in email.last_error


# --- Broker down: the sweep and the manual command ------------------------------------------------


def broker_down(*args, **kwargs):
    raise ConnectionError("Redis nicht erreichbar")


def test_mail_that_could_not_be_enqueued_goes_out_with_the_next_sweep_within_a_minute(
    client, citizen, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/passwort/vergessen/", {"email": citizen.email})
    email = OutgoingEmail.objects.get(to=citizen.email)
    assert email.status == EmailStatus.QUEUED
    monkeypatch.undo()

    # Beat runs the sweep every minute; half a minute after the failed enqueue it is taken.
    schedule = settings.CELERY_BEAT_SCHEDULE["send-queued-emails"]
    assert schedule["task"] == tasks.send_queued_emails.name
    assert schedule["schedule"] <= 60
    make_stale(email, minutes=0.5)
    assert tasks.send_queued_emails() == 1

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert mail.outbox[0].to == [citizen.email]


def test_manual_command_sends_queued_mails_of_any_age(db, monkeypatch):
    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    fresh = send(to="gerade-eben@example.org")
    emails.enqueue_email(fresh.pk)  # the broker is down: it stays queued
    monkeypatch.undo()
    out = StringIO()

    call_command("send_queued_emails", stdout=out)

    assert "1 queued e-mail(s) handed on" in out.getvalue()
    fresh.refresh_from_db()
    assert fresh.status == EmailStatus.SENT
    assert mail.outbox[0].to == ["gerade-eben@example.org"]


def test_manual_command_does_not_wait_for_a_back_off(db, settings):
    email = send()
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(SMTPException):
        deliver_email(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    call_command("send_queued_emails", stdout=StringIO())

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_manual_command_tries_failed_mails_once_more_when_asked(db):
    email = send()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED, attempts=OutgoingEmail.MAX_ATTEMPTS
    )
    call_command("send_queued_emails", stdout=StringIO())
    assert mail.outbox == []

    call_command("send_queued_emails", "--failed", stdout=StringIO())

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


# --- What the relay receives ----------------------------------------------------------------------

LONG_GERMAN_SUBJECT = (
    "Bitte bestätigen Sie Ihre Anmeldung zum Newsletter der Digitalstrategie des "
    "Landkreises Meißen – „Gemeinsam digital“"
)


def raw_message(django_capture_on_commit_callbacks, **kwargs) -> bytes:
    with django_capture_on_commit_callbacks(execute=True):
        send(**kwargs)
    return mail.outbox[-1].message().as_bytes(linesep="\r\n")


def test_long_german_subject_is_folded_without_an_empty_first_line(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    (tmp_path / "lang_subject.txt").write_text(LONG_GERMAN_SUBJECT)
    (tmp_path / "lang_message.txt").write_text("Grüße")
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(template_prefix="lang", to="leserin@example.org")

    raw = mail.outbox[0].message().as_bytes(linesep="\r\n")

    assert b"Subject: \r\n" not in raw
    assert re.search(rb"^Subject: =\?utf-8\?", raw, re.MULTILINE)
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in headers.split(b"\r\n"))
    parsed = message_from_bytes(raw, policy=email_policy.default)
    assert parsed["Subject"] == LONG_GERMAN_SUBJECT


def test_ascii_subject_stays_readable(django_capture_on_commit_callbacks):
    raw = raw_message(django_capture_on_commit_callbacks, language="en")

    assert b"\r\nSubject: Reset your password\r\n" in raw


# --- Header injection -----------------------------------------------------------------------------

SETTINGS_PAGE = "/landkreis-meissen/verwaltung/einstellungen/"


@pytest.mark.parametrize(
    "name", ["Landkreis\r\nBcc: alle@example.org", "Landkreis\nMeißen", "Kreis\u2028Meißen"]
)
def test_settings_form_refuses_a_sender_name_with_a_line_break(
    login, district, district_admin, name
):
    data = settings_data(
        district, newsletter_sender_name=name, newsletter_sender_email="digital@kreis.example"
    )

    response = login(district_admin).post(SETTINGS_PAGE, data)

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["newsletter_sender_name"]
    assert [e.code for e in errors] == ["line_break"]
    with translation.override("de"):
        assert "ohne Zeilenumbruch" in str(errors[0].messages[0])
    assert 'id="id_newsletter_sender_name_error"' in response.content.decode()
    district.refresh_from_db()
    assert district.newsletter_sender_name == ""


def test_model_validation_refuses_a_sender_name_with_a_line_break(district):
    district.newsletter_sender_name = "Digitalstrategie\r\nBcc: alle@example.org"

    with pytest.raises(ValidationError) as raised:
        district.full_clean()

    assert "newsletter_sender_name" in raised.value.message_dict


def test_sender_name_stored_before_the_check_is_sent_on_one_line(
    district, django_capture_on_commit_callbacks
):
    District.objects.filter(pk=district.pk).update(
        newsletter_sender_name="Digitalstrategie\r\nBcc: alle@example.org",
        newsletter_sender_email="digital@kreis.example",
    )
    district.refresh_from_db()

    raw = raw_message(django_capture_on_commit_callbacks, district=district)

    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"^Bcc:", headers, re.MULTILINE | re.IGNORECASE)
    assert mail.outbox[0].from_email == (
        '"Digitalstrategie Bcc: alle@example.org" <digital@kreis.example>'
    )


def test_sender_name_with_a_comma_stays_one_address(district):
    district.newsletter_sender_name = "Landkreis Meißen, Stabsstelle Digitales"
    district.newsletter_sender_email = "digital@kreis.example"

    email = send(district=district)

    assert email.from_email == '"Landkreis Meißen, Stabsstelle Digitales" <digital@kreis.example>'


@pytest.mark.parametrize(
    "kwargs",
    [
        {"headers": {"List-Unsubscribe": "<https://x.example/>\r\nBcc: alle@example.org"}},
        {"headers": {"X-Eins\nBcc": "alle@example.org"}},
        {"to": "buergerin@example.org\r\nBcc: alle@example.org"},
    ],
)
def test_email_helper_refuses_line_breaks_in_headers_and_stores_nothing(db, kwargs):
    with pytest.raises(BadHeaderError):
        send(**kwargs)

    assert not OutgoingEmail.objects.exists()


def test_subject_prefix_with_a_line_break_is_made_one_line(db):
    email = send(subject_prefix="[Portal]\r\nBcc: alle@example.org ")

    assert "\r" not in email.subject and "\n" not in email.subject
    assert email.subject.startswith("[Portal] Bcc: alle@example.org ")


# --- One SITE_URL ---------------------------------------------------------------------------------


def test_site_url_puts_paths_and_request_urls_on_the_configured_address(settings):
    settings.SITE_URL = "https://beteiligung.example.de"

    assert site_url("/konto/") == "https://beteiligung.example.de/konto/"
    assert (
        site_url("http://10.0.0.7:8000/konto/passwort/neu/x-y/?a=1#f")
        == "https://beteiligung.example.de/konto/passwort/neu/x-y/?a=1#f"
    )
    assert site_url() == "https://beteiligung.example.de/"


def test_account_mail_links_and_footer_use_site_url_not_the_request_host(
    client, citizen, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://beteiligung.example.de"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "10.0.0.7"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/passwort/vergessen/", {"email": citizen.email}, HTTP_HOST="10.0.0.7")

    [message] = mail.outbox
    html = message.alternatives[0][0]
    links = re.findall(r"https?://[^\s\"<]+", message.body)
    assert links, message.body
    assert all(
        link.startswith("https://beteiligung.example.de/")
        or link == "https://beteiligung.example.de"
        for link in links
    ), links
    assert "https://beteiligung.example.de/konto/passwort/" in message.body
    assert "10.0.0.7" not in message.body + html
    assert 'href="https://beteiligung.example.de/konto/passwort/' in html
    # The footer of both parts names the same address.
    assert message.body.rstrip().endswith("https://beteiligung.example.de")
    assert 'href="https://beteiligung.example.de"' in html


def test_signup_confirmation_link_uses_site_url(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://beteiligung.example.de"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/konto/registrieren/",
            {
                "email": "neu@example.org",
                "password1": "ein-langes-Passwort-42",
                "password2": "ein-langes-Passwort-42",
                "kind": ParticipantKind.CITIZEN,
                "privacy_consent": "on",
            },
        )

    assert len(mail.outbox) == 1, "no confirmation mail"
    assert "https://beteiligung.example.de/konto/e-mail-bestaetigen/" in mail.outbox[0].body
    assert "testserver" not in mail.outbox[0].body
