"""Writes to the staff database (seed 002: the HR inspector keeps it)."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.staff.models import StaffMember
from apps.students.identity import format_snils

STAFF_FIELDS = (
    "user",
    "position",
    "qualification",
    "category_until",
    "education",
    "speciality",
    "teaching_since",
    "training",
    "hired_on",
    "left_on",
    "personnel_number",
    "snils",
    "consent_on",
)


@transaction.atomic
def staff_member_save(
    *,
    acting_user,
    school,
    member: StaffMember | None,
    data: dict,
    expected_version: int | None = None,
) -> StaffMember:
    """Create or change a staff record; a save over someone else's newer one is refused."""
    if member is None or member.pk is None:
        member = StaffMember(school=school)
    else:
        member = StaffMember.objects.select_for_update().get(pk=member.pk, school=school)
        if expected_version is not None and member.version != expected_version:
            raise ValidationError(
                _("Карточку сотрудника изменил другой пользователь. Обновите страницу.")
            )
        member.version += 1
    for name in STAFF_FIELDS:
        if name in data:
            setattr(member, name, data[name])
    if member.snils:
        member.snils = format_snils(member.snils)
    if member.user_id and not member.user.role_grants.filter(school=school).exists():
        raise ValidationError({"user": _("У пользователя нет роли в этой школе.")})
    member.full_clean()
    with pghistory.context(user=acting_user.pk):
        member.save()
    return member
