"""Demo content of the measures app: the workshop measures of the Meißen missions and the tiered
projects of the Werra-Meißner-Kreis with their Steckbriefe (in the spirit of the seeds).

Idempotent: measures are found by title within their district; a Steckbrief that exists is left
as it is."""

from datetime import date

from strategy_portal.demo import register
from strategy_portal.models import ActionField, District, Mission, User

from . import services
from .models import Measure, Origin, Steckbrief, Tier

SITE_ADMIN = "admin@strategieportal.example"

# (district, action field, mission, title, description, added value, feasibility, tier)
MEASURES = [
    (
        "landkreis-meissen",
        "Neue Arbeitsformen / Arbeit 4.0",
        "Coworking etablieren",
        "Coworking im Landkreis weiter voranbringen",
        "Eine Testphase mit einem Popup-Coworking-Space über etwa drei Monate, begleitet von "
        "Marketing und in Kooperation mit Hochschulen.",
        "Bekanntmachung dieser Arbeitsform; Attraktivität steigern.",
        "Testphase mit Popup, Zeitraum ca. 3 Monate; Marketing zwingend notwendig.",
        Tier.PREMIUM_PLUS,
    ),
    (
        "landkreis-meissen",
        "Kompetenzaufbau in der Erwerbsbevölkerung",
        "Kompetenzaufbau",
        "Wissenstransfer zwischen Generationen",
        "Praktische Ausbildung in der Schule und unternehmensinterner Wissenstransfer von alt "
        "zu jung, etwa mit kommentierten Video-Tutorials in einem Wiki.",
        "Wissen bewahren, Aufwand für den Wiedereinstieg reduzieren, Berufsorientierung.",
        "Sofort umsetzbar; immerwährende Organisation.",
        Tier.PREMIUM,
    ),
    (
        "landkreis-meissen",
        "Attraktivität für Tourismus und Bevölkerung",
        "Tourismus digitalisieren",
        "Tourismusportal für Gäste und Anbieter",
        "Ein Portal, das alle touristischen Angebote des Landkreises bündelt.",
        "Alle Angebote auf einen Blick.",
        "Technisch machbar, finanziell zu klären.",
        Tier.PREMIUM,
    ),
    (
        "landkreis-meissen",
        "Innovationsförderung bei Unternehmen",
        "Innovationsförderung",
        "Kreis-IT-Schule",
        "Nach dem Vorbild der Musikschule bildet eine Kreis-IT-Schule ergänzend zum regulären "
        "Bildungsangebot Fachkräfte für Verwaltung und Wirtschaft aus.",
        "Fachkräfte und digitale Bildung.",
        "Bis 2030; Finanzierung über Unternehmensbeiträge, Landkreis und Teilnehmende.",
        Tier.FURTHER,
    ),
    (
        "werra-meissner-kreis",
        "Digitale Teilhabe und Bildung",
        "Werra-Meißner-Lab aufbauen",
        "Werra-Meißner-Lab",
        "Die „Heimat der Digitalisierungsstrategie“: zentrale Anlaufstelle mit virtuellem "
        "Angebot, stationären und mobilen Räumen, in denen alle die Digitalisierung erleben und "
        "erlernen.",
        "Koordination der Strategie; Ideen der Bevölkerung fließen direkt ein.",
        "Räume und Personal der Wirtschaftsförderung; Förderung beantragt.",
        Tier.PREMIUM_PLUS,
    ),
    (
        "werra-meissner-kreis",
        "Mobilität und On-Demand-Verkehr",
        "Mobilität auf Abruf",
        "On-Demand-Bus im ländlichen Raum",
        "Ein Rufbus, der per App oder Telefon bestellt wird und Orte ohne regelmäßigen "
        "Linienverkehr anbindet.",
        "Mobilität ohne eigenes Auto, auch am Abend.",
        "Pilot in zwei Gemeinden, danach kreisweit.",
        Tier.PREMIUM_PLUS,
    ),
    (
        "werra-meissner-kreis",
        "Gesundheitsversorgung und Telemedizin",
        "Telemedizin ausbauen",
        "Telemedizin in Hausarztpraxen",
        "Videosprechstunden und Telekonsile zwischen Hausarztpraxen und Fachärzt*innen.",
        "Kürzere Wege zur ärztlichen Versorgung.",
        "Mit der Kassenärztlichen Vereinigung abzustimmen.",
        Tier.PREMIUM,
    ),
    (
        "werra-meissner-kreis",
        "Wirtschaft und Innovation",
        "Innovationen vorantreiben",
        "Digitalsprechstunde für kleine Unternehmen",
        "Monatliche Sprechstunde der Wirtschaftsförderung zu Fördermitteln und Digitalisierung.",
        "Unternehmen finden schneller passende Förderprogramme.",
        "Sofort umsetzbar mit vorhandenem Personal.",
        Tier.FURTHER,
    ),
]

# title → (Steckbrief fields, milestones as (title, due, done on or None))
STECKBRIEFE = {
    "Werra-Meißner-Lab": (
        {
            "responsible_body": "Werra-Meißner Wirtschaftsförderung",
            "partners": "- Volkshochschule Werra-Meißner\n- Schulen und Vereine im Kreis",
            "budget_estimate": "ca. 180.000 € für drei Jahre",
            "funding_programme": "Starke Heimat Hessen",
            "start": date(2022, 3, 1),
            "end": date(2024, 12, 31),
            "indicators": "- Besucher*innen pro Monat\n- Veranstaltungen pro Quartal",
        },
        [
            ("Räume angemietet und ausgestattet", date(2022, 9, 30), date(2022, 9, 15)),
            ("Mobiles Lab im Einsatz", date(2023, 6, 30), date(2023, 5, 20)),
            ("Eröffnung des Werra-Meißner-Labs", date(2023, 10, 1), date(2023, 10, 2)),
        ],
    ),
    "On-Demand-Bus im ländlichen Raum": (
        {
            "responsible_body": "Nahverkehr Werra-Meißner",
            "partners": "- Gemeinden Herleshausen und Wehretal\n- Nordhessischer Verkehrsverbund",
            "budget_estimate": "ca. 450.000 € p. a.",
            "funding_programme": "Förderprogramm Mobilität im ländlichen Raum",
            "start": date(2023, 1, 1),
            "end": date(2026, 12, 31),
            "indicators": "Fahrgäste pro Woche; Anteil der Fahrten am Abend",
        },
        [
            ("Ausschreibung der Software", date(2023, 6, 30), date(2023, 7, 10)),
            ("Pilotbetrieb in zwei Gemeinden", date(2024, 4, 1), date(2024, 4, 2)),
            ("Kreisweiter Betrieb", date(2027, 1, 1), None),
        ],
    ),
}


@register
def load_measures_of_the_strategy() -> dict[str, int]:
    """Measures assigned to the demo missions, with tiers, and two Steckbriefe."""
    created = {"measures": 0, "steckbriefe": 0}
    admin = User.objects.filter(email=SITE_ADMIN).first()
    for slug, field_title, mission_title, title, description, value, feasibility, tier in MEASURES:
        district = District.objects.filter(slug=slug).first()
        field = ActionField.objects.filter(district__slug=slug, title=field_title).first()
        if district is None or field is None:
            continue
        mission = Mission.objects.filter(action_field=field, title=mission_title).first()
        measure = Measure.objects.for_district(district).filter(title=title).first()
        if measure is None:
            measure = services.measure_create(
                district=district,
                title=title,
                description=description,
                added_value=value,
                feasibility=feasibility,
                action_field=field,
                origin=Origin.WORKSHOP if slug == "landkreis-meissen" else Origin.EXPERT_INTERVIEW,
                on_behalf_of="Gruppenarbeit im Workshop" if slug == "landkreis-meissen" else "",
            )
            created["measures"] += 1
        changes = {}
        if measure.mission_id is None and mission is not None:
            changes["mission"] = mission
        if not measure.tier:
            changes["tier"] = tier
        if changes:
            Measure.objects.filter(pk=measure.pk).update(**changes)
        steckbrief = STECKBRIEFE.get(title)
        if steckbrief and admin and not Steckbrief.objects.filter(measure=measure).exists():
            fields, milestones = steckbrief
            services.steckbrief_save(
                measure=measure,
                user=admin,
                fields=fields,
                milestones=[
                    {"title": t, "due_date": due, "is_done": done is not None, "done_on": done}
                    for t, due, done in milestones
                ],
            )
            created["steckbriefe"] += 1
    return created


# The other parts of the measures demo register their own loaders.
from . import evaluation_demo, participation_demo  # noqa: E402, F401
