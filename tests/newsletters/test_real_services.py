"""A newsletter sent by a real Celery worker over a Redis broker of its own to an SMTP server on
loopback. The worker is SIGKILLed mid-send, Redis is shut down without saving and started again
(every queued and unacknowledged task is gone), a new worker and beat's sweep finish: every
address received the newsletter, at most the one in flight twice."""

import os
from contextlib import contextmanager

import pytest
from django.utils import timezone

from bench.redis_server import PrivateRedis, RedisServerMissing
from newsletters import services, tasks
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


@pytest.fixture
def private_redis():
    """A redis-server of this test's own (the shared one is never restarted)."""
    try:
        server = PrivateRedis()
    except RedisServerMissing:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but redis-server is not installed")
        pytest.skip("needs the redis-server binary")
    server.start()
    try:
        yield server
    finally:
        server.close()


def _drop_broker_connections(app) -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def publishing_to(app, url: str):
    """This process (the web side and beat) publishes its tasks to `url` meanwhile."""
    keys = ("broker_url", "broker_write_url", "broker_read_url")
    saved = {key: app.conf[key] for key in keys}
    _drop_broker_connections(app)
    app.conf.update(dict.fromkeys(keys, url))
    try:
        yield
    finally:
        _drop_broker_connections(app)
        app.conf.update(saved)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery_worker")
def test_worker_killed_and_redis_restarted_mid_newsletter_loses_no_address(
    transactional_db, district, make_subscription, smtp_sink, private_redis
):
    from strategy_portal.celery import app

    sink, port = smtp_sink
    broker = private_redis.client()
    recipients = sorted(f"leser{i:02}@example.org" for i in range(30))
    for email in recipients:
        make_subscription(email)
    newsletter = Newsletter.objects.create(district=district, subject="Neuigkeiten", body="Hallo")
    worker_env = {
        "CELERY_BROKER_URL": private_redis.url(),
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
    with publishing_to(app, private_redis.url()):
        services.newsletter_send_now(newsletter=newsletter)  # enqueued to Redis on commit

        first = Worker(**worker_env)
        try:
            assert sink.hanging.wait(timeout=60), "the worker sent nothing"
            first.kill()  # while the relay holds the eighth mail
        finally:
            first.stop()
        sink.release.set()  # the relay delivers it although the worker never heard back

        in_flight = Delivery.objects.get(email=sink.hung_for)
        assert in_flight.status == DeliveryStatus.SENDING
        assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 7
        # The task in hand was never acknowledged: a Redis that kept its data would hand it out
        # again after the visibility timeout. This one is restarted without saving.
        assert broker.hlen("unacked") == 1
        assert services.newsletters_sweep() == 0  # the claim still lives: nothing to pick up
        private_redis.restart()
        assert broker.dbsize() == 0

        second = Worker(**worker_env)
        try:
            # Beat's sweep, once the dead worker's claims ran out, through the restarted broker.
            wait_until(
                lambda: (
                    not Delivery.objects.filter(
                        status=DeliveryStatus.SENDING, lease_until__gt=timezone.now()
                    ).exists()
                ),
                timeout=10,
                step=0.1,
            )
            tasks.sweep_newsletters.delay()
            wait_until(
                lambda: Newsletter.objects.get(pk=newsletter.pk).status == NewsletterStatus.SENT,
                timeout=60,
                step=0.3,
            )
        finally:
            second.stop()

    missing = set(recipients) - set(sink.received)
    twice = [to for to in set(sink.received) if sink.received.count(to) > 1]
    assert missing == set()
    assert set(twice) <= {in_flight.email}
    assert len(sink.received) <= len(recipients) + 1
    assert private_redis.restarts == 1
    newsletter.refresh_from_db()
    assert newsletter.sent_count == 30
    assert newsletter.finished_at <= timezone.now()
