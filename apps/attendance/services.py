"""Attendance at a lesson: н, б, уп, оп (seed 004 item 8: within 10 minutes of the start).

Entering late is not refused — a late fact beats a missing one — but `entered_at` is
kept so the journal audit can report it against the school's deadline.
"""

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.attendance.models import AttendanceKind, AttendanceMark
from apps.gradebook.core import check_version, ensure_lesson_happened, ensure_may_keep_lesson
from apps.gradebook.errors import ConflictError
from apps.schedule.models import Lesson
from apps.schedule.services import lesson_mark_held
from apps.school import clock
from apps.students.models import Student


def attendance_set(
    *,
    acting_user,
    lesson: Lesson,
    student: Student,
    kind: str,
    expected_version: int,
    reason: str = "",
) -> AttendanceMark | None:
    """Record an absence or lateness; an empty `kind` means present (the row is removed).

    The first entry at a lesson stamps when attendance was taken (the audit compares it
    with the lesson start, seed 004 item 8). Nothing changes in a locked period.
    """
    kind = (kind or "").strip().lower()
    if kind and kind not in AttendanceKind.values:
        raise ValidationError({"kind": _("Посещаемость: «н», «б», «уп» или «оп».")})
    ensure_lesson_happened(lesson)
    try:
        with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
            ensure_may_keep_lesson(acting_user, lesson, student)
            current = (
                AttendanceMark.objects.select_for_update()
                .filter(lesson=lesson, student=student)
                .first()
            )
            check_version(current, expected_version, same=(current.kind if current else "") == kind)
            if not kind:
                if current is not None:
                    current.delete()
                return None
            if current is None:
                current = AttendanceMark.objects.create(
                    school_id=lesson.school_id,
                    lesson=lesson,
                    student=student,
                    kind=kind,
                    entered_at=clock.now(),
                    entered_by=acting_user,
                )
            elif current.kind != kind:
                current.kind = kind
                current.version += 1
                current.save(update_fields=["kind", "version"])
            lesson_mark_held(lesson=lesson, acting_user=acting_user, attendance_taken=True)
            return current
    except IntegrityError as exc:
        raise ConflictError(
            AttendanceMark.objects.filter(lesson=lesson, student=student).first()
        ) from exc


def attendance_all_present(*, acting_user, lesson: Lesson) -> Lesson:
    """«Все присутствуют»: attendance was taken and nobody is missing.

    A lesson where everyone came has no attendance rows; this stamps the moment attendance
    was taken (seed 004 item 8) and marks the lesson held. Absences entered before stay.
    """
    ensure_lesson_happened(lesson)
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        ensure_may_keep_lesson(acting_user, lesson)
        lesson_mark_held(lesson=lesson, acting_user=acting_user, attendance_taken=True)
    return lesson
