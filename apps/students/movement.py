"""Class history changes made by signed orders, many students at a time.

A move puts a student into a class from a date, takes them out of their class from a
date, or both (a transfer). The journal shows a student only on dates inside an
enrolment, so these are exactly the days the student appears or disappears there.
Every move is planned for the whole order first and refused as a whole when one line
cannot be applied; then written with a fixed number of queries, whatever the order's size.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.classes.models import SchoolClass
from apps.school.models import AcademicYear
from apps.students.models import Enrollment, Student


def _d(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@dataclass
class Move:
    student: Student
    on: date
    to_class: SchoolClass | None = None  # None: leaves the school (or graduates)
    leaving: bool = False  # must be in a class on `on` (leaving, graduation, transfer)
    entering: bool = False  # must not be in a class on `on` (enrolment)
    note: str = ""
    label: str = ""  # how the line is named in errors («Строка 3»)


@dataclass
class MoveResult:
    created: Enrollment | None = None
    closed: Enrollment | None = None
    closed_previous_end: date | None = None
    removed_class_id: int | None = None
    removed_starts_on: date | None = None
    removed_ends_on: date | None = None
    removed_note: str = ""


@dataclass
class _Plan:
    to_delete: list[Enrollment] = field(default_factory=list)
    to_close: list[Enrollment] = field(default_factory=list)
    to_create: list[Enrollment] = field(default_factory=list)


def _writable(year: AcademicYear, errors: list[str], prefix: str) -> bool:
    if year.status == AcademicYear.Status.CLOSED:
        errors.append(
            prefix
            + _("учебный год %(year)s закрыт, его данные только для чтения.") % {"year": year.name}
        )
        return False
    return True


def _history(student_ids) -> dict[int, list[Enrollment]]:
    history: dict[int, list[Enrollment]] = defaultdict(list)
    for e in (
        Enrollment.objects.select_for_update(of=("self",))
        .filter(student_id__in=student_ids)
        .select_related("school_class__year")
        .order_by("starts_on")
    ):
        history[e.student_id].append(e)
    return history


def _lock_students(ids) -> None:
    # Always in id order, so two orders signed at once cannot deadlock on the same students.
    list(
        Student.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def moves_apply(*, acting_user, moves: list[Move]) -> list[MoveResult]:
    """Apply all moves or none; a refusal lists every line that cannot be applied."""
    ids = {m.student.pk for m in moves}
    if len(ids) != len(moves):
        raise ValidationError(_("Обучающийся указан в приказе дважды."))
    _lock_students(ids)
    history = _history(ids)
    errors: list[str] = []
    plan = _Plan()
    results: list[MoveResult] = []
    for move in moves:
        prefix = f"{move.label}: " if move.label else f"{move.student.full_name}: "
        result = MoveResult()
        results.append(result)
        affected = [
            e for e in history[move.student.pk] if e.ends_on is None or e.ends_on >= move.on
        ]
        if len(affected) > 1:
            errors.append(
                prefix
                + _("после %(day)s у обучающегося уже есть другое движение; сначала отмените его.")
                % {"day": _d(move.on)}
            )
            continue
        current = affected[0] if affected else None
        if move.entering and current is not None:
            errors.append(
                prefix
                + _("уже числится в классе %(cls)s с %(day)s; оформите перевод.")
                % {"cls": current.school_class.name, "day": _d(current.starts_on)}
            )
            continue
        if move.leaving and current is None:
            errors.append(
                prefix + _("на %(day)s не числится ни в одном классе.") % {"day": _d(move.on)}
            )
            continue
        if move.to_class is not None:
            target = move.to_class
            if target.school_id != move.student.school_id:
                errors.append(prefix + _("класс другой школы."))
                continue
            if not _writable(target.year, errors, prefix):
                continue
            if not target.year.contains(move.on):
                errors.append(
                    prefix
                    + _("дата %(day)s не входит в учебный год %(year)s класса %(cls)s.")
                    % {"day": _d(move.on), "year": target.year.name, "cls": target.name}
                )
                continue
            if (
                current is not None
                and current.school_class_id == target.pk
                and current.starts_on <= move.on
            ):
                errors.append(prefix + _("уже числится в классе %(cls)s.") % {"cls": target.name})
                continue
        if current is not None:
            if not _writable(current.school_class.year, errors, prefix):
                continue
            if current.starts_on >= move.on:
                # Never attended before the date (a summer move): the enrolment goes away.
                result.removed_class_id = current.school_class_id
                result.removed_starts_on = current.starts_on
                result.removed_ends_on = current.ends_on
                result.removed_note = current.note
                plan.to_delete.append(current)
            else:
                result.closed = current
                result.closed_previous_end = current.ends_on
                current.ends_on = move.on - timedelta(days=1)
                plan.to_close.append(current)
        if move.to_class is not None:
            result.created = Enrollment(
                school_id=move.student.school_id,
                student=move.student,
                school_class=move.to_class,
                starts_on=move.on,
                note=move.note[:300],
            )
            plan.to_create.append(result.created)
    if errors:
        raise ValidationError(errors)
    with pghistory.context(user=acting_user.pk):
        if plan.to_delete:
            Enrollment.objects.filter(pk__in=[e.pk for e in plan.to_delete]).delete()
        if plan.to_close:
            Enrollment.objects.bulk_update(plan.to_close, ["ends_on"])
        if plan.to_create:
            Enrollment.objects.bulk_create(plan.to_create)
    return results


@dataclass
class Undo:
    student: Student
    result: MoveResult
    label: str = ""


@transaction.atomic
def moves_revert(*, acting_user, undos: list[Undo]) -> None:
    """Put the class history back as it was before the moves (a cancelled order).

    Refused when something else happened to the student after the move: that later
    movement has to be cancelled first, or the history would contradict itself.
    """
    ids = {u.student.pk for u in undos}
    _lock_students(ids)
    history = _history(ids)
    errors: list[str] = []
    to_delete: list[int] = []
    to_restore: list[Enrollment] = []
    to_create: list[Enrollment] = []
    classes = SchoolClass.objects.in_bulk(
        {u.result.removed_class_id for u in undos if u.result.removed_class_id}
    )
    for undo in undos:
        prefix = f"{undo.label}: " if undo.label else f"{undo.student.full_name}: "
        rows = {e.pk: e for e in history[undo.student.pk]}
        r = undo.result
        expected_last = r.created.pk if r.created else (r.closed.pk if r.closed else None)
        # The move must be the student's latest movement.
        if r.created and r.created.pk not in rows:
            errors.append(prefix + _("зачисление по приказу уже изменено другим приказом."))
            continue
        if r.created and rows[r.created.pk].ends_on is not None:
            errors.append(
                prefix
                + _(
                    "после этого приказа обучающийся уже выбыл из класса; сначала отмените тот приказ."
                )
            )
            continue
        later = [
            e
            for e in rows.values()
            if e.pk != expected_last
            and expected_last in rows
            and e.starts_on > rows[expected_last].starts_on
        ]
        if later:
            errors.append(
                prefix + _("после этого приказа было другое движение; сначала отмените его.")
            )
            continue
        if r.closed:
            closed = rows.get(r.closed.pk)
            if closed is None:
                errors.append(prefix + _("запись о классе удалена другим приказом."))
                continue
            if not _writable(closed.school_class.year, errors, prefix):
                continue
            closed.ends_on = r.closed_previous_end
            to_restore.append(closed)
        if r.created:
            if not _writable(rows[r.created.pk].school_class.year, errors, prefix):
                continue
            to_delete.append(r.created.pk)
        if r.removed_class_id:
            if any(
                e.ends_on is None or e.ends_on >= r.removed_starts_on
                for e in rows.values()
                if e.pk != expected_last
            ):
                errors.append(
                    prefix + _("после этого приказа было другое движение; сначала отмените его.")
                )
                continue
            cls = classes.get(r.removed_class_id)
            if cls is None or not _writable(cls.year, errors, prefix):
                continue
            to_create.append(
                Enrollment(
                    school_id=undo.student.school_id,
                    student=undo.student,
                    school_class=cls,
                    starts_on=r.removed_starts_on,
                    ends_on=r.removed_ends_on,
                    note=r.removed_note,
                )
            )
    if errors:
        raise ValidationError(errors)
    with pghistory.context(user=acting_user.pk):
        if to_delete:
            Enrollment.objects.filter(pk__in=to_delete).delete()
        if to_restore:
            Enrollment.objects.bulk_update(to_restore, ["ends_on"])
        if to_create:
            Enrollment.objects.bulk_create(to_create)
