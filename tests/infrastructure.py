"""How the suite runs: its databases, and what it says about the tests it could not run.

The test database is migrated once into a template (`test_journal<TEST_DB_SUFFIX>_template`)
and kept between runs while the migrations are unchanged (a fingerprint of every migration
file is stored as the template's comment). Each process of the run, the single one or each
pytest-xdist worker, gets its own copy of the template in a second or two instead of running
the migrations again (several minutes on a loaded machine). `--create-db` rebuilds it.

Without Chromium or Redis the browser and worker tests skip, and the summary says loudly how
many did not run; in CI (CI set) their fixtures fail instead.
"""

import hashlib
import os
import signal
from contextlib import contextmanager
from pathlib import Path

import django
import pytest

TEMPLATE_SUFFIX = "_template"
# Migrating the template takes minutes on a busy machine, and the other processes of the run
# wait for it: the per-test timeout (pytest-timeout, 5 minutes) is paused meanwhile and this
# longer one watches the setup instead.
DATABASE_SETUP_TIMEOUT = 30 * 60


@contextmanager
def _test_timeout_paused():
    """pytest-timeout's signal method arms ITIMER_REAL for the test (its fixtures included)."""
    if not hasattr(signal, "setitimer"):
        yield
        return
    remaining, _interval = signal.setitimer(signal.ITIMER_REAL, DATABASE_SETUP_TIMEOUT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, remaining)


def migrations_fingerprint() -> str:
    """Changes whenever any installed app's migrations (or Django's version) change."""
    from django.apps import apps

    digest = hashlib.sha256(django.get_version().encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _template_fingerprint(cursor, template: str) -> str | None:
    cursor.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [template],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def _use_database(name: str) -> None:
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = name
    settings.DATABASES["default"]["NAME"] = name


def _build_template(cursor, template: str, fingerprint: str) -> None:
    from django.core.management import call_command
    from django.db import connections

    cursor.execute(f"DROP DATABASE IF EXISTS {_quote(template)} WITH (FORCE)")
    cursor.execute(f"CREATE DATABASE {_quote(template)}")
    _use_database(template)
    call_command("migrate", interactive=False, verbosity=0, run_syncdb=True)
    connections.close_all()  # a template must have no connections when it is copied
    # Marked complete only now: an interrupted build is rebuilt next time.
    cursor.execute(f"COMMENT ON DATABASE {_quote(template)} IS %s", [fingerprint])


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    from django.db import connection, connections

    base = connection.settings_dict["TEST"]["NAME"]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{base}_{worker}" if worker else base
    template = base + TEMPLATE_SUFFIX
    with django_db_blocker.unblock(), _test_timeout_paused():
        fingerprint = migrations_fingerprint()
        # The server's maintenance database; an advisory lock makes the workers of one run
        # wait while the first one builds the template.
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
            try:
                stale = _template_fingerprint(cursor, template) != fingerprint
                if stale or request.config.getoption("create_db"):
                    _build_template(cursor, template, fingerprint)
                cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
                cursor.execute(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(template)}")
            finally:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
        _use_database(name)

    yield

    with django_db_blocker.unblock():
        connections.close_all()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")


# What a skip means, by the words of the fixture that skipped.
UNRUN_KINDS = (
    ("chromium", "browser tests (Chromium is not installed: apt-get install chromium)"),
    ("redis", "integration tests with a real Celery worker (no Redis: set REDIS_URL)"),
)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = dict.fromkeys((label for _, label in UNRUN_KINDS), 0)
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        for word, label in UNRUN_KINDS:
            if word in reason.lower():
                counts[label] += 1
    unrun = {label: n for label, n in counts.items() if n}
    if not unrun:
        return
    terminalreporter.write_sep("!", "NOT EVERYTHING WAS TESTED", red=True, bold=True)
    for label, n in unrun.items():
        terminalreporter.write_line(f"{n} {label} did NOT run", red=True, bold=True)
    terminalreporter.write_line(
        "CI runs them all (CI=1 makes a missing Chromium or Redis a failure).", red=True
    )
