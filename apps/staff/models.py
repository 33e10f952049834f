import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.school.models import School


class Position(models.TextChoices):
    DIRECTOR = "director", _("Директор")
    DEPUTY_ACADEMIC = "deputy_academic", _("Заместитель директора по УВР")
    DEPUTY_EDUCATION = "deputy_education", _("Заместитель директора по ВР")
    DEPUTY_IT = "deputy_it", _("Заместитель директора по ИТ")
    DEPUTY_FACILITIES = "deputy_facilities", _("Заместитель директора по АХР")
    TEACHER = "teacher", _("Учитель")
    PSYCHOLOGIST = "psychologist", _("Педагог-психолог")
    SOCIAL_PEDAGOGUE = "social_pedagogue", _("Социальный педагог")
    LIBRARIAN = "librarian", _("Педагог-библиотекарь")
    SECRETARY = "secretary", _("Секретарь")
    HR_INSPECTOR = "hr_inspector", _("Инспектор по кадрам")
    NURSE = "nurse", _("Медицинская сестра")
    CARETAKER = "caretaker", _("Завхоз")
    DISPATCHER = "dispatcher", _("Диспетчер расписания")


@pghistory.track()
class StaffMember(models.Model):
    """A staff record for the HR inspector (seed 002): a person's position in a school."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("сотрудник"),
        on_delete=models.PROTECT,
        related_name="staff_records",
    )
    position = models.CharField(_("должность"), max_length=30, choices=Position.choices)
    qualification = models.CharField(_("квалификационная категория"), max_length=100, blank=True)
    education = models.CharField(_("образование"), max_length=300, blank=True)
    hired_on = models.DateField(_("принят"), null=True, blank=True)
    left_on = models.DateField(_("уволен"), null=True, blank=True)
    personnel_number = models.CharField(_("табельный номер"), max_length=20, blank=True)
    category_until = models.DateField(_("категория действует до"), null=True, blank=True)
    speciality = models.CharField(_("специальность по диплому"), max_length=300, blank=True)
    teaching_since = models.DateField(_("педагогический стаж с"), null=True, blank=True)
    training = models.TextField(
        _("повышение квалификации"),
        blank=True,
        max_length=4000,
        help_text=_("Курсы: год, тема, часы"),
    )
    snils = models.CharField(_("СНИЛС"), max_length=14, blank=True)
    consent_on = models.DateField(
        _("согласие на обработку ПДн"),
        null=True,
        blank=True,
        help_text=_("Дата, когда сотрудник подписал согласие"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("сотрудник")
        verbose_name_plural = _("сотрудники")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "user", "position"],
                name="staff_unique_position",
                violation_error_message=_("Сотрудник уже занимает эту должность."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(hired_on__isnull=True)
                | Q(left_on__gte=F("hired_on")),
                name="staff_left_after_hired",
                violation_error_message=_("Дата увольнения не может быть раньше даты приёма."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.full_name} — {self.get_position_display()}"

    @property
    def academic_year(self):
        return None
