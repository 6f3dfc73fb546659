"""A newsletter sent by a real Celery worker over Redis to an SMTP server on loopback; the worker
is SIGKILLed mid-send, the queued tasks are lost (as with a restarted Redis without persistence),
a new worker finishes: every address received the newsletter, at most the one in flight twice."""

import time

import pytest
from django.utils import timezone

from newsletters import services
from newsletters.models import Delivery, DeliveryStatus, Newsletter, NewsletterStatus
from tests.strategy_portal.test_real_services import SlowSink, Worker, free_port, wait_until


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = SlowSink(delay=0.05, hang_at=8)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        sink.release.set()
        controller.stop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery_worker")
def test_worker_killed_mid_newsletter_loses_no_address_and_repeats_at_most_one(
    transactional_db, district, make_subscription, smtp_sink
):
    from strategy_portal.celery import app

    sink, port = smtp_sink
    app.control.purge()
    recipients = sorted(f"leser{i:02}@example.org" for i in range(30))
    for email in recipients:
        make_subscription(email)
    newsletter = Newsletter.objects.create(district=district, subject="Neuigkeiten", body="Hallo")
    worker_env = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_TIMEOUT": "10",
        "EMAIL_SEND_LEASE": "2",
        "NEWSLETTER_RATE_PER_SECOND": "0",
        "NEWSLETTER_CHUNK_SIZE": "5",
        "NEWSLETTER_PARALLEL_CHUNKS": "1",
    }
    services.newsletter_send_now(newsletter=newsletter)  # enqueued to Redis on commit

    first = Worker(**worker_env)
    try:
        assert sink.hanging.wait(timeout=90), "the worker sent nothing"
        first.kill()  # while the relay holds the eighth mail
    finally:
        first.stop()
    sink.release.set()  # the relay delivers it although the worker never heard back
    app.control.purge()  # the successor tasks are gone, as after a restart of Redis

    in_flight = Delivery.objects.get(email=sink.hung_for)
    assert in_flight.status == DeliveryStatus.SENDING
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 7

    # Beat's sweep: nothing while the claim lives, then the expired claims go back in line.
    assert services.newsletters_sweep() == 0
    time.sleep(2.2)
    assert services.newsletters_sweep() == 1

    second = Worker(**worker_env)
    try:
        wait_until(
            lambda: Newsletter.objects.get(pk=newsletter.pk).status == NewsletterStatus.SENT,
            timeout=120,
            step=0.3,
        )
    finally:
        second.stop()

    missing = set(recipients) - set(sink.received)
    twice = [to for to in set(sink.received) if sink.received.count(to) > 1]
    assert missing == set()
    assert set(twice) <= {in_flight.email}
    assert len(sink.received) <= len(recipients) + 1
    newsletter.refresh_from_db()
    assert newsletter.sent_count == 30
    assert newsletter.finished_at <= timezone.now()
