"""Tests against the real services: PostgreSQL row locks, Redis as cache, a real Celery worker."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, connections

from strategy_portal import services, tasks
from strategy_portal.emails import send_templated_email
from strategy_portal.models import EmailStatus, Membership, OutgoingEmail, Role
from tests.factories import MembershipFactory

BASE_DIR = Path(settings.BASE_DIR)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_removal_never_leaves_a_district_without_admin(district):
    """Two admins remove each other at the same moment: the row lock lets only one succeed."""
    first = MembershipFactory(district=district, role=Role.ADMIN)
    second = MembershipFactory(district=district, role=Role.ADMIN)
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(2)
    results = []

    def remove(membership_id):
        try:
            membership = Membership.objects.get(pk=membership_id)
            barrier.wait(timeout=10)
            try:
                services.membership_remove(membership=membership)
            except services.LastAdminError:
                results.append(False)
            else:
                results.append(True)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=remove, args=(m.pk,)) for m in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False, True]
    assert Membership.objects.filter(district=district, role=Role.ADMIN).count() == 1


@pytest.mark.redis
def test_redis_cache_backs_rate_limits_and_health(client):
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("probe", "wert", 30)
    assert cache.get("probe") == "wert"
    body = client.get("/healthz").json()
    assert body["cache"] == "ok"
    assert body["broker"] == "ok"
    assert body["tasks"] == "broker"


def worker_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A real `celery worker` in its own process, on the test database and the Redis broker."""

    def __init__(self, **env: str):
        environment = {**os.environ, "DATABASE_URL": worker_database_url(), "DEBUG": "1", **env}
        if "EMAIL_HOST" not in env:
            environment.pop("EMAIL_HOST", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "strategy_portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, the task in hand is neither finished nor acknowledged."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        print(output[-4000:])


@pytest.fixture
def celery_worker_process(tmp_path, transactional_db):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = Worker(EMAIL_FILE_PATH=str(mail_dir))
    try:
        yield mail_dir
    finally:
        worker.stop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery_worker")
def test_real_worker_sends_a_stored_email(celery_worker_process, district):
    """The web side stores the mail and enqueues it; a separate worker process sends it once."""
    email = send_templated_email(
        template_prefix="account/email/password_reset_key",
        to="empfaenger@example.org",
        context={"password_reset_url": "https://portal.example/konto/reset/"},
        district=district,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status != EmailStatus.QUEUED:
            break
        time.sleep(0.5)
    assert email.status == EmailStatus.SENT, email.last_error
    assert email.attempts == 1
    sent_files = list(celery_worker_process.glob("*.log"))
    assert len(sent_files) == 1
    content = sent_files[0].read_text()
    assert "empfaenger@example.org" in content
    assert "https://portal.example/konto/reset/" in content
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 1


class SlowSink:
    """An SMTP relay on 127.0.0.1 that takes its time over each mail. The `hang_at`-th mail it is
    given hangs after its data arrived until `release` is set, so that a worker can be killed
    while the relay holds its mail; like a real relay, it then delivers that mail anyway."""

    def __init__(self, delay: float, hang_at: int):
        self.delay = delay
        self.hang_at = hang_at
        self.count = 0
        self.received: list[str] = []
        self.hung_for = ""
        self.hanging = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.count == self.hang_at:
            self.hung_for = envelope.rcpt_tos[0]
            self.hanging.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        else:
            await asyncio.sleep(self.delay)
        self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def slow_smtp_sink():
    sink = SlowSink(delay=0.2, hang_at=3)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        sink.release.set()
        controller.stop()


def wait_until(condition, *, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(step)
    raise AssertionError(f"gave up waiting after {timeout} s")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery_worker")
def test_worker_killed_mid_send_loses_no_mail_and_repeats_at_most_one(
    transactional_db, slow_smtp_sink
):
    """N mails, the worker SIGKILLed while the relay is answering, the sweep after the lease, a
    new worker: every mail arrives, at most the one in flight twice."""
    from strategy_portal.celery import app

    sink, port = slow_smtp_sink
    app.control.purge()  # tasks left in the test broker by earlier runs
    worker_env = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_TIMEOUT": "10",
        "EMAIL_SEND_LEASE": "2",
    }
    recipients = [f"empfaenger{i}@example.org" for i in range(8)]
    for to in recipients:
        send_templated_email(
            template_prefix="account/email/password_reset_key",
            to=to,
            context={"password_reset_url": "https://portal.example/konto/reset/"},
        )  # enqueued to Redis at once: autocommit, no surrounding transaction

    first = Worker(**worker_env)
    try:
        assert sink.hanging.wait(timeout=90), "the worker sent nothing"
        first.kill()  # while the relay holds the third mail
    finally:
        first.stop()
    sink.release.set()  # the relay delivers it although the worker never heard back

    in_flight = OutgoingEmail.objects.get(to=sink.hung_for)
    assert in_flight.status == EmailStatus.SENDING
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENDING).count() == 1
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 2

    # Before the lease runs out, the sweep leaves the claim alone; afterwards it puts it back.
    tasks.send_queued_emails.apply()
    in_flight.refresh_from_db()
    assert in_flight.status == EmailStatus.SENDING
    time.sleep(2.2)
    assert tasks.send_queued_emails.apply().get() >= 1
    in_flight.refresh_from_db()
    assert in_flight.status == EmailStatus.QUEUED

    second = Worker(**worker_env)
    try:
        wait_until(
            lambda: OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 8,
            timeout=120,
            step=0.3,
        )
    finally:
        second.stop()

    assert sorted(set(sink.received)) == sorted(recipients), "a mail was lost"
    twice = [to for to in set(sink.received) if sink.received.count(to) > 1]
    assert len(twice) <= 1, twice
    assert set(twice) <= {in_flight.to}
    assert len(sink.received) <= len(recipients) + 1
