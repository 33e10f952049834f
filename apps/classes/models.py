import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.school.models import GRADE_VALIDATORS, AcademicYear, School, Shift
from apps.school.spans import active_on_q


class Subject(models.Model):
    class Component(models.TextChoices):
        FEDERAL = "federal", _("Обязательная часть")
        SCHOOL = "school", _("Часть, формируемая школой")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="subjects")
    name = models.CharField(_("название"), max_length=200)
    short_name = models.CharField(_("сокращение"), max_length=30, blank=True)
    component = models.CharField(
        _("компонент"), max_length=10, choices=Component.choices, default=Component.FEDERAL
    )
    order = models.PositiveSmallIntegerField(_("порядок в журнале"), default=100)
    physical_education = models.BooleanField(
        _("физическая культура"),
        default=False,
        help_text=_("Учитель предмета видит медицинскую группу по физкультуре своих учеников."),
    )

    class Meta:
        verbose_name = _("предмет")
        verbose_name_plural = _("предметы")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="subject_unique_name",
                violation_error_message=_("Предмет с таким названием уже есть."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def academic_year(self):
        return None


class SchoolClassQuerySet(models.QuerySet):
    def with_roster_size(self, on):
        """Annotate the number of students enrolled on a date (for vacancies)."""
        return self.annotate(
            roster_size=models.Count(
                "enrollments",
                filter=active_on_q(on, "enrollments__"),
            )
        )


@pghistory.track(
    pghistory.UpdateEvent("class_teacher_changed", condition=pghistory.AnyChange("class_teacher"))
)
class SchoolClass(models.Model):
    """A class of a year: «5А» (SPEC §2; capacity and vacancies, seed 000 item 3)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("учебный год"),
        on_delete=models.PROTECT,
        related_name="classes",
    )
    grade = models.PositiveSmallIntegerField(_("параллель"), validators=GRADE_VALIDATORS)
    letter = models.CharField(_("литера"), max_length=5)
    class_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("классный руководитель"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_classes",
    )
    capacity = models.PositiveSmallIntegerField(
        _("предельная наполняемость"), default=25, validators=[MaxValueValidator(45)]
    )
    shift = models.ForeignKey(
        Shift,
        verbose_name=_("смена"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    programme = models.CharField(_("образовательная программа"), max_length=200, blank=True)

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("класс")
        verbose_name_plural = _("классы")
        ordering = ["grade", "letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "grade", "letter"],
                name="class_unique_in_year",
                violation_error_message=_("Такой класс в этом году уже есть."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def academic_year(self):
        return self.year


class CurriculumLine(models.Model):
    """Учебный план: hours per week of a subject in a grade for a year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("учебный год"),
        on_delete=models.CASCADE,
        related_name="curriculum",
    )
    grade = models.PositiveSmallIntegerField(_("параллель"), validators=GRADE_VALIDATORS)
    subject = models.ForeignKey(
        Subject, verbose_name=_("предмет"), on_delete=models.PROTECT, related_name="+"
    )
    hours_per_week = models.DecimalField(
        _("часов в неделю"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
    )

    class Meta:
        verbose_name = _("строка учебного плана")
        verbose_name_plural = _("учебный план")
        ordering = ["grade", "subject__order", "subject__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "grade", "subject"],
                name="curriculum_unique_line",
                violation_error_message=_("Этот предмет уже есть в плане параллели."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.grade} кл. — {self.subject}: {self.hours_per_week} ч"

    @property
    def academic_year(self):
        return self.year


class Subgroup(models.Model):
    """A class split for a subject (languages, informatics, labour)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("класс"), on_delete=models.CASCADE, related_name="subgroups"
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("предмет"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("название"), max_length=50, help_text=_("Например, «1 группа»"))
    members = models.ManyToManyField(
        "students.Student", verbose_name=_("состав"), blank=True, related_name="subgroups"
    )

    class Meta:
        verbose_name = _("подгруппа")
        verbose_name_plural = _("подгруппы")
        ordering = ["school_class__grade", "school_class__letter", "subject__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject", "name"],
                name="subgroup_unique_name",
                violation_error_message=_(
                    "Подгруппа с таким названием по этому предмету уже есть."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_class} {self.subject.short_name or self.subject}: {self.name}"

    @property
    def academic_year(self):
        return self.school_class.year


@pghistory.track()
class TeachingAssignment(models.Model):
    """Педагогическая нагрузка: teacher × class or subgroup × subject for a year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("учебный год"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("учитель"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("класс"), on_delete=models.CASCADE, related_name="assignments"
    )
    subgroup = models.ForeignKey(
        Subgroup,
        verbose_name=_("подгруппа"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("предмет"), on_delete=models.PROTECT, related_name="assignments"
    )
    hours_per_week = models.DecimalField(
        _("часов в неделю"),
        max_digits=3,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
    )

    class Meta:
        verbose_name = _("нагрузка")
        verbose_name_plural = _("педагогическая нагрузка")
        ordering = [
            "school_class__grade",
            "school_class__letter",
            "subject__order",
            "subject__name",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject", "subgroup"],
                nulls_distinct=False,
                name="assignment_unique_group_subject",
                violation_error_message=_(
                    "У этого класса (подгруппы) по этому предмету уже есть учитель."
                ),
            )
        ]

    def __str__(self) -> str:
        group = self.subgroup.name if self.subgroup_id else ""
        return f"{self.school_class} {group} — {self.subject} ({self.teacher.short_name})".replace(
            "  ", " "
        )

    @property
    def academic_year(self):
        return self.year
