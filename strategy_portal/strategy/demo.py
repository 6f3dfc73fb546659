"""The roof's demo: it turns the measures the apps' demos created into the strategy of Landkreis
Meißen and the Digitalisierungsplan of the Werra-Meißner-Kreis.

It runs after every app's loader (`strategy_portal.demo.loaders`): the thirteen measures of the
Meißen expert workshop come from the workshop demo, the projects of the Werra-Meißner-Kreis from
the evaluation demo. Here they are found by title, never created a second time, and given their
mission, their scores and tiers (one tier set by hand with a reason) and, for the leading ones, a
Steckbrief. The action fields get their description and colour.

Idempotent: a measure keeps a mission, a tier set by hand or a Steckbrief it already has; scores
are found by (measure, criterion, evaluator); descriptions and colours are only filled in where
they are empty.
"""

from datetime import date, timedelta

from django.utils import timezone

from measures import evaluation_services
from measures import services as measure_services
from measures.models import Criterion, Measure, Score, Status, Steckbrief, Tier
from strategy_portal import services
from strategy_portal.demo import register
from strategy_portal.models import ActionField, District, Mission, User

MEISSEN = "landkreis-meissen"
WMK = "werra-meissner-kreis"
SITE_ADMIN = "admin@strategieportal.example"
WMK_ADMIN = "wirtschaftsfoerderung@werra-meissner.example"

# district → action field → (description, colour: dark enough for white text)
ACTION_FIELDS = {
    MEISSEN: {
        "Neue Arbeitsformen / Arbeit 4.0": (
            "Coworking, Homeoffice und neue Formen der Zusammenarbeit machen das Arbeiten im "
            "ländlichen Raum attraktiv: Wer hier lebt, soll hier arbeiten können.",
            "#1b4f8a",
        ),
        "Attraktivität für Tourismus und Bevölkerung": (
            "Die touristischen Angebote und Einrichtungen des Landkreises werden digital "
            "vernetzt – für Gäste und für die Menschen, die hier wohnen.",
            "#2f5d34",
        ),
        "Kompetenzaufbau in der Erwerbsbevölkerung": (
            "Wissen wird zwischen den Generationen weitergegeben und in den Betrieben gesichert; "
            "lebenslanges Lernen wird selbstverständlich.",
            "#5a3d8a",
        ),
        "Innovationsförderung bei Unternehmen": (
            "Eine Kreis-IT-Schule, eine Stabsstelle „Smart Region“ und offene Daten geben den "
            "Unternehmen der Region Impulse für Innovation.",
            "#8a1b2e",
        ),
        "Daten als Grundlage": (
            "Daten sind die Grundlage für gute Entscheidungen und neue digitale Dienste in allen "
            "Handlungsfeldern – vom Tourismusportal bis zur Offene-Daten-Plattform.",
            "#005a70",
        ),
    },
    WMK: {
        "Mobilität und On-Demand-Verkehr": (
            "Neue Mobilitätsdienste wie ein On-Demand-Bus ergänzen Bus und Bahn dort, wo sie "
            "selten fahren.",
            "#2f5d34",
        ),
        "Gesundheitsversorgung und Telemedizin": (
            "Mit der Telemedizin gibt es bereits Ansätze, die den Zugang zu ärztlicher "
            "Versorgung auf dem Land vereinfachen; sie werden ausgebaut.",
            "#8a1b2e",
        ),
        "Wirtschaft und Innovation": (
            "Der Wandel der Arbeitswelt stellt Unternehmen vor große Aufgaben. Beratung zu "
            "Förderprogrammen und Angebote vor Ort helfen, Innovationen voranzutreiben.",
            "#1b4f8a",
        ),
        "Digitale Teilhabe und Bildung": (
            "Alle Personen-, Alters- und Anwendergruppen im Landkreis sollen die Digitalisierung "
            "live vor Ort und online erleben und erlernen können.",
            "#5a3d8a",
        ),
    },
}

# Landkreis Meißen: the workshop's measures (by title) → mission (TOP 7 assigned every measure to
# a mission of its action field) and the scores of the district's two evaluators per criterion
# (Zeitnahe Umsetzbarkeit, Nutzer*innenorientierung, Förderung digitaler Teilhabe,
# Nachhaltigkeit; weights 3, 2, 2, 1). Each group's priority 1 reaches Premium+.
MEISSEN_MEASURES = {
    "Coworking im Landkreis weiter voranbringen": (
        "Coworking etablieren",
        (5, 5, 4, 4),
        (4, 5, 4, 5),
    ),
    "Plattform für den Austausch zu digitalen Themen": (
        "Coworking etablieren",
        (3, 4, 4, 3),
        (3, 3, 4, 3),
    ),
    "Automatisierung: Beratung von Unternehmen": (
        "Coworking etablieren",
        (3, 2, 2, 3),
        (2, 3, 2, 3),
    ),
    "Homeoffice in Landratsamt und Rathäusern": (
        "Coworking etablieren",
        (4, 3, 2, 5),
        (4, 3, 3, 4),
    ),
    "Tourismusportal für Gäste und Anbieter": (
        "Tourismus digitalisieren",
        (4, 5, 4, 4),
        (4, 4, 4, 4),
    ),
    "Digitale Gästekarte": ("Tourismus digitalisieren", (3, 4, 3, 3), (3, 4, 3, 3)),
    "Strategieworkshop Markenbildung": ("Tourismus digitalisieren", (4, 2, 1, 3), (3, 2, 2, 3)),
    "Wissenstransfer zwischen Alt und Jung": ("Kompetenzaufbau", (5, 4, 4, 5), (4, 4, 5, 4)),
    "Lebenslanges Lernen": ("Kompetenzaufbau", (3, 4, 4, 4), (3, 3, 4, 4)),
    "ÖPNV digitalisieren": ("Kompetenzaufbau", (2, 4, 3, 4), (2, 3, 2, 4)),
    "Kreis-IT-Schule": ("Innovationsförderung", (4, 4, 4, 5), (4, 5, 4, 4)),
    "Stabsstelle Smart Region": ("Innovationsförderung", (4, 3, 2, 3), (3, 3, 3, 3)),
    "Offene-Daten-Plattform": ("Innovationsförderung", (2, 3, 3, 4), (2, 3, 2, 4)),
    # The online proposal the team already prioritised (participation demo) is scored as well.
    "Coworking auf Probe im Dorfgemeinschaftshaus": (
        "Coworking etablieren",
        (4, 4, 3, 3),
        (3, 4, 3, 4),
    ),
}
MEISSEN_EVALUATORS = (
    "kreisverwaltung@landkreis-meissen.example",
    "moderation@landkreis-meissen.example",
)
# A district admin overrides one tier, with the reason the workspace records.
MEISSEN_OVERRIDE = (
    "Offene-Daten-Plattform",
    Tier.PREMIUM,
    "Querschnittsthema „Daten als Grundlage“: Offene Daten sind die Voraussetzung für das "
    "Tourismusportal und die Stabsstelle Smart Region. Deshalb Premium, obwohl die zeitnahe "
    "Umsetzbarkeit gering bewertet wurde.",
)
# Online proposals of the participation demo that fit a mission.
MEISSEN_PROPOSALS = {
    "Beratung zur Automatisierung für kleine Betriebe": "Innovationsförderung",
    "Jung hilft Alt, Alt hilft Jung": "Kompetenzaufbau",
}

# Werra-Meißner-Kreis: the projects of the Digitalisierungsplan (evaluation demo) → mission.
WMK_MEASURES = {
    "Werra-Meißner-Lab": "Werra-Meißner-Lab aufbauen",
    "Dachmarke „Werra-meissner.DIGITAL“": "Werra-Meißner-Lab aufbauen",
    "On-Demand-Bus im ländlichen Raum": "Mobilität auf Abruf",
    "Sensorik für Parkplätze und Pegel": "Daten für eine smarte Region",
    "Telemedizin-Netzwerk der Hausarztpraxen": "Telemedizin ausbauen",
    "Drohnenlieferung von Medikamenten": "Telemedizin ausbauen",
    "Fördermittel-Lotse für Unternehmen": "Innovationen vorantreiben",
    "Digitalisierungs-Check für kleine Betriebe": "Innovationen vorantreiben",
    "Coworking-Spaces in den Mittelzentren": "Regionale Wirtschaft vernetzen",
    "Regionaler Online-Marktplatz": "Regionale Wirtschaft vernetzen",
    "Ausbildungsplattform für Schüler*innen und Betriebe": "Digitale Teilhabe für alle",
    "Freies WLAN in den Dorfgemeinschaftshäusern": "Digitale Teilhabe für alle",
    "Digitale Ehrenamtsbörse": "Digitale Teilhabe für alle",
    "Tablet-Kurse für Senior*innen": "Digitale Teilhabe für alle",
}


def _days(offset: int) -> date:
    """A date relative to the day the demo is loaded: Meißen's timeline moves with it."""
    return timezone.localdate() + timedelta(days=offset)


def _steckbriefe() -> dict[tuple[str, str], tuple[dict, list]]:
    """(district, measure title) → (Steckbrief fields, milestones as (title, due, done on or
    None)). Meißen's dates lie after its adoption phase (day 151–210 of the demo timeline)."""
    return {
        (MEISSEN, "Coworking im Landkreis weiter voranbringen"): (
            {
                "responsible_body": "Wirtschaftsförderung Region Meißen (WRM)",
                "partners": (
                    "- interessierte kreisangehörige Gemeinden\n"
                    "- Hochschulen der Region (Begleitung und Auswertung)\n"
                    "- Coworking-Anbieter*innen im Landkreis"
                ),
                "budget_estimate": "wird im Einklang mit der Coworking-Studie ermittelt",
                "funding_programme": "abhängig von zukünftigen Fördermöglichkeiten",
                "start": _days(220),
                "end": _days(340),
                "indicators": (
                    "- Nutzer*innen des Pop-up-Coworkings pro Woche\n"
                    "- Anteil der Pendler*innen unter den Nutzenden\n"
                    "- Gemeinden, die ein dauerhaftes Angebot planen"
                ),
            },
            [
                ("Partnergemeinde und Räume für das Pop-up gefunden", _days(230), None),
                ("Marketing gestartet (Amtsblatt, Presse, soziale Medien)", _days(240), None),
                ("Pop-up-Coworking für etwa drei Monate geöffnet", _days(250), None),
                ("Auswertung mit der Hochschule vorgestellt", _days(340), None),
            ],
        ),
        (MEISSEN, "Wissenstransfer zwischen Alt und Jung"): (
            {
                "responsible_body": "Wirtschaftsförderung Region Meißen (WRM)",
                "partners": (
                    "- Unternehmen und Institutionen im Landkreis\n"
                    "- Oberschulen und Berufsschulzentren (Berufsorientierung)"
                ),
                "budget_estimate": "gering: Technik für Video-Tutorials und ein Wiki",
                "funding_programme": "",
                "start": _days(215),
                "end": None,
                "indicators": (
                    "- Betriebe, die die Infrastruktur nutzen\n"
                    "- Video-Tutorials im Wiki\n"
                    "- Schüler*innen in Praxisprojekten"
                ),
            },
            [
                ("Infrastruktur für Video-Tutorials und Wiki bereitgestellt", _days(260), None),
                ("Erste fünf Betriebe sichern ihr Wissen", _days(330), None),
                ("Praxisprojekte mit zwei Schulen", _days(400), None),
            ],
        ),
        (MEISSEN, "Kreis-IT-Schule"): (
            {
                "responsible_body": "Landratsamt Meißen",
                "partners": (
                    "- Unternehmen der Region (Lehrkräfte und Beiträge)\n"
                    "- Musikschule des Landkreises als Vorbild für die Organisation"
                ),
                "budget_estimate": "offen; sozialverträgliche Beiträge der Lernenden",
                "funding_programme": "Beiträge von Unternehmen, Landkreis und Lernenden",
                "start": _days(365),
                "end": date(2030, 12, 31),
                "indicators": "- Lernende pro Jahrgang\n- Abschlüsse, die Betriebe übernehmen",
            },
            [
                ("Konzept nach dem Vorbild der Musikschule", _days(300), None),
                ("Träger und Finanzierung geklärt", _days(420), None),
                ("Erster Jahrgang beginnt", _days(600), None),
            ],
        ),
        (WMK, "Werra-Meißner-Lab"): (
            {
                "responsible_body": "Werra-Meißner Wirtschaftsförderung",
                "partners": (
                    "- Arbeitsgruppen des Digitalisierungsplans\n"
                    "- Schulen, Vereine und Bildungsträger*innen im Kreis"
                ),
                "budget_estimate": "ca. 180.000 € für drei Jahre",
                "funding_programme": "Starke Heimat Hessen",
                "start": date(2022, 3, 1),
                "end": date(2024, 12, 31),
                "indicators": (
                    "- Besucher*innen pro Monat, vor Ort und online\n"
                    "- Veranstaltungen pro Quartal\n"
                    "- Ideen aus der Bevölkerung, die in die Strategie einfließen"
                ),
            },
            [
                ("Räume angemietet und ausgestattet", date(2022, 9, 30), date(2022, 9, 15)),
                ("Mobiles Lab im Einsatz", date(2023, 6, 30), date(2023, 5, 20)),
                ("Eröffnung des Werra-Meißner-Labs", date(2023, 10, 1), date(2023, 10, 2)),
            ],
        ),
        (WMK, "Dachmarke „Werra-meissner.DIGITAL“"): (
            {
                "responsible_body": "Werra-Meißner Wirtschaftsförderung",
                "partners": "- Projektträger*innen des Digitalisierungsplans",
                "budget_estimate": "ca. 15.000 € (Gestaltung und Website)",
                "funding_programme": "",
                "start": date(2022, 1, 15),
                "end": date(2022, 12, 31),
                "indicators": "- Projekte unter der Dachmarke\n- Besuche der Website",
            },
            [
                ("Marke und Gestaltung beschlossen", date(2022, 4, 30), date(2022, 4, 12)),
                ("Erste Projekte unter der Dachmarke", date(2022, 10, 1), date(2022, 9, 28)),
            ],
        ),
        (WMK, "On-Demand-Bus im ländlichen Raum"): (
            {
                "responsible_body": "Nahverkehr Werra-Meißner",
                "partners": (
                    "- Gemeinden Herleshausen und Wehretal\n- Nordhessischer Verkehrsverbund"
                ),
                "budget_estimate": "ca. 450.000 € p. a.",
                "funding_programme": "Förderprogramm Mobilität im ländlichen Raum",
                "start": date(2023, 1, 1),
                "end": date(2026, 12, 31),
                "indicators": "- Fahrgäste pro Woche\n- Anteil der Fahrten am Abend",
            },
            [
                ("Ausschreibung der Software", date(2023, 6, 30), date(2023, 7, 10)),
                ("Pilotbetrieb in zwei Gemeinden", date(2024, 4, 1), date(2024, 4, 2)),
                ("Kreisweiter Betrieb", date(2027, 1, 1), None),
            ],
        ),
        (WMK, "Telemedizin-Netzwerk der Hausarztpraxen"): (
            {
                "responsible_body": "Werra-Meißner Wirtschaftsförderung mit dem Klinikum",
                "partners": (
                    "- Hausarztpraxen und Pflegedienste im Kreis\n"
                    "- Kassenärztliche Vereinigung Hessen"
                ),
                "budget_estimate": "ca. 90.000 € für Technik und Schulung",
                "funding_programme": "Förderung beantragt",
                "start": date(2023, 4, 1),
                "end": date(2025, 12, 31),
                "indicators": "- Praxen im Netzwerk\n- Videosprechstunden pro Monat",
            },
            [
                ("Fünf Pilotpraxen ausgestattet", date(2023, 12, 31), date(2023, 11, 30)),
                ("Telekonsile mit dem Klinikum", date(2024, 12, 31), None),
                ("Alle interessierten Praxen angebunden", date(2025, 12, 31), None),
            ],
        ),
        (WMK, "Fördermittel-Lotse für Unternehmen"): (
            {
                "responsible_body": "Werra-Meißner Wirtschaftsförderung",
                "partners": "- Industrie- und Handelskammer\n- Kreishandwerkerschaft",
                "budget_estimate": "eine halbe Personalstelle",
                "funding_programme": "",
                "start": date(2022, 2, 1),
                "end": date(2022, 6, 30),
                "indicators": "- Beratungen pro Monat\n- bewilligte Förderanträge",
            },
            [
                ("Ansprechperson benannt", date(2022, 2, 28), date(2022, 2, 15)),
                (
                    "Beratung über Förderprogramme online gestellt",
                    date(2022, 4, 30),
                    date(2022, 4, 20),
                ),
                ("Erste Sprechstunde für Unternehmen", date(2022, 6, 30), date(2022, 5, 10)),
            ],
        ),
    }


def _fill_action_fields(district: District, created: dict) -> None:
    for field in ActionField.objects.for_district(district):
        summary, colour = ACTION_FIELDS[district.slug].get(field.title, ("", ""))
        changes = {}
        if summary and not field.summary:
            changes["summary"] = summary
        if colour and not field.colour:
            changes["colour"] = colour
        if changes:
            services.action_field_save(district=district, action_field=field, **changes)
            created["action fields described"] += 1


def _assign(district: District, assignments: dict[str, str], created: dict) -> dict[str, Measure]:
    """Give each measure (by title) its mission unless it has one; the measures found."""
    missions = {m.title: m for m in Mission.objects.for_district(district)}
    found = {}
    for measure in Measure.objects.for_district(district).filter(title__in=assignments):
        found[measure.title] = measure
        mission = missions.get(assignments[measure.title])
        fits = mission is not None and measure.action_field_id in (None, mission.action_field_id)
        if measure.mission_id is None and fits:
            # A measure without an action field takes the mission's.
            Measure.objects.filter(pk=measure.pk).update(
                mission=mission, action_field=measure.action_field or mission.action_field
            )
            created["missions assigned"] += 1
    return found


def _score_meissen(district: District, measures: dict[str, Measure], created: dict) -> None:
    criteria = list(Criterion.objects.for_district(district))
    evaluators = list(User.objects.filter(email__in=MEISSEN_EVALUATORS).order_by("email"))
    if len(criteria) != 4 or len(evaluators) != 2:
        return
    # order_by("email") puts the administration first, then the moderation.
    for title, (_mission, first, second) in MEISSEN_MEASURES.items():
        measure = measures.get(title)
        if measure is None:
            continue
        for evaluator, values in zip(evaluators, (first, second), strict=True):
            for criterion, value in zip(criteria, values, strict=True):
                _score, was_created = Score.objects.get_or_create(
                    measure=measure,
                    criterion=criterion,
                    evaluator=evaluator,
                    defaults={"value": value},
                )
                created["scores"] += was_created
    evaluation_services.evaluation_recount(district=district)
    title, tier, reason = MEISSEN_OVERRIDE
    measure = Measure.objects.for_district(district).filter(title=title).first()
    if measure is not None and not measure.tier_overridden:
        evaluation_services.tier_override(
            measure=measure, user=evaluators[0], tier=tier, reason=reason
        )
        created["tiers set by hand"] += 1


def _add_steckbriefe(created: dict) -> None:
    admin = User.objects.filter(email=SITE_ADMIN).first()
    if admin is None:
        return
    for (slug, title), (fields, milestones) in _steckbriefe().items():
        measure = Measure.objects.filter(district__slug=slug, title=title).first()
        if measure is None or Steckbrief.objects.filter(measure=measure).exists():
            continue
        measure_services.steckbrief_save(
            measure=measure,
            user=admin,
            fields=fields,
            milestones=[
                {"title": t, "due_date": due, "is_done": done is not None, "done_on": done}
                for t, due, done in milestones
            ],
        )
        created["steckbriefe"] += 1


def _prioritise_wmk(district: District, created: dict) -> None:
    """The Digitalisierungsplan is adopted: its Premium+ and Premium projects are prioritised."""
    admin = User.objects.filter(email=WMK_ADMIN).first()
    if admin is None:
        return
    tiers = {Tier.PREMIUM_PLUS: "Premium+", Tier.PREMIUM: "Premium"}
    proposed = Measure.objects.for_district(district).filter(
        status=Status.PROPOSED, tier__in=list(tiers)
    )
    for measure in proposed:
        measure_services.status_change(
            measure=measure,
            user=admin,
            status=Status.PRIORITISED,
            reason=(
                f"Im Digitalisierungsplan als {tiers[measure.tier]}-Projekt eingeordnet, bewertet "
                "nach zeitnaher Umsetzbarkeit, Nutzer*innenorientierung, Förderung digitaler "
                "Teilhabe und Nachhaltigkeit."
            ),
        )
        created["prioritised"] += 1


@register
def load_strategy_measures() -> dict[str, int]:
    """Missions, tiers and Steckbriefe for the measures the apps' demos created."""
    created = dict.fromkeys(
        ("action fields described", "missions assigned", "scores", "tiers set by hand"), 0
    )
    created["steckbriefe"] = created["prioritised"] = 0
    meissen = District.objects.filter(slug=MEISSEN).first()
    if meissen is not None:
        _fill_action_fields(meissen, created)
        assignments = {title: mission for title, (mission, *_s) in MEISSEN_MEASURES.items()}
        measures = _assign(meissen, {**assignments, **MEISSEN_PROPOSALS}, created)
        _score_meissen(meissen, measures, created)
    wmk = District.objects.filter(slug=WMK).first()
    if wmk is not None:
        _fill_action_fields(wmk, created)
        _assign(wmk, WMK_MEASURES, created)
    _add_steckbriefe(created)
    if wmk is not None:
        _prioritise_wmk(wmk, created)
    return created
