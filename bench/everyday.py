"""Figures of issue 12's «nothing makes a person wait»: `.venv/bin/python bench/everyday.py`.

On the database's first school (the demo school), in-process, without HTTP:
- the substitutions page of a school day (server time, bytes) and one lesson's forms;
- the class diary printout of the whole class (seconds, pages per student);
- the audit, progress and movement PDFs (seconds).
Figures go to bench/results/everyday.json and bench/results/everyday.md.
"""

import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.schedule.models import Lesson  # noqa: E402
from apps.school.clock import school_today  # noqa: E402
from apps.school.models import School  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def timed(client: Client, url: str, n: int, **headers) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    size = len(response.content)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "bytes": size, "runs": n}


def timed_pdf(client: Client, url: str) -> dict:
    from pypdf import PdfReader  # the tests' reader

    start = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    import io

    pages = len(PdfReader(io.BytesIO(response.content)).pages)
    return {"seconds": round(seconds, 2), "pages": pages, "bytes": len(response.content)}


def main() -> None:
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    school = School.objects.order_by("pk").first()
    client = Client()
    today = school_today(school)
    busiest = (
        Lesson.objects.filter(school=school, date__lte=today)
        .values_list("date", flat=True)
        .order_by("-date")
        .first()
    )
    figures: dict = {"school": str(school), "day": busiest.isoformat()}

    client.force_login(User.objects.get(username="dispatcher"))
    changes = reverse("timetable:changes", args=[school.pk]) + f"?day={busiest.isoformat()}"
    figures["substitutions_page"] = timed(client, changes, 10)
    figures["substitutions_page"]["lessons"] = Lesson.objects.filter(
        school=school, date=busiest
    ).count()
    lesson = Lesson.objects.filter(school=school, date=busiest).first()
    forms = reverse("timetable:lesson-forms", args=[school.pk, lesson.pk])
    figures["lesson_forms"] = timed(client, forms, 10, HX_Request="true")

    teacher = User.objects.get(username="teacher")
    client.force_login(teacher)
    from apps.classes.models import SchoolClass

    led = SchoolClass.objects.filter(class_teacher=teacher, year__status="open").first()
    monday = today - timedelta(days=today.weekday() + 7)
    printout = (
        reverse("diary:printout-pdf", args=[school.pk, led.pk])
        + f"?all=1&week={monday.isoformat()}"
    )
    result = timed_pdf(client, printout)
    from apps.diary.printout import class_roster

    result["students"] = len(class_roster(school_class=led, day=today))
    figures["class_printout"] = result

    client.force_login(User.objects.get(username="deputy"))
    figures["audit_pdf"] = timed_pdf(
        client, reverse("reports:audit", args=[school.pk]) + "?format=pdf"
    )
    figures["progress_pdf"] = timed_pdf(
        client, reverse("reports:progress", args=[school.pk]) + "?format=pdf"
    )
    client.force_login(User.objects.get(username="secretary"))
    year_start = led.year.starts_on.isoformat()
    figures["movement_pdf"] = timed_pdf(
        client,
        reverse("orders:movement-pdf", args=[school.pk])
        + f"?date_from={year_start}&date_to={today.isoformat()}",
    )
    figures["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "everyday.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    lines = [
        "# Everyday pages (bench/everyday.py)",
        "",
        f"School: {figures['school']}; day {figures['day']}; load average {' '.join(figures['loadavg'])}.",
        "",
        "| what | figure |",
        "|---|---|",
        f"| substitutions page, {figures['substitutions_page']['lessons']} lessons | "
        f"{figures['substitutions_page']['median_ms']} ms, "
        f"{figures['substitutions_page']['bytes'] / 1024:.0f} KB |",
        f"| one lesson's forms (htmx) | {figures['lesson_forms']['median_ms']} ms, "
        f"{figures['lesson_forms']['bytes'] / 1024:.1f} KB |",
        f"| class diary printout, {result['students']} students | {result['seconds']} s, "
        f"{result['pages']} pages |",
    ]
    for key, label in (
        ("audit_pdf", "audit PDF"),
        ("progress_pdf", "progress PDF"),
        ("movement_pdf", "movement PDF"),
    ):
        lines.append(f"| {label} | {figures[key]['seconds']} s, {figures[key]['pages']} pages |")
    lines += [
        "",
        "Server time in one process with the dev settings (DEBUG on). The class printout and",
        "the audit and report PDFs are built by the worker when asked from their pages (the",
        "export page shows the progress, a notice says when the file is ready): the seconds",
        "above are the worker's build time, not a wait in the browser.",
    ]
    (RESULTS / "everyday.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
