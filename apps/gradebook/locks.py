"""Locked periods and the explicit grants that let one teacher correct them (SPEC §3).

A lock belongs to a study period of one scheme (quarters or half-years), so it covers the
lessons of the grades that study by that scheme, dated inside the period. A teacher with
a valid PeriodUnlockGrant on the period writes as if it were open; nobody else does.
Each check is a single query, or an expression that joins the caller's query.
"""

from datetime import date

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from apps.gradebook.models import PeriodLock, PeriodUnlockGrant
from apps.school import clock
from apps.school.models import AcademicYear, StudyPeriod

UNLOCK_CODENAME = "correct_locked_period"


class LockedPeriodError(ValidationError):
    """A write into a locked period without a valid grant."""


def locked_error(period_name: str) -> LockedPeriodError:
    return LockedPeriodError(
        _(
            "Период «%(period)s» закрыт: изменения возможны только по разрешению заместителя директора."
        )
        % {"period": period_name}
    )


def _valid_grants(user, *, period_ref) -> QuerySet[PeriodUnlockGrant]:
    return PeriodUnlockGrant.objects.filter(
        content_object=period_ref, user_id=user.pk, expires_at__gt=clock.now()
    )


def covering_locks(*, user, year: AcademicYear, grade: int, day: date) -> QuerySet[PeriodLock]:
    """Locks that forbid `user` to change a lesson of `grade` on `day` (grants subtracted)."""
    return PeriodLock.objects.filter(
        period__year_id=year.pk,
        period__scheme=year.scheme_for_grade(grade),
        period__starts_on__lte=day,
        period__ends_on__gte=day,
    ).exclude(Exists(_valid_grants(user, period_ref=OuterRef("period"))))


def locked_period_name(*, user, year: AcademicYear, grade: int, day: date):
    """An expression: the name of the locked period covering the day, or NULL. Joins any query."""
    return Subquery(
        covering_locks(user=user, year=year, grade=grade, day=day).values("period__name")[:1]
    )


def ensure_day_open(*, user, year: AcademicYear, grade: int, day: date) -> None:
    """Refuse when the day lies in a period locked for this user (one query)."""
    name = (
        covering_locks(user=user, year=year, grade=grade, day=day)
        .values_list("period__name", flat=True)
        .first()
    )
    if name is not None:
        raise locked_error(name)


def ensure_period_open(*, user, period: StudyPeriod) -> None:
    """A period's own marks: refuse when it is locked and the user has no valid grant."""
    locked = (
        PeriodLock.objects.filter(period_id=period.pk)
        .exclude(Exists(_valid_grants(user, period_ref=OuterRef("period"))))
        .exists()
    )
    if locked:
        raise locked_error(period.name)


def locked_period_ids(*, user, year_id: int) -> set[int]:
    """The periods of a year locked for this user (one query; for pages that show many)."""
    return set(
        PeriodLock.objects.filter(period__year_id=year_id)
        .exclude(Exists(_valid_grants(user, period_ref=OuterRef("period"))))
        .values_list("period_id", flat=True)
    )


def unlock_permission() -> Permission:
    ct = ContentType.objects.get_for_model(StudyPeriod)
    perm, _created = Permission.objects.get_or_create(
        content_type=ct,
        codename=UNLOCK_CODENAME,
        defaults={"name": "Может исправлять журнал закрытого периода"},
    )
    return perm
