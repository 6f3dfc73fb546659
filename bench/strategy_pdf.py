"""`python -m bench --strategy-pdf`: the strategy PDF of a large strategy — 12 action fields, 40
missions, 300 measures, 60 of them with a full Steckbrief — exported as the export task does it,
beside WeasyPrint rendering the same text as plain HTML with no stylesheet (and no PDF/UA) in the
same run. Prints seconds, pages, pages per second and peak memory of each, and the ratios: what the
document's styling and structure cost.

Everything lives in a throwaway directory (SQLite database, media, static files); each render
runs in a fresh Python process of its own, so that its peak memory (the process's maximum
resident set) is that render's alone. Options: `--measure-count`, `--steckbrief-count`, `--repeat`
(the best of N runs), `--keep FILE`.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.run import progress
from bench.server import ROOT, BenchError, bench_environment
from bench.stats import Figure

DISTRICT_SLUG = "landkreis-bench"
FIELDS = 12
MISSIONS = 40

FIELD_TITLES = [
    "Neue Arbeitsformen / Arbeit 4.0",
    "Attraktivität für Tourismus und Bevölkerung",
    "Kompetenzaufbau in der Erwerbsbevölkerung",
    "Innovationsförderung bei Unternehmen",
    "Nahversorgung, Einzelhandel und Gewerbe",
    "Mobilität und On-Demand-Verkehr",
    "Gesundheitsversorgung und Telemedizin",
    "Digitale Verwaltung und Bürgerservice",
    "Bildung und digitale Teilhabe",
    "Breitband und Mobilfunk",
    "Daten als Grundlage",
    "IT-Sicherheit für kleine und mittlere Unternehmen",
]
SENTENCES = [
    "Die Kreisverwaltung richtet gemeinsam mit den Städten und Gemeinden einen Coworking-Raum "
    "im Dorfgemeinschaftshaus ein, der Pendler*innen einen Arbeitsplatz mit schnellem Internet "
    "bietet.",
    "Eine Steuerungsgruppe aus Wirtschaftsförderung, Kammern und Unternehmen begleitet die "
    "Umsetzung und berichtet dem Kreistag zweimal im Jahr über den Fortschritt.",
    "Die Breitbandinfrastruktur des Landkreises ist die Grundlage; wo sie fehlt, wird der Ausbau "
    "mit Mitteln des Bundesförderprogramms beschleunigt.",
    "Schulungen für Beschäftigte kleiner und mittlerer Unternehmen vermitteln Grundlagen der "
    "Datenschutzgrundverordnung, der IT-Sicherheit und der Digitalisierung von Arbeitsabläufen.",
    "Ehrenamtliche Digitallotsinnen und Digitallotsen unterstützen ältere Menschen in den "
    "Bibliotheken und Bürgerbüros bei der Nutzung digitaler Verwaltungsleistungen.",
    "Ein offenes Datenportal stellt Fahrpläne, Haltestellen, Ladesäulen und touristische "
    "Angebote maschinenlesbar bereit, damit Dritte daraus Anwendungen entwickeln können.",
]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench --strategy-pdf", description=__doc__)
    # Not `--measures`: that flag names the measures scenario of `python -m bench`.
    parser.add_argument("--measure-count", type=int, default=300, help="measures (default 300)")
    parser.add_argument(
        "--steckbrief-count",
        type=int,
        default=60,
        help="of them with a full Steckbrief (default 60)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each render; the best")
    parser.add_argument(
        "--keep", type=Path, help="copy the exported PDF here (to look at its pages)"
    )
    args = parser.parse_args(argv)
    if args.measure_count <= 0 or args.repeat <= 0:
        parser.error("--measure-count and --repeat must be positive")
    if not 0 <= args.steckbrief_count <= args.measure_count:
        parser.error("--steckbrief-count must be between 0 and --measure-count")
    return args


def text(words: int, seed: int) -> str:
    """German prose of about `words` words, in paragraphs."""
    sentences, count, index = [], 0, seed
    while count < words:
        sentence = SENTENCES[index % len(SENTENCES)]
        sentences.append(sentence)
        count += len(sentence.split())
        index += 1
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs)


def build_strategy(*, measures: int, steckbriefe: int) -> None:
    """The district, its strategy, 12 action fields, 40 missions, the measures and Steckbriefe,
    five phases and six workshops, written in bulk."""
    from measures.models import Measure, Milestone, Status, Steckbrief, Tier
    from strategy_portal import services
    from strategy_portal.models import ActionField, District, Mission, Phase
    from workshops.models import Workshop, WorkshopStatus

    district = District.objects.create(
        name="Landkreis Bench",
        slug=DISTRICT_SLUG,
        theme_colour="#7a1f2b",
        contact_name="Wirtschaftsförderung Landkreis Bench",
        contact_email="digital@landkreis-bench.example",
        contact_address="Marktplatz 1\n01234 Musterstadt",
    )
    services.strategy_save(
        district=district,
        fields={
            "title": "Digitalstrategie des Landkreises Bench",
            "subtitle": "Gemeinsam digital: Wirtschaft, Verwaltung und Bürger*innen",
            "version": "1.0",
            "as_of": date(2026, 3, 1),
            "preamble": text(400, 0),
            "vision": text(250, 1),
        },
        values=[{"title": f"Wert {n}", "explanation": text(40, n)} for n in range(1, 6)],
        goals=[{"title": f"Projektziel {n}", "text": text(40, n)} for n in range(1, 7)],
    )
    fields = ActionField.objects.bulk_create(
        ActionField(
            district=district,
            title=title,
            slug=f"handlungsfeld-{n}",
            summary=text(80, n),
            position=n,
            is_cross_cutting=n >= FIELDS - 1,
        )
        for n, title in enumerate(FIELD_TITLES[:FIELDS])
    )
    missions = Mission.objects.bulk_create(
        Mission(
            district=district,
            action_field=fields[n % FIELDS],
            title=f"Mission {n + 1}: {SENTENCES[n % 6].split(',')[0][:80]}",
            slug=f"mission-{n + 1}",
            description=text(50, n),
            position=n,
        )
        for n in range(MISSIONS)
    )
    tiers = [Tier.PREMIUM_PLUS, Tier.PREMIUM]
    rows = []
    for n in range(measures):
        full = n < steckbriefe
        mission = missions[n % MISSIONS]
        rows.append(
            Measure(
                district=district,
                title=f"Maßnahme {n + 1}: {SENTENCES[n % 6][:90].rsplit(' ', 1)[0]}",
                slug=f"massnahme-{n + 1}",
                description=text(150 if full else 40, n),
                added_value=text(60 if full else 20, n + 1),
                feasibility=text(50 if full else 0, n + 2),
                success_criteria="Mindestens 200 Nutzer*innen im ersten Jahr." if full else "",
                action_field=mission.action_field,
                mission=mission if n % 7 else None,
                status=Status.PRIORITISED if full else Status.UNDER_EVALUATION,
                tier=tiers[n % 2] if full else (Tier.FURTHER if n % 3 else ""),
                evaluation_score=4 - (n % 40) / 10,
                origin="workshop" if n % 2 else "online",
            )
        )
    created = Measure.objects.bulk_create(rows)
    profiles = Steckbrief.objects.bulk_create(
        Steckbrief(
            measure=measure,
            responsible_body="Wirtschaftsförderung des Landkreises, Stabsstelle Digitalisierung",
            partners="- Industrie- und Handelskammer\n- Handwerkskammer\n- Städte und Gemeinden",
            budget_estimate="ca. 40.000 € p. a.",
            funding_programme="Bundesprogramm Ländliche Entwicklung und Regionale Wertschöpfung",
            start=date(2026, 1, 1),
            end=date(2028, 12, 31),
            indicators=text(30, 3),
        )
        for measure in created[:steckbriefe]
    )
    Milestone.objects.bulk_create(
        Milestone(
            steckbrief=profile,
            title=f"Meilenstein {m + 1}: {SENTENCES[m][:60].rsplit(' ', 1)[0]}",
            due_date=date(2026, 3 * m + 1, 1),
            is_done=m == 0,
            position=m,
        )
        for profile in profiles
        for m in range(4)
    )
    start = date(2025, 1, 1)
    for index, kind in enumerate(["information", "participation", "evaluation", "adoption"]):
        Phase.objects.create(
            district=district,
            kind=kind,
            start=start + timedelta(days=90 * index),
            end=start + timedelta(days=90 * index + 89),
            description=text(20, index),
        )
    from django.utils import timezone

    for n in range(6):
        begin = timezone.make_aware(timezone.datetime(2025, 4 + n, 10, 17, 0))
        Workshop.objects.create(
            district=district,
            title=f"Workshop {n + 1}: {FIELD_TITLES[n]}",
            slug=f"workshop-{n + 1}",
            venue="Kreishaus, Großer Sitzungssaal",
            address="Marktplatz 1, 01234 Musterstadt",
            start=begin,
            end=begin + timedelta(hours=3),
            participant_count=20 + n,
            status=WorkshopStatus.PUBLISHED,
            published_at=begin,
        )


def warm_fonts() -> None:
    """Convert the document fonts once, as a worker that has rendered before has them: the
    figures are those of an export, not of the one-off conversion (see `pdf._static_font`)."""
    from django.contrib.staticfiles import finders

    from strategy_portal.pdf import _static_font

    stylesheet = Path(finders.find("css/pdf.css")).read_text()
    for name in re.findall(r'url\("\.\./([^"]+\.woff2)"\)', stylesheet):
        _static_font(name)


# --- The renders, each in a process of its own ----------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def child_export(output: Path, plain_html: Path) -> dict:
    """The export as the task does it (content, template, layout, PDF/UA); also writes the same
    HTML without its stylesheets for the plain render."""
    import django

    django.setup()
    # WeasyPrint (with `pdf`) is loaded before the baseline of the memory is taken.
    from strategy_portal import documents, pdf
    from strategy_portal.models import District

    district = District.objects.get(slug=DISTRICT_SLUG)

    before = _peak_mb()
    started = time.perf_counter()
    with output.open("wb") as target:
        source, pages = documents.document_write(kind="strategy", obj=district, target=target)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    html = pdf.document_html(
        source.template_name, source.context, title=source.title, author=district.name
    )
    html = re.sub(r"<link[^>]*rel=\"stylesheet\"[^>]*>", "", html)
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    plain_html.write_text(html)
    return {"seconds": seconds, "pages": pages, "peak_mb": peak, "render_mb": peak - before}


def child_plain(source: Path, output: Path) -> dict:
    """WeasyPrint alone: the same HTML, no stylesheet, no PDF/UA."""
    from weasyprint import HTML

    html = source.read_text()
    before = _peak_mb()
    started = time.perf_counter()
    document = HTML(string=html).render()
    document.write_pdf(output)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    return {
        "seconds": seconds,
        "pages": len(document.pages),
        "peak_mb": peak,
        "render_mb": peak - before,
    }


def run_child(env: dict, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.strategy_pdf", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"render {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda run: run["seconds"])


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="strategieportal-bench-pdf-") as tmp:
            tmp = Path(tmp)
            env = bench_environment(tmp)
            os.environ.clear()
            os.environ.update(env)
            import django
            from django.core.management import call_command

            django.setup()
            progress("preparing a throwaway database and the static files")
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            build_strategy(measures=args.measure_count, steckbriefe=args.steckbrief_count)
            warm_fonts()
            from django.db import connections

            connections.close_all()
            pdf, html, plain_pdf = tmp / "strategie.pdf", tmp / "plain.html", tmp / "plain.pdf"
            exports, plains = [], []
            for number in range(args.repeat):
                progress(f"run {number + 1} of {args.repeat}: the export")
                exports.append(run_child(env, "export", str(pdf), str(html)))
                progress(f"run {number + 1} of {args.repeat}: the plain render")
                plains.append(run_child(env, "plain", str(html), str(plain_pdf)))
            if args.keep:
                args.keep.write_bytes(pdf.read_bytes())
    except BenchError as exc:
        progress(f"error: {exc}")
        return 2
    export, plain = best(exports), best(plains)
    figures = [
        Figure.compare("strategy_pdf.seconds", export["seconds"], "s", plain["seconds"]),
        Figure.compare("strategy_pdf.pages", export["pages"], "pages", plain["pages"]),
        Figure.compare(
            "strategy_pdf.pages_per_second",
            export["pages"] / export["seconds"],
            "pages/s",
            plain["pages"] / plain["seconds"],
        ),
        Figure.compare("strategy_pdf.peak_memory", export["peak_mb"], "MB", plain["peak_mb"]),
        # What the render adds to the process (the export's process has Django loaded).
        Figure.compare("strategy_pdf.render_memory", export["render_mb"], "MB", plain["render_mb"]),
    ]
    progress(
        f"{args.measure_count} measures ({args.steckbrief_count} with a Steckbrief), "
        f"{FIELDS} action fields, {MISSIONS} missions; baseline: the same HTML without "
        "stylesheet and PDF/UA"
    )
    for figure in figures:
        print(figure.line())
    return 0


def _child(argv: list[str]) -> None:
    mode, *paths = argv
    if mode == "export":
        result = child_export(Path(paths[0]), Path(paths[1]))
    elif mode == "plain":
        result = child_plain(Path(paths[0]), Path(paths[1]))
    else:
        raise SystemExit(f"unknown render {mode!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    _child(sys.argv[1:])
