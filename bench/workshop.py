"""`python -m bench --workshop`: a large workshop — 40 agenda items, 60 participants, 30 figures
(real JPEG and PNG images), 4 groups of 20 measures — its public page and its PDF.

1. A throwaway site as `python -m bench` prepares it (SQLite, the demo, the static files); the
   workshop is added to the Meißen district, published.
2. The workshop page's SQL queries and its median, p95 and throughput under load by gunicorn,
   beside the baseline page of the same run (the pieces of `bench.run`).
3. Its PDF „Dokumentation des Termins“, rendered in a child process by the site's renderer
   (`strategy_portal.pdf.render_html`: the print stylesheet, tagged PDF/UA): seconds (median of
   `--pdf-runs`), pages and the child's peak memory (maximum resident set). Beside it, in another
   child of the same run, WeasyPrint lays out the same HTML with the stylesheet taken out, through
   the same renderer: what the stylesheet and the document's layout cost.
"""

import argparse
import io
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.run import (
    add_load_options,
    build_figures,
    check_load_options,
    count_queries,
    finish,
    load_average,
    prepare_site,
    progress,
    serve_and_measure,
)
from bench.server import ROOT, BenchError, bench_environment
from bench.stats import Figure
from bench.targets import BASELINE, TARGETS, Target

DEFAULT_JSON = ROOT / "bench" / "results" / "workshop.json"
SIZES = {"agenda": 40, "participants": 60, "figures": 30, "groups": 4, "measures": 20}
DISTRICT = "landkreis-meissen"
SLUG = "bench-grosser-workshop"
STYLED, PLAIN = "styled", "plain"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench --workshop", description=__doc__)
    add_load_options(parser)
    parser.add_argument(
        "--pdf-runs", type=int, default=3, help="renders of each PDF, the median counts (3)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help=f"where to write the figures (default {DEFAULT_JSON.relative_to(ROOT)})",
    )
    # The child process that renders one kind of PDF (internal).
    parser.add_argument("--pdf-child", choices=[STYLED, PLAIN], help=argparse.SUPPRESS)
    parser.add_argument("--workshop-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    check_load_options(parser, args)
    if args.pdf_runs <= 0:
        parser.error("--pdf-runs must be positive")
    return args


# --- The workshop ---------------------------------------------------------------------------------


def image_bytes(number: int, size=(1024, 683)) -> tuple[str, bytes]:
    """A photo-like image (gradient, shapes, text) as JPEG for even and PNG for odd numbers."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for n in range(12):
        x, y = (number * 97 + n * 131) % width, (number * 53 + n * 71) % height
        colour = ((number * 40 + n * 20) % 256, (n * 35) % 256, (number * 15 + 90) % 256)
        draw.rectangle([x, y, x + width // 6, y + height // 8], fill=colour)
        draw.ellipse([y % width, x % height, y % width + 80, x % height + 80], outline=colour)
    draw.text((20, 20), f"Moderationswand {number + 1}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    if number % 2:
        image.save(buffer, format="PNG")
        return f"wand-{number + 1}.png", buffer.getvalue()
    image.save(buffer, format="JPEG", quality=82)
    return f"wand-{number + 1}.jpg", buffer.getvalue()


def build_workshop(
    district, *, agenda=40, participants=60, figures=30, groups=4, measures=20, slug=SLUG
):
    """A published workshop of `district` with the given numbers of parts. `agenda` counts all
    items: half of them TOPs with a documentation section each, half their sub-items."""
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from measures.models import Origin
    from measures.services import measure_create
    from workshops.models import (
        AgendaItem,
        DocumentationSection,
        Figure,
        GroupMeasure,
        Participant,
        Speaker,
        Workshop,
        WorkshopGroup,
        WorkshopStatus,
    )

    start = timezone.now() - timedelta(days=30)
    with transaction.atomic():
        workshop = Workshop.objects.create(
            district=district,
            title="Großer Strategieworkshop Digitalisierung",
            slug=slug,
            motto="Gemeinsam digital",
            summary="Ein ganzer Tag mit **vielen** Gruppen und Ergebnissen.",
            venue="Kulturzentrum",
            address="Marktplatz 1, 01558 Großenhain",
            start=start,
            end=start + timedelta(hours=8),
            organisers="Wirtschaftsförderung",
            partner_organisations="Beratung A\nBeratung B",
            funding_note="Gefördert durch den Bund aufgrund eines Beschlusses des Bundestages.",
            participant_count=participants,
            outlook="Die Ergebnisse fließen in die Strategie ein.",
            status=WorkshopStatus.PUBLISHED,
            published_at=start + timedelta(days=2),
        )
        tops = []
        for n in range((agenda + 1) // 2):
            top = AgendaItem.objects.create(
                workshop=workshop,
                number=f"TOP {n + 1}",
                title=f"Arbeitsphase {n + 1}",
                text="Vorstellung, Diskussion und Zusammenfassung der Ergebnisse.",
                position=n,
            )
            tops.append(top)
            DocumentationSection.objects.create(
                workshop=workshop,
                agenda_item=top,
                title=f"Ergebnisse der Arbeitsphase {n + 1}",
                text=(
                    "Die Teilnehmenden sammelten Ideen im **Brainwriting** und ordneten sie "
                    "Missionen zu.\n\n- Erstens\n- Zweitens\n- Drittens\n\n"
                    "Eine ausführliche Diskussion folgte; die Moderation hielt fest, was offen "
                    "blieb und wer sich darum kümmert. " * 2
                ),
                position=n,
            )
        for n in range(agenda // 2):
            AgendaItem.objects.create(
                workshop=workshop,
                parent=tops[n % len(tops)],
                number=f"TOP {n % len(tops) + 1}.{n // len(tops) + 1}",
                title=f"Unterpunkt {n + 1}",
                position=n,
            )
        Participant.objects.bulk_create(
            Participant(
                workshop=workshop,
                name=f"Person {n + 1}",
                organisation=f"Organisation {n % 12 + 1}",
                attended=n % 10 != 0,
                consent_to_publish_name=n % 3 == 0,
            )
            for n in range(participants)
        )
        for n in range(4):
            Speaker.objects.create(
                workshop=workshop, name=f"Referent*in {n + 1}", topic="Impuls", position=n
            )
        for n in range(figures):
            name, data = image_bytes(n)
            figure = Figure(
                workshop=workshop,
                caption=f"Moderationswand der Arbeitsphase {n % len(tops) + 1}",
                alt_text="Eine Pinnwand mit farbigen Karten",
                agenda_item=tops[n % len(tops)] if tops else None,
                position=n,
            )
            figure.image.save(name, ContentFile(data), save=False)
            figure.make_thumbnail()
            figure.save()
        for number in range(1, groups + 1):
            group = WorkshopGroup.objects.create(
                workshop=workshop,
                number=number,
                topic=f"Themenfeld {number}",
                vision="Im Jahr 2035 arbeitet der Landkreis digital und vernetzt.",
                goals="- Mehr Angebote\n- Bessere Erreichbarkeit",
            )
            for row in range(measures):
                measure = measure_create(
                    district=district,
                    title=f"Maßnahme {number}.{row + 1}",
                    description="Eine Idee aus der Gruppe, in ein paar Sätzen beschrieben.",
                    added_value="Mehr Kooperation\nSichtbarkeit in der Region",
                    feasibility="Mittelfristig\nBudget klären",
                    origin=Origin.WORKSHOP,
                    priority=row + 1,
                )
                GroupMeasure.objects.create(
                    group=group, measure=measure, position=row, source_key=f"bench-{row}"
                )
    return workshop


# --- The PDF, in a child process ------------------------------------------------------------------


_STYLESHEETS = re.compile(r"<link[^>]*rel=\"stylesheet\"[^>]*>|<style[^>]*>.*?</style>", re.S)


def without_stylesheets(html: str) -> str:
    """The same document without its stylesheet links and style elements."""
    return _STYLESHEETS.sub("", html)


def peak_memory_mib() -> float:
    """The process's largest resident set so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def render_pdfs(kind: str, workshop_id: int, runs: int) -> dict:
    """Render the workshop's document `runs` times, with (`styled`) or without its stylesheet."""
    from strategy_portal import documents, pdf
    from workshops.models import Workshop

    source = documents.builder("workshop").build(Workshop.objects.get(pk=workshop_id))
    html = pdf.document_html(source.template_name, source.context, title=source.title)
    if kind == PLAIN:
        html = without_stylesheets(html)
    before = peak_memory_mib()
    seconds, pages, size = [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        rendered = pdf.render_html(html)
        seconds.append(time.perf_counter() - started)
        pages, size = rendered.page_count, len(rendered.content)
    return {
        "kind": kind,
        "seconds": seconds,
        "pages": pages,
        "bytes": size,
        "memory_before_mib": before,
        "peak_memory_mib": peak_memory_mib(),
    }


def run_child(env: dict[str, str], kind: str, workshop_id: int, runs: int) -> dict:
    command = [
        sys.executable,
        "-m",
        "bench",
        "--workshop",
        "--pdf-child",
        kind,
        "--workshop-id",
        str(workshop_id),
        "--pdf-runs",
        str(runs),
    ]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"the {kind} PDF child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pdf_figures(styled: dict, plain: dict) -> list[Figure]:
    def median(result):
        return statistics.median(result["seconds"])

    return [
        Figure.compare("workshop_pdf.seconds", median(styled), "s", median(plain)),
        Figure.compare("workshop_pdf.pages", styled["pages"], "pages", plain["pages"]),
        Figure.compare(
            "workshop_pdf.peak_memory",
            styled["peak_memory_mib"],
            "MiB",
            plain["peak_memory_mib"],
        ),
        Figure.compare(
            "workshop_pdf.memory_growth",
            styled["peak_memory_mib"] - styled["memory_before_mib"],
            "MiB",
            plain["peak_memory_mib"] - plain["memory_before_mib"],
        ),
    ]


# --- The run --------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.pdf_child:
        import django

        django.setup()
        print(json.dumps(render_pdfs(args.pdf_child, args.workshop_id, args.pdf_runs)))
        return 0

    started = time.monotonic()
    load_before = load_average()
    try:
        with tempfile.TemporaryDirectory(prefix="strategieportal-bench-") as tmp:
            env = bench_environment(Path(tmp))
            os.environ.clear()
            os.environ.update(env)
            progress("preparing a throwaway database with the demo and the static files")
            prepare_site()
            from strategy_portal.models import District

            progress(
                "adding the workshop ({})".format(", ".join(f"{v} {k}" for k, v in SIZES.items()))
            )
            workshop = build_workshop(District.objects.get(slug=DISTRICT), **SIZES)
            targets = [
                next(t for t in TARGETS if t.name == BASELINE),
                Target("workshop", workshop.get_absolute_url()),
            ]
            queries = count_queries(targets)
            progress(f"prepared in {time.monotonic() - started:.0f} s")
            loads, gunicorn_log = serve_and_measure(env, Path(tmp), targets, args)
            progress(f"rendering the PDF {args.pdf_runs} times, with and without its stylesheet")
            styled = run_child(env, STYLED, workshop.pk, args.pdf_runs)
            plain = run_child(env, PLAIN, workshop.pk, args.pdf_runs)
    except BenchError as exc:
        progress(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        progress("interrupted")
        return 130

    figures = build_figures(loads, queries, targets) + pdf_figures(styled, plain)
    for figure in figures:
        print(figure.line())
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "meta": {
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "sizes": SIZES,
                    "cpu_count": os.cpu_count(),
                    "load_average_before": load_before,
                    "load_average_after": load_average(),
                    "clients": args.clients,
                    "duration_s": args.duration,
                    "pdf_runs": args.pdf_runs,
                },
                "results": [figure.as_json() for figure in figures],
                "pdf": {STYLED: styled, PLAIN: plain},
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    return finish(args.json, started, gunicorn_log, loads)
