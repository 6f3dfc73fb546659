"""Demo content built from the source documents: districts, action fields, users.

`load_demo` is idempotent: records are found by their natural keys (slug, e-mail) and brought to
the state below; running it twice changes nothing.

Apps add their demo content from their own `demo.py`, with a loader that builds on the ground
floor's districts and users (and on the floors below it):

    # measures/demo.py
    from strategy_portal.demo import register

    @register
    def load_measures() -> dict[str, int]:
        # Idempotent: find records by their natural keys, create what is missing.
        ...
        return {"measures": created_count}   # newly created rows, by kind

`load_all` (what `manage.py load_demo` runs) loads the ground floor first, then every app's
loaders in the order of INSTALLED_APPS (the order of the floors), all in one transaction, and
returns each app's counts.
"""

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils.text import slugify

from .discovery import app_modules
from .models import ActionField, District, Membership, ParticipantKind, Role, SiteProfile, User

DEMO_PASSWORD = "Demo-Passwort-2026"  # noqa: S105 (documented demo login)

LEGAL_PLACEHOLDER = {
    "imprint": (
        "## Angaben gemäß § 5 DDG\n\n{name}\n\n{address}\n\n"
        "Vertreten durch die Landrätin bzw. den Landrat.\n\n"
        "## Kontakt\n\nE-Mail: {email}\n\n"
        "*Platzhalter der Demo: Die Kreisverwaltung ersetzt diesen Text durch ihr Impressum.*"
    ),
    "privacy_policy": (
        "## Verantwortliche Stelle\n\n{name}, {address}\n\n"
        "## Welche Daten wir verarbeiten\n\n"
        "- bei einem Konto: E-Mail-Adresse, Angaben zu Ihrer Rolle (Bürger*in, Unternehmen, "
        "Institution) und Ihre Beiträge;\n"
        "- beim Newsletter: E-Mail-Adresse und der Nachweis Ihrer Einwilligung.\n\n"
        "Es werden keine Inhalte von Dritten nachgeladen und keine Tracking-Dienste eingesetzt.\n\n"
        "## Ihre Rechte\n\nSie können Ihre Daten jederzeit unter *Mein Konto → Meine Daten* "
        "herunterladen und Ihr Konto löschen.\n\n"
        "*Platzhalter der Demo: Die Kreisverwaltung ersetzt diesen Text durch ihre "
        "Datenschutzerklärung.*"
    ),
    "accessibility_statement": (
        "## Stand der Vereinbarkeit mit den Anforderungen\n\n"
        "Diese Beteiligungsplattform soll die Anforderungen der BITV 2.0 (WCAG 2.1, Stufe AA) "
        "erfüllen.\n\n## Feedback und Kontakt\n\nBarrieren melden Sie bitte an {email}.\n\n"
        "## Schlichtungsverfahren\n\nWenn Sie keine zufriedenstellende Antwort erhalten, "
        "können Sie "
        "sich an die Schlichtungsstelle nach § 16 BGG wenden.\n\n"
        "*Platzhalter der Demo: Die Kreisverwaltung ersetzt diesen Text durch ihre Erklärung.*"
    ),
}

DISTRICTS = [
    {
        "slug": "wetteraukreis",
        "name": "Wetteraukreis",
        "kind": "landkreis",
        "state": "Hessen",
        "tagline": (
            "Eine beteiligungsorientierte Digitalstrategie mit Wirtschaft, kleinen und mittleren "
            "Unternehmen und allen Interessierten."
        ),
        "theme_colour": "#1b4f8a",
        "contact_name": "Wetteraukreis, Digitalstrategie",
        "contact_email": "digitalstrategie@wetteraukreis.example",
        "contact_address": "Europaplatz\n61169 Friedberg (Hessen)",
        "action_fields": [
            ("Nahversorgung, Einzelhandel und Gewerbe", False),
            ("Wirtschaft 4.0 – Transformation, Qualifizierung, Fachkräfte", False),
            ("IT-Sicherheit für kleine und mittlere Unternehmen", True),
        ],
    },
    {
        "slug": "werra-meissner-kreis",
        "name": "Werra-Meißner-Kreis",
        "kind": "landkreis",
        "state": "Hessen",
        "tagline": (
            "Der Digitalisierungsplan: Ideen aus Befragungen, Expert*innengesprächen und "
            "Workshops, "
            "verdichtet zu Projekten in drei Prioritätsstufen."
        ),
        "theme_colour": "#2f5d34",
        "contact_name": "Werra-Meißner Wirtschaftsförderung",
        "contact_email": "digital@werra-meissner.example",
        "contact_address": "Eschwege",
        "action_fields": [
            ("Mobilität und On-Demand-Verkehr", False),
            ("Gesundheitsversorgung und Telemedizin", False),
            ("Wirtschaft und Innovation", False),
            ("Digitale Teilhabe und Bildung", True),
        ],
    },
    {
        "slug": "landkreis-meissen",
        "name": "Landkreis Meißen",
        "kind": "landkreis",
        "state": "Sachsen",
        "tagline": (
            "Digitale Wirtschaftsförderung: Vision, Werte, Projektziele, Handlungsfelder, "
            "Missionen und Maßnahmen – gemeinsam mit Expert*innen erarbeitet."
        ),
        "theme_colour": "#8a1b2e",
        "contact_name": "Wirtschaftsförderung Region Meißen (WRM)",
        "contact_email": "digital@wrm.example",
        "contact_address": "Großenhain",
        "action_fields": [
            ("Neue Arbeitsformen / Arbeit 4.0", False),
            ("Attraktivität für Tourismus und Bevölkerung", False),
            ("Kompetenzaufbau in der Erwerbsbevölkerung", False),
            ("Innovationsförderung bei Unternehmen", False),
            ("Daten als Grundlage", True),
        ],
    },
    {
        "slug": "mittelsachsen",
        "name": "Landkreis Mittelsachsen",
        "kind": "landkreis",
        "state": "Sachsen",
        "tagline": (
            "„Mitten im Wandel. Digital in Mittelsachsen“: die Digitale Initiative Mittelsachsen "
            "mit Befragungen für Unternehmen sowie Bürgerinnen und Bürger."
        ),
        "theme_colour": "#005a70",
        "contact_name": "Referat Wirtschaftsförderung und Kreisentwicklung",
        "contact_email": "digitale-initiative@mittelsachsen.example",
        "contact_address": "Freiberg",
        "action_fields": [
            ("Digitale Dienste der Verwaltung", False),
            ("Unternehmen und Netzwerke", False),
            ("Nach dem Breitbandausbau", False),
            ("Klimaschutz und nachhaltige Wertschöpfung", True),
        ],
    },
    {
        "slug": "halle-saale",
        "name": "Halle (Saale)",
        "kind": "kreisfreie_stadt",
        "state": "Sachsen-Anhalt",
        "tagline": (
            "Vom Strategiestarter-Workshop zur Roadmap mit nächsten Schritten und Zuständigkeiten."
        ),
        "theme_colour": "#5a3d8a",
        "contact_name": "Stadt Halle (Saale), Digitalisierung",
        "contact_email": "digital@halle.example",
        "contact_address": "Marktplatz 1\n06108 Halle (Saale)",
        "action_fields": [
            ("Gesundheit", False),
            ("Mobilität", False),
            ("Bildung und Teilhabe", False),
            ("Projektdatenbank guter Beispiele", True),
        ],
    },
]

# (email, display name, kind, extra fields, role in a district)
USERS = [
    (
        "admin@strategieportal.example",
        "Site-Administration",
        {"is_superuser": True, "is_staff": True},
    ),
    ("kreisverwaltung@landkreis-meissen.example", "Kreisverwaltung Meißen", {}),
    ("moderation@landkreis-meissen.example", "Moderation atene KOM", {}),
    ("buergerin@strategieportal.example", "Kim Beispiel", {}),
    (
        "unternehmen@strategieportal.example",
        "Lötwerk Mittweida",
        {
            "kind": ParticipantKind.COMPANY,
            "organisation_name": "Lötwerk Mittweida GmbH",
            "sector": "manufacturing",
            "company_size": "small",
        },
    ),
]
MEMBERSHIPS = [
    (
        "kreisverwaltung@landkreis-meissen.example",
        "landkreis-meissen",
        Role.ADMIN,
        "Landratsamt Meißen",
    ),
    ("moderation@landkreis-meissen.example", "landkreis-meissen", Role.FACILITATOR, "atene KOM"),
]
DEMO_LOGINS = [
    ("Site-Admin", "admin@strategieportal.example"),
    ("Kreis-Admin (Landkreis Meißen)", "kreisverwaltung@landkreis-meissen.example"),
    ("Moderation (Landkreis Meißen)", "moderation@landkreis-meissen.example"),
    ("Bürgerin", "buergerin@strategieportal.example"),
    ("Unternehmen", "unternehmen@strategieportal.example"),
]


def _district_defaults(data: dict) -> dict:
    fields = {k: v for k, v in data.items() if k not in ("slug", "action_fields")}
    for key, template in LEGAL_PLACEHOLDER.items():
        fields[key] = template.format(
            name=data["name"],
            address=data["contact_address"].replace("\n", ", "),
            email=data["contact_email"],
        )
    return fields


@transaction.atomic
def load_demo(*, site_domain: str = "127.0.0.1:8000") -> dict:
    """Create or update the demo; returns counts of what was created."""
    created = {"districts": 0, "action_fields": 0, "users": 0, "memberships": 0}
    Site.objects.update_or_create(pk=1, defaults={"domain": site_domain, "name": "Strategieportal"})
    profile = SiteProfile.load()
    if not profile.imprint:
        profile.contact_email = "kontakt@strategieportal.example"
        profile.imprint = (
            "## Betreiber\n\nStrategieportal – Demo-Installation\n\n"
            "*Platzhalter: Der Betreiber ersetzt diesen Text im Django-Admin.*"
        )
        profile.privacy_policy = LEGAL_PLACEHOLDER["privacy_policy"].format(
            name="Strategieportal", address="Demo-Installation", email=profile.contact_email
        )
        profile.accessibility_statement = LEGAL_PLACEHOLDER["accessibility_statement"].format(
            email=profile.contact_email
        )
        profile.save()

    for data in DISTRICTS:
        district, was_created = District.objects.get_or_create(
            slug=data["slug"], defaults=_district_defaults(data)
        )
        created["districts"] += was_created
        for position, (title, cross_cutting) in enumerate(data["action_fields"]):
            _field, was_created = ActionField.objects.get_or_create(
                district=district,
                slug=slugify(title)[:80],
                defaults={"title": title, "is_cross_cutting": cross_cutting, "position": position},
            )
            created["action_fields"] += was_created

    for email, display_name, extra in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD)
            created["users"] += 1
            user.display_name = display_name
            for key, value in extra.items():
                setattr(user, key, value)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )

    for email, slug, role, organisation in MEMBERSHIPS:
        _membership, was_created = Membership.objects.get_or_create(
            user=User.objects.get(email=email),
            district=District.objects.get(slug=slug),
            defaults={"role": role, "organisation": organisation},
        )
        created["memberships"] += was_created
    return created


# --- Demo content of the apps ---------------------------------------------------------------------

Loader = Callable[[], dict[str, int]]
_loaders: list[Loader] = []


def register(loader: Loader) -> Loader:
    """Decorator for an app's demo loader (in its `demo.py`); it returns its counts."""
    if loader not in _loaders:
        _loaders.append(loader)
    return loader


def _app_label_of(loader: Loader) -> str:
    config = apps.get_containing_app_config(loader.__module__)
    return config.label if config else loader.__module__


def loaders() -> list[Loader]:
    """The apps' loaders, lower floors first (the order of INSTALLED_APPS)."""
    app_modules("{app}.demo")
    order = [config.label for config in apps.get_app_configs()]

    def floor(loader):
        label = _app_label_of(loader)
        return order.index(label) if label in order else len(order)

    return sorted(_loaders, key=floor)  # stable: an app's loaders keep their order


@transaction.atomic
def load_all(*, site_domain: str = "127.0.0.1:8000") -> list[tuple[str, dict[str, int]]]:
    """The ground floor's demo, then every app's; (app label, newly created counts) for each."""
    results = [("strategy_portal", load_demo(site_domain=site_domain))]
    for loader in loaders():
        results.append((_app_label_of(loader), loader()))
    return results
