"""`python -m bench --measures`: the measure and strategy pages of a district at scale.

A throwaway database (PostgreSQL by default, `--database sqlite` for the embedded default) is
migrated and filled by `manage.py generate_bench_data`: 12 action fields, 40 missions, 10,000
measures, 100,000 comments in threads (one measure with 500 of them), 200,000 supports by
participants of all three kinds, scores by two facilitators. gunicorn serves it as in production
and each page is loaded by concurrent clients, beside the baseline of the same run: the measure
list (page 1 and page 50, most supported first), the measure with 500 comments, a German
full-text search, the strategy overview, an action field, the statistics and the ranking (a
workspace page, requested as a logged-in facilitator). Figures go to bench/results/measures.json.

`--database-url` names the PostgreSQL server where the database `strategieportal_bench_measures`
is created and dropped (default `BENCH_DATABASE_URL`, else postgres://postgres@127.0.0.1:5432/).
"""

import argparse
import io
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.run import (
    _stop_on_sigterm,
    add_load_options,
    build_figures,
    check_load_options,
    count_queries,
    finish,
    load_average,
    metadata,
    progress,
    serve_and_measure,
    session_headers,
    write_json,
)
from bench.server import (
    ROOT,
    BenchError,
    bench_environment,
    database_urls,
    recreate_database,
)
from bench.stats import Figure
from bench.targets import BASELINE, Target

DEFAULT_JSON = ROOT / "bench" / "results" / "measures.json"
DB_NAME = "strategieportal_bench_measures"
SLUG = "bench-landkreis"
SEARCH = "Breitband Schule"
LIST_PAGE = 50


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench --measures",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_load_options(parser)
    parser.add_argument(
        "--database",
        choices=["postgres", "sqlite"],
        default="postgres",
        help="PostgreSQL (default) or a SQLite file in the run's temporary directory",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/",
        help="PostgreSQL server; a throwaway database is created on it and dropped",
    )
    for name, default in (("measures", 10_000), ("comments", 100_000), ("supports", 200_000)):
        parser.add_argument(
            f"--{name[:-1]}-count", dest=name, type=int, default=default, help=f"default {default}"
        )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help=f"where to write the figures (default {DEFAULT_JSON.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    check_load_options(parser, args)
    if args.measures < LIST_PAGE * 20:
        parser.error(
            f"--measure-count must be at least {LIST_PAGE * 20} (page {LIST_PAGE} of the list)"
        )
    return args


# --- The site -------------------------------------------------------------------------------------


def prepare_site(args: argparse.Namespace) -> list[Target]:
    """Migrate, generate the district, collect the static files; the pages to measure."""
    import django
    from django.core.management import call_command

    django.setup()
    quiet = io.StringIO()
    call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
    started = time.monotonic()
    call_command(
        "generate_bench_data",
        slug=SLUG,
        measures=args.measures,
        comments=args.comments,
        supports=args.supports,
        stdout=quiet,
    )
    progress(f"generate_bench_data: {quiet.getvalue().strip().splitlines()[-2]}")
    progress(f"generated in {time.monotonic() - started:.0f} s")
    call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)
    return targets()


def targets() -> list[Target]:
    from measures.bench_data import DEBATED_TITLE, FACILITATOR_EMAIL
    from measures.models import Measure
    from strategy_portal.models import ActionField

    debated = Measure.objects.select_related("district").get(
        district__slug=SLUG, title=DEBATED_TITLE
    )
    field = ActionField.objects.filter(district__slug=SLUG, is_cross_cutting=False).first()
    measures = f"/{SLUG}/massnahmen/"
    return [
        Target(BASELINE, "/__bench__/baseline/"),
        Target("list-supported", f"{measures}?sort=supported"),
        Target(
            f"list-supported-page-{LIST_PAGE}",
            f"{measures}?{urlencode({'sort': 'supported', 'page': LIST_PAGE})}",
        ),
        Target(f"detail-{debated.comment_count}-comments", debated.get_absolute_url()),
        Target("search", f"{measures}?{urlencode({'q': SEARCH})}"),
        Target("strategy", f"/{SLUG}/strategie/"),
        Target("action-field", f"/{SLUG}/strategie/{field.slug}/"),
        Target("statistics", f"/{SLUG}/statistik/"),
        Target(
            "ranking",
            f"/{SLUG}/verwaltung/bewertung/",
            login=FACILITATOR_EMAIL.format(slug=SLUG),
        ),
    ]


def statistics_queries(pages: list[Target]) -> int:
    """The SQL queries of the statistics page when its figures are not in the cache."""
    from django.test import override_settings

    (statistics,) = [page for page in pages if page.name == "statistics"]
    with override_settings(STATISTICS_CACHE_SECONDS=0):
        return count_queries([statistics])["statistics"]


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = time.monotonic()
    load_before = load_average()
    admin_url, database_url = database_urls(args.database_url, DB_NAME)
    postgres = args.database == "postgres"
    try:
        with tempfile.TemporaryDirectory(prefix="strategieportal-bench-") as tmp:
            env = bench_environment(Path(tmp))
            if postgres:
                recreate_database(admin_url, DB_NAME)
                env["DATABASE_URL"] = database_url
            os.environ.clear()
            os.environ.update(env)
            progress(
                f"preparing a throwaway {args.database} database with {args.measures} measures, "
                f"{args.comments} comments, {args.supports} supports"
            )
            pages = prepare_site(args)
            queries = count_queries(pages)
            computed = statistics_queries(pages)
            headers = session_headers(pages)
            loads, gunicorn_log = serve_and_measure(env, Path(tmp), pages, args, headers)
    except BenchError as exc:
        progress(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        progress("interrupted")
        return 130
    finally:
        if postgres:
            from django.db import connections

            connections.close_all()
            try:
                recreate_database(admin_url, DB_NAME, drop_only=True)
            except Exception as exc:  # the figures are still worth printing
                progress(f"could not drop the bench database: {exc}")

    figures = build_figures(loads, queries, pages)
    # Served warm, the statistics come from the cache; this is what computing them costs.
    figures.append(
        Figure.compare("statistics.queries-computed", computed, "queries", queries[BASELINE])
    )
    for figure in figures:
        print(figure.line())
    meta = metadata(args, load_before, database=args.database)
    meta.update(measures=args.measures, comments=args.comments, supports=args.supports)
    write_json(args.json, meta, figures, loads)
    return finish(args.json, started, gunicorn_log, loads)


if __name__ == "__main__":
    sys.exit(main())
