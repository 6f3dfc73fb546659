"""With Redis down – the cache and the broker unreachable – every page and every account action
keeps working: rate limits count in each process's memory (with a warning in the log), mails wait
in the outbox, and /healthz says 503.

These tests point the site at a closed port, so they need no running service and run in the
normal suite (they are deliberately not marked `redis`).
"""

import logging
import runpy

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from strategy_portal.celery import app
from strategy_portal.models import EmailStatus, OutgoingEmail, ParticipantKind, User

DEAD_REDIS = "redis://127.0.0.1:1/0"


def settings_with_env(monkeypatch, **env) -> dict:
    """The settings module evaluated afresh with these environment variables."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(django_settings.BASE_DIR / "strategy_portal" / "settings.py"))


@pytest.fixture
def redis_down(settings, monkeypatch, db):
    """The cache as the settings configure it for CACHE_URL=<dead port>, and a dead broker."""
    settings.CACHES = settings_with_env(monkeypatch, CACHE_URL=DEAD_REDIS)["CACHES"]
    settings.CELERY_BROKER_URL = DEAD_REDIS
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = DEAD_REDIS, False
    app._pool = None  # connect afresh, to the dead broker
    yield
    app.conf.broker_url, app.conf.task_always_eager = previous
    app._pool = None


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    """POST a form and run what waits for the commit (the hand-over of mails to the broker)."""

    def _submit(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return _submit


def test_redis_cache_url_configures_a_cache_that_falls_back_to_memory(monkeypatch):
    caches = settings_with_env(monkeypatch, CACHE_URL="redis://cache:6379/1")["CACHES"]

    assert caches["default"]["BACKEND"] == "strategy_portal.cache.FailoverRedisCache"
    assert caches["default"]["LOCATION"] == "redis://cache:6379/1"


def test_sessions_are_not_kept_in_the_cache():
    # A session only in the cache would log everyone out (or nobody in) when Redis is down.
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_login_works_with_redis_down(redis_down, client, citizen, password, caplog):
    with caplog.at_level(logging.WARNING, logger="strategy_portal.cache"):
        response = client.post(
            reverse("account_login"), {"login": citizen.email, "password": password}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert client.get(reverse("profile")).status_code == 200
    assert "The shared cache (Redis) cannot be reached" in caplog.text


def test_signup_works_with_redis_down_and_the_mail_waits_in_the_outbox(redis_down, submit):
    response = submit(
        reverse("account_signup"),
        {
            "email": "neu@example.org",
            "password1": "Sicheres-Passwort-2026",
            "password2": "Sicheres-Passwort-2026",
            "kind": ParticipantKind.CITIZEN,
            "privacy_consent": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="neu@example.org").exists()
    stored = OutgoingEmail.objects.get(to="neu@example.org")
    assert stored.status == EmailStatus.QUEUED
    assert mail.outbox == []


def test_password_reset_works_with_redis_down(redis_down, submit, citizen):
    response = submit(reverse("account_reset_password"), {"email": citizen.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert OutgoingEmail.objects.get(to=citizen.email).status == EmailStatus.QUEUED


def test_rate_limits_count_in_memory_with_redis_down(redis_down, client, citizen, password):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": citizen.email, "password": "rate-mal"})

    response = client.post(reverse("account_login"), {"login": citizen.email, "password": password})

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/impressum/",
        "/landkreis-meissen/",
        "/landkreis-meissen/datenschutz/",
        "/konto/anmelden/",
        "/konto/registrieren/",
        "/konto/passwort/vergessen/",
    ],
)
def test_pages_work_with_redis_down(redis_down, client, district, url):
    assert client.get(url).status_code == 200


def test_healthz_reports_the_unreachable_cache_and_broker_with_503(redis_down, client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["cache"].startswith("error: ")
    assert body["broker"].startswith("error: ")
    assert body["database"] == "ok"


@pytest.mark.redis
def test_failover_cache_stores_in_redis_while_it_answers(client):
    cache.set("probe", "wert", 30)

    assert cache.shared.get("probe") == "wert"
    assert client.get("/healthz").json()["cache"] == "ok"
