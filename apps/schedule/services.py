"""The timetable and the dated lessons generated from it (SPEC §2, seed 004 item 5)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Role
from apps.classes.models import TeachingAssignment
from apps.schedule.models import Lesson, TimetableEntry
from apps.school.models import AcademicYear, Bell, Holiday
from apps.school.services import ensure_year_writable


def _describe(entry: TimetableEntry) -> str:
    a = entry.assignment
    group = f" ({a.subgroup.name})" if a.subgroup_id else ""
    return f"{a.school_class.name}{group}, {a.subject.name}"


def timetable_conflicts(entry: TimetableEntry) -> list[str]:
    """Why this entry cannot stand next to the others at the same time, in Russian.

    A teacher cannot be in two places, a room holds one lesson, and a class has one
    lesson at a time — except that two different subgroups of a class may study in
    parallel (languages, informatics).
    """
    new = entry.assignment
    others = (
        TimetableEntry.objects.filter(
            school_id=entry.school_id, year_id=entry.year_id,
            weekday=entry.weekday, lesson_number=entry.lesson_number,
        )
        .valid_between(entry.starts_on, entry.ends_on)
        .exclude(pk=entry.pk)
        .select_related("assignment__school_class", "assignment__subgroup", "assignment__subject", "assignment__teacher")
    )
    errors = []
    for other in others:
        old = other.assignment
        where = {"other": _describe(other), "day": other.get_weekday_display(), "n": other.lesson_number}
        if old.teacher_id == new.teacher_id:
            errors.append(
                _("Учитель %(teacher)s уже ведёт урок в это время (%(day)s, %(n)s урок): %(other)s.")
                % {**where, "teacher": old.teacher.short_name}
            )
        if entry.room and other.room.strip().lower() == entry.room.strip().lower():
            errors.append(
                _("Кабинет %(room)s уже занят в это время (%(day)s, %(n)s урок): %(other)s.")
                % {**where, "room": entry.room}
            )
        parallel_subgroups = old.subgroup_id and new.subgroup_id and old.subgroup_id != new.subgroup_id
        if old.school_class_id == new.school_class_id and not parallel_subgroups:
            errors.append(
                _("У класса %(cls)s уже есть урок в это время (%(day)s, %(n)s урок): %(other)s.")
                % {**where, "cls": old.school_class.name}
            )
    return errors


@transaction.atomic
def timetable_entry_add(
    *, acting_user, assignment: TeachingAssignment, weekday: int, lesson_number: int,
    room: str = "", starts_on: date | None = None, ends_on: date | None = None,
) -> TimetableEntry:
    """Put an assignment into the weekly timetable; conflicts are refused with reasons."""
    year = AcademicYear.objects.select_for_update().get(pk=assignment.year_id)  # serialises timetable edits
    ensure_year_writable(year)
    entry = TimetableEntry(
        school_id=assignment.school_id, year=year, assignment=assignment, weekday=weekday,
        lesson_number=lesson_number, room=(room or "").strip(),
        starts_on=starts_on or year.starts_on, ends_on=ends_on or year.ends_on,
    )
    if not (year.contains(entry.starts_on) and year.contains(entry.ends_on)):
        raise ValidationError({"starts_on": _("Срок действия должен быть внутри учебного года.")})
    entry.full_clean()
    errors = timetable_conflicts(entry)
    if errors:
        raise ValidationError(errors)
    with pghistory.context(user=acting_user.pk):
        entry.save()
    return entry


@transaction.atomic
def timetable_entry_remove(*, acting_user, entry: TimetableEntry) -> None:
    """Remove an entry from the weekly timetable. Lessons already generated stay; the next
    generation removes the empty future ones and reports those with marks."""
    ensure_year_writable(entry.year)
    with pghistory.context(user=acting_user.pk):
        entry.delete()


@dataclass
class GenerationReport:
    created: int = 0
    existing: int = 0
    skipped_holidays: int = 0
    removed: int = 0
    kept_with_data: list[Lesson] = field(default_factory=list)


def _holiday_for(day: date, grade: int, holidays: list[Holiday]) -> Holiday | None:
    for h in holidays:
        if h.starts_on <= day <= h.ends_on and (not h.grades or grade in h.grades):
            return h
    return None


def _has_data():
    from apps.attendance.models import AttendanceMark
    from apps.gradebook.models import Mark
    from apps.homework.models import Homework

    return (
        Exists(Mark.objects.filter(lesson=OuterRef("pk")))
        | Exists(AttendanceMark.objects.filter(lesson=OuterRef("pk")))
        | Exists(Homework.objects.filter(lesson=OuterRef("pk")))
    )


@transaction.atomic
def lessons_generate(*, acting_user, year: AcademicYear, date_from: date, date_to: date) -> GenerationReport:
    """Create the dated lessons of [date_from, date_to] from the timetable.

    Idempotent: a lesson already there is kept as it is. Holidays are skipped, including
    those for some grades only (extra holidays of grade 1). Generated lessons that no
    longer match the timetable are removed only when nothing was entered in them;
    the others are kept and reported, so no mark or absence is ever lost.
    """
    ensure_year_writable(year)
    date_from, date_to = max(date_from, year.starts_on), min(date_to, year.ends_on)
    report = GenerationReport()
    if date_from > date_to:
        return report
    entries = list(
        TimetableEntry.objects.filter(year=year).valid_between(date_from, date_to)
        .select_related("assignment__school_class")
    )
    shift_ids = {e.assignment.school_class.shift_id for e in entries if e.assignment.school_class.shift_id}
    bells = {(b.shift_id, b.lesson_number): b for b in Bell.objects.filter(shift_id__in=shift_ids)}
    holidays = list(Holiday.objects.filter(year=year, starts_on__lte=date_to, ends_on__gte=date_from))
    existing = set(
        Lesson.objects.filter(assignment__year=year, date__range=(date_from, date_to))
        .values_list("assignment_id", "date", "lesson_number")
    )
    wanted: set[tuple[int, date, int]] = set()
    new_lessons = []
    day = date_from
    while day <= date_to:
        for entry in entries:
            if entry.weekday != day.isoweekday() or not entry.starts_on <= day <= entry.ends_on:
                continue
            school_class = entry.assignment.school_class
            if _holiday_for(day, school_class.grade, holidays):
                report.skipped_holidays += 1
                continue
            key = (entry.assignment_id, day, entry.lesson_number)
            wanted.add(key)
            if key in existing:
                report.existing += 1
                continue
            bell = bells.get((school_class.shift_id, entry.lesson_number))
            new_lessons.append(Lesson(
                school_id=year.school_id, assignment_id=entry.assignment_id, timetable_entry=entry,
                date=day, lesson_number=entry.lesson_number, room=entry.room, generated=True,
                starts_at=bell.starts_at if bell else None, ends_at=bell.ends_at if bell else None,
            ))
        day += timedelta(days=1)
    with pghistory.context(user=acting_user.pk):
        # ignore_conflicts: a concurrent generation of the same days creates nothing twice.
        Lesson.objects.bulk_create(new_lessons, ignore_conflicts=True)
        report.created = len(new_lessons)
        stale = (
            Lesson.objects.filter(assignment__year=year, date__range=(date_from, date_to), generated=True)
            .exclude(status=Lesson.Status.CANCELLED)
            .annotate(has_data=_has_data())
            .select_related("assignment__school_class", "assignment__subject")
        )
        to_delete = []
        for lesson in stale:
            if (lesson.assignment_id, lesson.date, lesson.lesson_number) in wanted:
                continue
            if lesson.has_data:
                report.kept_with_data.append(lesson)
            else:
                to_delete.append(lesson.pk)
        if to_delete:
            Lesson.objects.filter(pk__in=to_delete).delete()
            report.removed = len(to_delete)
    return report


@transaction.atomic
def lesson_substitute(*, acting_user, lesson: Lesson, teacher, reason: str = "") -> Lesson:
    """Record a substitution (замена); `teacher=None` removes it.

    The substitute must be a teacher of this school and free at that time.
    """
    ensure_year_writable(lesson.assignment.year)
    if teacher is not None:
        if teacher.pk == lesson.assignment.teacher_id:
            teacher = None
        elif not RoleGrant.objects.filter(user=teacher, school_id=lesson.school_id, role=Role.TEACHER).exists():
            raise ValidationError({"teacher": _("Заменять может только учитель этой школы.")})
        elif (
            Lesson.objects.filter(date=lesson.date, lesson_number=lesson.lesson_number, school_id=lesson.school_id)
            .exclude(pk=lesson.pk).exclude(status=Lesson.Status.CANCELLED)
            .filter(Q(substitute_teacher=teacher) | Q(assignment__teacher=teacher, substitute_teacher__isnull=True))
            .exists()
        ):
            raise ValidationError({"teacher": _("У %(name)s в это время свой урок.") % {"name": teacher.short_name}})
    with pghistory.context(user=acting_user.pk, reason=reason):
        lesson.substitute_teacher = teacher
        lesson.save(update_fields=["substitute_teacher", "updated_at"])
    return lesson


@transaction.atomic
def lesson_cancel(*, acting_user, lesson: Lesson, reason: str) -> Lesson:
    """Cancel a lesson (отмена). A lesson with marks or attendance cannot be cancelled."""
    from apps.attendance.models import AttendanceMark
    from apps.gradebook.models import Mark

    ensure_year_writable(lesson.assignment.year)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Укажите причину отмены.")})
    if Mark.objects.filter(lesson=lesson).exists() or AttendanceMark.objects.filter(lesson=lesson).exists():
        raise ValidationError(_("На уроке уже выставлены отметки или посещаемость: отменить его нельзя."))
    with pghistory.context(user=acting_user.pk, reason=reason):
        lesson.status = Lesson.Status.CANCELLED
        lesson.cancel_reason = reason.strip()
        lesson.save(update_fields=["status", "cancel_reason", "updated_at"])
    return lesson


def attendance_taken(lesson: Lesson, acting_user) -> None:
    """Remember the first moment attendance was taken at a lesson (one UPDATE, once).

    A lesson where everyone came has no attendance rows; this timestamp is what tells the
    audit that attendance was taken, and when (seed 004 item 8).
    """
    if lesson.attendance_taken_at is None:
        now = timezone.now()
        Lesson.objects.filter(pk=lesson.pk, attendance_taken_at__isnull=True).update(
            attendance_taken_at=now, attendance_taken_by=acting_user
        )
        lesson.attendance_taken_at, lesson.attendance_taken_by = now, acting_user
