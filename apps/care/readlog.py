"""152-ФЗ: every page view and export that shows a student's special data leaves one row:
who, when, which students, which page or file. The director reads the log; the secretary
prints, at a parent's request, who read their child's data."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

from apps.accounts.policy import Role
from apps.care.models import SpecialReadLog
from apps.school.clock import now as clock_now
from apps.students.models import Student


def special_read_log(
    *,
    ctx,
    area: str,
    what: str,
    students: Iterable,
    export: bool = False,
) -> SpecialReadLog | None:
    """Record one read (one INSERT). Nothing is recorded when no student's data was shown."""
    ids = sorted({s if isinstance(s, int) else s.pk for s in students})
    if not ids:
        return None
    user = ctx.user
    return SpecialReadLog.objects.create(
        school=ctx.school,
        reader=user,
        reader_name=user.full_name or user.username,
        reader_roles=", ".join(str(Role(r).label) for r in sorted(ctx.roles)),
        read_at=clock_now(),
        area=area,
        what=what[:300],
        export=export,
        student_ids=ids,
    )


@dataclass
class LogFilter:
    student: Student | None = None
    reader_id: int | None = None
    since: date | None = None
    until: date | None = None


def read_log(*, school, flt: LogFilter) -> QuerySet[SpecialReadLog]:
    qs = SpecialReadLog.objects.filter(school=school)
    if flt.student is not None:
        qs = qs.filter(student_ids__contains=[flt.student.pk])
    if flt.reader_id:
        qs = qs.filter(reader_id=flt.reader_id)
    tz = school.tz
    if flt.since:
        qs = qs.filter(read_at__gte=datetime.combine(flt.since, time.min, tzinfo=tz))
    if flt.until:
        qs = qs.filter(
            read_at__lt=datetime.combine(flt.until + timedelta(days=1), time.min, tzinfo=tz)
        )
    return qs.order_by("-read_at", "-pk")


def student_names(rows) -> dict[int, str]:
    """Names of the students of a page of log rows (one query)."""
    ids = {i for r in rows for i in r.student_ids}
    return {
        s.pk: s.full_name
        for s in Student.objects.filter(pk__in=ids).only("last_name", "first_name", "patronymic")
    }
