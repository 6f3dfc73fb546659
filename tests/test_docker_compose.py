"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

There is no engine on the development and CI machines, so the structure is asserted: the services
that the scale-out setup needs, their commands, health checks, volumes and environment. Where a
Compose CLI is installed, `config -q` also validates the file against Compose's own schema (it
needs no engine).
"""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

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


def test_web_serves_with_gunicorn_and_leaves_migrating_to_the_one_shot_service(services):
    command = command_text(services["web"])
    assert "gunicorn" in command
    assert "strategy_portal.wsgi" in command
    assert "migrate" not in command, "every web container would migrate at start"


def test_migrations_run_once_before_web_worker_and_beat_start(services):
    migrate = services["migrate"]
    assert "manage.py migrate" in command_text(migrate)
    assert str(migrate.get("restart", "no")) == "no", "a one-shot service must not restart"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in command_text(services[name])
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully", name


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


# --- One set of variables: the README's tables, the settings and the compose file ----------------

SETTINGS_FILE = ROOT / "strategy_portal" / "settings.py"
README = ROOT / "README.md"
ENV_HELPERS = {"envbool", "envint", "envlist"}
# Documented and passed on, but read by another program than the settings.
READ_ELSEWHERE = {"WEB_CONCURRENCY"}  # gunicorn


def variables_read_by_settings() -> set[str]:
    """Every environment variable named by a string literal in settings.py: `os.environ.get("X")`,
    `os.environ["X"]` and the `envbool`/`envint`/`envlist` helpers."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))):
        first = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Name) and func.id in ENV_HELPERS:
                first = node.args[0]
            elif isinstance(func, ast.Attribute) and func.attr == "get":
                if ast.unparse(func.value) == "os.environ":
                    first = node.args[0]
            elif ast.unparse(func) == "os.getenv":
                first = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            first = node.slice
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def variables_documented_in_readme() -> set[str]:
    """The variable names in the first column of the tables of the README's Configuration."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_every_variable_the_settings_read_is_documented_and_nothing_else():
    read = variables_read_by_settings()
    documented = variables_documented_in_readme()
    assert {"SECRET_KEY", "EMAIL_USE_SSL", "S3_BUCKET", "SECURE_HSTS_PRELOAD"} <= read
    assert read - documented == set(), "read by settings.py but not in the README's tables"
    assert documented - read - READ_ELSEWHERE == set(), "documented but read nowhere"


@pytest.mark.parametrize("name", ["migrate", "web", "worker", "beat"])
def test_every_documented_variable_reaches_the_app_containers(compose, services, name):
    env = environment(services[name])
    missing = variables_documented_in_readme() - set(env)
    assert missing == set(), f"{name} never gets {sorted(missing)}"
    assert set(env) - variables_documented_in_readme() == set(), "undocumented variables"
    assert env == compose["x-env"], f"{name} does not use the shared environment"


def compose_default(value) -> str:
    """What `${NAME:-default}` gives when NAME is not set; a literal stays as it is."""
    match = re.fullmatch(r"\$\{[A-Z0-9_]+:?-(.*)\}", str(value))
    return match.group(1) if match else str(value)


def settings_with(env: dict) -> dict:
    """Selected settings of a fresh process with exactly `env` (plus what Python needs)."""
    code = (
        "import json, django; from django.conf import settings as s; django.setup(); "
        "print(json.dumps({k: getattr(s, k, None) for k in "
        "['EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'EMAIL_TIMEOUT', 'SERVER_EMAIL', 'SITE_URL']}))"
    )
    base = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "strategy_portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_mail_encryption_defaults_in_compose_are_the_settings_defaults(compose):
    env = {k: compose_default(v) for k, v in compose["x-env"].items()}
    # An operator who points the compose file at a relay on port 587 gets STARTTLS, as without it.
    env.update(EMAIL_HOST="relay.example.de", EMAIL_PORT="587", SECRET_KEY="x", SERVER_EMAIL="")
    plain = {
        "DEBUG": "0",
        "SECRET_KEY": "x",
        "EMAIL_HOST": "relay.example.de",
        "EMAIL_PORT": "587",
        "DEFAULT_FROM_EMAIL": env["DEFAULT_FROM_EMAIL"],
        "SITE_URL": env["SITE_URL"],
    }

    assert settings_with(env) == settings_with(plain)
    assert settings_with(env)["EMAIL_USE_TLS"] is True
    assert settings_with({**env, "EMAIL_PORT": "465"})["EMAIL_USE_SSL"] is True


# --- The image ------------------------------------------------------------------------------------


def test_gunicorn_and_the_build_backend_are_pinned_and_the_venv_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [Requirement(r) for r in project["project"]["dependencies"]]
    [gunicorn] = [r for r in requirements if r.name == "gunicorn"]
    assert any(spec.operator in ("<", "==", "~=") for spec in gunicorn.specifier), gunicorn
    assert not gunicorn.specifier.contains("27.0.1"), "gunicorn 27 logs control-socket errors"
    assert gunicorn.specifier.contains(version("gunicorn")), "the venv runs another gunicorn"
    [setuptools] = [Requirement(r) for r in project["build-system"]["requires"]]
    assert setuptools.name == "setuptools"
    assert any(spec.operator in ("<", "==", "~=") for spec in setuptools.specifier), setuptools
    # The image installs from pyproject.toml, so these pins are what it gets.
    assert 'pip install ".[s3]"' in DOCKERFILE.read_text(encoding="utf-8")


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
    assert compose_default(environment(services["web"])["SERVE_MEDIA"]) == "1"


def test_services_wait_for_healthy_dependencies(services):
    for name in ("web", "worker", "beat"):
        deps = services[name]["depends_on"]
        for dependency in ("postgres", "redis"):
            assert deps[dependency]["condition"] == "service_healthy", name
        others = {k: v for k, v in deps.items() if k != "migrate"}
        assert all(dep["condition"] == "service_healthy" for dep in others.values()), name


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
