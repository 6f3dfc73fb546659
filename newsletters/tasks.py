"""Background work of the newsletters app: the daily housekeeping of subscriptions (beat), and
sending newsletters in chunks (thin tasks around `services`)."""

from celery import shared_task

from . import services


@shared_task
def purge_unconfirmed_subscriptions() -> int:
    """Delete sign-up requests that were never confirmed (after NEWSLETTER_PENDING_DAYS)."""
    return services.subscriptions_purge_unconfirmed()


@shared_task
def erase_old_subscription_ips() -> int:
    """Erase IP addresses of the proof of consent after NEWSLETTER_IP_RETENTION_DAYS."""
    return services.subscriptions_erase_old_ips()


@shared_task(name=services.SEND_CHUNK_TASK, acks_late=True)
def send_newsletter_chunk(newsletter_id: int) -> int:
    """Send one chunk of a newsletter and, while work is left, enqueue the next chunk.

    Safe to run twice or after a crash: only unclaimed deliveries and expired claims are taken.
    """
    claimed = services.newsletter_send_chunk(newsletter_id=newsletter_id)
    if claimed:
        services.enqueue_chunks(newsletter_id, count=1)
    return claimed


@shared_task
def sweep_newsletters() -> int:
    """Beat, every minute: send scheduled newsletters that are due, resume sends whose worker
    died."""
    return services.newsletters_sweep()
