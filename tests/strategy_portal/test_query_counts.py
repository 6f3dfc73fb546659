"""SQL query budgets of every app's pages, and proof that counts do not grow with the data.

The pages come from each app's `tests/<app>/query_budgets.py` (the ground floor's own are in
`tests/strategy_portal/query_budgets.py`), found like the apps' other parts, so no app edits this
file. Such a module defines:

- `PAGES`: a list of (name, path, user fixture or None, budget); `path` is a string or a
  function `(district) -> str` for addresses of objects that `populate` created;
- `populate(district, request)`: the app's part of the small installation (a few rows per list);
  `request.getfixturevalue(...)` gives the fixtures (`district_admin`, `citizen`, …);
- `grow(district, request, **sizes)`: bring the app's lists to many rows (about 20), so that
  `test_query_counts_do_not_grow_with_the_data` catches a query per row.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strategy_portal.discovery import app_modules
from strategy_portal.models import District


def contributions():
    return app_modules("tests.{app}.query_budgets")


pytestmark = pytest.mark.django_db


def pages() -> list[tuple]:
    return [page for module in contributions() for page in module.PAGES]


PAGES = pages()


def test_pages_come_from_every_contribution(monkeypatch):
    """A module in tests/<app>/ adds its pages without editing this file."""
    from . import query_budgets as ground_floor

    assert ground_floor in contributions()
    assert ("landing", "/", None, 4) in PAGES
    names = [name for name, *_rest in PAGES]
    assert len(names) == len(set(names)), "two pages share a name"


@pytest.fixture
def world(request, district, district_admin):
    """The small installation every contribution builds its part of."""
    for module in contributions():
        if hasattr(module, "populate"):
            module.populate(district, request)
    return district


def grow(district, request, **sizes):
    for module in contributions():
        if hasattr(module, "grow"):
            module.grow(district, request, **sizes)


def path_of(path, district) -> str:
    return path(district) if callable(path) else path


def count_queries(client, path, user):
    path = path_of(path, District.objects.get(slug="landkreis-meissen"))
    client.logout()
    if user is not None:
        client.force_login(user)
    client.get(path)  # warm up per-process caches (content types, site, site profile)
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


@pytest.mark.parametrize(
    ("path", "user_fixture", "budget"),
    [pytest.param(path, user, budget, id=name) for name, path, user, budget in PAGES],
)
def test_page_stays_within_its_query_budget(
    request, client, world, path, user_fixture, budget, django_assert_max_num_queries
):
    user = request.getfixturevalue(user_fixture) if user_fixture else None
    if user is not None:
        client.force_login(user)
    path = path_of(path, world)
    client.get(path)  # warm up

    with django_assert_max_num_queries(budget):
        response = client.get(path)

    assert response.status_code == 200


def test_query_counts_do_not_grow_with_the_data(client, world, district_admin, request):
    def user_of(fixture):
        return request.getfixturevalue(fixture) if fixture else None

    small = {}
    for name, path, user, _budget in PAGES:
        small[name] = count_queries(client, path, user_of(user))

    grow(world, request, districts=20, fields=20, team=10)
    assert District.objects.count() == 20
    assert world.strategy_portal_actionfield_set.count() == 23
    assert world.memberships.count() == 10
    assert district_admin.memberships.count() == 20

    grown = {}
    for name, path, user, _budget in PAGES:
        grown[name] = count_queries(client, path, user_of(user))

    differences = {
        name: (small[name][0], grown[name][0]) for name in small if small[name][0] != grown[name][0]
    }
    assert not differences, "query count grows with the data (small, grown): " + "; ".join(
        f"{name}: {a} → {b}\n    " + "\n    ".join(grown[name][1])
        for name, (a, b) in differences.items()
    )


def test_grown_pages_show_all_rows(client, world, district_admin, request):
    """The constant counts above are not bought by leaving rows out."""
    grow(world, request, districts=20, fields=20, team=10)
    client.force_login(district_admin)

    landing = client.get("/")
    home = client.get("/landkreis-meissen/")
    team = client.get("/landkreis-meissen/verwaltung/team/")
    profile = client.get("/konto/profil/")

    assert len(landing.context["districts"]) == 20
    assert len(home.context["action_fields"]) == 23
    assert len(team.context["team"]) == 10
    # Every member can be removed but the only administrator.
    removals = re.findall(r'hx-post="[^"]*/team/\d+/entfernen/"', team.content.decode())
    assert len(removals) == 9
    assert len(profile.context["memberships"]) == 20
