"""Demo of the evaluation: criteria and thresholds for Landkreis Meißen and the
Werra-Meißner-Kreis, and for the Werra-Meißner-Kreis a tiered list of projects in the spirit of
its Digitalisierungsplan (Premium+, Premium, weitere Projektideen), scored by two evaluators.

Idempotent: criteria by (district, title), measures by (district, title), scores by (measure,
criterion, evaluator), users by e-mail.
"""

from allauth.account.models import EmailAddress

from strategy_portal.demo import DEMO_PASSWORD, register
from strategy_portal.models import ActionField, District, Membership, Role, User

from . import evaluation_services
from .models import Criterion, Measure, Origin, Score, TierThresholds
from .services import measure_create

# (title, description, weight): the criteria named in the Werra-Meißner Digitalisierungsplan.
CRITERIA = [
    (
        "Zeitnahe Umsetzbarkeit",
        "Lässt sich die Maßnahme mit vorhandenen Mitteln und Partner*innen bald beginnen?",
        "3",
    ),
    (
        "Nutzer*innenorientierung",
        "Geht die Maßnahme von den Bedürfnissen der Bürger*innen und Unternehmen aus?",
        "2",
    ),
    (
        "Förderung digitaler Teilhabe",
        "Bringt die Maßnahme Menschen zur Digitalisierung, die bisher wenig teilhaben?",
        "2",
    ),
    ("Nachhaltigkeit", "Wirkt die Maßnahme dauerhaft, ökologisch und wirtschaftlich?", "1"),
]
THRESHOLDS = ("4.00", "3.00")  # Premium+ from, Premium from

WMK = "werra-meissner-kreis"
EVALUATORS = [
    (
        "wirtschaftsfoerderung@werra-meissner.example",
        "Werra-Meißner Wirtschaftsförderung",
        Role.ADMIN,
        "Wirtschaftsförderung Werra-Meißner",
    ),
    (
        "beratung@werra-meissner.example",
        "Begleitende Beratung",
        Role.FACILITATOR,
        "Externes Beratungsunternehmen",
    ),
]

MOBILITY = "Mobilität und On-Demand-Verkehr"
HEALTH = "Gesundheitsversorgung und Telemedizin"
ECONOMY = "Wirtschaft und Innovation"
PARTICIPATION = "Digitale Teilhabe und Bildung"

# (title, description, action field, origin, scores of the first and of the second evaluator
# in the order of CRITERIA, a comment of the first evaluator). The weighted means put three
# projects into Premium+, five into Premium and six into the further ideas.
PROJECTS = [
    (
        "Werra-Meißner-Lab",
        "Die „Heimat der Digitalisierungsstrategie“: ein Ort mit stationären und mobilen Räumen, "
        "an dem alle Alters- und Anwendergruppen Digitalisierung erleben und erlernen und ihre "
        "Ideen einbringen.",
        PARTICIPATION,
        Origin.EXPERT_INTERVIEW,
        (5, 5, 5, 4),
        (4, 5, 5, 4),
        "Räume und Träger stehen bereit; Kern der Dachmarke.",
    ),
    (
        "On-Demand-Bus im ländlichen Raum",
        "Ein per App und Telefon bestellbarer Bus ergänzt den Linienverkehr dort, wo er selten "
        "fährt.",
        MOBILITY,
        Origin.SURVEY,
        (4, 5, 4, 5),
        (4, 4, 5, 4),
        "Pilotgebiet und Verkehrsunternehmen sind gefunden.",
    ),
    (
        "Telemedizin-Netzwerk der Hausarztpraxen",
        "Videosprechstunden und Telekonsile verbinden Hausarztpraxen, Pflegedienste und das "
        "Klinikum.",
        HEALTH,
        Origin.EXPERT_INTERVIEW,
        (4, 5, 4, 4),
        (3, 5, 4, 4),
        "Ansätze bestehen bereits; Förderung beantragen.",
    ),
    (
        "Fördermittel-Lotse für Unternehmen",
        "Eine Ansprechperson der Wirtschaftsförderung berät zu Programmen der "
        "Digitalisierungsförderung.",
        ECONOMY,
        Origin.SURVEY,
        (4, 4, 3, 3),
        (4, 3, 3, 3),
        "",
    ),
    (
        "Coworking-Spaces in den Mittelzentren",
        "Arbeitsplätze mit schnellem Internet in Eschwege, Witzenhausen und Hessisch Lichtenau.",
        ECONOMY,
        Origin.SURVEY,
        (3, 4, 3, 5),
        (3, 4, 4, 4),
        "",
    ),
    (
        "Digitalisierungs-Check für kleine Betriebe",
        "Ein halbtägiger Check zeigt Handwerks- und Handelsbetrieben ihre nächsten Schritte.",
        ECONOMY,
        Origin.EXPERT_INTERVIEW,
        (4, 3, 3, 3),
        (4, 4, 2, 3),
        "",
    ),
    (
        "Dachmarke „Werra-meissner.DIGITAL“",
        "Eine gemeinsame Marke bündelt die Projekte des Digitalisierungsplans und macht sie "
        "sichtbar.",
        PARTICIPATION,
        Origin.EXPERT_INTERVIEW,
        (5, 3, 3, 2),
        (4, 3, 3, 3),
        "",
    ),
    (
        "Ausbildungsplattform für Schüler*innen und Betriebe",
        "Betriebe der Region stellen Praktika und Ausbildungsplätze vor; Schüler*innen "
        "bewerben sich direkt.",
        PARTICIPATION,
        Origin.SURVEY,
        (3, 4, 3, 3),
        (3, 3, 3, 4),
        "",
    ),
    (
        "Sensorik für Parkplätze und Pegel",
        "Sensoren melden freie Parkplätze und Pegelstände der Werra als offene Daten.",
        MOBILITY,
        Origin.EXPERT_INTERVIEW,
        (2, 2, 1, 4),
        (2, 3, 2, 4),
        "Technisch reizvoll, Nutzen für Bürger*innen noch unklar.",
    ),
    (
        "Regionaler Online-Marktplatz",
        "Händler*innen und Direktvermarkter*innen der Region verkaufen gemeinsam online.",
        ECONOMY,
        Origin.SURVEY,
        (3, 3, 2, 3),
        (2, 3, 3, 2),
        "",
    ),
    (
        "Freies WLAN in den Dorfgemeinschaftshäusern",
        "Öffentliches WLAN in Dorfgemeinschaftshäusern als Treffpunkt für digitale Angebote.",
        PARTICIPATION,
        Origin.SURVEY,
        (2, 4, 4, 2),
        (2, 3, 3, 2),
        "",
    ),
    (
        "Digitale Ehrenamtsbörse",
        "Vereine und Initiativen suchen Helfer*innen über eine gemeinsame Plattform.",
        PARTICIPATION,
        Origin.SURVEY,
        (3, 3, 2, 2),
        (3, 2, 2, 2),
        "",
    ),
    (
        "Tablet-Kurse für Senior*innen",
        "Ehrenamtliche zeigen älteren Menschen in kleinen Gruppen, wie Tablets und "
        "Videotelefonie gehen.",
        PARTICIPATION,
        Origin.SURVEY,
        (3, 3, 3, 1),
        (2, 3, 4, 1),
        "",
    ),
    (
        "Drohnenlieferung von Medikamenten",
        "Apotheken liefern eilige Medikamente per Drohne in abgelegene Ortsteile.",
        HEALTH,
        Origin.EXPERT_INTERVIEW,
        (1, 2, 1, 2),
        (1, 1, 2, 3),
        "Rechtlich und technisch derzeit nicht umsetzbar.",
    ),
]


def _criteria(district: District, created: dict) -> list[Criterion]:
    criteria = []
    for position, (title, description, weight) in enumerate(CRITERIA):
        criterion, was_created = Criterion.objects.get_or_create(
            district=district,
            title=title,
            defaults={"description": description, "weight": weight, "position": position},
        )
        created["criteria"] += was_created
        criteria.append(criterion)
    _thresholds, was_created = TierThresholds.objects.get_or_create(
        district=district,
        defaults={"premium_plus_min": THRESHOLDS[0], "premium_min": THRESHOLDS[1]},
    )
    created["tier_thresholds"] += was_created
    return criteria


def _evaluators(district: District, created: dict) -> list[User]:
    users = []
    for email, name, role, organisation in EVALUATORS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD)
            user.display_name = name
            user.save()
            created["users"] += 1
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        _membership, was_created = Membership.objects.get_or_create(
            user=user, district=district, defaults={"role": role, "organisation": organisation}
        )
        created["memberships"] += was_created
        users.append(user)
    return users


@register
def load_evaluation() -> dict[str, int]:
    created = dict.fromkeys(
        ("criteria", "tier_thresholds", "users", "memberships", "measures", "scores"), 0
    )
    for slug in ("landkreis-meissen", WMK):
        district = District.objects.filter(slug=slug).first()
        if district is None:
            continue
        criteria = _criteria(district, created)
        if slug != WMK:
            continue
        evaluators = _evaluators(district, created)
        fields = {f.title: f for f in ActionField.objects.for_district(district)}
        for title, description, field, origin, first, second, comment in PROJECTS:
            measure = Measure.objects.filter(district=district, title=title).first()
            if measure is None:
                measure = measure_create(
                    district=district,
                    title=title,
                    description=description,
                    action_field=fields.get(field),
                    origin=origin,
                    recorded_by=evaluators[0],
                    on_behalf_of="Digitalisierungsplan Werra-Meißner-Kreis",
                )
                created["measures"] += 1
            for evaluator, values in zip(evaluators, (first, second), strict=True):
                for index, (criterion, value) in enumerate(zip(criteria, values, strict=True)):
                    _score, was_created = Score.objects.get_or_create(
                        measure=measure,
                        criterion=criterion,
                        evaluator=evaluator,
                        defaults={
                            "value": value,
                            "comment": comment if index == 0 and evaluator == evaluators[0] else "",
                        },
                    )
                    created["scores"] += was_created
        evaluation_services.evaluation_recount(district=district)
    return created
