"""The ground floor's page query budgets; the contract is in test_query_counts.py."""

from strategy_portal.models import District, Role, SiteProfile

from ..factories import ActionFieldFactory, DistrictFactory, MembershipFactory

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
    ("district easy language", "/landkreis-meissen/leichte-sprache/", None, 4),
    ("district sign language", "/landkreis-meissen/gebaerdensprache/", None, 4),
    ("site easy language", "/leichte-sprache/", None, 4),
    ("site sign language", "/gebaerdensprache/", None, 4),
    ("profile", "/konto/profil/", "district_admin", 8),
    ("personal data", "/konto/daten/", "district_admin", 6),
    ("workspace", "/landkreis-meissen/verwaltung/", "district_admin", 10),
    ("team", "/landkreis-meissen/verwaltung/team/", "district_admin", 8),
    ("settings", "/landkreis-meissen/verwaltung/einstellungen/", "district_admin", 8),
    # The strategy's workspace pages and the roof's public pages (their growth with missions and
    # measures is tested in test_strategy_pages.py).
    ("workspace strategy", "/landkreis-meissen/verwaltung/strategie/", "district_admin", 12),
    (
        "workspace action fields",
        "/landkreis-meissen/verwaltung/strategie/handlungsfelder/",
        "district_admin",
        12,
    ),
    ("workspace phases", "/landkreis-meissen/verwaltung/strategie/phasen/", "district_admin", 12),
    (
        "workspace strategy PDF",
        "/landkreis-meissen/verwaltung/strategie/pdf/",
        "district_admin",
        12,
    ),
    ("strategy", "/landkreis-meissen/strategie/", None, 12),
    ("statistics", "/landkreis-meissen/statistik/", None, 12),
    ("good examples", "/gute-beispiele/", None, 12),
]


def populate(district, request):
    """A small installation: two districts, two action fields each, a district admin."""
    other_district = request.getfixturevalue("other_district")
    request.getfixturevalue("facilitator")
    SiteProfile.objects.update_or_create(
        pk=1, defaults={"imprint": "## Betreiber\n\nStrategieportal", "privacy_policy": "Text"}
    )
    district.imprint = "## Angaben\n\n**Landratsamt** Meißen"
    district.save()
    for owner in (district, other_district):
        ActionFieldFactory.create_batch(2, district=owner)


def grow(district, request, *, districts=20, fields=20, team=10):
    """Bring the installation to `districts` districts with `fields` action fields each,
    `team` members in the district's team, and a role for the district admin in every district."""
    admin = request.getfixturevalue("district_admin")
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
