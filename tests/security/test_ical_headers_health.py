"""The calendar feed's life, response headers, health answers, the production checks."""

import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import yaml
from django.urls import reverse

from apps.diary import ical
from apps.diary.models import CalendarFeed
from apps.diary.services import calendar_feed_issue, calendar_feed_renew
from apps.homework.models import Homework
from apps.school import clock
from apps.students.services import guardian_unlink
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


def _feed(world):
    feed = calendar_feed_issue(acting_user=world.users["parent"], student=world.student)
    return feed, reverse("diary:ical-feed", args=[feed.token])


def test_the_feed_stops_when_the_parent_is_unlinked(client, world):
    feed, url = _feed(world)
    assert client.get(url).status_code == 200
    guardian_unlink(
        acting_user=world.users["secretary"], student=world.student, guardian=world.guardian
    )
    assert client.get(url).status_code == 404
    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()


def test_the_feed_stops_when_the_account_is_deactivated_or_the_role_taken(client, world):
    _feed_, url = _feed(world)
    parent = world.users["parent"]
    parent.is_active = False
    parent.save()
    assert client.get(url).status_code == 404
    parent.is_active = True
    parent.save()
    assert client.get(url).status_code == 200
    parent.role_grants.filter(school=world.school, role="parent").delete()
    assert client.get(url).status_code == 404


def test_the_feed_expires_after_a_school_year_unless_renewed(client, world):
    feed, url = _feed(world)
    later = clock.now() + timedelta(days=366)
    with clock.frozen(later):
        assert client.get(url).status_code == 404
    with clock.frozen(later - timedelta(days=30)):
        calendar_feed_renew(acting_user=world.users["parent"], student=world.student)
    with clock.frozen(later):
        assert client.get(url).status_code == 200
    client.force_login(world.users["parent"])
    page = client.get(reverse("diary:calendar", args=[world.school.pk, world.student.pk]))
    assert "Адрес действует до" in page.content.decode()


def test_a_bare_cr_in_homework_cannot_inject_a_property(client, world):
    lesson = f.LessonFactory(assignment=world.assignment, date=clock.school_today(world.school))
    Homework.objects.create(
        school=world.school,
        lesson=lesson,
        text="§ 5\rURL:https://evil.example\rDESCRIPTION:pwned\u2028X-EVIL:1",
        set_at=clock.now(),
        set_by=world.users["teacher"],
    )
    _feed_, url = _feed(world)
    body = client.get(url).content.decode()
    lines = body.replace("\r\n ", "").split("\r\n")
    assert not any(line.startswith(("URL:", "X-EVIL")) for line in lines)
    assert sum(line.startswith("DESCRIPTION:pwned") for line in lines) == 0
    assert "\r" not in body.replace("\r\n", "")
    assert ical._escape("a\rb\nc\r\nd") == "a\\nb\\nc\\nd"


def test_the_feed_token_never_reaches_a_log_line():
    from config.logging import RedactSecrets

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        "",
        0,
        '"GET /diary/ical/%s.ics HTTP/1.1" 200',
        ("s3cr3tT0ken",),
        None,
    )
    RedactSecrets().filter(record)
    assert "s3cr3tT0ken" not in record.getMessage()
    assert "/diary/ical/….ics" in record.getMessage()


def test_pages_carry_the_security_headers(client, world):
    client.force_login(world.users["teacher"])
    response = client.get(reverse("school:home", args=[world.school.pk]))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src-attr")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # The page itself has no inline script or handler the policy would block.
    page = response.content.decode()
    assert " onclick=" not in page and " onchange=" not in page and " onsubmit=" not in page


def test_health_answers_live_and_ready(client, db):
    assert client.get("/healthz/live").json() == {"status": "ok"}
    ready = client.get("/healthz/ready")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
    assert client.get("/healthz").json() == ready.json()


def _compose_env() -> dict:
    """The production environment docker-compose.yml gives the web service, with its
    `${NAME:-default}` references resolved to their defaults and the secrets filled in."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = {}
    for name, value in compose["services"]["web"]["environment"].items():
        value = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))
        env[name] = re.sub(r"\$\{[A-Z_]+(:\?[^}]*)?\}", "x", value)
    return {
        **env,
        "SECRET_KEY": "a-long-random-production-secret-key-" + "x" * 40,
        "SPECIAL_DATA_KEYS": "dGVzdC1vbmx5LXNwZWNpYWwtZGF0YS1rZXktMDAwMDE=",
        "ALLOWED_HOSTS": "journal.school.example",
        "CSRF_TRUSTED_ORIGINS": "https://journal.school.example",
    }


COMPOSE_ENV = _compose_env()


def _deploy_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_environment():
    result = _deploy_check(COMPOSE_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    # Without the HTTPS settings the checks say what is missing.
    bare = {k: v for k, v in COMPOSE_ENV.items() if not k.startswith(("SECURE_", "BEHIND"))}
    result = _deploy_check(bare)
    assert result.returncode != 0 and "security.W004" in result.stdout + result.stderr
