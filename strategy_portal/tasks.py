"""Background work of the ground floor: delivering stored e-mails."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from .emails import SEND_EMAIL_TASK, deliver_email, enqueue_email
from .models import OutgoingEmail, SendStatus

logger = logging.getLogger(__name__)

# The sweep leaves alone a mail queued this recently: its own task is still on its way.
SWEEP_GRACE = timedelta(seconds=20)


@shared_task(name=SEND_EMAIL_TASK, acks_late=True)
def send_email(email_id: int) -> bool:
    """Send the stored e-mail `email_id`; a rerun after it was sent does nothing.

    A failed attempt is recorded on the row with its back-off; the sweep retries it, so the
    task itself never retries and never holds a message for later.
    """
    try:
        return deliver_email(email_id)
    except Exception:
        logger.exception("Sending e-mail %s failed; it will be retried by the sweep.", email_id)
        return False


@shared_task
def send_queued_emails(*, grace_seconds: float | None = None, now: bool = False) -> int:
    """The sweep: re-queue mails whose sender died mid-send (lease run out), then enqueue every
    queued mail that is due. Beat runs it every minute, so a mail that could not be enqueued
    (broker down) goes out within about a minute once the broker is back.

    `now=True` (the management command) takes every queued mail at once, whatever its age or
    back-off. Returns the number of mails handed on.
    """
    started = timezone.now()
    expired = list(OutgoingEmail.objects.lease_expired(now=started).values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=expired).requeue_expired(now=started)
    if now:
        queued = OutgoingEmail.objects.filter(status=SendStatus.QUEUED)
        queued.update(retry_at=None)
    else:
        grace = SWEEP_GRACE if grace_seconds is None else timedelta(seconds=grace_seconds)
        queued = OutgoingEmail.objects.due(now=started).filter(
            Q(modified__lte=started - grace) | Q(pk__in=expired)
        )
    ids = list(queued.order_by("created").values_list("pk", flat=True))
    for email_id in ids:
        enqueue_email(email_id)
    return len(ids)


@shared_task(name="strategy_portal.tasks.open_due_phases")
def open_due_phases() -> int:
    """Announce phases whose first day has come (`signals.phase_opened`); safe to rerun."""
    from .services import phases_open_due

    return phases_open_due()
