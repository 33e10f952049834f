"""Server-side figures of the control area: `.venv/bin/python bench/reports.py`.

On the database's first school (the demo school, built when the database has none),
measures in-process, without HTTP:
- the audit page of a whole school month (stored summary): server time and queries;
- a teacher's own audit lines; the progress and attendance reports, computed live;
- computing and storing one monthly audit of the whole school;
- the whole school's year in Excel (as the worker builds it): time and peak memory;
- one class's year-end journal archive (PDF).
Figures go to bench/results/reports.json and bench/results/reports.md.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.reports.models import AuditRun  # noqa: E402
from apps.school.models import School  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def ensure_school() -> School:
    """The database's first school: the demo school, built (with its stored audits) if none."""
    if not School.objects.exists():
        from apps.school.demo import build_demo_school

        build_demo_school()
    return School.objects.order_by("pk").first()


def timed_get(client: Client, url: str, n: int) -> dict:
    """Server time of a page (no HTTP), after a warm-up; queries counted on a separate run."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(captured.captured_queries)  # now: the next request clears the log
    for _ in range(3):
        client.get(url)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "queries": queries,
        "runs": n,
    }


def in_subprocess(code: str) -> dict:
    """Run a build in a fresh process so its peak memory is its own."""
    script = (
        "import json, os, resource, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.dev')\n"
        "import django; django.setup()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "start = time.perf_counter()\n"
        + code
        + "\nprint(json.dumps({'seconds': round(time.perf_counter() - start, 2), 'bytes': len(out),"
        " 'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),"
        " 'rss_before_mb': round(before / 1024, 1)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # One persistent connection, as a gunicorn worker keeps it (CONN_MAX_AGE), and the
    # query log kept across the request so it can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    school = ensure_school()
    deputy = (
        User.objects.filter(role_grants__school=school, role_grants__role="deputy")
        .order_by("pk")
        .first()
    )
    # The busiest stored month: the page's size grows with the lines, not with the months.
    run = (
        AuditRun.objects.filter(school=school, kind=AuditRun.Kind.MONTH)
        .order_by("-totals__lessons")
        .first()
    )
    teacher_id = run.teachers[0]["id"] if run and run.teachers else None
    figures = {
        "school": school.short_name,
        "students": school.students.count(),
        "lines_in_month": run.lines.count() if run else 0,
        "teachers_in_month": len(run.teachers) if run else 0,
    }
    client = Client()
    client.force_login(deputy)
    audit = reverse("reports:audit", args=[school.pk])
    client.get(audit)  # warm up
    figures["audit page, school month (deputy)"] = timed_get(client, f"{audit}?run={run.pk}", 60)
    figures["audit page, one teacher's lines (deputy)"] = timed_get(
        client, f"{audit}?run={run.pk}&teacher={teacher_id}", 30
    )
    if teacher_id:
        teacher = Client()
        teacher.force_login(User.objects.get(pk=teacher_id))
        figures["audit page, own lines (teacher)"] = timed_get(teacher, audit, 30)
    figures["progress report, school, last ended quarter"] = timed_get(
        client, reverse("reports:progress", args=[school.pk]), 5
    )
    figures["attendance report, school, year"] = timed_get(
        client, reverse("reports:attendance", args=[school.pk]) + "?span=year", 5
    )

    month = run.starts_on.isoformat()
    figures["monthly audit computed and stored (worker)"] = in_subprocess(
        "from datetime import date\nfrom apps.reports.services import audit_month_store\n"
        "from apps.school.models import School\n"
        f"school = School.objects.get(pk={school.pk})\n"
        f"run = audit_month_store(school=school, month=date.fromisoformat({month!r}), replace=True)\n"
        'out = b""\n'
    )
    figures["school year Excel (worker)"] = in_subprocess(
        "from apps.reports.yearbook import school_year_xlsx\nfrom apps.school.models import AcademicYear\n"
        f"year = AcademicYear.objects.filter(school_id={school.pk}).open().first()\n"
        "out = school_year_xlsx(year=year)\n"
    )
    figures["class journal archive PDF (worker)"] = in_subprocess(
        "from apps.classes.models import SchoolClass\nfrom apps.reports.archive import class_archive_pdf\n"
        f"cls = SchoolClass.objects.filter(school_id={school.pk}, year__status='open').order_by('-grade').first()\n"
        "out = class_archive_pdf(cls)\n"
    )
    figures["date"] = time.strftime("%Y-%m-%d %H:%M")
    figures["cpus"] = os.cpu_count()
    figures["this_process_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reports.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    lines = [
        f"# Control and reports — server-side figures, {figures['date']}",
        "",
        f"School: {figures['school']}, students: {figures['students']}, "
        f"audit lines in the month: {figures['lines_in_month']}, teachers: {figures['teachers_in_month']}, CPUs: {figures['cpus']}.",
        "",
        "| measure | median ms | p95 ms | queries |",
        "|---|---|---|---|",
    ]
    for name, value in figures.items():
        if isinstance(value, dict) and "median_ms" in value:
            lines.append(
                f"| {name} | {value['median_ms']} | {value['p95_ms']} | {value['queries']} |"
            )
    lines += ["", "| build | seconds | peak RSS MB | size, bytes |", "|---|---|---|---|"]
    for name, value in figures.items():
        if isinstance(value, dict) and "seconds" in value:
            lines.append(
                f"| {name} | {value['seconds']} | {value['peak_rss_mb']} | {value['bytes']} |"
            )
    (RESULTS / "reports.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
