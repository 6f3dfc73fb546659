"""The environment of a run and the gunicorn server it measures."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent

# Services a developer's shell may point at; the bench always measures the embedded default
# (SQLite, local-memory cache, tasks in-process, files on disk) so runs compare with each other.
UNSET = [
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_FILE_PATH",
    "S3_BUCKET",
    "SECURE_PROXY_SSL_HEADER",
    "SERVE_MEDIA",
    "SITE_URL",
]


class BenchError(Exception):
    """The run cannot go on; the message says why."""


def bench_environment(tmp: Path) -> dict[str, str]:
    """The production environment of a run, all its files inside `tmp`."""
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        # Plain HTTP on 127.0.0.1: the redirect to HTTPS and the secure cookies are a proxy's job.
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        # The demo's mails go to files of the run, not onto the console between the figures.
        EMAIL_FILE_PATH=str(tmp / "mail"),
        BENCH_STATIC_ROOT=str(tmp / "static"),
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def database_urls(server_url: str, name: str) -> tuple[str, str]:
    """The PostgreSQL server's maintenance database and the throwaway database `name` on it."""
    bits = urlsplit(server_url)
    admin = urlunsplit((bits.scheme, bits.netloc, "/postgres", "", ""))
    bench = urlunsplit((bits.scheme, bits.netloc, f"/{name}", "", ""))
    return admin, bench


def recreate_database(admin_url: str, name: str, drop_only: bool = False) -> None:
    """Drop the throwaway database `name` (whoever is connected) and create it empty again."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if not drop_only:
            connection.execute(f"CREATE DATABASE {name}")


def _gunicorn_supports(setting: str) -> bool:
    from gunicorn.config import Config

    return setting in Config().settings


class Gunicorn:
    """gunicorn serving the project on a free port of 127.0.0.1, stopped on leaving the block."""

    def __init__(self, env: dict[str, str], *, workers: int, log_path: Path):
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self):
        # The socket is bound here and handed over, so no other program can take the port between
        # choosing it and gunicorn listening on it.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind((HOST, 0))
            listener.listen(1024)
            self.port = listener.getsockname()[1]
            fd = listener.fileno()
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "strategy_portal.wsgi:application",
                f"--bind=fd://{fd}",
                f"--workers={self.workers}",
                f"--chdir={ROOT}",
                "--graceful-timeout=5",
                "--log-level=warning",
            ]
            if _gunicorn_supports("control_socket_disable"):
                # gunicorn 25.1+ would otherwise leave a control socket in ~/.gunicorn.
                command.append("--no-control-socket")
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=self.env,
                    pass_fds=[fd],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: master and workers
                )
        finally:
            listener.close()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # the master stops its workers gracefully
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Poll /healthz until it answers 200."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise BenchError(f"gunicorn exited during start-up:\n{self.log_tail()}")
            connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
            try:
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                body = response.read()
                if response.status == 200:
                    return
                last = f"HTTP {response.status}: {body[:200]!r}"
            except (OSError, http.client.HTTPException) as exc:
                last = f"{type(exc).__name__}: {exc}"
            finally:
                connection.close()
            time.sleep(0.1)
        raise BenchError(f"/healthz not ready after {timeout:.0f} s ({last}):\n{self.log_tail()}")
