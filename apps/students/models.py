import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.school.models import School


class PersonName(models.Model):
    """ФИО in Russian order; shared by students and their parents."""

    last_name = models.CharField(_("фамилия"), max_length=150)
    first_name = models.CharField(_("имя"), max_length=150)
    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


class Sex(models.TextChoices):
    MALE = "m", _("мужской")
    FEMALE = "f", _("женский")


class StudentQuerySet(models.QuerySet):
    def enrolled_on(self, day):
        return self.filter(
            Q(enrollments__starts_on__lte=day)
            & (Q(enrollments__ends_on__isnull=True) | Q(enrollments__ends_on__gte=day))
        )


@pghistory.track()
class Student(PersonName):
    """A student's record in one school (личное дело; issue of contingent extends it)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="students")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="student_records"
    )
    birth_date = models.DateField(_("дата рождения"))
    sex = models.CharField(_("пол"), max_length=1, choices=Sex.choices)
    snils = models.CharField(_("СНИЛС"), max_length=14, blank=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("обучающийся")
        verbose_name_plural = _("обучающиеся")
        ordering = ["last_name", "first_name", "patronymic"]
        indexes = [models.Index(fields=["school", "last_name", "first_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "user"], name="student_one_record_per_account",
                violation_error_message=_("Эта учётная запись уже связана с обучающимся школы."),
            )
        ]

    @property
    def academic_year(self):
        return None


class Guardian(PersonName):
    """A parent or legal representative, known to the school before any account exists."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="guardians")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="guardian_records"
    )
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)

    class Meta:
        verbose_name = _("родитель (законный представитель)")
        verbose_name_plural = _("родители (законные представители)")
        ordering = ["last_name", "first_name", "patronymic"]

    @property
    def academic_year(self):
        return None


class Guardianship(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("мать")
        FATHER = "father", _("отец")
        GUARDIAN = "guardian", _("опекун")
        TRUSTEE = "trustee", _("попечитель")
        OTHER = "other", _("иной законный представитель")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships")
    relationship = models.CharField(_("кем приходится"), max_length=10, choices=Relationship.choices)

    class Meta:
        verbose_name = _("связь с родителем")
        verbose_name_plural = _("связи с родителями")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "guardian"], name="guardianship_unique",
                violation_error_message=_("Этот родитель уже связан с обучающимся."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.guardian} — {self.get_relationship_display()} {self.student}"

    @property
    def academic_year(self):
        return None


@pghistory.track()
class Enrollment(models.Model):
    """A student's membership of a class from a date to a date (история классов).

    Journals show a student only on dates inside an enrolment. At most one enrolment is
    open at a time; overlapping periods are refused by the enrolment service.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    school_class = models.ForeignKey(
        "classes.SchoolClass", verbose_name=_("класс"), on_delete=models.PROTECT, related_name="enrollments"
    )
    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по"), null=True, blank=True)
    note = models.CharField(_("основание"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("зачисление в класс")
        verbose_name_plural = _("история классов")
        ordering = ["student", "starts_on"]
        indexes = [models.Index(fields=["school_class", "starts_on", "ends_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(ends_on__isnull=True), name="enrollment_one_open",
                violation_error_message=_("Обучающийся уже числится в классе."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="enrollment_ends_after_start",
                violation_error_message=_("Дата выбытия не может быть раньше даты зачисления."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.school_class}"

    @property
    def academic_year(self):
        return self.school_class.year
