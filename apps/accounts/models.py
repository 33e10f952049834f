import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.policy import Role


class User(AbstractUser):
    """A person who logs in: staff, parent or student, in one or several schools."""

    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    must_change_password = models.BooleanField(
        _("сменить пароль при входе"),
        default=False,
        help_text=_("Пароль выдан школой: при первом входе его нужно заменить."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        ordering = ["last_name", "first_name", "patronymic"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        """«Иванова А. П.» — the form used in journals and signatures."""
        initials = "".join(f"{p[0]}. " for p in (self.first_name, self.patronymic) if p).strip()
        return f"{self.last_name} {initials}".strip() or self.username


class RoleGrantQuerySet(models.QuerySet):
    def in_school(self, school):
        return self.filter(school=school)


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class RoleGrant(models.Model):
    """A role a user holds in one school (SPEC §1)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    school = models.ForeignKey("school.School", on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("роль"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("роль в школе")
        verbose_name_plural = _("роли в школах")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "role"],
                name="rolegrant_unique_per_school",
                violation_error_message=_("У пользователя уже есть эта роль в этой школе."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"
