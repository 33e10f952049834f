"""Writes to the class journal: marks, period marks, lesson topics, explicit grants.

Every write: one transaction, the year must be open, the writer must keep this lesson,
the student must be in the lesson's class (and subgroup) on the lesson date, and the
client's version must match the stored one — a stale write raises ConflictError with
the current value instead of overwriting it (SPEC §3, corrections are kept).
"""

from decimal import Decimal

import pghistory
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from apps.classes.models import TeachingAssignment
from apps.gradebook.errors import ConflictError
from apps.gradebook.models import Mark, MarkValue, PeriodMark, WorkType
from apps.gradebook.permissions import (
    KEEP_JOURNAL_CODENAME,
    KEEP_JOURNAL_PERM,
    can_keep_assignment,
    can_keep_lesson,
)
from apps.schedule.models import Lesson
from apps.school.models import School, StudyPeriod
from apps.school.policy import school_policy
from apps.school.services import ensure_year_writable, school_today
from apps.students.models import Enrollment, Student

# (name, short name, weight, deadline kind): the reference list of seed 004.
DEFAULT_WORK_TYPES = (
    ("Ответ на уроке", "О", "1.0", WorkType.Deadline.CURRENT),
    ("Домашняя работа", "Д", "1.0", WorkType.Deadline.CURRENT),
    ("Самостоятельная работа", "С", "1.5", WorkType.Deadline.WRITTEN),
    ("Контрольная работа", "К", "2.0", WorkType.Deadline.CONTROL),
    ("Диктант", "Дк", "2.0", WorkType.Deadline.CONTROL),
    ("Сочинение", "Соч", "2.0", WorkType.Deadline.WRITTEN),
    ("Лабораторная работа", "Л", "1.5", WorkType.Deadline.WRITTEN),
    ("Проверочная работа", "П", "1.5", WorkType.Deadline.WRITTEN),
)


def work_types_ensure(*, school: School) -> list[WorkType]:
    """Create the default work types of a school once; a school may then edit them."""
    for order, (name, short, weight, kind) in enumerate(DEFAULT_WORK_TYPES, start=1):
        WorkType.objects.get_or_create(
            school=school, name=name,
            defaults={"short_name": short, "weight": Decimal(weight), "deadline_kind": kind, "order": order * 10},
        )
    return list(WorkType.objects.filter(school=school, is_active=True))


# --- shared preconditions -------------------------------------------------------------

def ensure_may_keep_lesson(acting_user, lesson: Lesson) -> None:
    ensure_year_writable(lesson.assignment.year)
    if not can_keep_lesson(acting_user, lesson):
        raise PermissionDenied(_("Вы не ведёте этот урок."))
    if lesson.is_cancelled:
        raise ValidationError(_("Урок отменён: в нём нельзя ничего вносить."))


def ensure_lesson_happened(lesson: Lesson) -> None:
    """Attendance and marks are facts of a held lesson; a future lesson has none yet."""
    if lesson.date > school_today(lesson.school):
        raise ValidationError(_("Урок ещё не состоялся: отметки и посещаемость вносятся в день урока или позже."))


def _enrolled_q(school_class_id: int, on_from, on_to) -> Q:
    return Q(
        enrollments__school_class_id=school_class_id,
        enrollments__starts_on__lte=on_to,
    ) & (Q(enrollments__ends_on__isnull=True) | Q(enrollments__ends_on__gte=on_from))


def ensure_student_in_lesson(lesson: Lesson, student: Student) -> None:
    """The student is in the class (and the subgroup) on the lesson date: one query."""
    assignment = lesson.assignment
    enrolled = Enrollment.objects.filter(
        student_id=student.pk, school_class_id=assignment.school_class_id, starts_on__lte=lesson.date
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=lesson.date))
    if assignment.subgroup_id:
        enrolled = enrolled.filter(student__subgroups=assignment.subgroup_id)
    if not enrolled.exists():
        raise ValidationError(
            _("%(student)s не обучается в %(group)s на %(date)s.")
            % {"student": student.full_name, "group": assignment.subgroup or assignment.school_class,
               "date": lesson.date.strftime("%d.%m.%Y")}
        )


def mark_lesson_held(lesson: Lesson) -> None:
    """The first fact entered for a lesson marks it held (one UPDATE, once per lesson)."""
    if lesson.status == Lesson.Status.PLANNED:
        Lesson.objects.filter(pk=lesson.pk, status=Lesson.Status.PLANNED).update(status=Lesson.Status.HELD)
        lesson.status = Lesson.Status.HELD


def check_version(current, expected_version: int) -> None:
    stored = current.version if current is not None else 0
    if stored != expected_version:
        raise ConflictError(current)


# --- marks ------------------------------------------------------------------------------

def mark_set(
    *, acting_user, lesson: Lesson, student: Student, work_type: WorkType, value: str,
    expected_version: int, comment: str = "", reason: str = "",
) -> Mark:
    """Set (or correct) a student's mark for a work type at a lesson.

    `expected_version` is the version the client saw (0: it saw no mark). Grade 1 is
    taught without marks unless the school's policy allows them.
    """
    value = (value or "").strip().lower()
    if value not in MarkValue.values:
        raise ValidationError({"value": _("Отметка: 1–5, «зач», «незач» или «н/а».")})
    if work_type.school_id != lesson.school_id:
        raise ValidationError({"work_type": _("Вид работы другой школы.")})
    ensure_may_keep_lesson(acting_user, lesson)
    ensure_lesson_happened(lesson)
    if lesson.assignment.school_class.grade == 1 and not school_policy(lesson.school).marks_allowed_in_grade(1):
        raise ValidationError({"value": _("В 1 классе обучение безотметочное: вносятся посещаемость и темы.")})
    try:
        with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
            ensure_student_in_lesson(lesson, student)
            current = (
                Mark.objects.select_for_update()
                .filter(lesson=lesson, student=student, work_type=work_type).first()
            )
            check_version(current, expected_version)
            if current is None:
                current = Mark.objects.create(
                    school_id=lesson.school_id, lesson=lesson, student=student, work_type=work_type,
                    value=value, comment=comment, entered_at=timezone.now(), entered_by=acting_user,
                )
            elif (current.value, current.comment) != (value, comment):
                current.value, current.comment = value, comment
                current.version += 1
                current.save(update_fields=["value", "comment", "version"])
            mark_lesson_held(lesson)
            return current
    except IntegrityError as exc:
        # Someone created the same mark between our read and our insert.
        raise ConflictError(
            Mark.objects.filter(lesson=lesson, student=student, work_type=work_type).first()
        ) from exc


def mark_delete(
    *, acting_user, lesson: Lesson, student: Student, work_type: WorkType, expected_version: int, reason: str = "",
) -> None:
    """Remove a mark; history keeps the removed value with who and why."""
    ensure_may_keep_lesson(acting_user, lesson)
    with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
        current = (
            Mark.objects.select_for_update()
            .filter(lesson=lesson, student=student, work_type=work_type).first()
        )
        if current is None or current.version != expected_version:
            raise ConflictError(current)
        current.delete()


# --- lesson topic -----------------------------------------------------------------------

def lesson_topic_set(
    *, acting_user, lesson: Lesson, topic: str, lesson_type: str | None = None,
    expected_topic: str | None = None, reason: str = "",
) -> Lesson:
    """Set the topic (and type) of a lesson. `expected_topic`, when given, is the topic the
    client saw: a different stored topic means someone else changed it."""
    topic = (topic or "").strip()
    if lesson_type is not None and lesson_type not in Lesson.LessonType.values:
        raise ValidationError({"lesson_type": _("Неизвестный тип урока.")})
    ensure_may_keep_lesson(acting_user, lesson)
    with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
        current = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if expected_topic is not None and current.topic != expected_topic.strip():
            raise ConflictError(current, _("Тему урока уже изменил другой пользователь: «%(topic)s».") % {"topic": current.topic})
        lesson.topic = topic
        fields = ["topic", "updated_at"]
        if topic and lesson.topic_set_at is None:
            lesson.topic_set_at = timezone.now()
            fields.append("topic_set_at")
        if lesson_type is not None:
            lesson.lesson_type = lesson_type
            fields.append("lesson_type")
        if topic and lesson.status == Lesson.Status.PLANNED and lesson.date <= school_today(lesson.school):
            lesson.status = Lesson.Status.HELD
            fields.append("status")
        lesson.save(update_fields=fields)
        return lesson


# --- period marks -----------------------------------------------------------------------

def period_mark_set(
    *, acting_user, assignment: TeachingAssignment, student: Student, value: str, expected_version: int,
    period: StudyPeriod | None = None, kind: str = PeriodMark.Kind.PERIOD, reason: str = "",
) -> PeriodMark | None:
    """Set, correct or (with an empty value) remove a quarter, half-year, year, exam or final mark.

    The system suggests a mark from the weighted average; the teacher decides (SPEC §3).
    A quarter or half-year mark names its period; the others belong to the whole year.
    """
    value = (value or "").strip().lower()
    if value and value not in MarkValue.values:
        raise ValidationError({"value": _("Отметка: 1–5, «зач», «незач» или «н/а».")})
    if kind not in PeriodMark.Kind.values:
        raise ValidationError({"kind": _("Неизвестный вид итоговой отметки.")})
    if (kind == PeriodMark.Kind.PERIOD) != (period is not None):
        raise ValidationError({"period": _("Период указывается только для отметки за четверть или полугодие.")})
    ensure_year_writable(assignment.year)
    if period is not None and period.year_id != assignment.year_id:
        raise ValidationError({"period": _("Период другого учебного года.")})
    if not can_keep_assignment(acting_user, assignment):
        raise PermissionDenied(_("Вы не ведёте этот журнал."))
    span_from, span_to = (period.starts_on, period.ends_on) if period else (assignment.year.starts_on, assignment.year.ends_on)
    in_class = Student.objects.filter(pk=student.pk).filter(
        _enrolled_q(assignment.school_class_id, span_from, span_to)
    )
    if assignment.subgroup_id:
        in_class = in_class.filter(subgroups=assignment.subgroup_id)
    if not in_class.exists():
        raise ValidationError(_("%(student)s не обучается в классе в этом периоде.") % {"student": student.full_name})
    lookup = {"assignment": assignment, "student": student, "kind": kind, "period": period}
    try:
        with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
            current = PeriodMark.objects.select_for_update().filter(**lookup).first()
            check_version(current, expected_version)
            if not value:
                if current is not None:
                    current.delete()
                return None
            now = timezone.now()
            if current is None:
                return PeriodMark.objects.create(
                    school_id=assignment.school_id, **lookup, value=value, set_by=acting_user,
                    entered_at=now, set_at=now,
                )
            if current.value != value:
                current.value = value
                current.version += 1
                current.set_by, current.set_at = acting_user, now
                current.save(update_fields=["value", "version", "set_by", "set_at"])
            return current
    except IntegrityError as exc:
        raise ConflictError(PeriodMark.objects.filter(**lookup).first()) from exc


# --- explicit grants (django-guardian) ---------------------------------------------------

def _keep_journal_permission() -> Permission:
    ct = ContentType.objects.get_for_model(TeachingAssignment)
    perm, _created = Permission.objects.get_or_create(
        content_type=ct, codename=KEEP_JOURNAL_CODENAME, defaults={"name": "Может вести журнал нагрузки"}
    )
    return perm


@transaction.atomic
def journal_grant(*, acting_user, assignment: TeachingAssignment, user) -> None:
    """Let `user` keep this assignment's journal (a long-term replacement, a co-teacher)."""
    ensure_year_writable(assignment.year)
    _keep_journal_permission()
    assign_perm(KEEP_JOURNAL_PERM, user, assignment)


@transaction.atomic
def journal_revoke(*, acting_user, assignment: TeachingAssignment, user) -> None:
    remove_perm(KEEP_JOURNAL_PERM, user, assignment)
