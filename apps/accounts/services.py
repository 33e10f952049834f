import secrets

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import ActivityEvent, RoleGrant, User
from apps.accounts.policy import Role

# No look-alike characters: slips are read from paper and typed by children.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def temporary_password(length: int = 10) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


@transaction.atomic
def role_grant(*, acting_user, school, user: User, role: str) -> RoleGrant:
    if not role:
        raise ValidationError(_("Выберите роль, которую нужно добавить."))
    if role not in Role.values:
        raise ValidationError(_("Неизвестная роль."))
    with pghistory.context(user=acting_user.pk):
        grant, _created = RoleGrant.objects.get_or_create(
            user=user, school=school, role=role, defaults={"granted_by": acting_user}
        )
        return grant


@transaction.atomic
def role_revoke(*, acting_user, school, user: User, role: str) -> None:
    if user.pk == acting_user.pk and role == Role.ADMIN:
        raise ValidationError(_("Нельзя снять с себя роль администратора."))
    with pghistory.context(user=acting_user.pk):
        RoleGrant.objects.filter(user=user, school=school, role=role).delete()


@transaction.atomic
def user_create(
    *,
    acting_user,
    username: str,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    email: str = "",
    phone: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account with a school-issued password that must be changed at first login."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Такой логин уже занят.")})
    password = password or temporary_password()
    user = User(
        username=username,
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic,
        email=email,
        phone=phone,
        must_change_password=True,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user, password


def password_changed(*, user: User) -> None:
    """Called after the user set their own password: the school-issued one is gone."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


def activity_record(*, user: User, kind: str, school=None, student=None, page: str = "") -> None:
    """One row for the activity report: a login, or a page of the e-diary read."""
    ActivityEvent.objects.create(user=user, kind=kind, school=school, student=student, page=page)
