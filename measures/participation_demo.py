"""Demo measures: online proposals from citizens and companies, with comments, replies, supports,
a follower, a flagged comment and status changes with reasons. Built on the ground floor's demo
districts and users; idempotent (a measure is found by district and title and left alone if it
exists)."""

from allauth.account.models import EmailAddress

from strategy_portal.demo import DEMO_PASSWORD, register
from strategy_portal.models import ActionField, District, ParticipantKind, User

from . import services
from .models import Measure, Status

# (email, display name, kind, organisation)
PARTICIPANTS = [
    ("pendlerin.grossenhain@strategieportal.example", "Jana aus Großenhain", "citizen", ""),
    ("schuelerrat@strategieportal.example", "Schülerrat Riesa", "institution", "Oberschule Riesa"),
    ("tischlerei@strategieportal.example", "Tischlerei Hahn", "company", "Tischlerei Hahn GmbH"),
    ("hofladen@strategieportal.example", "Hofladen am Wingert", "company", "Hofladen am Wingert"),
    ("rentner.friedberg@strategieportal.example", "Horst aus Friedberg", "citizen", ""),
    ("schnaeppchen@strategieportal.example", "Schnäppchenjäger", "citizen", ""),
]

CITIZEN = "buergerin@strategieportal.example"
COMPANY = "unternehmen@strategieportal.example"
COMMUTER = "pendlerin.grossenhain@strategieportal.example"
PUPILS = "schuelerrat@strategieportal.example"
CARPENTER = "tischlerei@strategieportal.example"
FARM_SHOP = "hofladen@strategieportal.example"
PENSIONER = "rentner.friedberg@strategieportal.example"
SPAMMER = "schnaeppchen@strategieportal.example"
ADMIN = "admin@strategieportal.example"
MEISSEN_ADMIN = "kreisverwaltung@landkreis-meissen.example"
MEISSEN_MODERATION = "moderation@landkreis-meissen.example"

# district slug → measures: author, action field (start of its title), texts, tags, supporters,
# comments (author, text, reply index or None), status changes (by, status, reason), answer.
MEASURES = {
    "landkreis-meissen": [
        {
            "author": COMMUTER,
            "field": "Neue Arbeitsformen",
            "title": "Coworking auf Probe im Dorfgemeinschaftshaus",
            "description": (
                "Ein leerstehender Raum im Dorfgemeinschaftshaus wird für drei Monate zum "
                "Coworking-Space: schnelles Internet, ein paar Schreibtische, ein Drucker. "
                "Wer sonst täglich nach Dresden pendelt, kann hier ein, zwei Tage die Woche "
                "arbeiten."
            ),
            "added_value": (
                "Weniger Pendelzeit, mehr Leben im Ort tagsüber. Wir lernen, ob der Bedarf "
                "wirklich da ist, bevor dauerhaft Geld fließt."
            ),
            "feasibility": (
                "Popup-Test über etwa drei Monate; ohne Werbung kommt niemand, also Aushang, "
                "Amtsblatt und Social Media. Eine Hochschule könnte die Auswertung begleiten."
            ),
            "time_horizon": "short",
            "success_criteria": "Mindestens zehn Menschen nutzen den Raum regelmäßig.",
            "tags": ["Coworking", "Pendeln"],
            "supporters": [CITIZEN, COMPANY, PUPILS, CARPENTER],
            "followers": [CITIZEN],
            "comments": [
                (CITIZEN, "Würde ich sofort nutzen – zwei Tage weniger auf der B101.", None),
                (CARPENTER, "Wir hätten Tische aus Restholz übrig, falls das hilft.", 0),
                (COMMUTER, "Sehr gern! Ich melde mich, sobald es einen Raum gibt.", 1),
                (PUPILS, "Könnten dort nachmittags auch Schüler*innen lernen?", None),
            ],
            "status": [
                (
                    MEISSEN_ADMIN,
                    Status.UNDER_EVALUATION,
                    "Wir prüfen gemeinsam mit der Coworking-Studie, welche Gemeinden Räume haben.",
                ),
                (
                    MEISSEN_ADMIN,
                    Status.PRIORITISED,
                    "Im Expert*innenworkshop in Großenhain als erste Maßnahme der Gruppe "
                    "priorisiert.",
                ),
            ],
            "answer": (
                "Vielen Dank für den Vorschlag. Die Wirtschaftsförderung sucht derzeit zwei "
                "Gemeinden für einen Testlauf im kommenden Frühjahr."
            ),
        },
        {
            "author": COMPANY,
            "field": "Innovationsförderung",
            "title": "Beratung zur Automatisierung für kleine Betriebe",
            "description": (
                "Kleine Unternehmen bekommen eine kostenlose Erstberatung, welche Abläufe sich "
                "automatisieren lassen – von der Rechnung bis zur Fräse. Der Landkreis vermittelt "
                "Fachleute und hilft, Förderprogramme zu finden."
            ),
            "added_value": (
                "Betriebe ohne eigene IT-Abteilung kommen an Wissen und Kontakte. Teure Technik "
                "könnten sich mehrere Betriebe teilen."
            ),
            "feasibility": "Expert*innen über die Wirtschaftsförderung; Geld für Anschaffungen "
            "über Förderprogramme.",
            "time_horizon": "medium",
            "tags": ["Automatisierung", "KMU"],
            "supporters": [CARPENTER, COMMUTER],
            "comments": [
                (CARPENTER, "Genau das fehlt uns. Bitte auch vor Ort in der Werkstatt.", None),
                (
                    SPAMMER,
                    "Kaufen Sie Ihre Maschinen doch einfach selbst!!! Alles billiger "
                    "in meinem Shop: billig-maschinen.example",
                    None,
                ),
            ],
            "flag_comment": (1, COMMUTER, "Werbung für einen Shop, kein Beitrag zur Sache."),
            "status": [
                (
                    MEISSEN_ADMIN,
                    Status.UNDER_EVALUATION,
                    "Wird in der Bewertung nach den Kriterien des Landkreises eingeordnet.",
                ),
            ],
        },
        {
            "author": PUPILS,
            "field": "Kompetenzaufbau",
            "title": "Jung hilft Alt, Alt hilft Jung",
            "description": (
                "Schüler*innen zeigen Älteren das Smartphone und Online-Banking; Ältere zeigen "
                "Jüngeren, wie man eine Werkbank bedient oder einen Garten plant. Treffen einmal "
                "im Monat in der Schule."
            ),
            "added_value": "Wissen bleibt im Ort, und beide Seiten verstehen sich besser.",
            "feasibility": (
                "Sofort möglich, braucht aber eine Person, die es dauerhaft organisiert."
            ),
            "time_horizon": "short",
            "tags": ["Bildung", "Digitale Teilhabe"],
            "supporters": [CITIZEN],
            "comments": [],
            "status": [],
        },
    ],
    "wetteraukreis": [
        {
            "author": FARM_SHOP,
            "field": "Nahversorgung",
            "title": "Gemeinsamer Online-Marktplatz für Hofläden",
            "description": (
                "Die Hofläden und kleinen Geschäfte der Wetterau zeigen ihr Angebot auf einer "
                "gemeinsamen Seite: was es heute frisch gibt, Öffnungszeiten, Bestellung zum "
                "Abholen. Ein Abholfach am Bahnhof für Pendler*innen."
            ),
            "added_value": (
                "Kundschaft findet regionale Produkte ohne zehn Webseiten; kleine Läden "
                "brauchen keinen eigenen Shop."
            ),
            "feasibility": "Ein Jahr Aufbau mit der Wirtschaftsförderung; Betrieb über eine "
            "kleine Gebühr pro Laden.",
            "time_horizon": "medium",
            "funding_idea": "Anschub aus Smarte.Land.Regionen, danach Beiträge der Läden.",
            "tags": ["Nahversorgung", "Einzelhandel"],
            "supporters": [PENSIONER, CITIZEN, COMPANY],
            "followers": [PENSIONER],
            "comments": [
                (
                    PENSIONER,
                    "Bitte auch mit Telefon-Bestellung, nicht jeder hat ein Smartphone.",
                    None,
                ),
                (FARM_SHOP, "Guter Punkt – ein Anruf im Laden soll weiter reichen.", 0),
            ],
            "status": [
                (
                    ADMIN,
                    Status.UNDER_EVALUATION,
                    "Im Workshop „Nahversorgung, Einzelhandel und Gewerbe“ in Bad Salzhausen "
                    "aufgegriffen; die Wirtschaftsförderung prüft die Kosten.",
                ),
            ],
        },
        {
            "author": PENSIONER,
            "field": "Wirtschaft 4.0",
            "title": "Fortbildungskalender für die ganze Region",
            "description": (
                "Alle Weiterbildungen von Kammern, Volkshochschulen und Mittelstand-Digital an "
                "einem Ort, nach Thema und Ort sortiert, mit Erinnerung per E-Mail."
            ),
            "added_value": "Fachkräfte und Betriebe finden passende Kurse, ohne lange zu suchen.",
            "feasibility": "Die Anbieter liefern ihre Termine als Kalenderdatei.",
            "tags": ["Fachkräfte", "Weiterbildung"],
            "supporters": [FARM_SHOP],
            "comments": [(COMPANY, "Bitte auch Abendkurse kennzeichnen.", None)],
            "status": [
                (
                    ADMIN,
                    Status.NOT_PURSUED,
                    "Ein solcher Kalender entsteht bereits beim Mittelstand-Digital Zentrum "
                    "Darmstadt; wir verlinken ihn, statt einen zweiten zu bauen.",
                ),
            ],
        },
    ],
}


def _participant(email, name, kind, organisation) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD)
        user.display_name = name
        user.kind = kind
        user.organisation_name = organisation
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@register
def load_measures() -> dict[str, int]:
    counts = {"users": 0, "measures": 0, "comments": 0, "supports": 0, "flags": 0}
    for email, name, kind, organisation in PARTICIPANTS:
        counts["users"] += not User.objects.filter(email=email).exists()
        _participant(email, name, ParticipantKind(kind), organisation)
    users = {user.email: user for user in User.objects.all()}
    for slug, measures in MEASURES.items():
        district = District.objects.filter(slug=slug).first()
        if district is None:
            continue
        for data in measures:
            if Measure.objects.for_district(district).filter(title=data["title"]).exists():
                continue
            _load_measure(district, data, users, counts)
    return counts


def _load_measure(district, data, users, counts) -> None:
    field = (
        ActionField.objects.for_district(district).filter(title__startswith=data["field"]).first()
    )
    measure = services.measure_create(
        district=district,
        author=users[data["author"]],
        title=data["title"],
        description=data["description"],
        added_value=data.get("added_value", ""),
        feasibility=data.get("feasibility", ""),
        time_horizon=data.get("time_horizon", ""),
        success_criteria=data.get("success_criteria", ""),
        funding_idea=data.get("funding_idea", ""),
        action_field=field,
        tags=data.get("tags", []),
    )
    counts["measures"] += 1
    for email in data.get("supporters", []):
        counts["supports"] += services.support_add(measure=measure, user=users[email])
    for email in data.get("followers", []):
        services.follow_add(measure=measure, user=users[email])
    comments = []
    for email, body, reply_to in data.get("comments", []):
        parent = comments[reply_to] if reply_to is not None else None
        comments.append(
            services.comment_add(measure=measure, author=users[email], body=body, parent=parent)
        )
        counts["comments"] += 1
    if "flag_comment" in data:
        index, email, reason = data["flag_comment"]
        _flag, created = services.flag_add(
            user=users[email], reason=reason, comment=comments[index]
        )
        counts["flags"] += created
    for email, status, reason in data.get("status", []):
        services.status_change(measure=measure, user=users[email], status=status, reason=reason)
    if data.get("answer"):
        services.answer_publish(measure=measure, user=users[MEISSEN_ADMIN], text=data["answer"])
