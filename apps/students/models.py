import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.school.models import School
from apps.school.spans import active_on_q, overlapping_q
from apps.school.uploads import RandomName


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


class IdentityDocument(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", _("свидетельство о рождении")
    PASSPORT = "passport", _("паспорт гражданина РФ")
    FOREIGN = "foreign", _("документ иностранного гражданина")


class StudentQuerySet(models.QuerySet):
    def enrolled_on(self, day):
        return self.filter(active_on_q(day, "enrollments__"))


@pghistory.track()
class Student(PersonName):
    """A student's record in one school (личное дело; issue of contingent extends it)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="students")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="student_records",
    )
    birth_date = models.DateField(_("дата рождения"))
    sex = models.CharField(_("пол"), max_length=1, choices=Sex.choices)
    snils = models.CharField(_("СНИЛС"), max_length=14, blank=True)
    # Personal file (личное дело): identity document, addresses. Free meals: apps/care.
    document_type = models.CharField(
        _("документ"),
        max_length=20,
        choices=IdentityDocument.choices,
        default=IdentityDocument.BIRTH_CERTIFICATE,
    )
    document_series = models.CharField(_("серия"), max_length=20, blank=True)
    document_number = models.CharField(_("номер"), max_length=30, blank=True)
    document_issued_on = models.DateField(_("дата выдачи"), null=True, blank=True)
    document_issued_by = models.CharField(_("кем выдан"), max_length=300, blank=True)
    registration_address = models.CharField(_("адрес регистрации"), max_length=500, blank=True)
    residence_address = models.CharField(_("адрес проживания"), max_length=500, blank=True)
    personal_file_number = models.CharField(_("номер личного дела"), max_length=30, blank=True)
    arrived_from = models.CharField(_("откуда прибыл"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("обучающийся")
        verbose_name_plural = _("обучающиеся")
        ordering = ["last_name", "first_name", "patronymic"]
        indexes = [models.Index(fields=["school", "last_name", "first_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "user"],
                name="student_one_record_per_account",
                violation_error_message=_("Эта учётная запись уже связана с обучающимся школы."),
            )
        ]

    @property
    def academic_year(self):
        return None

    @property
    def document_label(self) -> str:
        number = " ".join(p for p in (self.document_series, self.document_number) if p)
        return f"{self.get_document_type_display()} {number}".strip() if number else ""


@pghistory.track()
class Guardian(PersonName):
    """A parent or legal representative, known to the school before any account exists."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="guardians")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardian_records",
    )
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    address = models.CharField(_("адрес"), max_length=500, blank=True)
    document = models.CharField(_("документ, удостоверяющий личность"), max_length=200, blank=True)
    work_place = models.CharField(_("место работы"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

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
    relationship = models.CharField(
        _("кем приходится"), max_length=10, choices=Relationship.choices
    )

    class Meta:
        verbose_name = _("связь с родителем")
        verbose_name_plural = _("связи с родителями")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "guardian"],
                name="guardianship_unique",
                violation_error_message=_("Этот родитель уже связан с обучающимся."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.guardian} — {self.get_relationship_display()} {self.student}"

    @property
    def academic_year(self):
        return None


class EnrollmentQuerySet(models.QuerySet):
    def active_on(self, day):
        """Enrolments in force on `day`."""
        return self.filter(active_on_q(day))

    def overlapping(self, start, end):
        """Enrolments in force on at least one day of start…end."""
        return self.filter(overlapping_q(start, end))


@pghistory.track()
class Enrollment(models.Model):
    """A student's membership of a class from a date to a date (история классов).

    Journals show a student only on dates inside an enrolment. At most one enrolment is
    open at a time; overlapping periods are refused by the enrolment service.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    school_class = models.ForeignKey(
        "classes.SchoolClass",
        verbose_name=_("класс"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по"), null=True, blank=True)
    note = models.CharField(_("основание"), max_length=300, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("зачисление в класс")
        verbose_name_plural = _("история классов")
        ordering = ["student", "starts_on"]
        indexes = [models.Index(fields=["school_class", "starts_on", "ends_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(ends_on__isnull=True),
                name="enrollment_one_open",
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

    def is_active_on(self, day) -> bool:
        """In force on `day` (the Python twin of apps.school.spans.active_on_q)."""
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    @property
    def academic_year(self):
        return self.school_class.year


@pghistory.track()
class PersonalDataConsent(models.Model):
    """Согласие на обработку персональных данных (seed 001 items 8 and 13).

    Who gave it (a parent for a minor, the student from 14/18), when, on which document;
    a withdrawn consent stays on record with the date it was withdrawn. Special categories
    (health; the social passport and characteristics) need the consent to name them
    (152-ФЗ art. 9 p. 4, art. 10): `covers` lists which it names.
    """

    class Covers(models.TextChoices):
        HEALTH = "health", _("сведения о состоянии здоровья")
        SOCIAL = "social", _("социальное положение, психолого-педагогические сведения")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="consents")
    guardian = models.ForeignKey(
        Guardian,
        verbose_name=_("кто дал согласие"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
        help_text=_("Пусто — согласие дал сам обучающийся."),
    )
    given_on = models.DateField(_("дата согласия"))
    document = models.CharField(
        _("документ"), max_length=300, help_text=_("Например, «Согласие № 17 от 01.09.2026»")
    )
    scan = models.FileField(_("скан"), upload_to=RandomName("consents"), blank=True)
    withdrawn_on = models.DateField(_("отозвано"), null=True, blank=True)
    covers = ArrayField(
        models.CharField(max_length=10, choices=Covers.choices),
        verbose_name=_("специальные категории"),
        default=list,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("согласие на обработку персональных данных")
        verbose_name_plural = _("согласия на обработку персональных данных")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("Согласие не может быть отозвано раньше, чем дано."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} ({self.given_on:%d.%m.%Y})"

    @property
    def academic_year(self):
        return None

    @property
    def covers_labels(self) -> list[str]:
        return [label for code, label in self.Covers.choices if code in self.covers]

    @property
    def given_by(self) -> str:
        return self.guardian.full_name if self.guardian_id else self.student.full_name


class StudentMerge(models.Model):
    """A record of two personal files merged into one (duplicates, seed 000 item 20)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kept = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="merges")
    removed_id = models.BigIntegerField()
    removed_data = models.JSONField(_("удалённая запись"))
    moved = models.JSONField(_("перенесено"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("объединение дублей")
        verbose_name_plural = _("объединения дублей")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.removed_id} → {self.kept_id}"
