"""`python -m bench --newsletter`: a newsletter to many confirmed subscribers, sent by real Celery
workers over Redis to an SMTP server on loopback (aiosmtpd, counting what it receives), with the
rate limit off; beside it, a plain smtplib loop sending the same number of messages of the same
size to the same server in the same run. Then the crash run: another newsletter, the workers
SIGKILLed in the middle, Redis shut down without saving and started again (every queued and
unacknowledged task is gone), new workers and beat's sweep task (once the claims ran out) finish;
it prints the addresses missing (must be 0) and received twice (at most one per killed worker
process: the mail in flight).

Needs PostgreSQL and the `redis-server` binary: `--database-url` names a server where a throwaway
database is created and dropped (default `BENCH_DATABASE_URL`, else
postgres://postgres@127.0.0.1:5432/); the broker and the cache are a `redis-server` of the run's
own on a free port (the shared Redis is never restarted). The number of subscribers:
`--subscribers` (default `BENCH_NEWSLETTER_SUBSCRIBERS`, else 50,000).
"""

import argparse
import json
import os
import signal
import smtplib
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.redis_server import PrivateRedis, RedisServerMissing
from bench.run import progress
from bench.server import ROOT, BenchError, database_urls, recreate_database
from bench.stats import Figure

DEFAULT_JSON = ROOT / "bench" / "results" / "newsletter.json"
DB_NAME = "strategieportal_bench_newsletter"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench --newsletter", description=__doc__)
    parser.add_argument(
        "--subscribers",
        type=int,
        default=int(os.environ.get("BENCH_NEWSLETTER_SUBSCRIBERS") or 50_000),
        help="confirmed subscribers (default BENCH_NEWSLETTER_SUBSCRIBERS or 50000)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="Celery worker processes (default 2)"
    )
    parser.add_argument("--chunk-size", type=int, default=200, help="mails per chunk (200)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/",
        help="PostgreSQL server; a throwaway database is created on it",
    )
    parser.add_argument("--no-crash", action="store_true", help="skip the crash run")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    if min(args.subscribers, args.workers, args.chunk_size) <= 0:
        parser.error("--subscribers, --workers and --chunk-size must be positive")
    return args


# --- The SMTP server ------------------------------------------------------------------------------


class CountingSink:
    """Counts every recipient it accepts; `hold` makes it wait (a slow relay) while set."""

    def __init__(self):
        self.received: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def reset(self) -> list[str]:
        with self.lock:
            received, self.received = self.received, []
        return received


def start_sink():
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = CountingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller, port


# --- The database ---------------------------------------------------------------------------------


def environment(args, database_url: str, smtp_port: int, redis) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "NEWSLETTER_"))}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "strategy_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-newsletter-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://beteiligung.example.de",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis.url(0),
        "CACHE_URL": redis.url(1),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_TIMEOUT": "10",
        # Short, so that the crash run does not wait five minutes for the claims to run out.
        "EMAIL_SEND_LEASE": "3",
        "NEWSLETTER_RATE_PER_SECOND": "0",
        "NEWSLETTER_CHUNK_SIZE": str(args.chunk_size),
        "NEWSLETTER_PARALLEL_CHUNKS": str(args.workers),
        "LOG_LEVEL": "WARNING",
    }


def prepare(subscribers: int):
    """Migrate, one district, `subscribers` confirmed subscriptions (bulk)."""
    import io

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
    from django.utils import timezone

    from newsletters.models import ConsentText, Subscription
    from strategy_portal.models import District

    district = District.objects.create(
        name="Landkreis Bench", slug="landkreis-bench", newsletter_sender_email="nl@bench.example"
    )
    consent = ConsentText.objects.in_force(district)
    now = timezone.now()
    batch = [
        Subscription(
            district=district,
            email=f"leser{i:06}@example.org",
            status="confirmed",
            requested_at=now,
            confirmed_at=now,
            consent_text=consent,
            confirmation_key="",
        )
        for i in range(subscribers)
    ]
    Subscription.objects.bulk_create(batch, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum does after a bulk load
        cursor.execute(f"ANALYZE {Subscription._meta.db_table}")
    return district


BODY = """## Neues aus dem Landkreis

Die Workshops sind dokumentiert, die Maßnahmen gesammelt. Bis Ende des Monats können Sie
"Ihre" Maßnahmen unterstützen und kommentieren...

- Dokumentation der Workshops
- Termine der nächsten Veranstaltungen
- Ergebnisse der Bewertung
"""


def new_newsletter(district, subject):
    from newsletters.models import Newsletter

    return Newsletter.objects.create(district=district, subject=subject, body=BODY)


# --- Workers --------------------------------------------------------------------------------------


class Workers:
    """`celery worker` with `count` prefork processes, in its own process group."""

    def __init__(self, env: dict[str, str], count: int, log_path: Path):
        self.log = open(log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "strategy_portal", "worker",
                f"--concurrency={count}", "--loglevel=WARNING",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def kill(self) -> None:
        """SIGKILL to the whole group: no warm shutdown, nothing acknowledged."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def wait_for(condition, timeout: float, what: str, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise BenchError(f"gave up waiting for {what} after {timeout:.0f} s")


def status_of(newsletter) -> str:
    from newsletters.models import Newsletter

    return Newsletter.objects.values_list("status", flat=True).get(pk=newsletter.pk)


# --- The runs -------------------------------------------------------------------------------------


def smtplib_loop(port: int, count: int, message: bytes) -> float:
    """The baseline: one connection, `count` messages of the same size, one after the other."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for i in range(count):
            smtp.sendmail("nl@bench.example", [f"leser{i:06}@example.org"], message)
    return count / (time.perf_counter() - started)


def sample_message(newsletter) -> bytes:
    from newsletters import services

    renderer = services.NewsletterRenderer(newsletter)
    rendered = renderer.render(email="leser000000@example.org", manage_link="https://x.example/")
    message = renderer.message(to="leser000000@example.org", rendered=rendered, message_id="<x@y>")
    return message.message().as_bytes(linesep="\r\n")  # as Django's SMTP backend sends it


def tally(expected: list[str], received: list[str]) -> tuple[int, int]:
    counts = Counter(received)
    missing = sum(1 for address in expected if counts[address] == 0)
    twice = sum(1 for n in counts.values() if n > 1)
    return missing, twice


def send_run(args, env, sink, district, expected, log_path) -> float:
    from newsletters import services

    sink.reset()
    newsletter = new_newsletter(district, "Bench: Durchsatz")
    workers = Workers(env, args.workers, log_path)
    try:
        time.sleep(3)  # the workers start up (not measured)
        started = time.perf_counter()
        services.newsletter_send_now(newsletter=newsletter)
        wait_for(
            lambda: status_of(newsletter) == "sent",
            timeout=max(600, args.subscribers / 20),
            what="the newsletter to be sent",
            step=0.1,
        )
        elapsed = time.perf_counter() - started
    finally:
        workers.stop()
    missing, twice = tally(expected, sink.reset())
    if missing or twice:
        raise BenchError(f"throughput run: {missing} missing, {twice} twice")
    return len(expected) / elapsed


def crash_run(args, env, sink, district, expected, log_path, redis) -> dict:
    from django.utils import timezone

    from newsletters import services, tasks
    from newsletters.models import Delivery, DeliveryStatus

    sink.reset()
    newsletter = new_newsletter(district, "Bench: Absturz")
    workers = Workers(env, args.workers, log_path)
    try:
        services.newsletter_send_now(newsletter=newsletter)
        wait_for(lambda: sink.count() >= len(expected) // 3, 600, "a third of the mails", 0.01)
    finally:
        workers.kill()
        workers.stop()
    received_at_kill = sink.count()
    broker = redis.client(0)
    unacked = broker.hlen("unacked")
    queued = broker.llen("celery")
    redis.restart()  # SHUTDOWN NOSAVE, started again on the same port: every task is gone
    if broker.dbsize() != 0:
        raise BenchError("the restarted Redis still holds keys")
    progress(
        f"crash run: workers killed after {received_at_kill} mails; Redis restarted, "
        f"{unacked} unacknowledged and {queued} queued tasks lost"
    )
    workers = Workers(env, args.workers, log_path)
    try:
        # Beat's sweep, once the dead workers' claims ran out (EMAIL_SEND_LEASE=3), through the
        # restarted broker; the new workers run it and the chunks it hands on.
        wait_for(
            lambda: (
                not Delivery.objects.filter(
                    newsletter=newsletter,
                    status=DeliveryStatus.SENDING,
                    lease_until__gt=timezone.now(),
                ).exists()
            ),
            timeout=30,
            what="the claims of the killed workers to run out",
        )
        tasks.sweep_newsletters.delay()
        wait_for(
            lambda: status_of(newsletter) == "sent",
            timeout=max(600, args.subscribers / 20),
            what="the resumed newsletter",
        )
    finally:
        workers.stop()
    missing, twice = tally(expected, sink.reset())
    return {
        "killed_after": received_at_kill,
        "killed_processes": args.workers,
        "redis_restarts": redis.restarts,
        "tasks_lost": unacked + queued,
        "missing": missing,
        "duplicates": twice,
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    admin_url, database_url = database_urls(args.database_url, DB_NAME)
    started = time.monotonic()
    sink, controller, port = start_sink()
    try:
        redis = PrivateRedis().start()
    except (RedisServerMissing, RuntimeError) as exc:
        controller.stop()
        progress(f"error: {exc}")
        return 2
    log_path = ROOT / "bench" / "results" / "newsletter-workers.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")
    try:
        recreate_database(admin_url, DB_NAME)
        env = environment(args, database_url, port, redis)
        os.environ.clear()
        os.environ.update(env)
        progress(f"preparing {args.subscribers} confirmed subscribers")
        district = prepare(args.subscribers)
        expected = [f"leser{i:06}@example.org" for i in range(args.subscribers)]
        message = sample_message(new_newsletter(district, "Bench: Muster"))
        progress(f"smtplib loop: {args.subscribers} messages of {len(message)} bytes")
        baseline = smtplib_loop(port, args.subscribers, message)
        sink.reset()
        progress(f"newsletter through {args.workers} Celery worker processes")
        throughput = send_run(args, env, sink, district, expected, log_path)
        crash = (
            None
            if args.no_crash
            else crash_run(args, env, sink, district, expected, log_path, redis)
        )
    except BenchError as exc:
        progress(f"error: {exc} (worker log: {log_path})")
        return 2
    finally:
        controller.stop()
        redis.close()
        from django.db import connections

        connections.close_all()
        try:
            recreate_database(admin_url, DB_NAME, drop_only=True)
        except Exception as exc:  # the figures are still worth printing
            progress(f"could not drop the bench database: {exc}")

    figure = Figure.compare(
        "newsletter.throughput", round(throughput, 1), "mails/s", round(baseline, 1)
    )
    print(figure.line())
    if crash:
        print(
            f"newsletter.crash: {crash['missing']} missing, {crash['duplicates']} duplicates "
            f"({crash['killed_processes']} worker processes killed after "
            f"{crash['killed_after']} of {args.subscribers} mails, Redis restarted, "
            f"{crash['tasks_lost']} tasks lost)"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "meta": {
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "subscribers": args.subscribers,
                    "workers": args.workers,
                    "chunk_size": args.chunk_size,
                    "cpu_count": os.cpu_count(),
                    "load_average": os.getloadavg()[0],
                },
                "results": [figure.as_json()],
                "crash": crash,
            },
            indent=2,
        )
        + "\n"
    )
    progress(f"figures written to {args.json} ({time.monotonic() - started:.0f} s in all)")
    if crash and (crash["missing"] or crash["duplicates"] > crash["killed_processes"]):
        return 1
    return 0
