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
loaders in the order of INSTALLED_APPS (the order of the floors), then the roof's
(`strategy_portal/strategy/demo.py`: it assigns the apps' measures to the strategy), all in one
transaction, and returns each app's counts.
"""

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils.text import slugify

from .discovery import app_modules, module_if_present
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


# The roof (the strategy document) reads every floor: its demo builds on what the apps' demos
# created, so it runs after them. The ground floor names it only by its dotted path and imports it
# the way it imports the apps' modules, so that no import points up.
ROOF = "strategy_portal.strategy"


def _is_roof(loader: Loader) -> bool:
    return loader.__module__ == ROOF or loader.__module__.startswith(f"{ROOF}.")


def _app_label_of(loader: Loader) -> str:
    if _is_roof(loader):
        return ROOF
    config = apps.get_containing_app_config(loader.__module__)
    return config.label if config else loader.__module__


def loaders() -> list[Loader]:
    """The apps' loaders, lower floors first (the order of INSTALLED_APPS), then the roof's."""
    app_modules("{app}.demo")
    module_if_present(f"{ROOF}.demo")
    order = [config.label for config in apps.get_app_configs()]

    def floor(loader):
        if _is_roof(loader):
            return len(order) + 1
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


# --- The strategies and process timelines of the demo districts -----------------------------------

STRATEGIES = {
    "landkreis-meissen": {
        "title": "Digitalisierungsstrategie der Wirtschaftsförderung",
        "subtitle": "Digitallabor Wirtschaftsförderung im Landkreis Meißen",
        "version": "Entwurf 1",
        "as_of": (2023, 6, 13),
        "preamble": (
            "Der Landkreis Meißen erarbeitet gemeinsam mit der Wirtschaftsförderung Region "
            "Meißen (WRM), Unternehmen, Institutionen und Bürger*innen eine Strategie für die "
            "digitale Wirtschaftsförderung. Grundlage sind der Expert*innenworkshop vom "
            "13. Juni 2023 in Großenhain, der Bürgerdialog und die Expert*innen-Umfrage.\n\n"
            "Die Strategie folgt den Ebenen **Vision → Werte → Projektziele → Handlungsfelder "
            "und Querschnittsthemen → Missionen → Maßnahmen**. Jede Maßnahme ist einer Mission "
            "ihres Handlungsfeldes zugeordnet."
        ),
        "vision": (
            "**Wie sieht die Wirtschaft im Landkreis Meißen im Jahr 2035 aus?**\n\n"
            "- **Neue Arbeitsformen / Arbeit 4.0:** Wer hier lebt, kann hier arbeiten – im "
            "Coworking-Space im Ort, im Homeoffice oder im Betrieb.\n"
            "- **Attraktivität für Tourismus und Bevölkerung:** Gäste und Einwohner*innen finden "
            "alle Angebote des Landkreises auf einen Blick und buchen sie digital.\n"
            "- **Kompetenzaufbau in der Erwerbsbevölkerung:** Wissen wird zwischen Generationen "
            "weitergegeben; lebenslanges Lernen ist selbstverständlich.\n"
            "- **Innovationsförderung bei Unternehmen:** Der Landkreis ist digitaler Vorreiter "
            "und bildet seine IT-Fachkräfte selbst aus."
        ),
        "values": [
            ("Nachhaltigkeit", "Digitale Lösungen schonen Ressourcen und vermeiden Wege."),
            (
                "Wissen teilen",
                "Erfahrung bleibt im Landkreis: Ältere und Jüngere lernen voneinander.",
            ),
            (
                "Solidarität und Wertschätzung",
                "Niemand wird zurückgelassen; Angebote sind sozialverträglich.",
            ),
            ("Offenheit", "Daten und Ergebnisse werden offen geteilt, wo es möglich ist."),
        ],
        "goals": [
            (
                "Neue Arbeitsformen im ländlichen Raum etablieren",
                "Coworking und Homeoffice machen Pendeln seltener und Orte lebendiger.",
            ),
            (
                "Fachkräfte sichern und digital qualifizieren",
                "Wissenstransfer, Ausbildung und Weiterbildung halten Fachwissen in der Region.",
            ),
            (
                "Touristische Angebote digital vernetzen",
                "Ein Portal und eine digitale Gästekarte bündeln die Angebote.",
            ),
            (
                "Innovation in Unternehmen fördern",
                "Eine Stabsstelle Smart Region und eine Kreis-IT-Schule geben Impulse.",
            ),
        ],
        "missions": [
            (
                "Neue Arbeitsformen / Arbeit 4.0",
                "Coworking etablieren",
                "Pilotierung von Coworking-Einrichtungen im Landkreis: abhängig von "
                "Fördermöglichkeiten und im Einklang mit der Coworking-Studie bringt der "
                "Landkreis Angebote gemeinsam mit interessierten Gemeinden auf den Weg.",
            ),
            (
                "Kompetenzaufbau in der Erwerbsbevölkerung",
                "Kompetenzaufbau",
                "Aufbau einer Infrastruktur zum Wissenstransfer, die Unternehmen und "
                "Institutionen nutzen können, um ihr Fachwissen zu sichern – etwa als "
                "Videotutorial.",
            ),
            (
                "Attraktivität für Tourismus und Bevölkerung",
                "Tourismus digitalisieren",
                "Vorhandene touristische Angebote und Einrichtungen im Landkreis werden digital "
                "vernetzt.",
            ),
            (
                "Innovationsförderung bei Unternehmen",
                "Innovationsförderung",
                "Aufbau einer Kreis-IT-Schule zur Erhöhung der IT-Kompetenz in der Region, "
                "flankiert von einer Stabsstelle „Smart Region“.",
            ),
        ],
        # (kind, first day, last day) as days from the day the demo is loaded, so that the
        # participation phase is running in a freshly loaded demo.
        "phases": [
            ("information", -150, -91, "Auftakt, Dokumentenanalyse und Expert*innenworkshop."),
            (
                "participation",
                -90,
                90,
                "Bürgerdialog und Expert*innen-Umfrage: Schlagen Sie Maßnahmen vor, unterstützen "
                "und kommentieren Sie die Vorschläge anderer.",
            ),
            ("evaluation", 91, 150, "Die Maßnahmen werden anhand der Kriterien bewertet."),
            ("adoption", 151, 210, "Der Kreistag berät und beschließt die Strategie."),
            ("implementation", 211, 1300, "Die priorisierten Maßnahmen werden umgesetzt."),
        ],
    },
    "werra-meissner-kreis": {
        "title": "Digitalisierungsplan für den Werra-Meißner-Kreis",
        "subtitle": "Schritt halten mit dem Megatrend unserer Zeit",
        "version": "1.0",
        "as_of": (2022, 1, 15),
        "preamble": (
            "Die Digitalisierung schreibt alles um: wie wir leben, kommunizieren und arbeiten. "
            "Seit Ende 2019 arbeitet der Werra-Meißner-Kreis unter Federführung der "
            "Wirtschaftsförderung mit Bürger*innen, Expert*innen und Institutionen an einer "
            "passgenauen Digitalisierungsstrategie.\n\n"
            "Eine Online-Befragung von rund 1.000 Unternehmen, Expert*innengespräche, "
            "themenbezogene Online-Workshops und eine Fokusgruppe mit Schüler*innen, "
            "Auszubildenden und Studierenden haben Ideen geliefert. Sie wurden anhand von "
            "Bewertungskriterien in drei Prioritätsstufen eingeordnet: Premium+, Premium und "
            "weitere Projektideen."
        ),
        "vision": (
            "Daseinsvorsorge wird im Werra-Meißner-Kreis nicht nur groß, sondern auch digital "
            "geschrieben. Mit dem abgeschlossenen Breitbandausbau ist die Infrastruktur "
            "geschaffen; jetzt bringen neue digitale Dienste – vom On-Demand-Bus bis zur "
            "Telemedizin – die Region voran."
        ),
        "values": [
            ("Nutzer*innenorientierung", "Projekte gehen von den Bedürfnissen der Menschen aus."),
            ("Digitale Teilhabe", "Alle Alters- und Anwendergruppen können mitmachen."),
            ("Nachhaltigkeit", "Was wir aufbauen, soll bleiben und sich tragen."),
        ],
        "goals": [
            (
                "Eine Heimat für die Digitalisierungsstrategie",
                "Das Werra-Meißner-Lab koordiniert die Strategie und lädt zum Mitmachen ein.",
            ),
            (
                "Versorgung auf dem Land sichern",
                "Mobilität und Gesundheitsversorgung werden durch digitale Dienste leichter.",
            ),
            (
                "Innovationen vorantreiben",
                "Unternehmen werden bei der digitalen Transformation unterstützt.",
            ),
        ],
        "missions": [
            (
                "Digitale Teilhabe und Bildung",
                "Werra-Meißner-Lab aufbauen",
                "Virtuelle und physische Räume, in denen alle die Digitalisierung erleben und "
                "erlernen.",
            ),
            (
                "Mobilität und On-Demand-Verkehr",
                "Mobilität auf Abruf",
                "On-Demand-Angebote ergänzen Bus und Bahn.",
            ),
            (
                "Gesundheitsversorgung und Telemedizin",
                "Telemedizin ausbauen",
                "Der Zugang zu ärztlicher Versorgung wird einfacher.",
            ),
            (
                "Wirtschaft und Innovation",
                "Innovationen vorantreiben",
                "Beratung und Förderung für Unternehmen im Wandel der Arbeitswelt.",
            ),
            (
                "Wirtschaft und Innovation",
                "Regionale Wirtschaft vernetzen",
                "Gemeinsame Arbeitsorte und Vertriebswege stärken Betriebe, Selbstständige und "
                "Direktvermarkter*innen der Region.",
            ),
            (
                "Mobilität und On-Demand-Verkehr",
                "Daten für eine smarte Region",
                "Sensoren und offene Daten machen Verkehr und Umwelt sichtbar und nutzbar.",
            ),
            (
                "Digitale Teilhabe und Bildung",
                "Digitale Teilhabe für alle",
                "Kurse, Treffpunkte und Plattformen bringen Menschen jeden Alters zur "
                "Digitalisierung – live vor Ort und online.",
            ),
        ],
        "phases": [
            ("information", "2019-11-01", "2020-02-29", "Auftakt und Befragungen."),
            (
                "participation",
                "2020-03-01",
                "2021-06-30",
                "Online-Workshops, Expert*innengespräche und Fokusgruppe.",
            ),
            ("evaluation", "2021-07-01", "2021-10-31", "Bewertung und Priorisierung."),
            ("adoption", "2021-11-01", "2021-12-31", "Beschluss des Digitalisierungsplans."),
            (
                "implementation",
                "2022-01-01",
                "2027-12-31",
                "Die Projekte werden unter der Dachmarke „Werra-meissner.DIGITAL“ umgesetzt.",
            ),
        ],
    },
}


def _demo_date(value):
    from datetime import date, timedelta

    from django.utils import timezone

    if isinstance(value, int):
        return timezone.localdate() + timedelta(days=value)
    return date.fromisoformat(value)


@register
def load_strategies() -> dict[str, int]:
    """Strategies, missions and phases of the demo districts (idempotent: a district's current
    strategy, missions by their address and phases by their kind are left as they are)."""
    from datetime import date

    from . import services
    from .models import Mission, Phase, Strategy

    created = {"strategies": 0, "missions": 0, "phases": 0}
    for slug, data in STRATEGIES.items():
        district = District.objects.filter(slug=slug).first()
        if district is None:
            continue
        if not Strategy.objects.for_district(district).current().exists():
            services.strategy_save(
                district=district,
                fields={
                    "title": data["title"],
                    "subtitle": data["subtitle"],
                    "version": data["version"],
                    "as_of": date(*data["as_of"]),
                    "preamble": data["preamble"],
                    "vision": data["vision"],
                },
                values=[{"title": t, "explanation": e} for t, e in data["values"]],
                goals=[{"title": t, "text": e} for t, e in data["goals"]],
            )
            created["strategies"] += 1
        fields = {f.title: f for f in ActionField.objects.for_district(district)}
        for position, (field_title, title, description) in enumerate(data["missions"]):
            field = fields.get(field_title)
            if field is None or Mission.objects.filter(action_field=field, title=title).exists():
                continue
            services.mission_save(
                district=district,
                action_field=field,
                title=title,
                description=description,
                position=position,
            )
            created["missions"] += 1
        for kind, start, end, description in data["phases"]:
            if Phase.objects.for_district(district).filter(kind=kind).exists():
                continue
            start, end = _demo_date(start), _demo_date(end)
            if Phase.objects.for_district(district).overlapping(start, end).exists():
                continue
            services.phase_save(
                district=district, kind=kind, start=start, end=end, description=description
            )
            created["phases"] += 1
    return created
