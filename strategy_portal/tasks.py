"""Background work of the ground floor: delivering stored e-mails."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .emails import deliver_email, enqueue_email
from .models import OutgoingEmail

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=OutgoingEmail.MAX_ATTEMPTS, acks_late=True)
def send_email(self, email_id: int) -> bool:
    """Send the stored e-mail `email_id`; a rerun after it was sent does nothing."""
    try:
        return deliver_email(email_id)
    except Exception as exc:
        if self.request.is_eager:
            # In-process mode: `manage.py send_queued_emails` (or beat, with a broker) retries.
            logger.exception("Sending e-mail %s failed", email_id)
            return False
        raise self.retry(exc=exc, countdown=60 * (2**self.request.retries)) from exc


@shared_task
def send_queued_emails() -> int:
    """Re-enqueue e-mails still queued after five minutes, e.g. because the broker was down."""
    stale = OutgoingEmail.objects.due(older_than=timezone.now() - timedelta(minutes=5))
    ids = list(stale.filter(attempts__lt=OutgoingEmail.MAX_ATTEMPTS).values_list("pk", flat=True))
    for email_id in ids:
        enqueue_email(email_id)
    return len(ids)
