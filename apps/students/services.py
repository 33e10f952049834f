"""Writes to the contingent: enrolment history and family links.

Enrolment orders (issue «orders») call `student_enroll` / `enrollment_close` so that a
signed order changes the class history in one transaction.
"""

from datetime import date, timedelta

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.classes.models import SchoolClass, Subgroup
from apps.school.services import ensure_year_writable
from apps.students.models import Enrollment, Guardian, Guardianship, Student


@transaction.atomic
def student_enroll(*, acting_user, student: Student, school_class: SchoolClass, starts_on: date, note: str = "") -> Enrollment:
    """Put a student into a class from a date.

    An open enrolment in another class is closed the day before (a transfer). The date must
    lie in the class's academic year, and must not fall inside an earlier enrolment.
    """
    if school_class.school_id != student.school_id:
        raise ValidationError(_("Класс другой школы."))
    year = school_class.year
    ensure_year_writable(year)
    if not year.contains(starts_on):
        raise ValidationError(
            {"starts_on": _("Дата должна быть в пределах учебного года %(year)s.") % {"year": year.name}}
        )
    with pghistory.context(user=acting_user.pk):
        # Lock the student's history so two enrolments cannot interleave.
        Student.objects.select_for_update().get(pk=student.pk)
        history = list(Enrollment.objects.filter(student=student).select_related("school_class__year"))
        for enrolment in history:
            if enrolment.ends_on is None and enrolment.starts_on < starts_on:
                if enrolment.school_class_id == school_class.pk:
                    raise ValidationError(_("Обучающийся уже числится в этом классе."))
                ensure_year_writable(enrolment.school_class.year)
                enrolment.ends_on = starts_on - timedelta(days=1)
                enrolment.save(update_fields=["ends_on"])
            elif enrolment.ends_on is None or enrolment.ends_on >= starts_on:
                raise ValidationError(
                    {"starts_on": _("Обучающийся уже числится в классе %(cls)s на эту дату.")
                     % {"cls": enrolment.school_class.name}}
                )
        enrolment = Enrollment(
            school_id=student.school_id, student=student, school_class=school_class,
            starts_on=starts_on, note=note,
        )
        enrolment.full_clean()
        enrolment.save()
        return enrolment


@transaction.atomic
def enrollment_close(*, acting_user, student: Student, last_day: date, note: str = "") -> Enrollment:
    """End the student's open enrolment on `last_day` (leaving the school, graduation)."""
    with pghistory.context(user=acting_user.pk):
        enrolment = (
            Enrollment.objects.select_for_update()
            .select_related("school_class__year")
            .filter(student=student, ends_on__isnull=True)
            .first()
        )
        if enrolment is None:
            raise ValidationError(_("Обучающийся сейчас не числится ни в одном классе."))
        ensure_year_writable(enrolment.school_class.year)
        if last_day < enrolment.starts_on:
            raise ValidationError({"ends_on": _("Дата выбытия не может быть раньше даты зачисления.")})
        enrolment.ends_on = last_day
        if note:
            enrolment.note = f"{enrolment.note}; {note}" if enrolment.note else note
        enrolment.save(update_fields=["ends_on", "note"])
        return enrolment


@transaction.atomic
def subgroup_set_members(*, acting_user, subgroup: Subgroup, students: list[Student]) -> None:
    """Set who is in a subgroup; only students of its class may be members."""
    ensure_year_writable(subgroup.school_class.year)
    ids = {s.pk for s in students}
    year = subgroup.school_class.year
    in_class = set(
        Enrollment.objects.filter(school_class=subgroup.school_class, student_id__in=ids)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=year.starts_on))
        .values_list("student_id", flat=True)
    )
    if ids - in_class:
        raise ValidationError(_("В подгруппу можно включить только обучающихся этого класса."))
    with pghistory.context(user=acting_user.pk):
        Subgroup.objects.select_for_update().get(pk=subgroup.pk)
        subgroup.members.set(ids)


@transaction.atomic
def guardian_link(*, acting_user, student: Student, guardian: Guardian, relationship: str) -> Guardianship:
    if guardian.school_id != student.school_id:
        raise ValidationError(_("Родитель записан в другой школе."))
    with pghistory.context(user=acting_user.pk):
        link, _created = Guardianship.objects.update_or_create(
            student=student, guardian=guardian,
            defaults={"school_id": student.school_id, "relationship": relationship},
        )
        return link
