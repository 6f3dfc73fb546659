"""`python -m bench`: prepare a throwaway site, serve it with gunicorn, load it, print the figures.

1. A temporary directory holds everything of the run: a SQLite database (migrated, with the demo
   of `load_demo`), the collected static files, gunicorn's log. It is removed at the end.
2. In this process, the Django test client requests each target once to warm up and once more
   inside CaptureQueriesContext: the SQL queries a page costs (and a check that it answers 200).
3. gunicorn serves the site as in production (DEBUG=0, `bench.settings`), each target is loaded
   by concurrent clients, and the figures are printed and written to a JSON file.
"""

import argparse
import io
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

from bench.load import LoadResult, drain, run_load
from bench.server import HOST, ROOT, BenchError, Gunicorn, bench_environment
from bench.stats import Figure, summarize
from bench.targets import BASELINE, TARGETS, Target

DEFAULT_JSON = ROOT / "bench" / "results" / "latest.json"

# The scenarios besides the pages under load: `python -m bench <flag> [their options]`, each a
# module with `main(argv) -> int` that prints its figures beside a baseline of the same run.
SCENARIOS = {
    "--newsletter": "bench.newsletter",
    "--workshop": "bench.workshop",
    "--measures": "bench.measures",
    "--strategy-pdf": "bench.strategy_pdf",
}


def add_load_options(parser: argparse.ArgumentParser) -> None:
    """The options of the load every page gets (also used by the scenarios that load pages)."""
    parser.add_argument(
        "--duration", type=float, default=5.0, help="measured seconds per page (default 5)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=1.0,
        help="unmeasured seconds before each page's first round (default 1)",
    )
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="slices the duration is measured in, the pages taking turns, so that a change in "
        "the machine's load falls on all of them alike (default 5)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)"
    )


def check_load_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if min(args.duration, args.clients, args.workers, args.rounds) <= 0 or args.warmup < 0:
        parser.error("--duration, --clients, --workers, --rounds must be positive")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Latency, throughput and SQL queries of the site's pages, each beside the "
        "same figure for a minimal page rendering base.html (the baseline).",
    )
    add_load_options(parser)
    parser.add_argument(
        "--target",
        action="append",
        choices=[target.name for target in TARGETS if target.name != BASELINE],
        help="only this page (repeatable); the baseline is always measured",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help=f"where to write the figures (default {DEFAULT_JSON.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    check_load_options(parser, args)
    return args


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def select_targets(names: list[str] | None) -> list[Target]:
    return [t for t in TARGETS if t.name == BASELINE or not names or t.name in names]


def prepare_site() -> None:
    """Migrate the throwaway database, load the demo and collect the static files."""
    import django
    from django.core.management import call_command

    django.setup()
    quiet = io.StringIO()
    call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
    call_command("load_demo", domain=HOST, quiet_logins=True, stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)


def _client_as(client, login: str | None) -> None:
    from django.contrib.auth import get_user_model

    client.logout()
    if login:
        client.force_login(get_user_model().objects.get(email=login))


def count_queries(targets: list[Target]) -> dict[str, int]:
    """The SQL queries of each page once warm (the second request), through the test client,
    as the target's user where it names one."""
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    counts = {}
    try:
        for target in targets:
            _client_as(client, target.login)
            client.get(target.path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(target.path)
            if response.status_code != 200:
                raise BenchError(
                    f"{target.name} ({target.path}) answers {response.status_code}, not 200"
                )
            counts[target.name] = len(queries)
    finally:
        connections.close_all()
    return counts


def session_headers(targets: list[Target]) -> dict[str, dict[str, str]]:
    """A `Cookie` header per target that logs a user in: a session stored in the database the
    server reads, as after a login."""
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    headers = {}
    try:
        for target in targets:
            if target.login:
                client = Client(HTTP_HOST=HOST)
                _client_as(client, target.login)
                session = client.cookies[settings.SESSION_COOKIE_NAME].value
                headers[target.name] = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    finally:
        connections.close_all()
    return headers


def measure(
    port: int,
    targets: list[Target],
    args: argparse.Namespace,
    headers: dict[str, dict[str, str]] | None = None,
) -> dict[str, LoadResult]:
    """Load each page in turn, round after round; each page warms up before its first round."""
    headers = headers or {}
    loads = {target.name: LoadResult() for target in targets}
    for number in range(args.rounds):
        progress(f"round {number + 1} of {args.rounds}")
        for target in targets:
            loads[target.name].add(
                run_load(
                    HOST,
                    port,
                    target.path,
                    clients=args.clients,
                    duration=args.duration / args.rounds,
                    warmup=args.warmup if number == 0 else 0,
                    headers=headers.get(target.name),
                )
            )
            drain(HOST, port)
    return loads


def build_figures(
    loads: dict[str, LoadResult], queries: dict[str, int], targets: list[Target]
) -> list[Figure]:
    base_summary = summarize(loads[BASELINE].latencies, loads[BASELINE].elapsed)
    figures = []
    for target in targets:
        load = loads[target.name]
        summary = summarize(load.latencies, load.elapsed)
        for key, unit in (("median", "ms"), ("p95", "ms"), ("throughput", "req/s")):
            figures.append(
                Figure.compare(f"{target.name}.{key}", summary[key], unit, base_summary[key])
            )
        figures.append(
            Figure.compare(
                f"{target.name}.queries", queries[target.name], "queries", queries[BASELINE]
            )
        )
        figures.append(
            Figure.compare(
                f"{target.name}.errors", load.error_count, "errors", loads[BASELINE].error_count
            )
        )
    return figures


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # not available on this platform
        return None


def metadata(args: argparse.Namespace, load_before: float | None, database: str = "sqlite") -> dict:
    import django
    import gunicorn

    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": None if status is None else bool(status),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        # Other work on the machine skews the absolute figures (the ratios less so).
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "database": database,
        "workers": args.workers,
        "clients": args.clients,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
    }


def write_json(path: Path, meta: dict, figures: list[Figure], loads: dict[str, LoadResult]):
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "meta": meta,
        "results": [figure.as_json() for figure in figures],
        "requests": {
            name: {"ok": len(load.latencies), "errors": dict(load.errors)}
            for name, load in loads.items()
        },
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def finish(json_path: Path, started: float, gunicorn_log: str, loads: dict[str, LoadResult]):
    """The end of a run under load: where the figures went, gunicorn's complaints, and the exit
    status (1 if any request failed)."""
    progress(f"figures written to {json_path} ({time.monotonic() - started:.0f} s in all)")
    if gunicorn_log:
        # Only warnings and errors get there: worker timeouts, crashes, tracebacks.
        progress(f"gunicorn's log ends with:\n{gunicorn_log}")
    failed = {name: dict(load.errors) for name, load in loads.items() if load.errors}
    if failed:
        progress(f"error: requests failed: {failed}")
        return 1
    return 0


def serve_and_measure(
    env: dict[str, str],
    tmp: Path,
    targets: list[Target],
    args: argparse.Namespace,
    headers: dict[str, dict[str, str]] | None = None,
) -> tuple[dict[str, LoadResult], str]:
    """Serve the prepared site with gunicorn and load each target (`add_load_options`, with the
    `session_headers` of targets that log in); the loads and the end of gunicorn's log (warnings
    and errors only)."""
    with Gunicorn(env, workers=args.workers, log_path=tmp / "gunicorn.log") as server:
        server.wait_ready()
        progress(
            f"gunicorn on {HOST}:{server.port} with {args.workers} workers; "
            f"{args.clients} clients, {args.warmup:g} s warm-up + {args.duration:g} s "
            f"in {args.rounds} rounds per page"
        )
        loads = measure(server.port, targets, args, headers)
    gunicorn_log = server.log_tail()
    return loads, gunicorn_log


def _stop_on_sigterm(signum, frame):
    progress("stopped")
    raise SystemExit(128 + signum)  # unwinds through the clean-up below


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    for flag, module in SCENARIOS.items():
        if flag in argv:
            return import_module(module).main([arg for arg in argv if arg != flag])
    args = parse_args(argv)
    targets = select_targets(args.target)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = time.monotonic()
    load_before = load_average()
    cpus = os.cpu_count() or 1
    if load_before is not None and load_before > cpus / 2:
        progress(
            f"warning: the machine is busy (load average {load_before} on {cpus} CPUs); "
            "the absolute figures will be low, compare the ratios"
        )
    try:
        with tempfile.TemporaryDirectory(prefix="strategieportal-bench-") as tmp:
            env = bench_environment(Path(tmp))
            os.environ.clear()
            os.environ.update(env)
            progress("preparing a throwaway database with the demo and the static files")
            prepare_site()
            queries = count_queries(targets)
            headers = session_headers(targets)
            progress(f"prepared in {time.monotonic() - started:.0f} s")
            loads, gunicorn_log = serve_and_measure(env, Path(tmp), targets, args, headers)
    except BenchError as exc:
        progress(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        progress("interrupted")
        return 130

    figures = build_figures(loads, queries, targets)
    for figure in figures:
        print(figure.line())
    write_json(args.json, metadata(args, load_before), figures, loads)
    return finish(args.json, started, gunicorn_log, loads)
