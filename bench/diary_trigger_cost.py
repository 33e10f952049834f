"""What the diary's stamp triggers cost the teacher's cell save: `mark_set` and `attendance_set`
timed with the triggers on and off, alternating rounds (it writes: use a scratch database).

    DATABASE_URL=... .venv/bin/python bench/diary_trigger_cost.py

Needs a school with held lessons (the demo or bench/diary_synthetic.py). Prints per-save
medians; the figures go into the closing note, not into tests.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from apps.attendance.models import AttendanceMark  # noqa: E402
from apps.attendance.services import attendance_set  # noqa: E402
from apps.gradebook.models import Mark, WorkType  # noqa: E402
from apps.gradebook.services import mark_set  # noqa: E402
from apps.schedule.models import Lesson  # noqa: E402
from apps.school.clock import school_today  # noqa: E402
from apps.students.models import Enrollment  # noqa: E402

STAMP_TABLES = ("gradebook_mark", "attendance_attendancemark", "schedule_lesson")


def _set_triggers(enabled: bool) -> None:
    with connection.cursor() as cur:
        for table in STAMP_TABLES:
            cur.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE 'pgtrigger_stamp_%%'",
                [table],
            )
            for (name,) in cur.fetchall():
                cur.execute(
                    f'ALTER TABLE {table} {"ENABLE" if enabled else "DISABLE"} TRIGGER "{name}"'
                )


def _round(lesson, students, work_type, teacher) -> list[float]:
    timings = []
    for student in students:
        current = Mark.objects.filter(lesson=lesson, student=student, work_type=work_type).first()
        started = time.perf_counter()
        mark_set(
            acting_user=teacher,
            lesson=lesson,
            student=student,
            work_type=work_type,
            value="5" if current is None or current.value != "5" else "4",
            expected_version=current.version if current else 0,
        )
        absent = AttendanceMark.objects.filter(lesson=lesson, student=student).first()
        attendance_set(
            acting_user=teacher,
            lesson=lesson,
            student=student,
            kind="" if absent else "оп",
            expected_version=absent.version if absent else 0,
        )
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main(rounds: int = 6) -> None:
    lesson = (
        Lesson.objects.filter(date__lte=school_today(Lesson.objects.first().school), status="held")
        .select_related(
            "school", "assignment__school_class", "assignment__year", "assignment__teacher"
        )
        .order_by("-date")
        .first()
    )
    teacher = lesson.assignment.teacher
    students = [
        e.student
        for e in Enrollment.objects.filter(
            school_class=lesson.assignment.school_class
        ).select_related("student")
    ]
    work_type = WorkType.objects.filter(school=lesson.school).order_by("order").first()
    results = {True: [], False: []}
    try:
        for i in range(rounds):
            enabled = i % 2 == 0
            _set_triggers(enabled)
            results[enabled] += _round(lesson, students, work_type, teacher)
    finally:
        _set_triggers(True)
    for enabled, values in results.items():
        values.sort()
        print(
            f"triggers {'on ' if enabled else 'off'}: n={len(values)} median {statistics.median(values):.2f} ms, "
            f"p95 {values[int(0.95 * (len(values) - 1))]:.2f} ms (mark_set + attendance_set)"
        )


if __name__ == "__main__":
    main()
