import zoneinfo
from datetime import date, time

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

RUSSIAN_TIME_ZONES = [
    ("Europe/Kaliningrad", "Калининград (UTC+2)"),
    ("Europe/Moscow", "Москва (UTC+3)"),
    ("Europe/Samara", "Самара (UTC+4)"),
    ("Asia/Yekaterinburg", "Екатеринбург (UTC+5)"),
    ("Asia/Omsk", "Омск (UTC+6)"),
    ("Asia/Krasnoyarsk", "Красноярск (UTC+7)"),
    ("Asia/Irkutsk", "Иркутск (UTC+8)"),
    ("Asia/Yakutsk", "Якутск (UTC+9)"),
    ("Asia/Vladivostok", "Владивосток (UTC+10)"),
    ("Asia/Magadan", "Магадан (UTC+11)"),
    ("Asia/Kamchatka", "Камчатка (UTC+12)"),
]

GRADE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(11)]


def default_half_year_grades() -> list[int]:
    """Senior grades 10–11 usually study by half-years, the rest by quarters."""
    return [10, 11]


class School(models.Model):
    """The school card (SPEC §2)."""

    full_name = models.CharField(_("полное наименование"), max_length=500)
    short_name = models.CharField(_("краткое наименование"), max_length=200)
    address = models.CharField(_("адрес"), max_length=500, blank=True)
    inn = models.CharField(
        _("ИНН"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{10}(\d{2})?$", _("ИНН — 10 или 12 цифр."))],
    )
    kpp = models.CharField(
        _("КПП"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("КПП — 9 цифр."))],
    )
    ogrn = models.CharField(
        _("ОГРН"),
        max_length=13,
        blank=True,
        validators=[RegexValidator(r"^\d{13}$", _("ОГРН — 13 цифр."))],
    )
    phone = models.CharField(_("телефон"), max_length=64, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    website = models.URLField(_("сайт"), blank=True)
    time_zone = models.CharField(
        _("часовой пояс"), max_length=64, choices=RUSSIAN_TIME_ZONES, default="Europe/Moscow"
    )
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("директор"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("школа")
        verbose_name_plural = _("школы")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Licence(models.Model):
    class Kind(models.TextChoices):
        LICENCE = "licence", _("Лицензия на образовательную деятельность")
        ACCREDITATION = "accreditation", _("Свидетельство о государственной аккредитации")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("номер"), max_length=100)
    issued_on = models.DateField(_("дата выдачи"))
    valid_until = models.DateField(_("действует до"), null=True, blank=True)
    issuer = models.CharField(_("кем выдана"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("лицензия / аккредитация")
        verbose_name_plural = _("лицензии и аккредитации")
        ordering = ["kind", "-issued_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "number"],
                name="licence_unique_number",
                violation_error_message=_("Документ с таким номером уже внесён."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} № {self.number}"

    @property
    def academic_year(self):
        return None


class AcademicYearQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=AcademicYear.Status.OPEN)


@pghistory.track(pghistory.UpdateEvent("status_changed", condition=pghistory.AnyChange("status")))
class AcademicYear(models.Model):
    """A school year. Opening a new one makes the previous one read-only (seed 000 item 10)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Формируется")
        OPEN = "open", _("Текущий")
        CLOSED = "closed", _("Закрыт (только чтение)")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="years")
    name = models.CharField(_("название"), max_length=20, help_text=_("Например, 2026/2027"))
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))
    status = models.CharField(
        _("состояние"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    half_year_grades = ArrayField(
        models.PositiveSmallIntegerField(validators=GRADE_VALIDATORS),
        verbose_name=_("параллели, обучающиеся по полугодиям"),
        default=default_half_year_grades,
        blank=True,
        help_text=_("Остальные параллели учатся по четвертям. Обычно 10, 11."),
    )

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("учебный год")
        verbose_name_plural = _("учебные годы")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="year_unique_name",
                violation_error_message=_("Учебный год с таким названием уже есть."),
            ),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(status="open"),
                name="year_one_open_per_school",
                violation_error_message=_("В школе может быть открыт только один учебный год."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="year_ends_after_start",
                violation_error_message=_("Окончание года должно быть позже начала."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def academic_year(self):
        return self

    @property
    def is_read_only(self) -> bool:
        return self.status == self.Status.CLOSED

    def scheme_for_grade(self, grade: int) -> str:
        return (
            StudyPeriod.Scheme.HALF
            if grade in self.half_year_grades
            else StudyPeriod.Scheme.QUARTER
        )

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class StudyPeriod(models.Model):
    """A quarter or half-year; which grades use which scheme is set on the year."""

    class Scheme(models.TextChoices):
        QUARTER = "quarter", _("Четверти")
        HALF = "half", _("Полугодия")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("учебный год"),
        on_delete=models.CASCADE,
        related_name="periods",
    )
    scheme = models.CharField(_("система"), max_length=10, choices=Scheme.choices)
    number = models.PositiveSmallIntegerField(
        _("номер"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    name = models.CharField(_("название"), max_length=50)
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))

    class Meta:
        verbose_name = _("учебный период")
        verbose_name_plural = _("учебные периоды")
        ordering = ["year", "scheme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "scheme", "number"],
                name="period_unique_number",
                violation_error_message=_("Такой период в этом году уже есть."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="period_ends_after_start",
                violation_error_message=_("Окончание периода не может быть раньше начала."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def academic_year(self):
        return self.year


class Holiday(models.Model):
    """Каникулы и праздничные дни: no lessons on any of them.

    For deadlines counted in working days only school-wide PUBLIC rows are days off
    (`policy.public_days_off`); vacations (VACATION) are working days — teachers and the
    office work then — and a row for some grades only is a holiday of those grades alone.
    """

    class Kind(models.TextChoices):
        VACATION = "vacation", _("Каникулы")
        PUBLIC = "public", _("Праздничный / нерабочий день")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("учебный год"),
        on_delete=models.CASCADE,
        related_name="holidays",
    )
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices, default=Kind.VACATION)
    name = models.CharField(_("название"), max_length=100)
    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по"))
    grades = ArrayField(
        models.PositiveSmallIntegerField(validators=GRADE_VALIDATORS),
        verbose_name=_("только для параллелей"),
        default=list,
        blank=True,
        help_text=_("Пусто — для всей школы. Например, дополнительные каникулы для 1-х классов."),
    )

    class Meta:
        verbose_name = _("каникулы")
        verbose_name_plural = _("каникулы и праздники")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="holiday_ends_after_start",
                violation_error_message=_("Окончание не может быть раньше начала."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def academic_year(self):
        return self.year


class Shift(models.Model):
    """A shift with its bell schedule (расписание звонков)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="shifts")
    number = models.PositiveSmallIntegerField(
        _("номер смены"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    name = models.CharField(_("название"), max_length=50)

    class Meta:
        verbose_name = _("смена")
        verbose_name_plural = _("смены и звонки")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "number"],
                name="shift_unique_number",
                violation_error_message=_("Смена с таким номером уже есть."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def academic_year(self):
        return None


class Bell(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="bells")
    lesson_number = models.PositiveSmallIntegerField(
        _("урок"), validators=[MinValueValidator(0), MaxValueValidator(12)]
    )
    starts_at = models.TimeField(_("начало"))
    ends_at = models.TimeField(_("конец"))

    class Meta:
        verbose_name = _("звонок")
        verbose_name_plural = _("звонки")
        ordering = ["shift", "lesson_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "lesson_number"],
                name="bell_unique_lesson",
                violation_error_message=_("Для этого урока время уже задано."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="bell_ends_after_start",
                violation_error_message=_("Урок должен заканчиваться позже, чем начинается."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_number}: {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def academic_year(self):
        return None


def default_homework_norms() -> list[int]:
    from apps.school.policy import HOMEWORK_NORM_MINUTES

    return list(HOMEWORK_NORM_MINUTES)


class SchoolRules(models.Model):
    """A school's own values of the rules in apps/school/policy.py (read through it only)."""

    class Thresholds(models.TextChoices):
        STANDARD = "2.5", _("2,5 / 3,5 / 4,5")
        STRICT = "2.6", _("2,6 / 3,6 / 4,6")

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="rules")
    attendance_minutes = models.PositiveSmallIntegerField(
        _("посещаемость: минут от начала урока"),
        default=10,
        validators=[MaxValueValidator(24 * 60)],
    )
    current_mark_days = models.PositiveSmallIntegerField(
        _("текущие отметки: дней после урока"), default=0
    )
    control_mark_days = models.PositiveSmallIntegerField(_("контрольные работы: дней"), default=3)
    written_mark_days = models.PositiveSmallIntegerField(
        _("письменные работы, сочинения: дней"), default=7
    )
    period_mark_working_days = models.PositiveSmallIntegerField(
        _("отметки за период: рабочих дней после его окончания"), default=5
    )
    homework_hours_after_last_lesson = models.PositiveSmallIntegerField(
        _("домашнее задание: часов после последнего урока класса"), default=1
    )
    ktp_due_month = models.PositiveSmallIntegerField(
        _("КТП: месяц срока"), default=9, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    ktp_due_day = models.PositiveSmallIntegerField(
        _("КТП: число срока"), default=15, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    correction_reason_after_days = models.PositiveSmallIntegerField(
        _("исправление отметки старше N дней — с указанием причины"), default=3
    )
    thresholds_key = models.CharField(
        _("пороги отметки за период"),
        max_length=3,
        choices=Thresholds.choices,
        default=Thresholds.STANDARD,
    )
    grade_one_marks = models.BooleanField(_("отметки в 1 классе"), default=False)
    control_day = models.PositiveSmallIntegerField(
        _("день ежемесячного контроля журнала"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    min_marks_for_attestation = models.PositiveSmallIntegerField(
        _("отметок для аттестации за период"), default=3
    )
    homework_norm_minutes = ArrayField(
        models.PositiveSmallIntegerField(),
        size=11,
        default=default_homework_norms,
        verbose_name=_("норма домашнего задания в день, мин, 1–11 классы"),
    )
    enrolment_due_month = models.PositiveSmallIntegerField(
        _("приказы о зачислении в 1 и 10 классы: месяц"),
        default=9,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    enrolment_due_day = models.PositiveSmallIntegerField(
        _("приказы о зачислении в 1 и 10 классы: число"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    movement_working_days = models.PositiveSmallIntegerField(
        _("движение вносится за рабочих дней"), default=3
    )
    reminders_from = models.TimeField(_("напоминания не раньше"), default=time(8, 0))
    reminders_until = models.TimeField(_("напоминания не позже"), default=time(21, 0))
    attendance_reminder_minutes = models.PositiveSmallIntegerField(
        _("напоминание о посещаемости: минут от начала урока"),
        default=5,
        validators=[MaxValueValidator(24 * 60)],
    )
    reminder_working_days_before = models.PositiveSmallIntegerField(
        _("напоминания об отметках за период и КТП: рабочих дней до срока"),
        default=2,
        validators=[MaxValueValidator(30)],
    )
    rating_enabled = models.BooleanField(_("рейтинг в классе в дневнике"), default=True)
    saturday_is_working = models.BooleanField(_("суббота — рабочий день"), default=False)
    # Special data and meals (apps/care).
    class_teacher_sees_health = models.BooleanField(
        _("классный руководитель видит группу по физкультуре и ОВЗ своего класса"), default=False
    )
    class_teacher_sees_social = models.BooleanField(
        _("классный руководитель видит социальные категории своего класса"), default=False
    )
    meals_order_deadline = models.TimeField(
        _("заявка на питание фиксируется в"), default=time(9, 0)
    )
    meals_reminder_minutes = models.PositiveSmallIntegerField(
        _("напоминание о подтверждении питания: минут до фиксации"),
        default=30,
        validators=[MaxValueValidator(6 * 60)],
    )
    meals_corrections_allowed = models.BooleanField(
        _("исправления питания после фиксации заявки"), default=False
    )
    # Portfolio (apps/portfolio).
    portfolio_parent_until_grade = models.PositiveSmallIntegerField(
        _("портфолио: записи за обучающихся до этого класса вносят родители"),
        default=4,
        validators=[MaxValueValidator(11)],
    )
    category_reminder_months = models.PositiveSmallIntegerField(
        _("квалификационная категория: напоминание за месяцев до окончания"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    # State final attestation (apps/exams).
    gia_application_due_month_11 = models.PositiveSmallIntegerField(
        _("ГИА-11: заявление до, месяц"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    gia_application_due_day_11 = models.PositiveSmallIntegerField(
        _("ГИА-11: заявление до, число"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    gia_application_due_month_9 = models.PositiveSmallIntegerField(
        _("ГИА-9: заявление до, месяц"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    gia_application_due_day_9 = models.PositiveSmallIntegerField(
        _("ГИА-9: заявление до, число"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    gia_results_days = models.PositiveSmallIntegerField(
        _("результаты ГИА вносятся за дней после опубликования"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    gia_results_reminder_days = models.PositiveSmallIntegerField(
        _("напоминание о результатах ГИА: дней до срока"),
        default=3,
        validators=[MaxValueValidator(30)],
    )

    class Meta:
        verbose_name = _("правила школы")
        verbose_name_plural = _("правила школы")
        constraints = [
            models.CheckConstraint(
                condition=Q(homework_norm_minutes__len=11),
                name="rules_homework_norms_per_grade",
                violation_error_message=_("Нормы задаются для каждой из 11 параллелей."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.school)

    @property
    def academic_year(self):
        return None
