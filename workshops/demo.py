"""Demo workshops from the seed documents, in the project's own words: the Meißen expert workshop
(Großenhain, 13 June 2023) with its agenda, groups and thirteen measures, the Wetterau workshop
(Bad Salzhausen), the Mittweida Digital-Gipfel and the Hannover regional workshop (online).

Idempotent: workshops are found by (district, slug), their parts are only added to an empty
workshop, measures by the group's row key.
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction

from measures.models import Origin
from measures.services import measure_create
from strategy_portal.demo import _district_defaults, register
from strategy_portal.models import ActionField, District

from .models import (
    AgendaItem,
    Attachment,
    AttachmentKind,
    DocumentationSection,
    Figure,
    Format,
    GroupMeasure,
    Method,
    NextDate,
    Participant,
    Speaker,
    Workshop,
    WorkshopGroup,
    WorkshopStatus,
)

BERLIN = ZoneInfo("Europe/Berlin")


def _at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


FUNDING = "Gefördert durch den Bund aufgrund eines Beschlusses des Deutschen Bundestages."

MEISSEN_AGENDA = [
    ("TOP 1", "Begrüßung", ""),
    ("TOP 2", "Vorstellungsrunde", ""),
    ("TOP 3", "Impuls: Verstehen", "Grundlagen und gute Beispiele aus anderen Regionen"),
    ("TOP 4", "Gruppenarbeit 1 – Vision", "Zukunftsbilder für die Wirtschaft im Landkreis"),
    ("TOP 5", "Gruppenarbeit 2 – Konkretisierung", "Maßnahmenideen sammeln und ausarbeiten"),
    ("TOP 6", "Gruppenarbeit 3 – Vertiefung", "Eine priorisierte Idee per Solution Mapping"),
    ("TOP 7", "Abschluss", "Maßnahmen den Missionen zuordnen, weitere Missionen skizzieren"),
]

# (name, organisation, attended, consent)
MEISSEN_PARTICIPANTS = [
    ("Sascha Diemel", "Wirtschaftsförderung Region Meißen (WRM)", True, False),
    ("Tadej Kilank", "Wirtschaftsförderung Region Meißen (WRM)", True, False),
    ("Tobias Druve", "Wirtschaftsförderung Region Meißen (WRM)", True, False),
    ("Victoria Vincenc", "Landratsamt Meißen", True, False),
    ("Niklas Günther", "atene KOM", True, True),
    ("Claire Piqueret Rose", "atene KOM", False, False),
    ("Simon Melch", "atene KOM", True, True),
    ("Martin Guth", "atene KOM", False, False),
    ("Eva Schmitz", "DKSR", True, True),
    ("Verena Mutz", "DKSR", False, False),
]

MEISSEN_SECTIONS = [
    (
        "TOP 3",
        "Impuls: Verstehen",
        "Das Projektteam von atene KOM stellte den Stand des Vorhabens vor: das Team, das "
        "Umsetzungskonzept und den Zeitplan (Anlage 1). Im Mittelpunkt standen die Aufgaben "
        "einer **Wirtschaftsförderung 4.0**, Digitalisierung als Standortfaktor und Beispiele "
        "aus anderen Regionen. Der DKSR zeigte an weiteren Beispielen, wie zentral Daten für "
        "viele Anwendungen sind.\n\n"
        "Die WRM ergänzte mit einer Mindmap ihre Sicht auf die digitale Wirtschaftsförderung "
        "im Landkreis Meißen.",
    ),
    (
        "TOP 4",
        "Gruppenarbeit 1: Vision",
        "Vier Gruppen arbeiteten etwa 45 Minuten an einem Zukunftsbild. Es gibt dem "
        "Strategieprozess seinen Rahmen und erlaubt später, Maßnahmen gezielt auszuwählen "
        "und den Erfolg des Projekts zu prüfen.\n\n"
        "- **Vision** – Wie sieht die Wirtschaft im Landkreis im Jahr 2035 aus?\n"
        "- **Werte** – Welche Grundsätze sollen auf dem Weg dorthin gelten?\n"
        "- **Projektziele** – Was sollen die Maßnahmen der Digitalisierungsstrategie "
        "angesichts der aktuellen Herausforderungen erreichen?\n\n"
        "Zur Orientierung lag ein Auszug aus der Tabelle der bisher im Landkreis geplanten "
        "und umgesetzten Digitalisierungsmaßnahmen aus (Anlage 2).",
    ),
    (
        "TOP 5",
        "Gruppenarbeit 2: Konkretisierung",
        "Die Ideen entstanden im **Brainwriting**: Jede Person notierte in drei Minuten eine "
        "Maßnahmenidee zum Thema ihrer Gruppe und gab den Zettel im Uhrzeigersinn weiter; "
        "die Nächste entwickelte sie weiter oder schrieb eine neue dazu – fünf Runden lang.\n\n"
        "Anschließend wählte jede Gruppe die vielversprechendsten Ideen aus und beschrieb sie "
        "in einer Tabelle mit Priorität, Mehrwert (Ziele der Maßnahme) und Machbarkeit "
        "(Zeithorizont, Erfolgskriterien). Die Tabellen stehen unten bei den Gruppen.",
    ),
    (
        "TOP 6",
        "Gruppenarbeit 3: Vertiefung",
        "Jede Gruppe arbeitete eine priorisierte Idee per **Solution Mapping** zu einem "
        "Maßnahmenkonzept aus – abgeleitet aus den Herausforderungen, Trends und Bedarfen "
        "der Region und der Vision. Jede Maßnahme gehört zu einer Mission.\n\n"
        "**Mission „Coworking etablieren“** – Gruppe 1 schlägt vor, Coworking-Angebote "
        "gemeinsam mit interessierten Gemeinden zu erproben, abgestimmt auf die vorliegende "
        "Coworking-Studie und künftige Fördermöglichkeiten.\n\n"
        "**Mission „Kompetenzaufbau“** – Gruppe 2 regt eine Infrastruktur für den "
        "Wissenstransfer an, mit der Unternehmen und Einrichtungen ihr Fachwissen sichern, "
        "etwa in Videoanleitungen.\n\n"
        "**Mission „Tourismus digitalisieren“** – Gruppe 3 sieht großes Potenzial darin, "
        "die touristischen Angebote und Einrichtungen des Landkreises digital zu vernetzen.\n\n"
        "**Mission „Innovationsförderung“** – Gruppe 4 setzt auf eine Kreis-IT-Schule für "
        "mehr IT-Kompetenz in der Region, flankiert von einer Stabsstelle „Smart Region“.",
    ),
    (
        "TOP 7",
        "Abschluss",
        "Im Plenum wurden die Maßnahmen den Missionen zugeordnet, weitere Missionen skizziert "
        "und Lücken benannt. Zum Schluss verabredete die Runde die nächsten Schritte im "
        "Beteiligungs- und Strategieprozess.",
    ),
]

# group number → (topic, vision, values, goals, results, [(priority, title, description,
# added value, feasibility)])
MEISSEN_GROUPS = {
    1: (
        "Neue Arbeitsformen / Arbeit 4.0",
        "",
        "",
        "",
        "",
        [
            (
                1,
                "Coworking im Landkreis weiter voranbringen",
                "Coworking-Angebote im Landkreis ausbauen und bekannter machen.",
                "Diese Arbeitsform bekannter machen\nAttraktivität steigern",
                "Testphase mit einem Pop-up, etwa drei Monate\nMarketing zwingend nötig\n"
                "Kooperation mit Hochschulen",
            ),
            (
                2,
                "Plattform für den Austausch zu digitalen Themen",
                "Eine Plattform, auf der sich Unternehmen und Institutionen zu digitalen "
                "Themen austauschen.",
                "Unternehmensübergreifende Weiterbildung\nAustausch über den Landkreis hinaus",
                "Langfristige Entwicklung\nModeration durch Expert*innen",
            ),
            (
                3,
                "Automatisierung: Beratung von Unternehmen",
                "Unternehmen zur Automatisierung beraten.",
                "Kontakte vermitteln\nTeilen von Technik für kleine Unternehmen ermöglichen",
                "Fachlicher Input, vom Landkreis vermittelt\nLandkreis oder Förderprogramme "
                "finanzieren Software und Technik",
            ),
            (
                4,
                "Homeoffice in Landratsamt und Rathäusern",
                "Landratsamt und Rathäuser gehen beim Homeoffice mit gutem Beispiel voran.",
                "Kapazitäten schonen\nNachhaltig und umweltfreundlich",
                "Technische Ausstattung bereitstellen\nKollegialen Austausch erhalten",
            ),
        ],
    ),
    2: (
        "Attraktivität für Tourismus und Bevölkerung",
        "",
        "",
        "",
        "",
        [
            (
                1,
                "Tourismusportal für Gäste und Anbieter",
                "Ein gemeinsames Tourismusportal für Gäste und Anbieter.",
                "Alle Angebote auf einen Blick",
                "Technisch machbar, Finanzierung zu klären",
            ),
            (
                2,
                "Digitale Gästekarte",
                "Eine digitale Gästekarte für den Landkreis.",
                "Alle touristischen Angebote des Landkreises buchbar und nutzbar, mit Anreizsystem",
                "Technisch machbar, Finanzierung zu klären",
            ),
            (
                3,
                "Strategieworkshop Markenbildung",
                "Ein Strategieworkshop zur Marke des Landkreises.",
                "Image des Landkreises Meißen: Wohnen, Leben, Arbeiten, Tourismus",
                "In Arbeit",
            ),
        ],
    ),
    3: (
        "Kompetenzaufbau in der Erwerbsbevölkerung",
        "",
        "",
        "",
        "Für die Maßnahme mit Priorität 1 lassen sich Strategien, Abläufe und Werkzeuge "
        "entwickeln, mit denen Unternehmen ihr Wissen über Arbeitsabläufe sichern – etwa "
        "kommentierte Videoanleitungen, abgelegt in einem Wiki.",
        [
            (
                1,
                "Wissenstransfer zwischen Alt und Jung",
                "Praktische Ausbildung in der Schule; im Unternehmen geben Ältere ihr Wissen "
                "an Jüngere weiter.",
                "Wissen bewahren, Wiedereinstieg erleichtern\nInteresse wecken, Berufsorientierung",
                "Sofort umsetzbar\nDauerhafte Organisation nötig",
            ),
            (
                2,
                "Lebenslanges Lernen",
                "Ältere lernen Digitales, Jüngere Analoges – voneinander.",
                "Wissen aufbauen, Praxis verstehen",
                "Mittelfristig\nGegenseitiges Verständnis, ggf. Moderation\nSolidarität, "
                "Wertschätzung",
            ),
            (
                3,
                "ÖPNV digitalisieren",
                "Digitale Angebote und Zugänge im ÖPNV schaffen, dazu Alternativen wie "
                "Schichtshuttle und Carsharing.",
                "Standorte besser erreichbar\nFlexibler, größeres Einzugsgebiet\nNachhaltigkeit",
                "Mittelfristig\nBedarfsanalyse und Budget\nAkzeptanz und Sicherheit",
            ),
        ],
    ),
    4: (
        "Innovationsförderung bei Unternehmen",
        "",
        "",
        "",
        "Vorbild für eine Kreis-IT-Schule könnte die Musikschule des Landkreises sein: "
        "ergänzend zur Schule bildet sie Fachkräfte für Verwaltung und Wirtschaft aus. "
        "Finanziert werden könnte sie von Unternehmen, dem Landkreis und Beiträgen der "
        "Lernenden bzw. ihrer Eltern, sozialverträglich gestaltet; Lehrkräfte könnten aus "
        "Unternehmen kommen.",
        [
            (
                1,
                "Kreis-IT-Schule",
                "Eine IT-Schule des Landkreises.",
                "Fachkräfte und digitale Bildung",
                "Bis 2030, Crowdfunding durch Unternehmen",
            ),
            (
                2,
                "Stabsstelle Smart Region",
                "Eine Stabsstelle „Smart Region“ in der Kreisverwaltung.",
                "Der Landkreis als digitaler Vorreiter",
                "Zwei bis drei Jahre, Kreishaushalt",
            ),
            (
                3,
                "Offene-Daten-Plattform",
                "Eine Plattform für offene Daten des Landkreises.",
                "Mehr Nutzende, Innovation befördern",
                "Offen, bis 2030",
            ),
        ],
    ),
}

MISSIONS_TEXT = (
    "Die Missionen aus TOP 6 – Coworking etablieren, Kompetenzaufbau, Tourismus "
    "digitalisieren, Innovationsförderung – werden im weiteren Strategieprozess ausgearbeitet."
)

# A one-page PDF, enough to stand for a presentation handed out with the minutes.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _levels_figure() -> bytes:
    """A diagram of the strategy levels (Vision → … → Maßnahmen), drawn with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    levels = [
        "Vision",
        "Werte",
        "Projektziele",
        "Handlungsfelder & Querschnittsthemen",
        "Missionen",
        "Maßnahmen",
    ]
    width, row = 1200, 110
    image = Image.new("RGB", (width, row * len(levels) + 40), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 36)
    except OSError:
        font = ImageFont.load_default()
    for index, label in enumerate(levels):
        inset = 40 + index * 60
        top = 20 + index * row
        lighter = index * 16
        draw.rounded_rectangle(
            (inset, top, width - inset, top + row - 20),
            radius=18,
            fill=(138 + lighter // 2, 27 + lighter, 46 + lighter),
        )
        draw.text((width / 2, top + (row - 20) / 2), label, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _workshop(district, slug, **fields) -> tuple[Workshop, bool]:
    workshop, created = Workshop.objects.update_or_create(
        district=district, slug=slug, defaults=fields
    )
    return workshop, created


def _fill_parts(workshop, *, agenda=(), participants=(), sections=(), speakers=(), dates=()):
    """Add the parts to a workshop that has none yet (a rerun leaves edits alone)."""
    counts = {"agenda items": 0, "participants": 0, "sections": 0}
    if not workshop.agenda_items.exists():
        for position, (number, title, text) in enumerate(agenda):
            AgendaItem.objects.create(
                workshop=workshop, number=number, title=title, text=text, position=position
            )
            counts["agenda items"] += 1
    if not workshop.participants.exists():
        for name, organisation, attended, consent in participants:
            Participant.objects.create(
                workshop=workshop,
                name=name,
                organisation=organisation,
                attended=attended,
                consent_to_publish_name=consent,
            )
            counts["participants"] += 1
    if not workshop.speakers.exists():
        for position, (name, organisation, topic) in enumerate(speakers):
            Speaker.objects.create(
                workshop=workshop,
                name=name,
                organisation=organisation,
                topic=topic,
                position=position,
            )
    if not workshop.sections.exists():
        items = {item.number: item for item in workshop.agenda_items.all()}
        for position, (number, title, text) in enumerate(sections):
            DocumentationSection.objects.create(
                workshop=workshop,
                agenda_item=items.get(number),
                title=title,
                text=text,
                position=position,
            )
            counts["sections"] += 1
    if not workshop.next_dates.exists():
        for title, start, end, venue in dates:
            NextDate.objects.create(
                workshop=workshop, title=title, start=start, end=end, venue=venue
            )
    return counts


def _methods(district, names):
    return [Method.objects.get_or_create(district=district, name=name)[0] for name in names]


def _meissen() -> dict[str, int]:
    district = District.objects.filter(slug="landkreis-meissen").first()
    if district is None:
        return {}
    workshop, created = _workshop(
        district,
        "expertinnenworkshop-digitalisierungsstrategie",
        title="Expert*innenworkshop Digitalisierungsstrategie",
        motto="Digitallabor Wirtschaftsförderung",
        summary=(
            "Fachleute aus Wirtschaftsförderung, Kreisverwaltung und Beratung entwickelten in "
            "Großenhain Zukunftsbilder für die Wirtschaft im Landkreis, sammelten in vier "
            "Gruppen Maßnahmenideen und vertieften je eine davon."
        ),
        format=Format.IN_PERSON,
        venue="Großenhain",
        start=_at(2023, 6, 13, 13),
        end=_at(2023, 6, 13, 17),
        organisers="Wirtschaftsförderung Region Meißen (WRM)\nLandratsamt Meißen",
        partner_organisations="atene KOM (Moderation und Dokumentation)\nDKSR",
        funding_note=FUNDING,
        participant_count=12,
        outlook=(
            "Die Beteiligung geht weiter: Der **Bürgerdialog** und die **Experten-Umfrage** "
            "laufen auf dem Beteiligungsportal des Freistaats Sachsen.\n\n" + MISSIONS_TEXT
        ),
        status=WorkshopStatus.PUBLISHED,
        published_at=_at(2023, 6, 20, 10),
        substantive_change_at=_at(2023, 6, 20, 10),
    )
    workshop.methods.set(_methods(district, ["Brainwriting", "Solution Mapping"]))
    fields = {f.title: f for f in ActionField.objects.for_district(district)}
    workshop.action_fields.set([fields[t] for t in fields if not fields[t].is_cross_cutting])
    counts = _fill_parts(
        workshop,
        agenda=MEISSEN_AGENDA,
        participants=MEISSEN_PARTICIPANTS,
        sections=MEISSEN_SECTIONS,
        speakers=[
            ("Niklas Günther", "atene KOM", "Projektstand und Umsetzungskonzept"),
            ("Simon Melch", "atene KOM", "Wirtschaftsförderung 4.0 und gute Beispiele"),
            ("Eva Schmitz", "DKSR", "Daten als Grundlage"),
        ],
    )
    measures = 0
    for number, (topic, vision, values, goals, results, rows) in MEISSEN_GROUPS.items():
        group, _ = WorkshopGroup.objects.update_or_create(
            workshop=workshop,
            number=number,
            defaults={
                "topic": topic,
                "vision": vision,
                "values": values,
                "goals": goals,
                "results": results,
            },
        )
        for position, (priority, title, description, added_value, feasibility) in enumerate(rows):
            key = f"demo-{number}-{priority}"
            if GroupMeasure.objects.filter(group=group, source_key=key).exists():
                continue
            measure = measure_create(
                district=district,
                title=title,
                description=description,
                added_value=added_value,
                feasibility=feasibility,
                action_field=fields.get(topic),
                origin=Origin.WORKSHOP,
                on_behalf_of=f"Workshop-Gruppe {number}",
                priority=priority,
            )
            GroupMeasure.objects.create(
                group=group, measure=measure, position=position, source_key=key
            )
            measures += 1
    if not workshop.figures.exists():
        tops = {item.number: item for item in workshop.agenda_items.all()}
        figure = Figure(
            workshop=workshop,
            caption="Ebenen im Beteiligungs- und Strategieprozess",
            alt_text=(
                "Sechs gestufte Balken von oben nach unten: Vision, Werte, Projektziele, "
                "Handlungsfelder und Querschnittsthemen, Missionen, Maßnahmen."
            ),
            agenda_item=tops.get("TOP 4"),
        )
        figure.image.save("ebenen-der-strategie.png", ContentFile(_levels_figure()), save=False)
        figure.save()
        figure.make_thumbnail()
        figure.save()
    if not workshop.attachments.exists():
        for position, title in enumerate(
            ["Präsentation", "Auszug Maßnahmentabelle – Stand 13.06.23"]
        ):
            attachment = Attachment(
                workshop=workshop,
                title=title,
                kind=AttachmentKind.PDF,
                size=len(TINY_PDF),
                position=position,
            )
            attachment.file.save(f"anlage-{position + 1}.pdf", ContentFile(TINY_PDF), save=False)
            attachment.save()
    return {"workshops": int(created), "measures from groups": measures, **counts}


def _wetterau() -> dict[str, int]:
    district = District.objects.filter(slug="wetteraukreis").first()
    if district is None:
        return {}
    workshop, created = _workshop(
        district,
        "workshop-nahversorgung-einzelhandel-gewerbe",
        title="Erster Workshop Nahversorgung, Einzelhandel und Gewerbe",
        motto="Wirtschaft 4.0 – Transformation, Qualifizierung, Fachkräfte",
        summary=(
            "Rund 25 Akteur*innen aus Wirtschaft und kleinen und mittleren Unternehmen "
            "entwickelten im Parksaal von Bad Salzhausen Vorschläge für die Digitalstrategie "
            "des Wetteraukreises."
        ),
        format=Format.IN_PERSON,
        venue="Parksaal Bad Salzhausen",
        address="Nidda-Bad Salzhausen",
        start=_at(2023, 1, 26, 9),
        end=_at(2023, 1, 26, 13),
        organisers="Wetteraukreis, Fachbereich Regionalentwicklung und Umwelt",
        partner_organisations=(
            "Planungsbüro neuland+\nHouse of Digital Transformation (HoDT)\n"
            "Mittelstand-Digital Zentrum Darmstadt"
        ),
        funding_note="Gefördert im Bundesprogramm Smarte.Land.Regionen.",
        participant_count=25,
        outlook=(
            "Die Ergebnisse der Gruppen fließen in die Digitalstrategie ein. Informationen und "
            "die Nachbereitung der Workshops erscheinen hier; ein Newsletter meldet neue "
            "Beteiligungsmöglichkeiten. Aus dem Austausch entstand eine Kooperation mit dem "
            "Kompetenzzentrum für Digitalisierung im ländlichen Raum (KDLR)."
        ),
        status=WorkshopStatus.PUBLISHED,
        published_at=_at(2023, 2, 2, 9),
    )
    fields = list(ActionField.objects.for_district(district).order_by("position")[:2])
    workshop.action_fields.set(fields)
    counts = _fill_parts(
        workshop,
        agenda=[
            ("TOP 1", "Begrüßung", ""),
            ("TOP 2", "Das Projekt „Wetteraukreis smart & resilient“", "Fünf Bausteine"),
            ("TOP 3", "Erste Ergebnisse aus Befragungen und Recherchen", ""),
            ("TOP 4", "Impulse: KDLR, Mittelstand-Digital, digitale Zwillinge", ""),
            ("TOP 5", "Arbeit in Kleingruppen", "Zwei Themen zur Wahl"),
            ("TOP 6", "Ergebnisse und Ausblick", ""),
        ],
        speakers=[
            ("Christian Sperling", "Wetteraukreis", "Begrüßung"),
            ("Antonia Klein", "Wetteraukreis", "Smarte.Land.Regionen"),
            ("Markus Bühler", "neuland+", "Erste Ergebnisse"),
            ("Marco Ziegler", "HoDT", "Kompetenzzentrum KDLR"),
            ("Jonas Blöhbaum", "Mittelstand-Digital Zentrum Darmstadt", "Weiterbildung"),
            ("Vladimir Kutscher", "", "Digitale Zwillinge"),
        ],
        sections=[
            (
                "TOP 5",
                "Arbeit in Kleingruppen",
                "Eine Gruppe befasste sich mit Bildung, Qualifizierung und Fachkräften: wie "
                "Fortbildungen bekannter werden und wie Betriebe Fachkräfte gewinnen und "
                "halten. Die zweite Gruppe fragte, wie Wirtschaftsförderung und regionale "
                "Träger Unternehmen im Wandel begleiten und Kompetenzen vermitteln können.",
            )
        ],
        dates=[
            (
                "Basismodul IT-Sicherheit für kleine und mittlere Unternehmen",
                _at(2023, 3, 16, 9),
                _at(2023, 3, 16, 12),
                "Plenarsaal, Friedberg",
            )
        ],
    )
    return {"workshops": int(created), **counts}


def _mittweida() -> dict[str, int]:
    district = District.objects.filter(slug="mittelsachsen").first()
    if district is None:
        return {}
    workshop, created = _workshop(
        district,
        "regionaler-digital-gipfel-mittweida",
        title="Regionaler Digital-Gipfel in der Werkbank32",
        motto="Mitten im Wandel. Digital in Mittelsachsen",
        summary=(
            "Zum Auftakt der Digitalen Initiative Mittelsachsen diskutierten 20 Gäste beim Tag "
            "der offenen Tür der Werkbank32 in Mittweida, was nach dem Breitbandausbau kommt."
        ),
        format=Format.HYBRID,
        venue="Werkbank32",
        address="Mittweida",
        online_tool="Bürgerfragestunde zusätzlich als Livestream",
        start=_at(2023, 1, 16, 10),
        end=_at(2023, 1, 16, 16),
        organisers="Referat Wirtschaftsförderung und Kreisentwicklung",
        partner_organisations="atene KOM",
        funding_note=(
            "Mitfinanziert mit Steuermitteln auf Grundlage des vom Sächsischen Landtag "
            "beschlossenen Haushaltes und vom Bundesministerium für Wirtschaft und Klimaschutz."
        ),
        participant_count=20,
        outlook=(
            "Bis zum 31. Januar läuft die Unternehmensbefragung, bis zum 28. Februar die "
            "Befragung der Bürger*innen. Wer nicht online teilnehmen kann, meldet sich "
            "telefonisch beim Projektpartner."
        ),
        status=WorkshopStatus.PUBLISHED,
        published_at=_at(2023, 1, 17, 9),
    )
    workshop.methods.set(_methods(district, ["Gallery Walk"]))
    counts = _fill_parts(
        workshop,
        agenda=[
            ("TOP 1", "Digitale Angebote des Landratsamtes", ""),
            ("TOP 2", "Gallery Walk durch den Themenwald", ""),
            ("TOP 3", "Bürgerfragestunde mit dem Landrat", "In Präsenz und online"),
        ],
        dates=[("Digital-Gipfel, zweite Runde", _at(2023, 4, 5, 10), None, "Mittweida")],
    )
    return {"workshops": int(created), **counts}


def _hannover() -> dict[str, int]:
    # Not a district of the ground floor's demo: the workshop was regional, so it gets one.
    district, _ = District.objects.get_or_create(
        slug="region-hannover",
        defaults=_district_defaults(
            {
                "slug": "region-hannover",
                "name": "Region Hannover",
                "kind": "landkreis",
                "state": "Niedersachsen",
                "tagline": "Digitalisierung in Gesundheit, Landwirtschaft und Mobilität.",
                "contact_name": "Region Hannover, Digitalisierung",
                "contact_email": "digital@region-hannover.example",
                "contact_address": "Hannover",
            }
        ),
    )
    for position, title in enumerate(["Gesundheit", "Landwirtschaft", "Mobilität"]):
        ActionField.objects.get_or_create(
            district=district,
            slug=title.lower().replace("ä", "ae"),
            defaults={"title": title, "position": position},
        )
    workshop, created = _workshop(
        district,
        "regionenworkshop-hannover",
        title="Regionenworkshop Hannover",
        motto=(
            "Digitalisierung in allen Lebensbereichen – die digitale Transformation in den "
            "Sektoren Gesundheit, Landwirtschaft und Mobilität"
        ),
        summary=(
            "Rund 150 Teilnehmende tauschten sich online über Herausforderungen, Chancen und "
            "Lösungen niedersächsischer Kommunen aus – als Vorkonferenz zur TECHTIDE."
        ),
        format=Format.ONLINE,
        online_tool="Videokonferenz",
        start=_at(2020, 12, 2, 10),
        end=_at(2020, 12, 2, 15),
        organisers=(
            "Initiative Stadt.Land.Digital\nNiedersächsisches Ministerium für Wirtschaft, "
            "Arbeit, Verkehr und Digitalisierung"
        ),
        participant_count=150,
        status=WorkshopStatus.PUBLISHED,
        published_at=_at(2020, 12, 4, 9),
    )
    workshop.action_fields.set(ActionField.objects.for_district(district))
    counts = _fill_parts(
        workshop,
        agenda=[
            ("TOP 1", "Begrüßung", ""),
            ("TOP 2", "Keynote: Die digitale Transformation in der Coronakrise", ""),
            ("TOP 3", "Gesundheit: Telemedizinisches Konsultationsnetzwerk", ""),
            ("TOP 4", "Landwirtschaft: smarte Daten, smarte Dienste", ""),
            ("TOP 5", "Mobilität: Testfeld Digitale Mobilität", ""),
            ("TOP 6", "Ergebnisse auf dem TECHTIDE-Panel", "Am Abend"),
        ],
        speakers=[
            ("Stefan Muhle", "Land Niedersachsen", "Begrüßung"),
            ("Dr. Marco Trips", "NSGB", "Keynote"),
            ("Stephan Peters", "Klinikum Oldenburg", "Telemedizin"),
            ("Prof. Dr.-Ing. Heiko Tapken", "Hochschule Osnabrück", "Digitale Agrarwirtschaft"),
            ("Thomas Krause", "Wolfsburg AG", "Digitale Mobilität"),
        ],
    )
    return {"workshops": int(created), **counts}


@register
def load_workshops() -> dict[str, int]:
    totals: dict[str, int] = {}
    with transaction.atomic():
        for loader in (_meissen, _wetterau, _mittweida, _hannover):
            for key, value in loader().items():
                totals[key] = totals.get(key, 0) + value
    return totals
