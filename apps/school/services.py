"""Writes to the school structure. Every write goes through a service here or in an app.

The rule that matters most (seed 000 item 10): once a new academic year is opened the
previous one is read-only. `ensure_year_writable` is called by every service that touches
year-scoped data, so no page, import or task can change a closed year.
"""

import hashlib
from collections.abc import Iterable
from datetime import date, time

import pghistory
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from apps.school.models import AcademicYear, Bell, School, SchoolRules, Shift


class ClosedYearError(ValidationError):
    pass


def ensure_year_writable(year: AcademicYear | None) -> None:
    if year is not None and year.status == AcademicYear.Status.CLOSED:
        raise ClosedYearError(
            _("Учебный год %(year)s закрыт: данные доступны только для чтения.")
            % {"year": year.name}
        )


def _ensure_same_school(instance: models.Model, school: School) -> None:
    """Every related row a record points to must belong to the same school."""
    for field in instance._meta.concrete_fields:
        if not field.is_relation or field.name == "school":
            continue
        target = getattr(instance, field.name, None)
        target_school_id = getattr(target, "school_id", None)
        if target is not None and target_school_id is not None and target_school_id != school.pk:
            raise ValidationError({field.name: _("Объект другой школы.")})


@transaction.atomic
def record_save(
    *, acting_user, school: School, instance: models.Model, changes: dict | None = None
):
    """Create or update one school-scoped record: same school, open year, valid constraints."""
    with pghistory.context(user=acting_user.pk):
        is_card = isinstance(instance, School)
        if instance.pk is not None:
            stored = type(instance).objects.select_for_update().get(pk=instance.pk)
            if (stored.pk if is_card else stored.school_id) != school.pk:
                raise ValidationError(_("Объект другой школы."))
            ensure_year_writable(getattr(stored, "academic_year", None))
        for name, value in (changes or {}).items():
            setattr(instance, name, value)
        if not is_card:
            instance.school = school
        ensure_year_writable(getattr(instance, "academic_year", None))
        _ensure_same_school(instance, school)
        instance.full_clean()
        instance.save()
        return instance


@transaction.atomic
def record_delete(*, acting_user, school: School, instance: models.Model) -> None:
    with pghistory.context(user=acting_user.pk):
        if instance.school_id != school.pk:
            raise ValidationError(_("Объект другой школы."))
        ensure_year_writable(getattr(instance, "academic_year", None))
        try:
            instance.delete()
        except models.ProtectedError as exc:
            raise ValidationError(
                _("Запись нельзя удалить: на неё ссылаются другие данные.")
            ) from exc


@transaction.atomic
def academic_year_open(*, acting_user, year: AcademicYear) -> AcademicYear:
    """Open a year; the year open until now becomes read-only (seed 000 item 10).

    A closed year is never reopened: corrections to it would silently change
    signed reports and archived journals.
    """
    with pghistory.context(user=acting_user.pk):
        years = list(AcademicYear.objects.select_for_update().filter(school_id=year.school_id))
        year = next(y for y in years if y.pk == year.pk)
        if year.status == AcademicYear.Status.OPEN:
            return year
        ensure_year_writable(year)
        for other in years:
            if other.status == AcademicYear.Status.OPEN:
                if other.starts_on > year.starts_on:
                    raise ValidationError(_("Нельзя открыть год, который раньше текущего."))
                other.status = AcademicYear.Status.CLOSED
                other.save(update_fields=["status"])
        year.status = AcademicYear.Status.OPEN
        year.save(update_fields=["status"])
        return year


@transaction.atomic
def bells_replace(
    *, acting_user, shift: Shift, rows: Iterable[tuple[int, time, time]]
) -> list[Bell]:
    """Replace a shift's bell schedule; lessons must not overlap and must go in order."""
    rows = sorted(rows)
    errors = []
    numbers = [n for n, _s, _e in rows]
    if len(numbers) != len(set(numbers)):
        errors.append(_("Номер урока повторяется."))
    for n, starts, ends in rows:
        if ends <= starts:
            errors.append(_("Урок %(n)s: конец должен быть позже начала.") % {"n": n})
    for (n1, _s1, e1), (n2, s2, _e2) in zip(rows, rows[1:], strict=False):
        if s2 < e1:
            errors.append(
                _("Урок %(n2)s начинается раньше, чем кончается урок %(n1)s.")
                % {"n1": n1, "n2": n2}
            )
    if errors:
        raise ValidationError(errors)
    with pghistory.context(user=acting_user.pk):
        Shift.objects.select_for_update().get(pk=shift.pk)
        shift.bells.all().delete()
        return Bell.objects.bulk_create(
            Bell(school_id=shift.school_id, shift=shift, lesson_number=n, starts_at=s, ends_at=e)
            for n, s, e in rows
        )


# --- Правила школы ------------------------------------------------------------------------


def rules_fingerprint(rules: SchoolRules) -> str:
    """A short digest of the rules' values: a form carries it to detect a concurrent edit."""
    values = [
        (f.name, str(getattr(rules, f.attname)))
        for f in SchoolRules._meta.concrete_fields
        if f.name not in ("id", "school")
    ]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:20]


def school_rules_of(school: School) -> SchoolRules:
    """The school's rules row, or the defaults (unsaved) when the school changed nothing yet."""
    return SchoolRules.objects.filter(school=school).first() or SchoolRules(school=school)


def _valid_day(month: int | None, day: int | None) -> bool:
    try:
        date(2001, month, day)  # not a leap year: «29 февраля» is not a yearly deadline
    except (TypeError, ValueError):
        return False
    return True


@transaction.atomic
def school_rules_update(
    *, acting_user, school: School, changes: dict, expected_fingerprint: str | None = None
) -> SchoolRules:
    """Change the school's own deadlines, thresholds and norms (apps/school/policy.py).

    Regulations differ between schools (seeds 000–004), so each school sets its values on
    the «Правила школы» page. A yearly deadline must be a real calendar day; reminders need
    a non-empty daytime window. When someone else saved the rules after the form was opened
    (`expected_fingerprint` differs), nothing is written: the second editor sees the new
    values instead of silently overwriting them.
    """
    with pghistory.context(user=acting_user.pk):
        rules, _created = SchoolRules.objects.select_for_update().get_or_create(school=school)
        if expected_fingerprint is not None and expected_fingerprint != rules_fingerprint(rules):
            raise ValidationError(
                _(
                    "Правила школы только что изменил другой пользователь. Проверьте новые значения и сохраните ещё раз."
                )
            )
        for name, value in changes.items():
            setattr(rules, name, value)
        errors = {}
        for month, day in (
            ("ktp_due_month", "ktp_due_day"),
            ("enrolment_due_month", "enrolment_due_day"),
        ):
            if not _valid_day(getattr(rules, month), getattr(rules, day)):
                errors[day] = _("В выбранном месяце нет такого числа.")
        if (
            rules.reminders_from
            and rules.reminders_until
            and rules.reminders_from >= rules.reminders_until
        ):
            errors["reminders_until"] = _("Окончание окна напоминаний должно быть позже начала.")
        if errors:
            raise ValidationError(errors)
        rules.full_clean()
        rules.save()
        return rules
