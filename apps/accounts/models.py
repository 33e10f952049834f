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

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    school = models.ForeignKey(
        "school.School", on_delete=models.CASCADE, related_name="role_grants"
    )
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


class ActivityEvent(models.Model):
    """What the monthly user-activity report counts (seed 002 section 8).

    Logins (no school: a person may work in several) and what parents and students read in
    the e-diary (whose diary, in which school). Entries made in the journal are counted
    from the journal rows themselves (`entered_by`), not copied here.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("вход в систему")
        DIARY_VIEW = "diary_view", _("просмотр дневника")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "school.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("событие"), max_length=20, choices=Kind.choices)
    student = models.ForeignKey(
        "students.Student", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    page = models.CharField(_("страница"), max_length=50, blank=True)
    at = models.DateTimeField(_("когда"), auto_now_add=True)
    # Diary reads are counted in Redis and written here a minute at a time (one row per
    # reader, child, page and minute): `count` reads, `batch` the write that brought them.
    count = models.PositiveIntegerField(_("сколько раз"), default=1)
    batch = models.CharField(max_length=40, blank=True, db_index=True)

    class Meta:
        verbose_name = _("событие активности")
        verbose_name_plural = _("активность пользователей")
        indexes = [
            models.Index(fields=["school", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.at:%d.%m.%Y %H:%M}"


class LoginIssue(models.Model):
    """Who issued a login or a temporary password to whom, how (seed 001 item 18).

    The password itself is never stored: the slip is printed from memory, the e-mail is
    sent by a worker that sets a fresh temporary password at the moment of sending.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("создана учётная запись")
        REISSUED = "reissued", _("выдан новый временный пароль")

    class Channel(models.TextChoices):
        SLIP = "slip", _("бланк (PDF)")
        EMAIL = "email", _("электронная почта")

    school = models.ForeignKey("school.School", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кому"),
        on_delete=models.CASCADE,
        related_name="login_issues",
    )
    role = models.CharField(_("роль"), max_length=20, choices=Role.choices)
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("обучающийся"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("действие"), max_length=10, choices=Action.choices)
    channel = models.CharField(_("способ"), max_length=10, choices=Channel.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто выдал"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("когда"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("письмо отправлено"), null=True, blank=True)

    class Meta:
        verbose_name = _("выдача логина")
        verbose_name_plural = _("журнал выдачи логинов")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["school", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.issued_at:%d.%m.%Y}"
