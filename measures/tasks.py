"""Background work of the measures app: thin tasks that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def dispatch_notification_event(event_id: int) -> int:
    """Fan one notification event out to mails and digest entries (once; a rerun does nothing)."""
    return services.notification_dispatch(event_id=event_id)


@shared_task
def dispatch_pending_notification_events() -> int:
    """Fan out events whose task never ran, e.g. because the broker was down when they arose."""
    ids = services.notification_events_pending()
    for event_id in ids:
        services.notification_dispatch(event_id=event_id)
    return len(ids)


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Send today's digests; run hourly, it still sends one digest per person and day."""
    return services.digests_send_due()


@shared_task(acks_late=True)
def send_moderation_summaries() -> int:
    """Tell district teams about new flags, at most one summary per district and hour."""
    return services.moderation_summaries_send()
