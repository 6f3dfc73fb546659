"""Tests against the real services: PostgreSQL row locks, Redis as cache, a real Celery worker."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from strategy_portal import services
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


@pytest.fixture
def celery_worker_process(tmp_path, transactional_db):
    """A real `celery worker` in its own process, on the test database and the Redis broker."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EMAIL_FILE_PATH": str(mail_dir),
        "DEBUG": "1",
    }
    env.pop("EMAIL_HOST", None)
    process = subprocess.Popen(
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
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield mail_dir
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output[-4000:])


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
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
