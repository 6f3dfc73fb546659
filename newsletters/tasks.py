"""Background work of the newsletters app: the daily housekeeping of subscriptions (beat)."""

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
