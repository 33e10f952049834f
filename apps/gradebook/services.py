"""Writes to the class journal: marks, period marks, lesson topics, explicit grants.

Every write: one transaction, the year must be open, the writer must keep this lesson,
the student must be in the lesson's class (and subgroup) on the lesson date, and the
client's version must match the stored one — a stale write raises ConflictError with
the current value instead of overwriting it (SPEC §3, corrections are kept).
"""

import re
from datetime import timedelta
from decimal import Decimal

import pghistory
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from guardian.shortcuts import assign_perm, remove_perm

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Role
from apps.attendance.models import AttendanceKind
from apps.attendance.services import attendance_set
from apps.classes.models import TeachingAssignment

# The opening checks of every journal write live in the core; imported here for the
# services below and for callers that import them from this module.
from apps.gradebook.core import (  # noqa: F401
    _enrolment,
    check_version,
    ensure_lesson_happened,
    ensure_may_keep_lesson,
    ensure_student_in_lesson,
)
from apps.gradebook.errors import ConflictError
from apps.gradebook.locks import (
    ensure_period_open,
    unlock_permission,
)
from apps.gradebook.models import (
    Mark,
    MarkValue,
    PeriodLock,
    PeriodMark,
    PeriodUnlockGrant,
    WorkType,
)
from apps.gradebook.permissions import (
    KEEP_JOURNAL_CODENAME,
    KEEP_JOURNAL_PERM,
    can_keep_assignment,
)
from apps.schedule.models import Lesson
from apps.schedule.services import lesson_mark_held
from apps.school import clock
from apps.school.clock import school_today
from apps.school.models import School, StudyPeriod
from apps.school.policy import correction_needs_reason, school_policy
from apps.school.services import ensure_year_writable
from apps.school.spans import overlapping_q
from apps.students.models import Student

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
            school=school,
            name=name,
            defaults={
                "short_name": short,
                "weight": Decimal(weight),
                "deadline_kind": kind,
                "order": order * 10,
            },
        )
    return list(WorkType.objects.filter(school=school, is_active=True))


# --- shared preconditions -------------------------------------------------------------


# «5/4» for a dictation is two marks of one work (the dictation and its grammar task): each
# is a mark of its own work type in the same cell, and each counts in the average.
DOUBLE_MARK = re.compile(r"^[1-5]\s*/\s*[1-5]$")
DOUBLE_MARK_HELP = _lazy(
    "Двойная отметка «5/4» ставится двумя отметками: первая — с видом работы «Диктант», "
    "вторая — с другим видом работы (например, «Проверочная работа» за грамматическое "
    "задание) в ту же клетку. Каждая учитывается в среднем."
)


class ReasonRequiredError(ValidationError):
    """Correcting an old mark needs a written reason (the school's rule, SPEC §3)."""


def reason_required_error(days: int) -> ReasonRequiredError:
    return ReasonRequiredError(
        {
            "reason": _("Отметка выставлена более %(days)s дн. назад: укажите причину исправления.")
            % {"days": days}
        }
    )


def ensure_reason_for_correction(*, school, entered_at, reason: str) -> None:
    """A mark entered more than N days ago (school policy) changes only with a reason.

    Reads the school's rules only when the mark is older than today: a same-day
    correction never needs a reason, and costs no query.
    """
    now = clock.now()
    if (reason or "").strip() or entered_at.astimezone(school.tz).date() >= now.astimezone(
        school.tz
    ).date():
        return
    policy = school_policy(school)
    if correction_needs_reason(policy, school=school, entered_at=entered_at, now=now):
        raise reason_required_error(policy.correction_reason_after_days)


def mark_lesson_held(lesson: Lesson, acting_user=None) -> None:
    """The first fact entered for a lesson marks it held; it takes its КТП topic then."""
    lesson_mark_held(lesson=lesson, acting_user=acting_user)


def journal_cell_enter(
    *,
    acting_user,
    lesson: Lesson,
    student: Student,
    typed: str,
    work_type_id: int,
    seen: dict,
    reason: str = "",
) -> None:
    """What was typed into one cell of the grid, as the journal reads it.

    «н», «б», «уп», «оп» set attendance; 1–5, «зач», «незач», «н/а» set a mark of the chosen
    work type; an empty value (or «-») removes that mark, or, without one, the attendance.
    `seen` holds the versions the page showed (`a` for attendance, `m<work type id>` per
    mark): a stale one is refused with ConflictError. WorkType.DoesNotExist for a mark of a
    work type the school does not have.
    """
    typed = (typed or "").strip().lower()
    mark_key = f"m{work_type_id}"
    if typed in AttendanceKind.values:
        attendance_set(
            acting_user=acting_user,
            lesson=lesson,
            student=student,
            kind=typed,
            expected_version=seen.get("a", 0),
            reason=reason,
        )
    elif typed in ("", "-"):
        work_type = WorkType.objects.filter(school_id=lesson.school_id, pk=work_type_id).first()
        if work_type is not None and mark_key in seen:
            mark_delete(
                acting_user=acting_user,
                lesson=lesson,
                student=student,
                work_type=work_type,
                expected_version=seen[mark_key],
                reason=reason,
            )
        elif seen.get("a"):
            attendance_set(
                acting_user=acting_user,
                lesson=lesson,
                student=student,
                kind="",
                expected_version=seen["a"],
                reason=reason,
            )
    else:
        mark_set(
            acting_user=acting_user,
            lesson=lesson,
            student=student,
            work_type=WorkType.objects.get(school_id=lesson.school_id, pk=work_type_id),
            value=typed,
            expected_version=seen.get(mark_key, 0),
            reason=reason,
        )


def _ensure_marks_allowed(lesson: Lesson) -> None:
    """Grade 1 is taught without marks (СанПиН 2.4.3648-20 §3.4.16) unless the school allows."""
    if lesson.assignment.school_class.grade == 1 and not school_policy(
        lesson.school
    ).marks_allowed_in_grade(1):
        raise ValidationError(
            {"value": _("В 1 классе обучение безотметочное: вносятся посещаемость и темы.")}
        )


# --- marks ------------------------------------------------------------------------------


def mark_set(
    *,
    acting_user,
    lesson: Lesson,
    student: Student,
    work_type: WorkType,
    value: str,
    expected_version: int,
    comment: str | None = None,
    reason: str = "",
) -> Mark:
    """Set (or correct) a student's mark for a work type at a lesson.

    `expected_version` is the version the client saw (0: it saw no mark); a different
    stored version is a conflict, never an overwrite. Correcting a mark entered more than
    the school's N days ago needs a reason (kept in the history with who and when).
    `comment=None` keeps the mark's comment. Grade 1 is taught without marks unless the
    school's policy allows them. Cost: 3 queries to correct a mark.
    """
    value = (value or "").strip().lower()
    if value not in MarkValue.values:
        if DOUBLE_MARK.match(value):
            raise ValidationError({"value": DOUBLE_MARK_HELP})
        raise ValidationError({"value": _("Отметка: 1–5, «зач», «незач» или «н/а».")})
    if work_type.school_id != lesson.school_id:
        raise ValidationError({"work_type": _("Вид работы другой школы.")})
    ensure_lesson_happened(lesson)
    _ensure_marks_allowed(lesson)
    try:
        with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
            ensure_may_keep_lesson(acting_user, lesson, student)
            current = (
                Mark.objects.select_for_update()
                .filter(lesson=lesson, student=student, work_type=work_type)
                .first()
            )
            check_version(
                current,
                expected_version,
                same=current is not None
                and current.value == value
                and (comment is None or comment.strip() == current.comment),
            )
            if current is None:
                current = Mark.objects.create(
                    school_id=lesson.school_id,
                    lesson=lesson,
                    student=student,
                    work_type=work_type,
                    value=value,
                    comment=(comment or "").strip(),
                    entered_at=clock.now(),
                    entered_by=acting_user,
                )
                mark_lesson_held(lesson, acting_user)
                return current
            comment = current.comment if comment is None else comment.strip()
            if (current.value, current.comment) != (value, comment):
                if current.value != value:
                    ensure_reason_for_correction(
                        school=lesson.school, entered_at=current.entered_at, reason=reason
                    )
                current.value, current.comment = value, comment
                current.version += 1
                current.save(update_fields=["value", "comment", "version"])
            return current
    except IntegrityError as exc:
        # Someone created the same mark between our read and our insert: the same value is
        # a retry (no conflict), another value is refused with the stored one.
        current = Mark.objects.filter(lesson=lesson, student=student, work_type=work_type).first()
        if current is not None and current.value == value:
            return current
        raise ConflictError(current) from exc


def mark_comment_set(
    *,
    acting_user,
    lesson: Lesson,
    student: Student,
    work_type: WorkType,
    comment: str,
    expected_version: int,
) -> Mark:
    """Change only the comment of a mark (shown to the family next to the mark, SPEC §4)."""
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": _("Комментарий — не длиннее 500 знаков.")})
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        ensure_may_keep_lesson(acting_user, lesson, student)
        current = (
            Mark.objects.select_for_update()
            .filter(lesson=lesson, student=student, work_type=work_type)
            .first()
        )
        if current is None:
            raise ValidationError({"comment": _("Комментарий пишется к выставленной отметке.")})
        check_version(current, expected_version)
        if current.comment != comment:
            current.comment = comment
            current.version += 1
            current.save(update_fields=["comment", "version"])
        return current


def mark_delete(
    *,
    acting_user,
    lesson: Lesson,
    student: Student,
    work_type: WorkType,
    expected_version: int,
    reason: str = "",
) -> None:
    """Remove a mark; history keeps the removed value with who and why.

    Removing a mark older than the school's limit needs a reason, as any correction.
    """
    with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
        ensure_may_keep_lesson(acting_user, lesson)
        current = (
            Mark.objects.select_for_update()
            .filter(lesson=lesson, student=student, work_type=work_type)
            .first()
        )
        if current is None:
            return  # already removed: a retry, or someone else removed it too
        check_version(current, expected_version)
        ensure_reason_for_correction(
            school=lesson.school, entered_at=current.entered_at, reason=reason
        )
        current.delete()


# --- lesson topic and details -----------------------------------------------------------

_UNCHANGED = object()


def lesson_details_set(
    *,
    acting_user,
    lesson: Lesson,
    topic: str,
    lesson_type: str | None = None,
    expected_topic: str | None = None,
    reason: str = "",
    plan_topic=_UNCHANGED,
    work_types: list[WorkType] | None = None,
    comment: str | None = None,
) -> Lesson:
    """Set what the teacher records about a lesson (seed 002: topic, lesson type, the work
    types used; SPEC §3: comments). `plan_topic` links the lesson to its КТП row; an empty
    `topic` with a КТП row takes the row's title. `expected_topic`, when given, is the
    topic the client saw: a different stored topic means someone else changed it.
    """
    topic = (topic or "").strip()
    if lesson_type is not None and lesson_type not in Lesson.LessonType.values:
        raise ValidationError({"lesson_type": _("Неизвестный тип урока.")})
    if (
        plan_topic is not _UNCHANGED
        and plan_topic is not None
        and plan_topic.assignment_id != lesson.assignment_id
    ):
        raise ValidationError({"plan_topic": _("Тема из КТП другого журнала.")})
    if work_types and any(wt.school_id != lesson.school_id for wt in work_types):
        raise ValidationError({"work_types": _("Вид работы другой школы.")})
    if plan_topic is not _UNCHANGED and plan_topic is not None and not topic:
        topic = plan_topic.title
    with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
        ensure_may_keep_lesson(acting_user, lesson)
        current = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if expected_topic is not None and current.topic != expected_topic.strip():
            raise ConflictError(
                current,
                _("Тему урока уже изменил другой пользователь: «%(topic)s».")
                % {"topic": current.topic},
            )
        lesson.topic = topic
        fields = ["topic", "updated_at"]
        if topic and lesson.topic_set_at is None:
            lesson.topic_set_at = clock.now()
            fields.append("topic_set_at")
        if lesson_type is not None:
            lesson.lesson_type = lesson_type
            fields.append("lesson_type")
        if plan_topic is not _UNCHANGED:
            lesson.plan_topic = plan_topic
            fields.append("plan_topic")
        if comment is not None:
            lesson.comment = comment.strip()
            fields.append("comment")
        if (
            topic
            and lesson.status == Lesson.Status.PLANNED
            and lesson.date <= school_today(lesson.school)
        ):
            lesson.status = Lesson.Status.HELD
            fields.append("status")
        lesson.save(update_fields=fields)
        if work_types is not None:
            lesson.work_types.set(work_types)
        return lesson


def lesson_topic_set(
    *,
    acting_user,
    lesson: Lesson,
    topic: str,
    lesson_type: str | None = None,
    expected_topic: str | None = None,
    reason: str = "",
) -> Lesson:
    """Set the topic (and type) of a lesson; see lesson_details_set."""
    return lesson_details_set(
        acting_user=acting_user,
        lesson=lesson,
        topic=topic,
        lesson_type=lesson_type,
        expected_topic=expected_topic,
        reason=reason,
    )


# --- period marks -----------------------------------------------------------------------


def _enrolled_q(school_class_id: int, on_from, on_to) -> Q:
    return Q(enrollments__school_class_id=school_class_id) & overlapping_q(
        on_from, on_to, "enrollments__"
    )


def period_for_lock(
    assignment: TeachingAssignment, period: StudyPeriod | None
) -> StudyPeriod | None:
    """The period whose lock covers a period mark: its own, or for year, exam and final
    marks the last period of the class's scheme."""
    if period is not None:
        return period
    scheme = assignment.year.scheme_for_grade(assignment.school_class.grade)
    return (
        StudyPeriod.objects.filter(year_id=assignment.year_id, scheme=scheme)
        .order_by("-number")
        .first()
    )


def period_mark_set(
    *,
    acting_user,
    assignment: TeachingAssignment,
    student: Student,
    value: str,
    expected_version: int,
    period: StudyPeriod | None = None,
    kind: str = PeriodMark.Kind.PERIOD,
    reason: str = "",
) -> PeriodMark | None:
    """Set, correct or (with an empty value) remove a quarter, half-year, year, exam or final mark.

    The system suggests a mark from the weighted average; the teacher decides (SPEC §3).
    A quarter or half-year mark names its period; the others belong to the whole year and
    close with the year's last period. Correcting one older than the school's limit needs
    a reason; nothing changes in a locked period without the deputy's grant.
    """
    value = (value or "").strip().lower()
    if value and value not in MarkValue.values:
        raise ValidationError({"value": _("Отметка: 1–5, «зач», «незач» или «н/а».")})
    if kind not in PeriodMark.Kind.values:
        raise ValidationError({"kind": _("Неизвестный вид итоговой отметки.")})
    if (kind == PeriodMark.Kind.PERIOD) != (period is not None):
        raise ValidationError(
            {"period": _("Период указывается только для отметки за четверть или полугодие.")}
        )
    ensure_year_writable(assignment.year)
    grade = assignment.school_class.grade
    if value and not school_policy(assignment.school).marks_allowed_in_grade(grade):
        # Removing a stored one stays possible: it may predate the rule.
        raise ValidationError(
            {
                "value": _(
                    "В %(grade)s классе обучение безотметочное: отметки за период, год "
                    "и итоговые не выставляются."
                )
                % {"grade": grade}
            }
        )
    if period is not None and period.year_id != assignment.year_id:
        raise ValidationError({"period": _("Период другого учебного года.")})
    if not can_keep_assignment(acting_user, assignment):
        raise PermissionDenied(_("Вы не ведёте этот журнал."))
    lock_period = period_for_lock(assignment, period)
    if lock_period is not None:
        ensure_period_open(user=acting_user, period=lock_period)
    span_from, span_to = (
        (period.starts_on, period.ends_on)
        if period
        else (assignment.year.starts_on, assignment.year.ends_on)
    )
    in_class = Student.objects.filter(pk=student.pk).filter(
        _enrolled_q(assignment.school_class_id, span_from, span_to)
    )
    if assignment.subgroup_id:
        in_class = in_class.filter(subgroups=assignment.subgroup_id)
    if not in_class.exists():
        raise ValidationError(
            _("%(student)s не обучается в классе в этом периоде.") % {"student": student.full_name}
        )
    lookup = {"assignment": assignment, "student": student, "kind": kind, "period": period}
    try:
        with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
            current = PeriodMark.objects.select_for_update().filter(**lookup).first()
            check_version(current, expected_version)
            if current is not None and current.value != value:
                ensure_reason_for_correction(
                    school=assignment.school, entered_at=current.entered_at, reason=reason
                )
            if not value:
                if current is not None:
                    current.delete()
                return None
            now = clock.now()
            if current is None:
                return PeriodMark.objects.create(
                    school_id=assignment.school_id,
                    **lookup,
                    value=value,
                    set_by=acting_user,
                    entered_at=now,
                    set_at=now,
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
        content_type=ct,
        codename=KEEP_JOURNAL_CODENAME,
        defaults={"name": "Может вести журнал нагрузки"},
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


# --- locked periods and the grants that open them for one teacher -------------------------


@transaction.atomic
def period_lock(*, acting_user, period: StudyPeriod) -> PeriodLock:
    """Close a period (закрытие периода): its lessons and period marks become read-only.

    The deputy closes a quarter once its period marks are final (seed 004 item 13); from
    then on every write service refuses changes dated inside it (SPEC §3).
    """
    ensure_year_writable(period.year)
    with pghistory.context(user=acting_user.pk):
        lock, _created = PeriodLock.objects.get_or_create(
            period=period,
            defaults={
                "school_id": period.school_id,
                "locked_at": clock.now(),
                "locked_by": acting_user,
            },
        )
        return lock


@transaction.atomic
def period_unlock(*, acting_user, period: StudyPeriod, reason: str = "") -> None:
    """Reopen a locked period for everyone (the removal is kept in the history)."""
    ensure_year_writable(period.year)
    with pghistory.context(user=acting_user.pk, reason=reason):
        PeriodLock.objects.filter(period=period).delete()


MAX_UNLOCK_DAYS = 14


@transaction.atomic
def period_unlock_grant(
    *, acting_user, period: StudyPeriod, user, expires_at, reason: str
) -> PeriodUnlockGrant:
    """Let one teacher correct a locked period until a moment (an explicit, logged grant).

    The deputy names the reason (a late medical certificate, an error found by the audit);
    the grant ends by itself, at most two weeks later. Re-granting moves the end.
    """
    ensure_year_writable(period.year)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Укажите основание: зачем открывается закрытый период.")
    now = clock.now()
    if expires_at <= now:
        errors["expires_at"] = _("Срок разрешения должен быть в будущем.")
    elif expires_at > now + timedelta(days=MAX_UNLOCK_DAYS):
        errors["expires_at"] = _("Разрешение выдаётся не больше чем на %(days)s дней.") % {
            "days": MAX_UNLOCK_DAYS
        }
    if not RoleGrant.objects.filter(
        user=user, school_id=period.school_id, role=Role.TEACHER
    ).exists():
        errors["user"] = _("Разрешение выдаётся учителю этой школы.")
    if errors:
        raise ValidationError(errors)
    with pghistory.context(user=acting_user.pk, reason=reason):
        grant, _created = PeriodUnlockGrant.objects.update_or_create(
            user=user,
            permission=unlock_permission(),
            content_object=period,
            defaults={
                "school_id": period.school_id,
                "expires_at": expires_at,
                "granted_at": now,
                "granted_by": acting_user,
                "reason": reason,
            },
        )
        return grant


@transaction.atomic
def period_unlock_revoke(*, acting_user, grant: PeriodUnlockGrant) -> PeriodUnlockGrant:
    """End a grant now; the row stays as the record of who could correct what and when."""
    with pghistory.context(user=acting_user.pk):
        now = clock.now()
        if grant.expires_at > now:
            grant.expires_at = now
            grant.save(update_fields=["expires_at"])
        return grant
