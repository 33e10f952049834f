"""The timetable and the dated lessons generated from it (SPEC §2, seed 004 item 5)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, Max, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Role
from apps.classes.models import TeachingAssignment
from apps.schedule.models import Lesson, PlanTopic, TimetableEntry
from apps.school import clock
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
            school_id=entry.school_id,
            year_id=entry.year_id,
            weekday=entry.weekday,
            lesson_number=entry.lesson_number,
        )
        .valid_between(entry.starts_on, entry.ends_on)
        .exclude(pk=entry.pk)
        .select_related(
            "assignment__school_class",
            "assignment__subgroup",
            "assignment__subject",
            "assignment__teacher",
        )
    )
    errors = []
    for other in others:
        old = other.assignment
        where = {
            "other": _describe(other),
            "day": other.get_weekday_display(),
            "n": other.lesson_number,
        }
        if old.teacher_id == new.teacher_id:
            errors.append(
                _(
                    "Учитель %(teacher)s уже ведёт урок в это время (%(day)s, %(n)s урок): %(other)s."
                )
                % {**where, "teacher": old.teacher.short_name}
            )
        if entry.room and other.room.strip().lower() == entry.room.strip().lower():
            errors.append(
                _("Кабинет %(room)s уже занят в это время (%(day)s, %(n)s урок): %(other)s.")
                % {**where, "room": entry.room}
            )
        parallel_subgroups = (
            old.subgroup_id and new.subgroup_id and old.subgroup_id != new.subgroup_id
        )
        if old.school_class_id == new.school_class_id and not parallel_subgroups:
            errors.append(
                _("У класса %(cls)s уже есть урок в это время (%(day)s, %(n)s урок): %(other)s.")
                % {**where, "cls": old.school_class.name}
            )
    return errors


@transaction.atomic
def timetable_entry_add(
    *,
    acting_user,
    assignment: TeachingAssignment,
    weekday: int,
    lesson_number: int,
    room: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> TimetableEntry:
    """Put an assignment into the weekly timetable; conflicts are refused with reasons."""
    year = AcademicYear.objects.select_for_update().get(
        pk=assignment.year_id
    )  # serialises timetable edits
    ensure_year_writable(year)
    entry = TimetableEntry(
        school_id=assignment.school_id,
        year=year,
        assignment=assignment,
        weekday=weekday,
        lesson_number=lesson_number,
        room=(room or "").strip(),
        starts_on=starts_on or year.starts_on,
        ends_on=ends_on or year.ends_on,
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
    skipped_locked: int = 0
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


def _locked_spans(year: AcademicYear) -> list[tuple[str, date, date]]:
    from apps.gradebook.models import PeriodLock

    return list(
        PeriodLock.objects.filter(period__year=year).values_list(
            "period__scheme", "period__starts_on", "period__ends_on"
        )
    )


def _is_locked(day: date, scheme: str, spans: list[tuple[str, date, date]]) -> bool:
    return any(s == scheme and first <= day <= last for s, first, last in spans)


@transaction.atomic
def lessons_generate(
    *, acting_user, year: AcademicYear, date_from: date, date_to: date
) -> GenerationReport:
    """Create the dated lessons of [date_from, date_to] from the timetable.

    Idempotent: a lesson already there is kept as it is, and a moved lesson still holds
    its original slot. Holidays are skipped, including those for some grades only (extra
    holidays of grade 1), and so are locked periods. Generated lessons that no longer
    match the timetable are removed only when nothing was entered in them; the others
    are kept and reported, so no mark or absence is ever lost.
    """
    ensure_year_writable(year)
    date_from, date_to = max(date_from, year.starts_on), min(date_to, year.ends_on)
    report = GenerationReport()
    if date_from > date_to:
        return report
    entries = list(
        TimetableEntry.objects.filter(year=year)
        .valid_between(date_from, date_to)
        .select_related("assignment__school_class")
    )
    shift_ids = {
        e.assignment.school_class.shift_id for e in entries if e.assignment.school_class.shift_id
    }
    bells = {(b.shift_id, b.lesson_number): b for b in Bell.objects.filter(shift_id__in=shift_ids)}
    holidays = list(
        Holiday.objects.filter(year=year, starts_on__lte=date_to, ends_on__gte=date_from)
    )
    locked = _locked_spans(year)
    existing = set(
        Lesson.objects.filter(
            assignment__year=year, date__range=(date_from, date_to), moved_from_date__isnull=True
        ).values_list("assignment_id", "date", "lesson_number")
    )
    # A moved lesson still stands for its original slot: that slot is not generated again.
    existing |= set(
        Lesson.objects.filter(
            assignment__year=year, moved_from_date__range=(date_from, date_to)
        ).values_list("assignment_id", "moved_from_date", "moved_from_number")
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
            if _is_locked(day, year.scheme_for_grade(school_class.grade), locked):
                report.skipped_locked += 1
                continue
            key = (entry.assignment_id, day, entry.lesson_number)
            wanted.add(key)
            if key in existing:
                report.existing += 1
                continue
            bell = bells.get((school_class.shift_id, entry.lesson_number))
            new_lessons.append(
                Lesson(
                    school_id=year.school_id,
                    assignment_id=entry.assignment_id,
                    timetable_entry=entry,
                    date=day,
                    lesson_number=entry.lesson_number,
                    room=entry.room,
                    generated=True,
                    starts_at=bell.starts_at if bell else None,
                    ends_at=bell.ends_at if bell else None,
                )
            )
        day += timedelta(days=1)
    with pghistory.context(user=acting_user.pk):
        # ignore_conflicts: a concurrent generation of the same days creates nothing twice.
        Lesson.objects.bulk_create(new_lessons, ignore_conflicts=True)
        report.created = len(new_lessons)
        stale = (
            Lesson.objects.filter(
                assignment__year=year, date__range=(date_from, date_to), generated=True
            )
            .exclude(status=Lesson.Status.CANCELLED)
            .filter(moved_from_date__isnull=True)
            .annotate(has_data=_has_data())
            .select_related("assignment__school_class", "assignment__subject")
        )
        to_delete = []
        for lesson in stale:
            if (lesson.assignment_id, lesson.date, lesson.lesson_number) in wanted:
                continue
            if _is_locked(
                lesson.date, year.scheme_for_grade(lesson.assignment.school_class.grade), locked
            ):
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

    The substitute must be a teacher of this school and free at that time; the substitute
    then keeps this lesson's journal (attendance, topic, marks, homework).
    """
    _ensure_lesson_open(acting_user, lesson)
    if teacher is not None:
        if teacher.pk == lesson.assignment.teacher_id:
            teacher = None
        elif not RoleGrant.objects.filter(
            user=teacher, school_id=lesson.school_id, role=Role.TEACHER
        ).exists():
            raise ValidationError({"teacher": _("Заменять может только учитель этой школы.")})
        elif (
            Lesson.objects.filter(
                date=lesson.date, lesson_number=lesson.lesson_number, school_id=lesson.school_id
            )
            .exclude(pk=lesson.pk)
            .exclude(status=Lesson.Status.CANCELLED)
            .filter(
                Q(substitute_teacher=teacher)
                | Q(assignment__teacher=teacher, substitute_teacher__isnull=True)
            )
            .exists()
        ):
            raise ValidationError(
                {"teacher": _("У %(name)s в это время свой урок.") % {"name": teacher.short_name}}
            )
    with pghistory.context(user=acting_user.pk, reason=reason):
        lesson.substitute_teacher = teacher
        lesson.save(update_fields=["substitute_teacher", "updated_at"])
    return lesson


@transaction.atomic
def lesson_cancel(*, acting_user, lesson: Lesson, reason: str) -> Lesson:
    """Cancel a lesson (отмена). A lesson with marks or attendance cannot be cancelled."""
    from apps.attendance.models import AttendanceMark
    from apps.gradebook.models import Mark

    _ensure_lesson_open(acting_user, lesson)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Укажите причину отмены.")})
    if (
        Mark.objects.filter(lesson=lesson).exists()
        or AttendanceMark.objects.filter(lesson=lesson).exists()
    ):
        raise ValidationError(
            _("На уроке уже выставлены отметки или посещаемость: отменить его нельзя.")
        )
    with pghistory.context(user=acting_user.pk, reason=reason):
        lesson.status = Lesson.Status.CANCELLED
        lesson.cancel_reason = reason.strip()
        lesson.save(update_fields=["status", "cancel_reason", "updated_at"])
    return lesson


@transaction.atomic
def lesson_uncancel(*, acting_user, lesson: Lesson) -> Lesson:
    """Give back a cancelled lesson: it is planned again, the reason stays in its history."""
    _ensure_lesson_open(acting_user, lesson)
    if not lesson.is_cancelled:
        return lesson
    with pghistory.context(user=acting_user.pk):
        lesson.status = Lesson.Status.PLANNED
        lesson.cancel_reason = ""
        lesson.save(update_fields=["status", "cancel_reason", "updated_at"])
    return lesson


def _slot_conflicts(lesson: Lesson, day: date, number: int) -> list[str]:
    """Why a lesson cannot stand at (day, number): the class, a subgroup or the teacher is busy."""
    assignment = lesson.assignment
    teacher_id = lesson.substitute_teacher_id or assignment.teacher_id
    others = (
        Lesson.objects.filter(school_id=lesson.school_id, date=day, lesson_number=number)
        .exclude(pk=lesson.pk)
        .exclude(status=Lesson.Status.CANCELLED)
        .filter(
            Q(assignment__school_class_id=assignment.school_class_id)
            | Q(substitute_teacher_id=teacher_id)
            | Q(assignment__teacher_id=teacher_id, substitute_teacher__isnull=True)
        )
        .select_related("assignment__school_class", "assignment__subgroup", "assignment__subject")
    )
    errors = []
    where = {"day": day.strftime("%d.%m.%Y"), "n": number}
    for other in others:
        o = other.assignment
        busy_teacher = (other.substitute_teacher_id or o.teacher_id) == teacher_id
        parallel = (
            o.subgroup_id and assignment.subgroup_id and o.subgroup_id != assignment.subgroup_id
        )
        if o.school_class_id == assignment.school_class_id and not parallel:
            errors.append(
                _("У класса %(cls)s в это время (%(day)s, %(n)s урок) уже есть урок: %(subject)s.")
                % {**where, "cls": o.school_class.name, "subject": o.subject.name}
            )
        elif busy_teacher:
            errors.append(
                _("У учителя в это время (%(day)s, %(n)s урок) уже есть урок в %(cls)s.")
                % {**where, "cls": o.school_class.name}
            )
    return errors


@transaction.atomic
def lesson_move(
    *, acting_user, lesson: Lesson, new_date: date, new_number: int, reason: str = ""
) -> Lesson:
    """Move a lesson (перенос) to another day or lesson number; it keeps its identity.

    The first original slot is remembered (moved_from_date/number), so the journal shows
    «перенесён с …» and regenerating the timetable does not create the lesson again.
    A lesson with marks or attendance is not moved: its facts belong to the day it was held.
    """
    from apps.attendance.models import AttendanceMark
    from apps.gradebook.models import Mark

    year = lesson.assignment.year
    _ensure_lesson_open(acting_user, lesson)
    _ensure_day_open(acting_user, lesson, new_date)
    errors = []
    if lesson.is_cancelled:
        errors.append(_("Урок отменён: сначала верните его."))
    if not year.contains(new_date):
        errors.append(_("Новая дата должна быть внутри учебного года."))
    if new_date.isoweekday() == 7:
        errors.append(_("Воскресенье — не учебный день."))
    grade = lesson.assignment.school_class.grade
    holiday = _holiday_for(
        new_date,
        grade,
        list(Holiday.objects.filter(year=year, starts_on__lte=new_date, ends_on__gte=new_date)),
    )
    if holiday is not None:
        errors.append(
            _("%(date)s — %(holiday)s.")
            % {"date": new_date.strftime("%d.%m.%Y"), "holiday": holiday.name}
        )
    if (
        Mark.objects.filter(lesson=lesson).exists()
        or AttendanceMark.objects.filter(lesson=lesson).exists()
    ):
        errors.append(_("На уроке уже выставлены отметки или посещаемость: перенести его нельзя."))
    if (new_date, new_number) == (lesson.date, lesson.lesson_number):
        errors.append(_("Урок уже стоит в это время."))
    if errors:
        raise ValidationError(errors)
    errors = _slot_conflicts(lesson, new_date, new_number)
    if (
        Lesson.objects.filter(
            assignment_id=lesson.assignment_id, date=new_date, lesson_number=new_number
        )
        .exclude(pk=lesson.pk)
        .exists()
    ):
        errors.append(_("В это время уже стоит (возможно, отменённый) урок этого же журнала."))
    if errors:
        raise ValidationError(errors)
    shift_id = lesson.assignment.school_class.shift_id
    bell = (
        Bell.objects.filter(shift_id=shift_id, lesson_number=new_number).first()
        if shift_id
        else None
    )
    with pghistory.context(user=acting_user.pk, reason=reason):
        if lesson.moved_from_date is None:
            lesson.moved_from_date, lesson.moved_from_number = lesson.date, lesson.lesson_number
        elif (lesson.moved_from_date, lesson.moved_from_number) == (new_date, new_number):
            lesson.moved_from_date = lesson.moved_from_number = None  # moved back where it was
        lesson.date, lesson.lesson_number = new_date, new_number
        lesson.starts_at, lesson.ends_at = (bell.starts_at, bell.ends_at) if bell else (None, None)
        lesson.save(
            update_fields=[
                "date",
                "lesson_number",
                "starts_at",
                "ends_at",
                "moved_from_date",
                "moved_from_number",
                "updated_at",
            ]
        )
    return lesson


@dataclass
class EndEarlyReport:
    grades: list[int]
    last_day: date
    entries_shortened: int = 0
    entries_removed: int = 0
    lessons_removed: int = 0
    kept_with_data: list[Lesson] = field(default_factory=list)


@transaction.atomic
def timetable_end_early(
    *, acting_user, year: AcademicYear, grades: list[int], last_day: date
) -> EndEarlyReport:
    """End the timetable of some grades early (seed 000 item 4: grades 1, 9 and 11 from 26 May).

    Timetable entries of those grades stop at `last_day`; empty lessons after it are
    removed; lessons after it with marks, attendance or homework are kept and reported.
    """
    ensure_year_writable(year)
    grades = sorted({int(g) for g in grades})
    if not grades:
        raise ValidationError({"grades": _("Выберите параллели.")})
    if not year.contains(last_day):
        raise ValidationError({"last_day": _("Последний день должен быть внутри учебного года.")})
    AcademicYear.objects.select_for_update().get(pk=year.pk)  # serialises timetable edits
    report = EndEarlyReport(grades=grades, last_day=last_day)
    entries = TimetableEntry.objects.filter(
        year=year, assignment__school_class__grade__in=grades, ends_on__gt=last_day
    )
    reason = _("Окончание занятий: %(grades)s кл.") % {"grades": ", ".join(map(str, grades))}
    with pghistory.context(user=acting_user.pk, reason=reason):
        report.entries_removed, _by_model = entries.filter(starts_on__gt=last_day).delete()
        report.entries_shortened = entries.filter(starts_on__lte=last_day).update(ends_on=last_day)
        after = (
            Lesson.objects.filter(
                assignment__year=year, assignment__school_class__grade__in=grades, date__gt=last_day
            )
            .annotate(has_data=_has_data())
            .select_related("assignment__school_class", "assignment__subject")
            .order_by("date", "lesson_number")
        )
        to_delete = []
        for lesson in after:
            if lesson.has_data or not lesson.generated:
                report.kept_with_data.append(lesson)
            else:
                to_delete.append(lesson.pk)
        if to_delete:
            report.lessons_removed, _by_model = Lesson.objects.filter(pk__in=to_delete).delete()
    return report


def lesson_mark_held(*, lesson: Lesson, acting_user=None, attendance_taken: bool = False) -> None:
    """The first fact entered for a lesson marks it held; with `attendance_taken`, the
    first attendance entry also stamps when attendance was taken. One UPDATE at most,
    none once both are recorded.

    A held lesson without a topic takes the next topic of the КТП by default (SPEC §2);
    the teacher may change it on the lesson page.
    """
    from apps.schedule.selectors import ktp_suggestion

    changes: dict = {}
    if lesson.status == Lesson.Status.PLANNED:
        changes["status"] = Lesson.Status.HELD
        if not lesson.topic and lesson.plan_topic_id is None:
            topic = ktp_suggestion(lesson)
            if topic is not None:
                changes.update(plan_topic=topic, topic=topic.title, topic_set_at=clock.now())
    if attendance_taken and lesson.attendance_taken_at is None:
        changes.update(attendance_taken_at=clock.now(), attendance_taken_by=acting_user)
    if not changes:
        return
    # One UPDATE whose expressions read the stored row: under concurrent first entries the
    # status only moves forward and the first attendance stamp wins.
    planned = Q(status=Lesson.Status.PLANNED)
    update = {}
    for name, value in changes.items():
        column, value = (f"{name}_id", value.pk) if hasattr(value, "pk") else (name, value)
        guard = Q(attendance_taken_at__isnull=True) if name.startswith("attendance_") else planned
        field = Lesson._meta.get_field(name)
        output = field.target_field if field.is_relation else field
        update[column] = Case(
            When(guard, then=Value(value)), default=F(column), output_field=output
        )
    Lesson.objects.filter(pk=lesson.pk).update(**update)
    for name, value in changes.items():
        setattr(lesson, name, value)


def _ensure_day_open(acting_user, lesson: Lesson, day: date) -> None:
    from apps.gradebook.locks import ensure_day_open

    assignment = lesson.assignment
    ensure_day_open(
        user=acting_user, year=assignment.year, grade=assignment.school_class.grade, day=day
    )


def _ensure_lesson_open(acting_user, lesson: Lesson) -> None:
    """Timetable changes to a lesson follow the journal's rules: open year, unlocked period."""
    ensure_year_writable(lesson.assignment.year)
    _ensure_day_open(acting_user, lesson, lesson.date)


def attendance_taken(lesson: Lesson, acting_user) -> None:
    """Remember the first moment attendance was taken at a lesson (one UPDATE, once).

    A lesson where everyone came has no attendance rows; this timestamp is what tells the
    audit that attendance was taken, and when (seed 004 item 8).
    """
    if lesson.attendance_taken_at is None:
        now = clock.now()
        Lesson.objects.filter(pk=lesson.pk, attendance_taken_at__isnull=True).update(
            attendance_taken_at=now, attendance_taken_by=acting_user
        )
        lesson.attendance_taken_at, lesson.attendance_taken_by = now, acting_user


# --- КТП: the calendar-thematic plan of an assignment -------------------------------------


@dataclass(frozen=True)
class PlanRow:
    """One КТП row as entered or imported."""

    title: str
    hours: int = 1
    lesson_type: str = ""
    planned_on: date | None = None


def _ensure_keeps_plan(acting_user, assignment: TeachingAssignment) -> None:
    """The КТП is written by the teacher of the assignment (seed 002: «календарно-тематическое
    планирование по своему предмету»), or by whoever holds an explicit journal grant."""
    from apps.gradebook.permissions import can_keep_assignment

    ensure_year_writable(assignment.year)
    if not can_keep_assignment(acting_user, assignment):
        raise PermissionDenied(_("КТП ведёт учитель этого предмета в классе."))


def _validate_row(row: PlanRow, year: AcademicYear) -> dict[str, str]:
    errors = {}
    if not row.title.strip():
        errors["title"] = _("Укажите тему.")
    elif len(row.title.strip()) > 500:
        errors["title"] = _("Тема — не длиннее 500 знаков.")
    if not 1 <= row.hours <= 40:
        errors["hours"] = _("Часов — от 1 до 40.")
    if row.lesson_type and row.lesson_type not in Lesson.LessonType.values:
        errors["lesson_type"] = _("Неизвестный тип урока.")
    if row.planned_on is not None and not year.contains(row.planned_on):
        errors["planned_on"] = _("Дата вне учебного года %(year)s.") % {"year": year.name}
    return errors


@transaction.atomic
def plan_topic_save(
    *,
    acting_user,
    assignment: TeachingAssignment,
    row: PlanRow,
    topic: PlanTopic | None = None,
) -> PlanTopic:
    """Add a topic at the end of the КТП, or change one (due by 15 September, seed 004 item 14)."""
    _ensure_keeps_plan(acting_user, assignment)
    errors = _validate_row(row, assignment.year)
    if errors:
        raise ValidationError(errors)
    TeachingAssignment.objects.select_for_update().filter(
        pk=assignment.pk
    ).first()  # one plan edit at a time
    with pghistory.context(user=acting_user.pk):
        if topic is None:
            last = (
                PlanTopic.objects.filter(assignment=assignment).aggregate(m=Max("position"))["m"]
                or 0
            )
            topic = PlanTopic(
                school_id=assignment.school_id, assignment=assignment, position=last + 1
            )
        elif topic.assignment_id != assignment.pk:
            raise ValidationError(_("Тема из КТП другого журнала."))
        topic.title, topic.hours = row.title.strip(), row.hours
        topic.lesson_type, topic.planned_on = row.lesson_type, row.planned_on
        if topic.pk is None:
            topic.save()
        else:  # the position belongs to moves, never to an edit made from a stale page
            topic.save(update_fields=["title", "hours", "lesson_type", "planned_on"])
    return topic


@transaction.atomic
def plan_topic_delete(*, acting_user, topic: PlanTopic) -> None:
    """Remove a topic; the following ones move up. Lessons that took it keep their typed topic."""
    _ensure_keeps_plan(acting_user, topic.assignment)
    TeachingAssignment.objects.select_for_update().filter(pk=topic.assignment_id).first()
    with pghistory.context(user=acting_user.pk):
        topic = PlanTopic.objects.get(pk=topic.pk)  # the stored position, not the page's
        position = topic.position
        topic.delete()
        for later in PlanTopic.objects.filter(
            assignment_id=topic.assignment_id, position__gt=position
        ).order_by("position"):
            later.position -= 1
            later.save(update_fields=["position"])


@transaction.atomic
def plan_topic_move(*, acting_user, topic: PlanTopic, offset: int) -> PlanTopic:
    """Move a topic one place up (offset -1) or down (+1) in the plan."""
    _ensure_keeps_plan(acting_user, topic.assignment)
    TeachingAssignment.objects.select_for_update().filter(pk=topic.assignment_id).first()
    topic = PlanTopic.objects.get(pk=topic.pk)
    neighbour = PlanTopic.objects.filter(
        assignment_id=topic.assignment_id, position=topic.position + offset
    ).first()
    if neighbour is None:
        return topic
    with pghistory.context(user=acting_user.pk):
        mine, theirs = topic.position, neighbour.position
        topic.position = 0  # a free place while the two swap (positions are unique)
        topic.save(update_fields=["position"])
        neighbour.position = mine
        neighbour.save(update_fields=["position"])
        topic.position = theirs
        topic.save(update_fields=["position"])
    return topic


@transaction.atomic
def ktp_replace(
    *, acting_user, assignment: TeachingAssignment, rows: list[PlanRow]
) -> list[PlanTopic]:
    """Replace the whole КТП at once (the Excel import): all rows or none.

    Rows keep their place: topic N of the new plan updates topic N of the old one, so the
    lessons already linked to it stay linked; extra old topics are removed.
    """
    _ensure_keeps_plan(acting_user, assignment)
    errors = [
        ValidationError(
            _("Строка %(n)s: %(errors)s") % {"n": n, "errors": "; ".join(row_errors.values())}
        )
        for n, row in enumerate(rows, start=1)
        if (row_errors := _validate_row(row, assignment.year))
    ]
    if not rows:
        errors.append(ValidationError(_("В плане нет ни одной темы.")))
    if errors:
        raise ValidationError(errors)
    TeachingAssignment.objects.select_for_update().filter(pk=assignment.pk).first()
    with pghistory.context(user=acting_user.pk):
        existing = {t.position: t for t in PlanTopic.objects.filter(assignment=assignment)}
        PlanTopic.objects.filter(assignment=assignment, position__gt=len(rows)).delete()
        result = []
        for position, row in enumerate(rows, start=1):
            topic = existing.get(position) or PlanTopic(
                school_id=assignment.school_id, assignment=assignment, position=position
            )
            topic.title, topic.hours = row.title.strip(), row.hours
            topic.lesson_type, topic.planned_on = row.lesson_type, row.planned_on
            result.append(topic)
        PlanTopic.objects.bulk_update(
            [t for t in result if t.pk], ["title", "hours", "lesson_type", "planned_on"]
        )
        PlanTopic.objects.bulk_create([t for t in result if not t.pk])
    return result
