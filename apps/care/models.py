"""Special-category data of students and free meals (SPEC §1 last paragraph, §9).

Health sheet (лист здоровья) per student and school year; social passport, registers and
characteristics; free-meal benefits, the morning confirmations and the kitchen's order;
the log of every read of special data (152-ФЗ). Values that describe a child's health or
social situation are encrypted at rest (apps/care/crypto.py); ids, authors and the
moments of writing stay plain so lists can be ordered and joined.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.care.crypto import (
    EncryptedBooleanField,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedListField,
    EncryptedTextField,
)
from apps.school.models import AcademicYear, School
from apps.students.models import Student

# --- the health sheet -------------------------------------------------------------------


class HealthGroup(models.TextChoices):
    """Группа здоровья (приказ Минздрава России № 514н, приложение 3)."""

    I = "1", _("I")  # noqa: E741
    II = "2", _("II")
    III = "3", _("III")
    IV = "4", _("IV")
    V = "5", _("V")


class PEGroup(models.TextChoices):
    """Медицинская группа для занятий физической культурой (приказ № 514н, приложение 3)."""

    MAIN = "main", _("основная")
    PREPARATORY = "preparatory", _("подготовительная")
    SPECIAL_A = "special_a", _("специальная «А»")
    SPECIAL_B = "special_b", _("специальная «Б»")
    EXEMPT = "exempt", _("освобождён")


class DiseaseCategory(models.TextChoices):
    """A short list of what matters at school; the details go in the free text."""

    RESPIRATORY = "respiratory", _("органы дыхания (бронхиальная астма и др.)")
    CARDIO = "cardio", _("сердечно-сосудистая система")
    VISION = "vision", _("зрение")
    HEARING = "hearing", _("слух")
    MUSCULOSKELETAL = "musculoskeletal", _("опорно-двигательный аппарат, осанка")
    ENDOCRINE = "endocrine", _("эндокринная система (сахарный диабет и др.)")
    DIGESTIVE = "digestive", _("органы пищеварения")
    NEURO = "neuro", _("нервная система (эпилепсия и др.)")
    OTHER = "other", _("другое")


@pghistory.track()
class HealthRecord(models.Model):
    """Лист здоровья: one row per student and school year, kept by the medic (seed 004 item 7)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="health_records")
    health_group = EncryptedCharField(
        _("группа здоровья"), max_length=1, choices=HealthGroup.choices, blank=True
    )
    pe_group = EncryptedCharField(
        _("группа для занятий физкультурой"), max_length=20, choices=PEGroup.choices, blank=True
    )
    pe_decision = EncryptedCharField(
        _("документ о группе (справка, заключение ВК)"), max_length=300, blank=True
    )
    pe_decided_on = EncryptedDateField(_("дата документа"), null=True, blank=True)
    pe_valid_until = EncryptedDateField(_("действует до"), null=True, blank=True)
    disease_categories = EncryptedListField(_("заболевания: категории"), default=list, blank=True)
    diseases = EncryptedTextField(_("заболевания, значимые в школе"), blank=True)
    food_allergies = EncryptedTextField(
        _("пищевая аллергия"), blank=True, help_text=_("Видна в списке питания класса.")
    )
    other_allergies = EncryptedTextField(_("другая аллергия"), blank=True)
    disability = EncryptedBooleanField(_("инвалидность"), default=False)
    disability_until = EncryptedDateField(_("инвалидность установлена до"), null=True, blank=True)
    ovz = EncryptedBooleanField(_("ОВЗ (по заключению ПМПК)"), default=False)
    pmpk_number = EncryptedCharField(_("заключение ПМПК: номер"), max_length=50, blank=True)
    pmpk_date = EncryptedDateField(_("заключение ПМПК: дата"), null=True, blank=True)
    pmpk_valid_until = EncryptedDateField(_("заключение ПМПК: действует до"), null=True, blank=True)
    pmpk_conditions = EncryptedTextField(_("рекомендованные условия обучения"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("изменено"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("лист здоровья")
        verbose_name_plural = _("листы здоровья")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "year"],
                name="health_record_one_per_year",
                violation_error_message=_("Лист здоровья этого обучающегося за год уже есть."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.year}"

    @property
    def academic_year(self):
        return self.year


# --- the social passport ----------------------------------------------------------------


class SocialCategory(models.Model):
    """A social status category: the common ones (school NULL) and the school's own."""

    class Builtin(models.TextChoices):
        LARGE_FAMILY = "large_family", _("многодетная семья")
        LOW_INCOME = "low_income", _("малоимущая семья")
        SINGLE_PARENT = "single_parent", _("неполная семья")
        FOSTER = "foster", _("опекаемый")
        DISABLED_CHILD = "disabled_child", _("ребёнок-инвалид")
        SVO = "svo", _("семья участника СВО")

    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(max_length=30, blank=True)
    name = models.CharField(_("название"), max_length=150)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("социальная категория")
        verbose_name_plural = _("социальные категории")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="social_category_unique_name",
                violation_error_message=_("Такая категория уже есть."),
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.code in self.Builtin.values:
            return str(self.Builtin(self.code).label)
        return self.name


@pghistory.track()
class SocialPassport(models.Model):
    """A student's social status: the categories that apply and a note (one row per student)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.OneToOneField(
        Student, on_delete=models.CASCADE, related_name="social_passport"
    )
    # Category ids: encrypted, so the link «this child — this status» is not in a dump.
    categories = EncryptedListField(_("категории"), default=list, blank=True)
    note = EncryptedTextField(_("примечание"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("изменено"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("социальный паспорт")
        verbose_name_plural = _("социальные паспорта")

    def __str__(self) -> str:
        return str(self.student)

    @property
    def academic_year(self):
        return None


class RegisterKind(models.TextChoices):
    SCHOOL = "school", _("внутришкольный учёт")
    PDN = "pdn", _("учёт в ПДН")
    KDN = "kdn", _("учёт в КДН и ЗП")


@pghistory.track()
class RegisterEntry(models.Model):
    """Profilactic registration: put on and taken off with dates and reasons."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="register_entries")
    kind = EncryptedCharField(_("учёт"), max_length=10, choices=RegisterKind.choices)
    put_on = EncryptedDateField(_("поставлен"))
    reason = EncryptedTextField(_("основание постановки"))
    taken_off = EncryptedDateField(_("снят"), null=True, blank=True)
    taken_off_reason = EncryptedTextField(_("основание снятия"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("внесено"))

    class Meta:
        verbose_name = _("учёт")
        verbose_name_plural = _("учёт")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.student} — {self.get_kind_display()}"

    @property
    def academic_year(self):
        return None


@pghistory.track()
class Characteristic(models.Model):
    """Психолого-педагогическая характеристика: a text with its date and author."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="characteristics")
    written_on = models.DateField(_("дата"))
    text = EncryptedTextField(_("текст характеристики"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("внесена"))

    class Meta:
        verbose_name = _("характеристика")
        verbose_name_plural = _("характеристики")
        ordering = ["-written_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.student} — {self.written_on:%d.%m.%Y}"

    @property
    def academic_year(self):
        return None


# --- free meals -------------------------------------------------------------------------


class MealCategory(models.TextChoices):
    """Льготные категории питания (seed 004; regional lists differ, these are the common ones).

    PRIMARY is not recorded per student: every student of grades 1–4 has it by law
    (ФЗ «Об образовании» ст. 37 ч. 2.1). PAID is a student eating at the family's cost.
    """

    PRIMARY = "primary", _("1–4 классы (бесплатное горячее питание)")
    OVZ = "disabled", _("с ОВЗ / ребёнок-инвалид")
    LARGE_FAMILY = "large_family", _("из многодетной семьи")
    LOW_INCOME = "low_income", _("из малоимущей семьи")
    SVO = "svo", _("ребёнок участника СВО")
    ORPHAN = "orphan", _("сирота, оставшийся без попечения родителей")
    PAID = "paid", _("за плату родителей")


BENEFIT_CATEGORIES = [
    (c.value, c.label) for c in MealCategory if c not in (MealCategory.PRIMARY, MealCategory.PAID)
]


class MealKind(models.TextChoices):
    BREAKFAST = "breakfast", _("завтрак")
    LUNCH = "lunch", _("обед")


@pghistory.track()
class MealBenefit(models.Model):
    """A student's right to free meals in a category, on a basis document, for a period."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="meal_benefits")
    # Encrypted: «с ОВЗ» or «малоимущая» on a child's name is special data too.
    category = EncryptedCharField(
        _("льготная категория"), max_length=20, choices=BENEFIT_CATEGORIES
    )
    basis = EncryptedCharField(
        _("документ-основание"),
        max_length=300,
        blank=True,
        help_text=_("Например, «Справка УСЗН № 123 от 01.09.2026»"),
    )
    valid_from = models.DateField(_("действует с"))
    valid_until = models.DateField(_("действует по"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("внесено"))

    class Meta:
        verbose_name = _("льгота на питание")
        verbose_name_plural = _("льготы на питание")
        ordering = ["-valid_from", "-pk"]
        indexes = [models.Index(fields=["school", "valid_from", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="meal_benefit_ends_after_start",
                violation_error_message=_("Льгота не может закончиться раньше, чем началась."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.get_category_display()}"

    @property
    def academic_year(self):
        return None


class MealConfirmation(models.Model):
    """The class teacher's morning confirmation of who eats today (one per class and day)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(
        "classes.SchoolClass", on_delete=models.CASCADE, related_name="meal_confirmations"
    )
    day = models.DateField(_("дата"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("подтверждено"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("подтверждение питания")
        verbose_name_plural = _("подтверждения питания")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "day"], name="meal_confirmation_once")
        ]

    def __str__(self) -> str:
        return f"{self.school_class} {self.day:%d.%m.%Y}"


class MealLine(models.Model):
    """Who ate what on a day, and on which category: the source of the табель питания."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(
        "classes.SchoolClass", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("дата"))
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="meal_lines")
    meal = models.CharField(_("приём пищи"), max_length=10, choices=MealKind.choices)
    category = models.CharField(_("категория"), max_length=20, choices=MealCategory.choices)

    class Meta:
        verbose_name = _("питание обучающегося")
        verbose_name_plural = _("табель питания")
        indexes = [
            models.Index(fields=["school", "day"]),
            models.Index(fields=["school_class", "day"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["student", "day", "meal"], name="meal_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.day:%d.%m.%Y} {self.meal}"


class MealOrder(models.Model):
    """The kitchen's order of a day, fixed at the school's deadline (counts, no names)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("дата"))
    fixed_at = models.DateTimeField(_("зафиксирована"))
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {class_id: {"name": "5А", "confirmed": bool, "counts": {meal: {category: n}}}}
    counts = models.JSONField(default=dict)
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("заявка на питание")
        verbose_name_plural = _("заявки на питание")
        constraints = [models.UniqueConstraint(fields=["school", "day"], name="meal_order_once")]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y}"


# --- 152-ФЗ: who read special data ------------------------------------------------------


class SpecialReadLog(models.Model):
    """One row per page view or export that showed special-category data of students."""

    class Area(models.TextChoices):
        HEALTH = "health", _("здоровье")
        SOCIAL = "social", _("социальный паспорт")
        MEALS = "meals", _("питание (аллергия, льготы)")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reader_name = models.CharField(max_length=300)  # kept when the account is removed
    reader_roles = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(_("когда"), db_index=True)
    area = models.CharField(_("раздел"), max_length=10, choices=Area.choices)
    what = models.CharField(_("что"), max_length=300)  # the page or the export's file name
    export = models.BooleanField(_("выгрузка"), default=False)
    student_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        verbose_name = _("чтение специальных данных")
        verbose_name_plural = _("журнал чтения специальных данных")
        ordering = ["-read_at", "-pk"]
        indexes = [
            GinIndex(fields=["student_ids"], name="care_readlog_students"),
            models.Index(fields=["school", "-read_at"], name="care_readlog_school_time"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_name} {self.read_at:%d.%m.%Y %H:%M} {self.what}"
