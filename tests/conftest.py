"""Shared fixtures: one district with its roles, another district, participants of each kind.

Tests marked `postgres` or `redis` need those services. They are skipped when the environment
does not point at them, unless REQUIRE_SERVICES=1 (set by CI), in which case they fail instead.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

from strategy_portal.models import Role

from .factories import (
    PASSWORD,
    ActionFieldFactory,
    CompanyFactory,
    DistrictFactory,
    MembershipFactory,
    UserFactory,
)


def _services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config, items):
    database_url = os.environ.get("DATABASE_URL", "")
    on_postgres = database_url.startswith(("postgres://", "postgresql://"))
    has_redis = os.environ.get("CELERY_BROKER_URL", "").startswith("redis://")
    for item in items:
        if item.get_closest_marker("postgres") and not on_postgres:
            if _services_required():
                raise pytest.UsageError(
                    "REQUIRE_SERVICES=1 but DATABASE_URL does not point at PostgreSQL"
                )
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL=postgres://…"))
        if item.get_closest_marker("redis") and not has_redis:
            if _services_required():
                raise pytest.UsageError(
                    "REQUIRE_SERVICES=1 but CELERY_BROKER_URL does not point at Redis"
                )
            item.add_marker(pytest.mark.skip(reason="needs CELERY_BROKER_URL=redis://…"))
        if item.get_closest_marker("celery_worker") and not item.get_closest_marker("xdist_group"):
            # Real workers share the broker's queue: under `--dist loadgroup` they must run one
            # after the other, on one pytest-xdist worker (the group is read before this hook).
            raise pytest.UsageError(
                f'{item.nodeid} starts a Celery worker: mark it xdist_group("celery_worker")'
            )


def redis_database_for_worker(url: str, worker: str, broker_url: str = "") -> str:
    """The cache URL for pytest-xdist worker `gwN`: gw0 keeps the configured database, the others
    count down from it, passing over the broker's. Each worker clears its cache before every test;
    in a shared database that would wipe the rate limits another worker is testing."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    broker = urlsplit(broker_url)
    broker_db = int(broker.path.strip("/") or 0) if broker.scheme.startswith("redis") else None
    free = [db for db in range(base, -1, -1) if db == base or db != broker_db]
    index = int(worker.removeprefix("gw"))
    if index >= len(free):
        raise pytest.UsageError(f"no Redis database left below {base} for worker {worker}")
    return urlunsplit(parts._replace(path=f"/{free[index]}"))


@pytest.fixture(scope="session", autouse=True)
def _redis_database_per_worker():
    from django.conf import settings
    from django.test import override_settings

    url = os.environ.get("CACHE_URL", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not (url.startswith(("redis://", "rediss://")) and worker.startswith("gw")):
        yield
        return
    own = redis_database_for_worker(url, worker, os.environ.get("CELERY_BROKER_URL", ""))
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    caches["default"]["LOCATION"] = own
    os.environ["CACHE_URL"] = own  # for the worker processes that tests start
    with override_settings(CACHES=caches):
        yield
    os.environ["CACHE_URL"] = url


@pytest.fixture(autouse=True)
def _isolated_services(request):
    """Each test starts with an empty cache (rate limits live there) and, unless it runs a real
    worker, with tasks executed in-process even when a broker is configured."""
    from django.core.cache import cache

    from strategy_portal.celery import app

    cache.clear()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = request.node.get_closest_marker("celery_worker") is None
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs half a second per user on this machine; the hasher is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def district(db):
    return DistrictFactory(
        name="Landkreis Meißen", slug="landkreis-meissen", theme_colour="#8a1b2e"
    )


@pytest.fixture
def other_district(db):
    return DistrictFactory(name="Wetteraukreis", slug="wetteraukreis")


@pytest.fixture
def action_field(district):
    return ActionFieldFactory(district=district, title="Neue Arbeitsformen / Arbeit 4.0")


@pytest.fixture
def citizen(db):
    return UserFactory(email="buergerin@example.org", display_name="Kim Beispiel")


@pytest.fixture
def company(db):
    return CompanyFactory(email="firma@example.org", organisation_name="Lötwerk GmbH")


@pytest.fixture
def facilitator(district):
    return MembershipFactory(
        district=district, role=Role.FACILITATOR, user__email="moderation@example.org"
    ).user


@pytest.fixture
def district_admin(district):
    return MembershipFactory(
        district=district, role=Role.ADMIN, user__email="kreisadmin@example.org"
    ).user


@pytest.fixture
def other_district_facilitator(other_district):
    return MembershipFactory(
        district=other_district, role=Role.FACILITATOR, user__email="fremd@example.org"
    ).user


@pytest.fixture
def site_admin(db):
    return UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def login(client):
    """Log a user in on the test client: `login(citizen)`."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
