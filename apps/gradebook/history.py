"""The history of the journal, read from the database-level event tables (django-pghistory).

Every change to a mark, an absence, a lesson's topic and details, homework and period
marks is captured by triggers, with the acting user and the reason in the event's context
(SPEC §3, corrections). Here those events become lines a deputy reads: when, who, what,
old value, new value, why. A constant number of queries per page, whatever the history.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.attendance.models import AttendanceKind, AttendanceMark
from apps.gradebook.models import Mark, PeriodMark, WorkType
from apps.homework.models import Homework, HomeworkAttachment
from apps.schedule.models import Lesson
from apps.students.models import Student


@dataclass
class HistoryLine:
    at: datetime
    what: str
    action: str
    old: str
    new: str
    user_id: int | None = None
    reason: str = ""
    student_id: int | None = None
    user_name: str = ""
    student_name: str = ""
    lesson_label: str = ""


ACTIONS = {
    "insert": gettext_lazy("внесено"),
    "update": gettext_lazy("изменено"),
    "delete": gettext_lazy("удалено"),
}


def _context(event) -> tuple[int | None, str]:
    meta = event.pgh_context.metadata if event.pgh_context_id and event.pgh_context else {}
    user = meta.get("user")
    return (int(user) if isinstance(user, int | str) and str(user).isdigit() else None), (
        meta.get("reason") or ""
    )


def _row_events(
    events, *, what, show, student_of=lambda e: None, lesson_of=lambda e: None
) -> list[HistoryLine]:
    """Insert/update/delete snapshots of one kind of row → lines with the old value taken
    from the previous snapshot of the same row."""
    lines, last = [], {}
    for e in events:
        user, reason = _context(e)
        if user is None and e.pgh_label == "insert":
            # Rows written in bulk (imports, the demo) carry their author themselves.
            user = (
                getattr(e, "entered_by_id", None)
                or getattr(e, "set_by_id", None)
                or getattr(e, "uploaded_by_id", None)
            )
        previous = last.get(e.pgh_obj_id)
        if e.pgh_label == "delete":
            old, new = show(e), ""
        else:
            old, new = (show(previous) if previous is not None else ""), show(e)
            if e.pgh_label == "update" and old == new:
                last[e.pgh_obj_id] = e
                continue  # a version bump without a visible change
        last[e.pgh_obj_id] = e
        lines.append(
            HistoryLine(
                at=e.pgh_created_at,
                what=what(e),
                action=ACTIONS.get(e.pgh_label, e.pgh_label),
                old=old,
                new=new,
                user_id=user,
                reason=reason,
                student_id=student_of(e),
                lesson_label=lesson_of(e),
            )
        )
    return lines


def _mark_text(e) -> str:
    return f"{e.value}" + (f" ({e.comment})" if e.comment else "")


def _homework_text(e) -> str:
    parts = [e.text]
    if e.minutes:
        parts.append(_("%(m)s мин") % {"m": e.minutes})
    if e.due_date:
        parts.append(_("к %(d)s") % {"d": e.due_date.strftime("%d.%m")})
    return " · ".join(parts)


LESSON_FIELDS = (
    ("topic", gettext_lazy("Тема урока")),
    ("lesson_type", gettext_lazy("Тип урока")),
    ("comment", gettext_lazy("Комментарий к уроку")),
    ("status", gettext_lazy("Состояние урока")),
    ("substitute_teacher_id", gettext_lazy("Замена")),
    ("slot", gettext_lazy("Перенос")),
    ("attendance_taken_at", gettext_lazy("Посещаемость отмечена")),
)


def _lesson_lines(events, users: dict[int, str]) -> list[HistoryLine]:
    """Lesson events store the row after each change; the first one is compared with a
    fresh lesson (generated lessons start blank), so only real changes are shown."""
    types, statuses = dict(Lesson.LessonType.choices), dict(Lesson.Status.choices)
    lines, previous = [], None
    for e in events:
        user, reason = _context(e)
        before = previous or _blank_lesson(e)
        for name, label in LESSON_FIELDS:
            old, new = (
                _lesson_value(before, name, types, statuses, users),
                _lesson_value(e, name, types, statuses, users),
            )
            if name == "status" and e.status == Lesson.Status.CANCELLED and e.cancel_reason:
                new = f"{new}: {e.cancel_reason}"
            if old != new:
                lines.append(
                    HistoryLine(
                        at=e.pgh_created_at,
                        what=label,
                        action=ACTIONS["update"],
                        old=old,
                        new=new,
                        user_id=user,
                        reason=reason,
                    )
                )
        previous = e
    return lines


class _Blank:
    topic = comment = cancel_reason = ""
    lesson_type = Lesson.LessonType.COMBINED
    status = Lesson.Status.PLANNED
    substitute_teacher_id = None
    attendance_taken_at = None


def _blank_lesson(first_event):
    blank = _Blank()
    blank.date = first_event.moved_from_date or first_event.date
    blank.lesson_number = first_event.moved_from_number or first_event.lesson_number
    return blank


def _lesson_value(e, name, types, statuses, users) -> str:
    if name == "slot":
        return f"{e.date:%d.%m.%Y}, {e.lesson_number} " + _("урок")
    value = getattr(e, name)
    if value in (None, ""):
        return ""
    if name == "lesson_type":
        return str(types.get(value, value))
    if name == "status":
        return str(statuses.get(value, value))
    if name == "substitute_teacher_id":
        return users.get(value, str(value))
    if name == "attendance_taken_at":
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    return str(value)


def _names(lines: list[HistoryLine]) -> None:
    user_ids = {line.user_id for line in lines if line.user_id}
    users = {u.pk: u.short_name for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    student_ids = {line.student_id for line in lines if line.student_id}
    students = (
        {s.pk: s.full_name for s in Student.objects.filter(pk__in=student_ids)}
        if student_ids
        else {}
    )
    for line in lines:
        line.user_name = users.get(
            line.user_id, _("система") if line.user_id is None else str(line.user_id)
        )
        line.student_name = students.get(line.student_id, "")


def lesson_history(*, lesson: Lesson, student: Student | None = None) -> list[HistoryLine]:
    """Everything that happened in a lesson (or in one cell of it), newest first."""
    kinds = dict(AttendanceKind.choices)
    marks = Mark.pgh_event_model.objects.filter(lesson_id=lesson.pk)
    absences = AttendanceMark.pgh_event_model.objects.filter(lesson_id=lesson.pk)
    if student is not None:
        marks, absences = (
            marks.filter(student_id=student.pk),
            absences.filter(student_id=student.pk),
        )
    work_types = dict(WorkType.objects.filter(school_id=lesson.school_id).values_list("pk", "name"))
    lines = _row_events(
        marks.select_related("pgh_context").order_by("pgh_id"),
        what=lambda e: _("Отметка · %(wt)s") % {"wt": work_types.get(e.work_type_id, "")},
        show=_mark_text,
        student_of=lambda e: e.student_id,
    )
    lines += _row_events(
        absences.select_related("pgh_context").order_by("pgh_id"),
        what=lambda e: _("Посещаемость"),
        show=lambda e: f"{e.kind} — {kinds.get(e.kind, '')}",
        student_of=lambda e: e.student_id,
    )
    if student is None:
        lines += _row_events(
            Homework.pgh_event_model.objects.filter(lesson_id=lesson.pk)
            .select_related("pgh_context")
            .order_by("pgh_id"),
            what=lambda e: _("Домашнее задание"),
            show=_homework_text,
        )
        lines += _row_events(
            HomeworkAttachment.pgh_event_model.objects.filter(homework__lesson_id=lesson.pk)
            .select_related("pgh_context")
            .order_by("pgh_id"),
            what=lambda e: _("Файл задания"),
            show=lambda e: e.name,
        )
        lesson_events = list(
            Lesson.pgh_event_model.objects.filter(pgh_obj_id=lesson.pk)
            .select_related("pgh_context")
            .order_by("pgh_id")
        )
        substitutes = {e.substitute_teacher_id for e in lesson_events if e.substitute_teacher_id}
        users = (
            {u.pk: u.short_name for u in User.objects.filter(pk__in=substitutes)}
            if substitutes
            else {}
        )
        lines += _lesson_lines(lesson_events, users)
    _names(lines)
    return sorted(lines, key=lambda line: line.at, reverse=True)


def student_history(*, assignment, student: Student) -> list[HistoryLine]:
    """A student's row in one journal for the whole year: marks, absences, period marks."""
    kinds = dict(AttendanceKind.choices)
    final_kinds = dict(PeriodMark.Kind.choices)
    lessons = dict(
        (pk, f"{d:%d.%m}, {n} " + _("урок"))
        for pk, d, n in Lesson.objects.filter(assignment=assignment).values_list(
            "pk", "date", "lesson_number"
        )
    )
    work_types = dict(
        WorkType.objects.filter(school_id=assignment.school_id).values_list("pk", "name")
    )
    periods = dict(assignment.year.periods.values_list("pk", "name"))
    lines = _row_events(
        Mark.pgh_event_model.objects.filter(lesson_id__in=lessons.keys(), student_id=student.pk)
        .select_related("pgh_context")
        .order_by("pgh_id"),
        what=lambda e: _("Отметка · %(wt)s") % {"wt": work_types.get(e.work_type_id, "")},
        show=_mark_text,
        lesson_of=lambda e: lessons.get(e.lesson_id, ""),
    )
    lines += _row_events(
        AttendanceMark.pgh_event_model.objects.filter(
            lesson_id__in=lessons.keys(), student_id=student.pk
        )
        .select_related("pgh_context")
        .order_by("pgh_id"),
        what=lambda e: _("Посещаемость"),
        show=lambda e: f"{e.kind} — {kinds.get(e.kind, '')}",
        lesson_of=lambda e: lessons.get(e.lesson_id, ""),
    )
    lines += _row_events(
        PeriodMark.pgh_event_model.objects.filter(
            assignment_id=assignment.pk, student_id=student.pk
        )
        .select_related("pgh_context")
        .order_by("pgh_id"),
        what=lambda e: (
            _("Отметка %(kind)s")
            % {
                "kind": periods.get(e.period_id, "")
                if e.period_id
                else final_kinds.get(e.kind, e.kind)
            }
        ),
        show=lambda e: e.value,
    )
    _names(lines)
    return sorted(lines, key=lambda line: line.at, reverse=True)
