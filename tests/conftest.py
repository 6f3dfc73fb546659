"""Shared fixtures: one district with its roles, another district, participants of each kind.

Tests marked `postgres` or `redis` need those services. They are skipped when the environment
does not point at them, unless REQUIRE_SERVICES=1 (set by CI), in which case they fail instead.
"""

import os

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
