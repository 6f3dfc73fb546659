"""Beat tasks: unconfirmed requests are purged after 30 days, IP addresses after the retention."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletters import tasks
from newsletters.models import Subscription, SubscriptionStatus

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_unconfirmed_requests_are_purged_after_30_days(make_subscription):
    stale = make_subscription(
        email="alt@example.org", status=SubscriptionStatus.PENDING, requested_at=days_ago(31)
    )
    fresh = make_subscription(
        email="neu@example.org", status=SubscriptionStatus.PENDING, requested_at=days_ago(29)
    )
    confirmed = make_subscription(email="treu@example.org", requested_at=days_ago(400))

    assert tasks.purge_unconfirmed_subscriptions.delay().get() == 1

    remaining = set(Subscription.objects.values_list("pk", flat=True))
    assert remaining == {fresh.pk, confirmed.pk}
    assert stale.pk not in remaining


def test_ip_addresses_are_erased_after_the_retention_period(make_subscription, settings):
    retention = settings.NEWSLETTER_IP_RETENTION_DAYS
    old = make_subscription(
        email="alt@example.org",
        requested_at=days_ago(retention + 2),
        confirmed_at=days_ago(retention + 1),
    )
    half = make_subscription(
        email="halb@example.org",
        requested_at=days_ago(retention + 1),
        confirmed_at=days_ago(retention - 1),
    )
    new = make_subscription(email="neu@example.org")

    assert tasks.erase_old_subscription_ips.delay().get() == 3

    old.refresh_from_db()
    half.refresh_from_db()
    new.refresh_from_db()
    assert (old.request_ip, old.confirm_ip) == (None, None)
    assert (half.request_ip, half.confirm_ip) == (None, "192.0.2.11")
    assert (new.request_ip, new.confirm_ip) == ("192.0.2.10", "192.0.2.11")
    # The rest of the proof of consent stays.
    assert old.confirmed_at is not None and old.consent_text_id is not None


def test_both_tasks_run_daily_from_beat(settings):
    tasks_in_schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "newsletters.tasks.purge_unconfirmed_subscriptions" in tasks_in_schedule
    assert "newsletters.tasks.erase_old_subscription_ips" in tasks_in_schedule
