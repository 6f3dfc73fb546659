"""/healthz: the state of database, cache and broker, and 200 only when all of them answer."""

import pytest

from strategy_portal import views

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_on_the_embedded_default(client, settings):
    settings.CELERY_BROKER_URL = ""  # embedded default: tasks in-process, no broker to reach

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] == "ok"
    assert body["status"] == "ok"
    assert body["tasks"] == "in-process"


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_reports_a_failing_database_with_503(client, monkeypatch, caplog):
    def database_down():
        raise ConnectionError("connection to server at 127.0.0.1 refused")

    monkeypatch.setattr(views, "_check_database", database_down)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "error: ConnectionError"
    assert body["cache"] == "ok"
    # Host names and ports go to the log, not to anonymous visitors.
    assert "refused" not in response.content.decode()
    assert "connection to server at 127.0.0.1 refused" in caplog.text


def test_healthz_reports_a_failing_cache_with_503(client, monkeypatch):
    def cache_down():
        raise ConnectionError("Redis nicht erreichbar")

    monkeypatch.setattr(views, "_check_cache", cache_down)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"] == "error: ConnectionError"
    assert response.json()["database"] == "ok"


def test_healthz_reports_an_unreachable_broker_with_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["broker"].startswith("error: ")
    assert "127.0.0.1" not in response.content.decode()
    assert body["database"] == "ok"
    assert body["tasks"] == "broker"


def test_healthz_does_not_reveal_error_details(client, monkeypatch):
    def verbose_failure():
        raise RuntimeError("password authentication failed for user strategieportal " + "x" * 5000)

    monkeypatch.setattr(views, "_check_database", verbose_failure)

    body = client.get("/healthz").json()

    assert body["database"] == "error: RuntimeError"


def test_healthz_accepts_get_only(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_not_redirected_to_https_behind_the_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # production default; the probe speaks plain HTTP

    assert client.get("/healthz").status_code == 200
    assert client.get("/impressum/").status_code == 301  # everything else is redirected
