"""The e-mail helper: render, store, send after commit, once; retries and the periodic sweep."""

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation
from django.utils.translation import gettext

from strategy_portal import tasks
from strategy_portal.emails import deliver_email, send_templated_email
from strategy_portal.models import EmailStatus, OutgoingEmail

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
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created=timezone.now() - timedelta(minutes=minutes)
    )


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
    make_stale(stale)

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
