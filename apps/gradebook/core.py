"""The journal's core: may this lesson be written now, and every write's opening checks.

Attendance, homework and the gradebook write into lessons under the same rules; they take
them from here (this module imports none of their services): `lesson_write_state` says
whether a user may write into a lesson now and, if not, why — the views ask it to show a
lesson editable, the services raise its refusal; `check_version` refuses a stale write
with a `ConflictError` that carries the stored row.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists
from django.utils.translation import gettext as _

from apps.gradebook.errors import ConflictError
from apps.gradebook.locks import locked_error, locked_period_name
from apps.gradebook.permissions import can_keep_lesson
from apps.schedule.models import Lesson
from apps.school.clock import school_today
from apps.school.services import ClosedYearError, ensure_year_writable
from apps.students.models import Student
from apps.students.selectors import roster_of

__all__ = [
    "ConflictError",
    "LessonWriteState",
    "check_version",
    "ensure_lesson_happened",
    "ensure_may_keep_lesson",
    "ensure_student_in_lesson",
    "lesson_write_state",
]


@dataclass(frozen=True)
class LessonWriteState:
    """Whether a write into the lesson would be accepted now; `refusal` says why not."""

    refusal: Exception | None = None

    @property
    def may_write(self) -> bool:
        return self.refusal is None


def _enrolment(lesson: Lesson, student_id: int):
    return roster_of(lesson.assignment, (lesson.date, lesson.date)).filter(student_id=student_id)


def _not_enrolled_error(lesson: Lesson, student: Student) -> ValidationError:
    assignment = lesson.assignment
    return ValidationError(
        _("%(student)s не обучается в %(group)s на %(date)s.")
        % {
            "student": student.full_name,
            "group": assignment.subgroup or assignment.school_class,
            "date": lesson.date.strftime("%d.%m.%Y"),
        }
    )


def lesson_write_state(user, lesson: Lesson, student: Student | None = None) -> LessonWriteState:
    """May `user` write into `lesson` now (and, with `student`, about that student)?

    The year is open; the user keeps this lesson (teacher, substitute or grant); the lesson
    is not cancelled; its period is not locked for this user; and, with a student, the
    student is in the class (and subgroup) on the lesson date. At most one query (two when
    only a grant lets the user keep the lesson). `lesson` comes with
    assignment.school_class and assignment.year loaded.
    """
    assignment = lesson.assignment
    try:
        ensure_year_writable(assignment.year)
    except ClosedYearError as closed:
        return LessonWriteState(closed)
    if not can_keep_lesson(user, lesson):
        return LessonWriteState(PermissionDenied(_("Вы не ведёте этот урок.")))
    if lesson.is_cancelled:
        return LessonWriteState(ValidationError(_("Урок отменён: в нём нельзя ничего вносить.")))
    checks = {
        "locked": locked_period_name(
            user=user, year=assignment.year, grade=assignment.school_class.grade, day=lesson.date
        )
    }
    if student is not None:
        checks["enrolled"] = Exists(_enrolment(lesson, student.pk))
    state = Lesson.objects.filter(pk=lesson.pk).values(**checks).get()
    if state["locked"] is not None:
        return LessonWriteState(locked_error(state["locked"]))
    if student is not None and not state["enrolled"]:
        return LessonWriteState(_not_enrolled_error(lesson, student))
    return LessonWriteState()


def ensure_may_keep_lesson(acting_user, lesson: Lesson, student: Student | None = None) -> None:
    """Refuse a write `lesson_write_state` would not accept."""
    refusal = lesson_write_state(acting_user, lesson, student).refusal
    if refusal is not None:
        raise refusal


def ensure_lesson_happened(lesson: Lesson) -> None:
    """Attendance and marks are facts of a held lesson; a future lesson has none yet."""
    if lesson.date > school_today(lesson.school):
        raise ValidationError(
            _("Урок ещё не состоялся: отметки и посещаемость вносятся в день урока или позже.")
        )


def ensure_student_in_lesson(lesson: Lesson, student: Student) -> None:
    """The student is in the class (and the subgroup) on the lesson date: one query."""
    if not _enrolment(lesson, student.pk).exists():
        raise _not_enrolled_error(lesson, student)


def check_version(current, expected_version: int, *, same: bool = False) -> None:
    """A write must have seen the stored version. `same`: the stored row already holds what
    is being written (a retry after a lost answer), which is no overwrite and no conflict."""
    stored = current.version if current is not None else 0
    if stored != expected_version and not same:
        raise ConflictError(current)
