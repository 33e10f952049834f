"""Writes of the portfolios: keyword-only, atomic, with the acting user and the clock."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Role
from apps.portfolio.models import Achievement, Portrait, TeacherCategory, TeacherEntry
from apps.school.clock import now as clock_now
from apps.school.models import AcademicYear
from apps.school.policy import category_reminder_on, may_remind_at, school_policy
from apps.school.uploads import SCAN_KINDS, SCAN_MAX_MB, check_upload

PHOTO_KINDS = frozenset({"jpg", "jpeg", "png"})


class StaleVersion(ValidationError):
    def __init__(self):
        super().__init__(
            _("Запись уже изменил другой пользователь. Обновите страницу и повторите изменения.")
        )


def _check_version(obj, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise StaleVersion()


def year_of(school, day: date) -> AcademicYear:
    """The school year a date belongs to; a date outside every year is refused."""
    year = AcademicYear.objects.filter(school=school, starts_on__lte=day, ends_on__gte=day).first()
    if year is None:
        raise ValidationError({"happened_on": _("Эта дата не входит ни в один учебный год школы.")})
    return year


@transaction.atomic
def achievement_add(
    *,
    acting_user,
    access,
    kind: str,
    event: str,
    subject: str = "",
    level: str,
    result: str,
    happened_on: date,
    teacher=None,
    diploma=None,
    now: datetime | None = None,
) -> Achievement:
    """Add an achievement to a student's portfolio (seed 000 item 21). The student's or a
    parent's entry waits for the class teacher; a teacher's entry is confirmed by them."""
    if not access.may_add:
        raise PermissionDenied
    now = now or clock_now()
    student = access.student
    if happened_on > now.astimezone(student.school.tz).date():
        raise ValidationError({"happened_on": _("Дата достижения ещё не наступила.")})
    if diploma:
        check_upload(diploma, kinds=SCAN_KINDS, max_mb=SCAN_MAX_MB)
    confirmed = access.adds_confirmed
    achievement = Achievement(
        school=student.school,
        student=student,
        year=year_of(student.school, happened_on),
        kind=kind,
        event=event.strip(),
        subject=subject.strip(),
        level=level,
        result=result,
        happened_on=happened_on,
        teacher=teacher if teacher is not None else (acting_user if confirmed else None),
        added_by=acting_user,
        added_at=now,
        confirmed_by=acting_user if confirmed else None,
        confirmed_at=now if confirmed else None,
    )
    if diploma:
        achievement.diploma = diploma
        achievement.diploma_name = diploma.name[:200]
    achievement.full_clean(exclude=["diploma"])
    achievement.save()
    return achievement


@transaction.atomic
def achievement_confirm(
    *, acting_user, access, achievement_id: int, version: int, now: datetime | None = None
) -> Achievement:
    """The class teacher confirms an entry of their student; nobody confirms their own."""
    if not access.may_confirm:
        raise PermissionDenied
    achievement = (
        Achievement.objects.select_for_update()
        .filter(student=access.student, pk=achievement_id)
        .first()
    )
    if achievement is None:
        raise ValidationError(_("Запись не найдена."))
    if achievement.added_by_id == acting_user.pk or access.student.user_id == acting_user.pk:
        raise PermissionDenied
    _check_version(achievement, version)
    if achievement.confirmed_at is not None:
        return achievement
    achievement.confirmed_by = acting_user
    achievement.confirmed_at = now or clock_now()
    achievement.version += 1
    achievement.save(update_fields=["confirmed_by", "confirmed_at", "version"])
    return achievement


@transaction.atomic
def achievement_delete(*, acting_user, access, achievement_id: int) -> None:
    """An unconfirmed entry may be withdrawn by whoever added it or the class teacher."""
    achievement = (
        Achievement.objects.select_for_update()
        .filter(student=access.student, pk=achievement_id)
        .first()
    )
    if achievement is None:
        raise ValidationError(_("Запись не найдена."))
    if achievement.confirmed_at is not None and not access.leads:
        raise PermissionDenied
    if achievement.added_by_id != acting_user.pk and not access.leads:
        raise PermissionDenied
    if achievement.diploma:
        achievement.diploma.delete(save=False)
    achievement.delete()


def _portrait_for_update(student) -> Portrait:
    portrait, _created = Portrait.objects.select_for_update().get_or_create(
        student=student, defaults={"school": student.school}
    )
    return portrait


@transaction.atomic
def portrait_save(
    *, acting_user, access, essay: str, photo=None, version: int | None, now=None
) -> Portrait:
    """The essay and the photo: the student's own words (or a parent's for a younger one)."""
    if not access.may_edit_portrait:
        raise PermissionDenied
    portrait = _portrait_for_update(access.student)
    _check_version(portrait, version)
    if photo:
        check_upload(photo, kinds=PHOTO_KINDS, max_mb=SCAN_MAX_MB)
        if portrait.photo:
            portrait.photo.delete(save=False)
        portrait.photo = photo
    portrait.essay = essay.strip()
    portrait.updated_at = now or clock_now()
    portrait.version += 1
    portrait.save(update_fields=["essay", "photo", "updated_at", "version"])
    return portrait


@transaction.atomic
def characteristic_save(
    *, acting_user, access, characteristic: str, version: int | None, now=None
) -> Portrait:
    """The class teacher's characteristic of a student of their class."""
    if not access.may_write_characteristic:
        raise PermissionDenied
    portrait = _portrait_for_update(access.student)
    _check_version(portrait, version)
    portrait.characteristic = characteristic.strip()
    portrait.characteristic_by = acting_user
    portrait.updated_at = now or clock_now()
    portrait.version += 1
    portrait.save(update_fields=["characteristic", "characteristic_by", "updated_at", "version"])
    return portrait


# --- teachers ----------------------------------------------------------------------------


@transaction.atomic
def category_save(
    *,
    acting_user,
    school,
    teacher,
    category: str,
    assigned_on: date,
    expires_on: date,
    order_ref: str = "",
    version: int | None = None,
) -> TeacherCategory:
    """Set a teacher's qualification category; a new expiry date earns a new reminder."""
    row = TeacherCategory.objects.select_for_update().filter(school=school, teacher=teacher).first()
    if row is None:
        row = TeacherCategory(school=school, teacher=teacher, version=0)
    else:
        _check_version(row, version)
    if row.expires_on != expires_on:
        row.reminded_for = None
    row.category, row.assigned_on, row.expires_on = category, assigned_on, expires_on
    row.order_ref = order_ref.strip()
    row.version += 1
    row.full_clean(exclude=["school", "teacher"])
    row.save()
    return row


@transaction.atomic
def teacher_entry_add(
    *,
    acting_user,
    school,
    teacher,
    kind: str,
    title: str,
    organisation: str = "",
    hours: int | None = None,
    happened_on: date,
    file=None,
    now=None,
) -> TeacherEntry:
    if kind == TeacherEntry.Kind.COURSE and not hours:
        raise ValidationError({"hours": _("Укажите количество часов курсов.")})
    if file:
        check_upload(file, kinds=SCAN_KINDS, max_mb=SCAN_MAX_MB)
    entry = TeacherEntry(
        school=school,
        teacher=teacher,
        kind=kind,
        title=title.strip(),
        organisation=organisation.strip(),
        hours=hours,
        happened_on=happened_on,
        added_at=now or clock_now(),
    )
    if file:
        entry.file = file
        entry.file_name = file.name[:200]
    entry.full_clean(exclude=["file"])
    entry.save()
    return entry


def category_reminders_send(*, school, now: datetime) -> int:
    """Remind the teacher and the deputies, once per expiry date, when a qualification
    category is due to expire within the school's reminder months (six by default) —
    counted in the school's own time zone, never at night."""
    from apps.messaging.services import notify

    policy = school_policy(school)
    if not may_remind_at(policy, school=school, moment=now):
        return 0
    today = now.astimezone(school.tz).date()
    due = [
        row
        for row in TeacherCategory.objects.filter(school=school, expires_on__gte=today)
        .exclude(reminded_for=F("expires_on"))
        .select_related("teacher")
        if category_reminder_on(policy, expires_on=row.expires_on) <= today
    ]
    if not due:
        return 0
    deputies = [
        g.user
        for g in RoleGrant.objects.filter(school=school, role=Role.DEPUTY).select_related("user")
    ]
    sent = 0
    for row in due:
        with transaction.atomic():
            locked = TeacherCategory.objects.select_for_update().get(pk=row.pk)
            if locked.reminded_for == locked.expires_on:
                continue
            title = _(
                "Квалификационная категория %(who)s действует до %(day)s: пора подать заявление на аттестацию"
            ) % {
                "who": row.teacher.full_name,
                "day": row.expires_on.strftime("%d.%m.%Y"),
            }
            link = reverse(
                "portfolio:teacher", kwargs={"school_id": school.pk, "teacher_id": row.teacher_id}
            )
            key = f"category:{row.pk}:{row.expires_on.isoformat()}"
            for user in [row.teacher, *deputies]:
                sent += (
                    notify(school=school, user=user, title=title, link=link, dedupe_key=key)
                    is not None
                )
            locked.reminded_for = locked.expires_on
            locked.save(update_fields=["reminded_for"])
    return sent
