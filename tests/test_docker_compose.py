"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

There is no engine on the development and CI machines, so the structure is asserted: the services
that the scale-out setup needs, their commands, health checks, volumes and environment. Where a
Compose CLI is installed, `config -q` also validates the file against Compose's own schema (it
needs no engine).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
MAIL_CATCHERS = ("mailpit", "mailhog")


@pytest.fixture(scope="module")
def compose():
    with COMPOSE_FILE.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def healthcheck_text(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else str(test)


def environment(service: dict) -> dict:
    env = service.get("environment", {})
    if isinstance(env, list):  # the "KEY=value" form
        env = dict(item.split("=", 1) for item in env)
    return env


def mail_catcher_name(services: dict) -> str:
    names = [name for name in services if name in MAIL_CATCHERS]
    assert names, f"no mail catcher ({', '.join(MAIL_CATCHERS)}) among {sorted(services)}"
    return names[0]


def test_compose_has_the_scale_out_services(services):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    mail_catcher_name(services)


def test_every_service_has_a_health_check(services):
    # One test rather than one per service name: a test id "postgres" or "redis" would read as
    # the marker of the same name.
    names = ["postgres", "redis", "web", "worker", "beat", mail_catcher_name(services)]
    for name in names:
        healthcheck = services[name].get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"
        test = healthcheck["test"]
        assert test, f"{name} has an empty healthcheck"
        assert test != ["NONE"], f"{name} has an empty healthcheck"


def test_health_checks_ask_each_service_itself(services):
    assert "pg_isready" in healthcheck_text(services["postgres"])
    assert "redis-cli" in healthcheck_text(services["redis"])
    assert "ping" in healthcheck_text(services["redis"])
    web_check = healthcheck_text(services["web"])
    assert "/healthz" in web_check
    assert "curl" not in web_check, "the slim Python image has no curl"
    worker_check = healthcheck_text(services["worker"])
    assert "celery" in worker_check
    assert "inspect ping" in worker_check
    # Beat answers no ping: its check is a process check plus the broker's reachability.
    beat_check = healthcheck_text(services["beat"])
    assert "/proc/1/cmdline" in beat_check
    assert "beat" in beat_check
    assert "CELERY_BROKER_URL" in beat_check


def test_postgres_keeps_its_data_in_a_named_volume(compose, services):
    volumes = services["postgres"]["volumes"]
    named = {v.split(":", 1)[0] for v in volumes if ":/var/lib/postgresql/data" in v}
    assert named, "postgres does not mount /var/lib/postgresql/data"
    assert named <= set(compose.get("volumes") or {}), "the postgres volume is not a named volume"
    assert services["postgres"]["image"].startswith("postgres:16")


def test_redis_persists_queued_work(compose, services):
    redis = services["redis"]
    assert "--appendonly yes" in command_text(redis)
    data_volumes = [v for v in redis.get("volumes", []) if v.endswith(":/data")]
    assert data_volumes, "redis keeps its append-only file in no volume"
    assert data_volumes[0].split(":", 1)[0] in (compose.get("volumes") or {})
    assert redis["image"].startswith("redis:7")


def test_web_migrates_then_serves_with_gunicorn(services):
    command = command_text(services["web"])
    assert "gunicorn" in command
    assert "strategy_portal.wsgi" in command
    assert "migrate" in command
    assert command.index("migrate") < command.index("gunicorn")


def test_worker_and_beat_run_celery(services):
    worker = command_text(services["worker"])
    assert "celery -A strategy_portal worker" in worker
    beat = command_text(services["beat"])
    assert "celery -A strategy_portal beat" in beat


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_run_on_postgres_and_redis(services, name):
    env = environment(services[name])
    assert env["DATABASE_URL"].startswith(("postgres://", "postgresql://"))
    assert env["CELERY_BROKER_URL"].startswith("redis://")
    assert env["CACHE_URL"].startswith("redis://")
    assert env["DEBUG"] in ("0", 0, False)
    assert "SECRET_KEY" in env
    assert "?" in str(env["SECRET_KEY"]), "SECRET_KEY must be required (${SECRET_KEY:?…})"
    assert "build" in services[name], f"{name} is not built from the Dockerfile"


def test_app_services_send_mail_to_the_mail_catcher(services):
    catcher = mail_catcher_name(services)
    for name in ("web", "worker"):
        env = environment(services[name])
        assert catcher in str(env["EMAIL_HOST"])
        assert "1025" in str(env["EMAIL_PORT"])


def test_web_and_worker_share_the_media_volume(compose, services):
    def media_volume(service):
        return {v.split(":", 1)[0] for v in service.get("volumes", []) if v.endswith(":/app/media")}

    shared = media_volume(services["web"]) & media_volume(services["worker"])
    assert shared, "web and worker do not share a media volume"
    assert shared <= set(compose.get("volumes") or {})
    assert str(environment(services["web"])["SERVE_MEDIA"]) == "1"


def test_services_wait_for_healthy_dependencies(services):
    web_deps = services["web"]["depends_on"]
    for dependency in ("postgres", "redis"):
        assert web_deps[dependency]["condition"] == "service_healthy"
    for name in ("worker", "beat"):
        deps = services[name]["depends_on"]
        assert deps, f"{name} waits for nothing"
        assert all(dep["condition"] == "service_healthy" for dep in deps.values())


def test_dockerfile_builds_a_non_root_gunicorn_image_without_downloading_a_browser():
    assert DOCKERFILE.exists()
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "python:3.11-slim-bookworm" in text
    assert "playwright install" not in text
    assert "npm ci" in text
    assert "collectstatic" in text
    assert "libpango-1.0-0" in text
    assert "gunicorn" in text
    user_lines = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert user_lines, "the image runs as root"
    assert user_lines[-1] not in ("root", "0")


def empty_env_file(tmp_path: Path) -> Path:
    """Keeps a developer's own `.env` out of the check."""
    path = tmp_path / "empty.env"
    path.write_text("", encoding="utf-8")
    return path


def _compose_cli() -> list[str] | None:
    """`docker compose` (v2 plugin) or `docker-compose` (v1), whichever answers."""
    candidates = []
    if shutil.which("docker"):
        candidates.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    for cli in candidates:
        probe = subprocess.run([*cli, "version"], capture_output=True, timeout=60, check=False)
        if probe.returncode == 0:
            return cli
    return None


def compose_config(tmp_path, env) -> subprocess.CompletedProcess:
    """`<compose CLI> config -q` on our file; skips the test where no Compose CLI exists."""
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Compose CLI installed (neither `docker compose` nor `docker-compose`)")
    command = [*cli, "--file", str(COMPOSE_FILE), "--env-file", str(empty_env_file(tmp_path))]
    return subprocess.run(
        [*command, "config", "-q"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
        check=False,
    )


def test_compose_cli_accepts_the_file(tmp_path):
    env = {**os.environ, "SECRET_KEY": "compose-config-check-only"}
    result = compose_config(tmp_path, env)
    assert result.returncode == 0, result.stderr or result.stdout


def test_compose_file_demands_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = compose_config(tmp_path, env)
    assert result.returncode != 0
    assert "SECRET_KEY" in (result.stderr + result.stdout)
