"""Attendance report (отчёт о посещаемости): missed lessons by reason per student, class
and month, with totals. One aggregate query whatever the size of the school."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth

from apps.attendance.models import AttendanceKind, AttendanceMark
from apps.classes.models import SchoolClass
from apps.reports.periods import months_of
from apps.schedule.models import Lesson
from apps.school.models import AcademicYear

KINDS = tuple(AttendanceKind.values)  # н, б, уп, оп
MISSED = ("н", "б", "уп")  # a late arrival (оп) is not a missed lesson


@dataclass
class AttendanceData:
    starts_on: date
    ends_on: date
    months: list[date]
    class_rows: list[dict]
    student_rows: list[dict] | None
    totals: dict
    by_month: dict[date, int]


def _blank(months) -> dict:
    return {**dict.fromkeys(KINDS, 0), "missed": 0, **{f"m{m:%Y%m}": 0 for m in months}}


def attendance(
    *,
    year: AcademicYear,
    starts_on: date,
    ends_on: date,
    class_ids: list[int] | None = None,
    per_student: bool = False,
    today: date | None = None,
) -> AttendanceData:
    """`today`: the report stops at it (months after it have no lessons yet and no column)."""
    if today is not None and starts_on <= today < ends_on:
        ends_on = today
    months = months_of(starts_on, ends_on)
    classes_qs = SchoolClass.objects.filter(year=year).order_by("grade", "letter")
    if class_ids is not None:
        classes_qs = classes_qs.filter(pk__in=class_ids)
    classes = list(classes_qs)
    class_names = {c.pk: c.name for c in classes}
    rows = (
        AttendanceMark.objects.filter(
            lesson__assignment__year=year,
            lesson__date__range=(starts_on, ends_on),
            lesson__assignment__school_class_id__in=class_names,
        )
        .exclude(lesson__status=Lesson.Status.CANCELLED)
        .annotate(month=TruncMonth("lesson__date"))
        .values(
            "student_id",
            "student__last_name",
            "student__first_name",
            "student__patronymic",
            "lesson__assignment__school_class_id",
            "month",
            "kind",
        )
        .annotate(n=Count("pk"))
    )
    by_class = {c.pk: {"name": c.name, "class_id": c.pk, **_blank(months)} for c in classes}
    by_student: dict[tuple[int, int], dict] = {}
    totals = _blank(months)
    by_month: dict[date, int] = defaultdict(int)
    for row in rows:
        class_id, kind, n = row["lesson__assignment__school_class_id"], row["kind"], row["n"]
        month = row["month"]
        targets = [by_class[class_id], totals]
        if per_student:
            name = " ".join(
                p
                for p in (
                    row["student__last_name"],
                    row["student__first_name"],
                    row["student__patronymic"],
                )
                if p
            )
            targets.append(
                by_student.setdefault(
                    (class_id, row["student_id"]),
                    {
                        "name": name,
                        "class": class_names[class_id],
                        "class_id": class_id,
                        **_blank(months),
                    },
                )
            )
        for target in targets:
            target[kind] += n
            if kind in MISSED:
                target["missed"] += n
                target[f"m{month:%Y%m}"] += n
        if kind in MISSED:
            by_month[month] += n
    order = {c.pk: i for i, c in enumerate(classes)}
    student_rows = None
    if per_student:
        student_rows = sorted(by_student.values(), key=lambda r: (order[r["class_id"]], r["name"]))
    return AttendanceData(
        starts_on=starts_on,
        ends_on=ends_on,
        months=months,
        class_rows=list(by_class.values()),
        student_rows=student_rows,
        totals=totals,
        by_month=dict(by_month),
    )
