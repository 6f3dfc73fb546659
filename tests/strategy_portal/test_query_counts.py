"""SQL query budgets of the ground-floor pages, and proof that counts do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strategy_portal.models import District, Role, SiteProfile

from ..factories import ActionFieldFactory, DistrictFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# (name, path, who is logged in, budget). The budgets leave room for what later issues add to a
# page; the growth test below is what catches a query per row.
PAGES = [
    ("landing", "/", None, 4),
    ("district home", "/landkreis-meissen/", None, 8),
    ("district home, signed in", "/landkreis-meissen/", "district_admin", 10),
    ("district imprint", "/landkreis-meissen/impressum/", None, 4),
    ("district privacy policy", "/landkreis-meissen/datenschutz/", None, 4),
    ("district accessibility", "/landkreis-meissen/barrierefreiheit/", None, 4),
    ("site imprint", "/impressum/", None, 4),
    ("site privacy policy", "/datenschutz/", None, 4),
    ("site accessibility", "/barrierefreiheit/", None, 4),
    ("profile", "/konto/profil/", "district_admin", 8),
    ("personal data", "/konto/daten/", "district_admin", 6),
    ("workspace", "/landkreis-meissen/verwaltung/", "district_admin", 10),
    ("team", "/landkreis-meissen/verwaltung/team/", "district_admin", 8),
    ("settings", "/landkreis-meissen/verwaltung/einstellungen/", "district_admin", 8),
]


@pytest.fixture
def world(district, district_admin, facilitator, other_district):
    """A small installation: two districts, two action fields each, a district admin."""
    SiteProfile.objects.update_or_create(
        pk=1, defaults={"imprint": "## Betreiber\n\nStrategieportal", "privacy_policy": "Text"}
    )
    district.imprint = "## Angaben\n\n**Landratsamt** Meißen"
    district.save()
    for owner in (district, other_district):
        ActionFieldFactory.create_batch(2, district=owner)
    return district


def grow(district, admin, *, districts=20, fields=20, team=10):
    """Bring the installation to `districts` districts with `fields` action fields each,
    `team` members in the district's team, and a role for `admin` in every district."""
    for _ in range(districts - District.objects.count()):
        DistrictFactory()
    for other in District.objects.exclude(pk=district.pk):
        missing = fields - other.strategy_portal_actionfield_set.count()
        ActionFieldFactory.create_batch(max(missing, 0), district=other)
        if not other.memberships.filter(user=admin).exists():
            MembershipFactory(district=other, user=admin, role=Role.FACILITATOR)
    ActionFieldFactory.create_batch(
        fields - district.strategy_portal_actionfield_set.count(), district=district
    )
    ActionFieldFactory.create_batch(3, district=district, is_cross_cutting=True)
    MembershipFactory.create_batch(team - district.memberships.count(), district=district)


def count_queries(client, path, user):
    client.logout()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
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
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.get(path)  # warm up

    with django_assert_max_num_queries(budget):
        response = client.get(path)

    assert response.status_code == 200


def test_query_counts_do_not_grow_with_the_data(client, world, district_admin):
    small = {}
    for name, path, user, _budget in PAGES:
        small[name] = count_queries(client, path, district_admin if user else None)

    grow(world, district_admin, districts=20, fields=20, team=10)
    assert District.objects.count() == 20
    assert world.strategy_portal_actionfield_set.count() == 23
    assert world.memberships.count() == 10
    assert district_admin.memberships.count() == 20

    grown = {}
    for name, path, user, _budget in PAGES:
        grown[name] = count_queries(client, path, district_admin if user else None)

    differences = {
        name: (small[name][0], grown[name][0]) for name in small if small[name][0] != grown[name][0]
    }
    assert not differences, "query count grows with the data (small, grown): " + "; ".join(
        f"{name}: {a} → {b}\n    " + "\n    ".join(grown[name][1])
        for name, (a, b) in differences.items()
    )


def test_grown_pages_show_all_rows(client, world, district_admin):
    """The constant counts above are not bought by leaving rows out."""
    grow(world, district_admin, districts=20, fields=20, team=10)
    client.force_login(district_admin, backend="django.contrib.auth.backends.ModelBackend")

    landing = client.get("/")
    home = client.get("/landkreis-meissen/")
    team = client.get("/landkreis-meissen/verwaltung/team/")
    profile = client.get("/konto/profil/")

    assert len(landing.context["districts"]) == 20
    assert len(home.context["action_fields"]) == 23
    assert len(team.context["team"]) == 10
    # Every member can be removed but the only administrator.
    assert team.content.decode().count('hx-post="/landkreis-meissen/verwaltung/team/') == 9
    assert len(profile.context["memberships"]) == 20
