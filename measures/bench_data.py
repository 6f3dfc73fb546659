"""A district at benchmark scale: `manage.py generate_bench_data` (see the command for options).

Everything is written with `bulk_create` in batches; the stored counters, the PostgreSQL search
index and the evaluation scores are then rebuilt by the same services as `recount_measures` and
`recount_evaluation`, so the data is as consistent as the site would have made it. The texts are
German sentences put together from the vocabulary of the district strategies the product was
built from, varied enough for the full-text search to find some measures and not others.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag

from strategy_portal import services as strategy_services
from strategy_portal.models import (
    CompanySize,
    District,
    InstitutionType,
    Membership,
    ParticipantKind,
    PhaseKind,
    Role,
    Sector,
    User,
)

from . import evaluation_services, services
from .models import (
    Comment,
    Criterion,
    Follow,
    Measure,
    Origin,
    Score,
    Status,
    Support,
    TaggedMeasure,
    TimeHorizon,
    german_slug,
)

BATCH = 2000
DEBATED_TITLE = "Breitband und WLAN für alle Schulen im Landkreis"
FACILITATOR_EMAIL = "moderation@{slug}.example"

# --- Vocabulary -----------------------------------------------------------------------------------

ACTION_FIELDS = [
    "Nahversorgung, Einzelhandel und Gewerbe",
    "Neue Arbeitsformen / Arbeit 4.0",
    "Bildung und Schule",
    "Gesundheit und Pflege",
    "Mobilität und Verkehr",
    "Verwaltung und Bürgerservice",
    "Breitband und Infrastruktur",
    "Landwirtschaft und Umwelt",
    "Tourismus und Kultur",
    "Ehrenamt und Zusammenleben",
    "Energie und Klimaschutz",
    "Wirtschaft und Fachkräfte",
]
CROSS_CUTTING = ["Digitale Teilhabe", "Datenschutz und Sicherheit"]
MISSION_STEMS = [
    "Coworking etablieren",
    "Dorfläden digital vernetzen",
    "Schulen digital ausstatten",
    "Telemedizin ermöglichen",
    "Rufbus per App buchen",
    "Bürgerservice online anbieten",
    "Glasfaser in jedes Dorf",
    "Hofläden sichtbar machen",
    "Kulturangebote bündeln",
    "Vereine digital stärken",
    "Energie sparen mit Daten",
    "Fachkräfte gewinnen",
    "Lernorte öffnen",
    "Pflege entlasten",
    "Radwege vernetzen",
]
CRITERIA = [
    ("Zeitnahe Umsetzbarkeit", 2),
    ("Nutzer*innenorientierung", 1.5),
    ("Förderung digitaler Teilhabe", 1),
    ("Nachhaltigkeit", 1),
]
NOUNS = [
    "Breitband",
    "Glasfaser",
    "Schule",
    "Coworking-Space",
    "Dorfladen",
    "Rufbus",
    "Bürgerbüro",
    "Hofladen",
    "Telemedizin",
    "Pflegedienst",
    "Lernplattform",
    "Bibliothek",
    "Wochenmarkt",
    "Mitfahrbank",
    "Ladesäule",
    "Jugendzentrum",
    "Vereinsheim",
    "Gewerbegebiet",
    "Handwerk",
    "Einzelhandel",
    "Feuerwehr",
    "Arztpraxis",
    "Bauhof",
    "Rathaus",
    "Kita",
    "Volkshochschule",
    "Marktplatz",
    "Datenplattform",
    "Sensorik",
    "WLAN",
    "App",
    "Onlineshop",
    "Kreisverwaltung",
    "Tourismusbüro",
    "Radweg",
    "Dorfgemeinschaftshaus",
    "Nahversorgung",
    "Sprechstunde",
]
ADJECTIVES = [
    "digitale",
    "offene",
    "gemeinsame",
    "regionale",
    "schnelle",
    "barrierefreie",
    "mobile",
    "nachhaltige",
    "sichere",
    "einfache",
    "kostenlose",
    "neue",
    "ländliche",
    "flexible",
]
GROUPS = [
    "Pendlerinnen und Pendler",
    "Schülerinnen und Schüler",
    "ältere Menschen",
    "Familien",
    "Handwerksbetriebe",
    "Landwirtinnen und Landwirte",
    "Vereine",
    "Gäste",
    "Auszubildende",
    "Pflegekräfte",
    "Lehrkräfte",
    "Gründerinnen und Gründer",
    "Ehrenamtliche",
    "Kommunen",
]
PLACES = [
    "Großenhain",
    "Riesa",
    "Meißen",
    "Coswig",
    "Radebeul",
    "Nossen",
    "Gröditz",
    "Lommatzsch",
    "Friedberg",
    "Bad Nauheim",
    "Büdingen",
    "Mittweida",
    "Freiberg",
    "Döbeln",
    "Eschwege",
    "Witzenhausen",
    "Hessisch Lichtenau",
    "Bad Salzhausen",
    "Weinböhla",
    "Moritzburg",
]
VERBS = [
    "vernetzt",
    "stärkt",
    "verbindet",
    "entlastet",
    "öffnet",
    "erleichtert",
    "unterstützt",
    "sichert",
    "verbessert",
    "belebt",
    "beschleunigt",
    "vereinfacht",
]
PURPOSES = [
    "damit niemand abgehängt wird",
    "damit Wege kürzer werden",
    "damit Fachkräfte bleiben",
    "damit Angebote vor Ort erhalten bleiben",
    "damit Verwaltung rund um die Uhr erreichbar ist",
    "damit Unterricht auch digital gelingt",
    "damit Ehrenamt weniger Papier braucht",
    "damit Betriebe neue Kundschaft finden",
    "damit Daten im Landkreis bleiben",
]
OPENINGS = [
    "Wir schlagen vor",
    "Es wäre gut",
    "Der Landkreis sollte prüfen",
    "Im Workshop kam die Idee",
    "Viele wünschen sich",
    "Aus Sicht der Unternehmen lohnt es sich",
]
COMMENT_PHRASES = [
    "Gute Idee, das brauchen wir dringend.",
    "Wer soll das bezahlen?",
    "Bei uns im Ort gibt es so etwas schon, das klappt gut.",
    "Bitte auch an ältere Menschen denken.",
    "Das Fördergeld dafür gibt es im Programm „Smarte.Land.Regionen“.",
    "Ohne schnelles Internet wird das nichts.",
    "Ich würde mich gern ehrenamtlich beteiligen.",
    "Die Schule meiner Kinder wartet seit Jahren darauf.",
    "Wie sieht es mit dem Datenschutz aus?",
    "Das sollte mit dem Nachbarkreis gemeinsam geplant werden.",
    "Danke für den Vorschlag!",
]
TAGS = [
    "Breitband", "Schule", "Coworking", "Pendeln", "Ehrenamt", "Pflege", "Telemedizin",
    "Mobilität", "Einzelhandel", "Handwerk", "Tourismus", "Verwaltung", "Energie", "Klima",
    "Landwirtschaft", "Jugend", "Senioren", "Kultur", "Fachkräfte", "Daten", "WLAN", "App",
    "Förderung", "Teilhabe", "Sicherheit", "Bildung", "Gesundheit", "Wirtschaft", "Vereine",
    "Nahversorgung",
]  # fmt: skip


@dataclass
class Sizes:
    action_fields: int = 12
    missions: int = 40
    measures: int = 10_000
    comments: int = 100_000
    supports: int = 200_000
    participants: int = 6_000
    facilitators: int = 2
    scored_share: float = 0.3
    debated_comments: int = 500
    seed: int = 2026


@dataclass
class Report:
    district: District
    counts: dict = field(default_factory=dict)
    debated: Measure | None = None
    facilitator_email: str = ""


class Words:
    """Sentences from the vocabulary above, reproducible from the seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, words):
        return self.rng.choice(words)

    def title(self) -> str:
        return f"{self.pick(ADJECTIVES).capitalize()} {self.pick(NOUNS)} in {self.pick(PLACES)}"

    def sentence(self) -> str:
        return (
            f"{self.pick(OPENINGS)}: {self.pick(ADJECTIVES)} {self.pick(NOUNS)} "
            f"{self.pick(VERBS)} {self.pick(GROUPS)} und {self.pick(NOUNS)}, "
            f"{self.pick(PURPOSES)}."
        )

    def paragraph(self, low=2, high=4) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def comment(self) -> str:
        parts = [self.pick(COMMENT_PHRASES)]
        if self.rng.random() < 0.6:
            parts.append(self.sentence())
        return " ".join(parts)


@contextmanager
def given_timestamps(*models):
    """Let `created`/`modified` be written as given, so the data spreads over months (the
    statistics' charts) instead of all carrying the moment of the run."""
    saved = []
    for model in models:
        for name in ("created", "modified"):
            model_field = model._meta.get_field(name)
            saved.append((model_field, model_field.auto_now, model_field.auto_now_add))
            model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def split(total: int, parts: int, rng: random.Random, *, cap: int | None = None) -> list[int]:
    """`total` spread over `parts` buckets, a few large and many small (as participation is),
    none above `cap`; the buckets add up to `total` exactly (if the caps allow it)."""
    if parts <= 0:
        return []
    weights = [rng.paretovariate(1.6) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    if cap is not None:
        counts = [min(c, cap) for c in counts]
    missing = total - sum(counts)
    index = 0
    while missing > 0 and (cap is None or any(c < cap for c in counts)):
        if cap is None or counts[index % parts] < cap:
            counts[index % parts] += 1
            missing -= 1
        index += 1
    return counts


# --- The steps ------------------------------------------------------------------------------------


def _district(slug: str) -> District:
    name = slug.replace("-", " ").title().replace("Landkreis", "Landkreis")
    return District.objects.create(
        name=f"{name} (Lasttest)",
        slug=slug,
        tagline="Ein Landkreis mit vielen Maßnahmen, Kommentaren und Unterstützungen.",
        contact_name="Wirtschaftsförderung",
        contact_email=f"kontakt@{slug}.example",
        imprint="## Angaben gemäß § 5 DDG\n\nLandratsamt, Musterstraße 1",
        privacy_policy="Wir verarbeiten nur, was für die Beteiligung nötig ist.",
        accessibility_statement="Diese Seiten sollen barrierefrei sein.",
    )


def _strategy(district, sizes: Sizes, words: Words):
    strategy_services.strategy_save(
        district=district,
        fields={
            "title": "Digitalstrategie",
            "as_of": timezone.localdate(),
            "preamble": words.paragraph(),
            "vision": "Im Jahr 2035 ist der Landkreis digital vernetzt. " + words.paragraph(),
        },
        values=[{"title": t, "explanation": words.sentence()} for t in ("Offenheit", "Teilhabe")],
        goals=[{"title": t, "text": words.sentence()} for t in ("Fachkräfte sichern", "Wege")],
    )
    fields = []
    for number in range(sizes.action_fields):
        title = ACTION_FIELDS[number % len(ACTION_FIELDS)]
        if number >= len(ACTION_FIELDS):
            title = f"{title} {number // len(ACTION_FIELDS) + 1}"
        fields.append(
            strategy_services.action_field_save(
                district=district, title=title, summary=words.sentence(), position=number
            )
        )
    for number, title in enumerate(CROSS_CUTTING):
        strategy_services.action_field_save(
            district=district, title=title, is_cross_cutting=True, position=number
        )
    missions = []
    for number in range(sizes.missions if fields else 0):
        title = f"{MISSION_STEMS[number % len(MISSION_STEMS)]} {number + 1}"
        missions.append(
            strategy_services.mission_save(
                district=district,
                action_field=fields[number % len(fields)],
                title=title,
                description=words.sentence(),
                position=number,
            )
        )
    today = timezone.localdate()
    strategy_services.phase_save(
        district=district,
        kind=PhaseKind.INFORMATION,
        start=today - timedelta(days=540),
        end=today - timedelta(days=366),
    )
    strategy_services.phase_save(
        district=district,
        kind=PhaseKind.PARTICIPATION,
        start=today - timedelta(days=365),
        end=today + timedelta(days=60),
    )
    return fields, missions


def _people(district, sizes: Sizes, rng: random.Random, now):
    """The participants (all three kinds) and the facilitators, none with a usable password."""
    slug = district.slug
    kinds = [ParticipantKind.CITIZEN] * 7 + [ParticipantKind.COMPANY] * 2
    kinds += [ParticipantKind.INSTITUTION]
    people = []
    for number in range(sizes.participants):
        kind = rng.choice(kinds)
        person = User(
            email=f"teilnehmer{number:06}@{slug}.example",
            password=make_password(None),
            kind=kind,
            display_name=f"{rng.choice(['Jana', 'Horst', 'Aylin', 'Paul', 'Mia'])} aus "
            f"{rng.choice(PLACES)}",
            date_joined=now - timedelta(days=rng.randint(0, 540)),
        )
        if kind == ParticipantKind.COMPANY:
            person.organisation_name = f"{rng.choice(NOUNS)} {rng.choice(PLACES)} GmbH"
            person.sector = rng.choice(Sector.values)
            person.company_size = rng.choice(CompanySize.values)
        elif kind == ParticipantKind.INSTITUTION:
            person.organisation_name = f"{rng.choice(['Oberschule', 'Verein'])} {number}"
            person.institution_type = rng.choice(InstitutionType.values)
        people.append(person)
    people = User.objects.bulk_create(people, batch_size=BATCH)
    team = []
    for number in range(sizes.facilitators):
        email = FACILITATOR_EMAIL.format(slug=slug) if number == 0 else f"team{number}@{slug}.ex"
        user = User.objects.create_user(email=email, password=None, display_name="Moderation")
        Membership.objects.create(
            user=user, district=district, role=Role.FACILITATOR, organisation="Beratung"
        )
        team.append(user)
    return people, team


def _measures(district, fields, missions, people, team, sizes, rng, words, now):
    origins = [Origin.ONLINE] * 6 + [Origin.WORKSHOP] * 2 + [Origin.PHONE, Origin.EXPERT_INTERVIEW]
    statuses = [Status.PROPOSED] * 12 + [Status.UNDER_EVALUATION] * 4
    statuses += [Status.PRIORITISED, Status.IN_IMPLEMENTATION, Status.IMPLEMENTED]
    statuses += [Status.NOT_PURSUED]
    by_field = {}
    for mission in missions:
        by_field.setdefault(mission.action_field_id, []).append(mission)
    rows = []
    for number in range(sizes.measures):
        title = DEBATED_TITLE if number == 0 else words.title()
        action_field = fields[number % len(fields)] if fields else None
        candidates = by_field.get(action_field.pk, []) if action_field else []
        # Some measures wait for a mission: the action field page lists them apart.
        mission = rng.choice(candidates) if candidates and rng.random() < 0.85 else None
        origin = rng.choice(origins)
        recorded = origin in (Origin.PHONE, Origin.EXPERT_INTERVIEW) and team
        created = now - timedelta(days=rng.uniform(1, 360))
        rows.append(
            Measure(
                district=district,
                title=title,
                slug=german_slug(title),
                description=words.paragraph(),
                added_value=words.paragraph(1, 2),
                feasibility=words.sentence(),
                time_horizon=rng.choice(TimeHorizon.values),
                success_criteria=words.sentence(),
                funding_idea=rng.choice(["", "Förderprogramm des Landes", "LEADER"]),
                action_field=action_field,
                mission=mission,
                origin=origin,
                author=None if recorded else rng.choice(people),
                recorded_by=rng.choice(team) if recorded else None,
                on_behalf_of=rng.choice(["", "Ortsbeirat Nossen"]) if recorded else "",
                status=Status.PROPOSED if number == 0 else rng.choice(statuses),
                created=created,
                modified=created,
            )
        )
    measures = Measure.objects.bulk_create(rows, batch_size=BATCH)
    tags = [
        Tag.objects.get_or_create(name=name, defaults={"slug": german_slug(name)})[0]
        for name in TAGS
    ]
    tagged = []
    for measure in measures:
        for tag in rng.sample(tags, rng.randint(1, 3)):
            tagged.append(TaggedMeasure(content_object=measure, tag=tag))
    TaggedMeasure.objects.bulk_create(tagged, batch_size=BATCH)
    follows = [
        Follow(measure=m, user_id=m.author_id, created=m.created, modified=m.created)
        for m in measures
        if m.author_id
    ]
    Follow.objects.bulk_create(follows, batch_size=BATCH)
    return measures


def _comments(measures, people, sizes, rng, words, now) -> int:
    """Threads: about half the comments start one, the rest answer (two levels of replies)."""
    debated, others = measures[0], measures[1:]
    per_measure = [min(sizes.debated_comments, sizes.comments)]
    rest = max(sizes.comments - per_measure[0], 0)
    per_measure += split(rest, len(others), rng, cap=max(sizes.debated_comments - 1, 1))
    levels: list[list[Comment]] = [[], [], []]
    for measure, count in zip([debated, *others], per_measure, strict=True):
        if not count:
            continue
        span = max((now - measure.created).total_seconds(), 60)
        stamps = sorted(
            measure.created + timedelta(seconds=rng.uniform(0, span)) for _ in range(count)
        )
        # The first comment of a measure starts a thread; a second-level reply needs a
        # first-level one to answer.
        depths, answered = [0], False
        for _ in range(count - 1):
            depth = rng.choice((0, 0, 0, 1, 1, 2))
            if depth == 2 and not answered:
                depth = 1
            answered = answered or depth == 1
            depths.append(depth)
        for stamp, depth in zip(stamps, depths, strict=True):
            levels[depth].append(
                Comment(
                    measure=measure,
                    author=rng.choice(people),
                    body=words.comment(),
                    depth=depth,
                    created=stamp,
                    modified=stamp,
                )
            )
    # Parents first, so each reply can point at a comment of its measure one level up.
    by_level: list[dict[int, list[Comment]]] = []
    written = 0
    for depth, level in enumerate(levels):
        for comment in level:
            if depth:
                comment.parent = rng.choice(by_level[depth - 1][comment.measure_id])
        saved = Comment.objects.bulk_create(level, batch_size=BATCH)
        written += len(saved)
        mapping: dict[int, list[Comment]] = {}
        for comment in saved:
            mapping.setdefault(comment.measure_id, []).append(comment)
        by_level.append(mapping)
    return written


def _supports(measures, people, sizes, rng, now) -> int:
    counts = split(sizes.supports, len(measures), rng, cap=len(people))
    if counts:  # the debated measure is also the most supported, as such measures are
        top = counts.index(max(counts))
        counts[0], counts[top] = counts[top], counts[0]
    rows = []
    written = 0
    for measure, count in zip(measures, counts, strict=True):
        for person in rng.sample(people, min(count, len(people))):
            stamp = measure.created + timedelta(
                seconds=rng.uniform(0, max((now - measure.created).total_seconds(), 60))
            )
            rows.append(
                Support(
                    measure=measure, user=person, kind=person.kind, created=stamp, modified=stamp
                )
            )
        if len(rows) >= BATCH * 5:
            Support.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
            rows = []
    Support.objects.bulk_create(rows, batch_size=BATCH)
    return written + len(rows)


def _scores(district, measures, team, sizes, rng) -> int:
    criteria = [
        Criterion.objects.create(district=district, title=title, weight=weight, position=number)
        for number, (title, weight) in enumerate(CRITERIA)
    ]
    scored = [m for m in measures if rng.random() < sizes.scored_share]
    rows = [
        Score(
            measure=measure,
            criterion=criterion,
            evaluator=evaluator,
            value=rng.randint(0, 5),
            comment=rng.choice(["", "Schnell umsetzbar.", "Förderung klären."]),
        )
        for measure in scored
        for evaluator in team
        for criterion in criteria
    ]
    Score.objects.bulk_create(rows, batch_size=BATCH)
    evaluation_services.evaluation_recount(district=district)
    return len(rows)


def _rebuild(measures) -> None:
    """The stored counters and the search index, by the services of `recount_measures`."""
    ids = [measure.pk for measure in measures]
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        services.recount(measure_ids=chunk)
        services.search_index_update(measure_ids=chunk)


def generate(*, slug: str = "bench-landkreis", sizes: Sizes | None = None, progress=None) -> Report:
    """Create the district `slug` with everything of `sizes`. Refuses a slug that exists."""
    sizes = sizes or Sizes()
    progress = progress or (lambda message: None)
    if District.objects.filter(slug=slug).exists():
        raise ValueError(f"The district „{slug}“ exists already; choose another slug.")
    rng = random.Random(sizes.seed)
    words = Words(rng)
    now = timezone.now()
    with transaction.atomic(), given_timestamps(Measure, Comment, Support, Follow):
        district = _district(slug)
        fields, missions = _strategy(district, sizes, words)
        progress(f"{len(fields)} action fields, {len(missions)} missions")
        people, team = _people(district, sizes, rng, now)
        progress(f"{len(people)} participants, {len(team)} facilitators")
        measures = _measures(district, fields, missions, people, team, sizes, rng, words, now)
        progress(f"{len(measures)} measures")
        comments = _comments(measures, people, sizes, rng, words, now) if measures else 0
        progress(f"{comments} comments")
        supports = _supports(measures, people, sizes, rng, now) if people else 0
        progress(f"{supports} supports")
        scores = _scores(district, measures, team, sizes, rng) if team else 0
        progress(f"{scores} scores")
        _rebuild(measures)
        progress("counters and search index rebuilt")
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # The planner's statistics and the visibility map, as autovacuum would leave them some
        # time after such a load (VACUUM cannot run inside a transaction).
        with connection.cursor() as cursor:
            for model in (User, Measure, TaggedMeasure, Comment, Support, Follow, Score):
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
        progress("tables vacuumed and analysed")
    return Report(
        district=district,
        counts={
            "action_fields": len(fields),
            "missions": len(missions),
            "participants": len(people),
            "facilitators": len(team),
            "measures": len(measures),
            "comments": comments,
            "supports": supports,
            "scores": scores,
        },
        debated=measures[0] if measures else None,
        facilitator_email=team[0].email if team else "",
    )
