"""Mails to followers and commenters: instant, daily digest or off; sent once; a signed link turns
them off without logging in."""

import datetime

import pytest
from django.core import mail

from measures import services
from measures.models import (
    DigestRun,
    NotificationEvent,
    NotificationFrequency,
    NotificationSettings,
    PendingNotification,
)
from measures.notifications import read_unsubscribe_token, unsubscribe_token
from measures.tasks import dispatch_pending_notification_events, send_daily_digests
from strategy_portal.models import OutgoingEmail

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def mails_to(user):
    return list(OutgoingEmail.objects.filter(to=user.email).order_by("pk"))


def test_followers_get_a_german_mail_after_a_status_change(
    measure, citizen, company, facilitator, django_capture_on_commit_callbacks
):
    services.follow_add(measure=measure, user=company)
    services.follow_add(measure=measure, user=facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        services.status_change(
            measure=measure, user=facilitator, status="prioritised", reason="Hohe Wirkung."
        )
    for person in (citizen, company):
        (email,) = mails_to(person)
        assert email.subject == "Neuer Status von „Coworking im Dorfladen“"
        assert "„Priorisiert“" in email.text_body
        assert "Hohe Wirkung." in email.text_body
        assert measure.get_full_url() in email.text_body
        assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mails_to(facilitator) == []  # the one who changed it
    assert sorted(m.to[0] for m in mail.outbox) == sorted([citizen.email, company.email])


def test_nothing_is_sent_when_the_transaction_rolls_back(measure, facilitator):
    services.status_change(measure=measure, user=facilitator, status="prioritised", reason="x")
    # Without the commit no task ran: the event waits, nothing is in the outbox.
    assert NotificationEvent.objects.get().dispatched_at is None
    assert not OutgoingEmail.objects.exists()


def test_dispatch_runs_once_even_when_repeated(measure, citizen, facilitator):
    services.answer_publish(measure=measure, user=facilitator, text="Wir setzen das um.")
    event = NotificationEvent.objects.get()
    assert services.notification_dispatch(event_id=event.pk) == 1
    assert services.notification_dispatch(event_id=event.pk) == 0
    (email,) = mails_to(citizen)
    assert "Wir setzen das um." in email.text_body


def test_sweep_dispatches_events_whose_task_never_ran(measure, citizen, facilitator):
    services.answer_publish(measure=measure, user=facilitator, text="Antwort")
    NotificationEvent.objects.update(created=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert dispatch_pending_notification_events() == 1
    assert len(mails_to(citizen)) == 1
    assert dispatch_pending_notification_events() == 0


def test_reply_notifies_the_author_of_the_comment(
    measure, citizen, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        top = services.comment_add(measure=measure, author=citizen, body="Was meinen Sie?")
        reply = services.comment_add(
            measure=measure, author=company, body="Wir wären dabei.", parent=top
        )
        services.comment_add(measure=measure, author=citizen, body="Danke!", parent=reply)
    (to_citizen,) = mails_to(citizen)
    assert "Wir wären dabei." in to_citizen.text_body
    assert f"#kommentar-{reply.pk}" in to_citizen.text_body
    (to_company,) = mails_to(company)
    assert "Danke!" in to_company.text_body


def test_merge_tells_supporters_and_followers_of_the_duplicate(
    measure, other_measure, company, institution, facilitator, django_capture_on_commit_callbacks
):
    services.support_add(measure=other_measure, user=company)
    services.follow_add(measure=other_measure, user=institution)
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_merge(duplicate=other_measure, target=measure, user=facilitator)
    for person in (company, institution):
        (email,) = mails_to(person)
        assert "zusammengeführt" in email.subject
        assert measure.get_full_url() in email.text_body


def test_daily_digest_is_sent_once_per_day(measure, company, facilitator):
    services.notification_settings_set(user=company, frequency=NotificationFrequency.DAILY)
    services.follow_add(measure=measure, user=company)
    services.status_change(measure=measure, user=facilitator, status="prioritised", reason="a")
    services.answer_publish(measure=measure, user=facilitator, text="Antwort")
    for event in NotificationEvent.objects.all():
        services.notification_dispatch(event_id=event.pk)
    assert mails_to(company) == []
    assert PendingNotification.objects.filter(user=company).count() == 2

    day = datetime.date(2026, 3, 2)
    assert services.digests_send_due(day=day) == 1
    # Beat or a worker restarted: the same day's run sends nothing again.
    assert services.digests_send_due(day=day) == 0
    services.status_change(
        measure=measure, user=facilitator, status="in_implementation", reason="b"
    )
    services.notification_dispatch(event_id=NotificationEvent.objects.last().pk)
    assert services.digests_send_due(day=day) == 0
    (digest,) = mails_to(company)
    assert "2 Neuigkeiten" in digest.subject
    assert "„Priorisiert“" in digest.text_body
    assert DigestRun.objects.get(user=company, day=day).item_count == 2
    # The next day brings the rest.
    assert services.digests_send_due(day=day + datetime.timedelta(days=1)) == 1
    assert len(mails_to(company)) == 2


def test_digest_task_runs_for_today(measure, company, facilitator):
    services.notification_settings_set(user=company, frequency=NotificationFrequency.DAILY)
    services.follow_add(measure=measure, user=company)
    services.answer_publish(measure=measure, user=facilitator, text="Antwort")
    services.notification_dispatch(event_id=NotificationEvent.objects.get().pk)
    assert send_daily_digests() == 1
    assert send_daily_digests() == 0


def test_notifications_off_means_no_mail(measure, citizen, facilitator):
    services.notifications_off(user=citizen)
    services.answer_publish(measure=measure, user=facilitator, text="Antwort")
    services.notification_dispatch(event_id=NotificationEvent.objects.get().pk)
    assert mails_to(citizen) == []
    assert NotificationSettings.frequency_of(citizen) == NotificationFrequency.OFF


def test_signed_link_names_the_account_and_cannot_be_forged(citizen):
    token = unsubscribe_token(citizen)
    assert read_unsubscribe_token(token) == citizen
    assert read_unsubscribe_token(token[:-2] + "xx") is None
    other = UserFactory()
    assert read_unsubscribe_token(unsubscribe_token(other)) == other
    citizen.email = "neu@example.org"
    citizen.save()
    assert read_unsubscribe_token(token) is None


def test_every_notification_mail_has_the_link_to_turn_them_off(
    measure, citizen, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(measure=measure, user=facilitator, text="Antwort")
    (email,) = mails_to(citizen)
    link = email.headers["List-Unsubscribe"].strip("<>")
    assert link in email.text_body
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == citizen
