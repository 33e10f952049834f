from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from apps.classes.models import TeachingAssignment
from apps.schedule.models import Lesson
from apps.school.models import School, StudyPeriod
from apps.students.models import Student


class MarkValue(models.TextChoices):
    FIVE = "5", "5"
    FOUR = "4", "4"
    THREE = "3", "3"
    TWO = "2", "2"
    ONE = "1", "1"
    PASS = "зач", _("зачёт")
    FAIL = "незач", _("незачёт")
    NOT_ATTESTED = "н/а", _("не аттестован")


NUMERIC_MARKS = frozenset({"1", "2", "3", "4", "5"})


class WorkType(models.Model):
    """Вид работы: a per-school reference list with weights and mark deadlines (seed 004)."""

    class Deadline(models.TextChoices):
        CURRENT = "current", _("Текущая (в день урока)")
        CONTROL = "control", _("Контрольная (3 дня)")
        WRITTEN = "written", _("Письменная (неделя)")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("название"), max_length=100)
    short_name = models.CharField(_("сокращение"), max_length=10, blank=True)
    weight = models.DecimalField(
        _("вес"), max_digits=3, decimal_places=1, default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("9.9"))],
    )
    deadline_kind = models.CharField(_("срок выставления"), max_length=10, choices=Deadline.choices, default=Deadline.CURRENT)
    order = models.PositiveSmallIntegerField(_("порядок"), default=100)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("вид работы")
        verbose_name_plural = _("виды работ")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"], name="worktype_unique_name",
                violation_error_message=_("Такой вид работы уже есть."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def academic_year(self):
        return None


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Mark(models.Model):
    """A mark for a student at a lesson for one work type (several per lesson are allowed)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="marks")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="marks")
    work_type = models.ForeignKey(WorkType, verbose_name=_("вид работы"), on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("отметка"), max_length=5, choices=MarkValue.choices)
    comment = models.CharField(_("комментарий"), max_length=500, blank=True)
    entered_at = models.DateTimeField(_("выставлена"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Optimistic concurrency: the client sends the version it saw; a different stored
    # version means someone else changed the mark meanwhile.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("отметка")
        verbose_name_plural = _("отметки")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "student", "work_type"], name="mark_unique_per_work_type",
                violation_error_message=_("У обучающегося уже есть отметка за этот вид работы на уроке."),
            )
        ]

    def __str__(self) -> str:
        return self.value


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PeriodMark(models.Model):
    """Четвертная / полугодовая отметка set by the teacher for an assignment and a period."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(TeachingAssignment, on_delete=models.PROTECT, related_name="period_marks")
    period = models.ForeignKey(StudyPeriod, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="period_marks")
    value = models.CharField(_("отметка"), max_length=5, choices=MarkValue.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("выставлена"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("отметка за период")
        verbose_name_plural = _("отметки за период")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period", "student"], name="periodmark_unique",
                violation_error_message=_("Отметка за этот период уже выставлена."),
            )
        ]

    def __str__(self) -> str:
        return self.value


class SchoolPolicy(models.Model):
    """Per-school overrides of the journal rules; read through apps.school.policy only."""

    class Thresholds(models.TextChoices):
        STANDARD = "2.5", _("2,5 / 3,5 / 4,5")
        STRICT = "2.6", _("2,6 / 3,6 / 4,6")

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="journal_policy")
    attendance_minutes = models.PositiveSmallIntegerField(
        _("посещаемость: минут от начала урока"), default=10, validators=[MaxValueValidator(24 * 60)]
    )
    current_mark_days = models.PositiveSmallIntegerField(_("текущие отметки: дней"), default=0)
    control_mark_days = models.PositiveSmallIntegerField(_("контрольные работы: дней"), default=3)
    written_mark_days = models.PositiveSmallIntegerField(_("письменные работы, сочинения: дней"), default=7)
    period_mark_working_days = models.PositiveSmallIntegerField(
        _("отметки за период: рабочих дней после окончания"), default=5
    )
    homework_hours_after_last_lesson = models.PositiveSmallIntegerField(
        _("домашнее задание: часов после последнего урока"), default=1
    )
    thresholds = models.CharField(
        _("пороги отметки за период"), max_length=3, choices=Thresholds.choices, default=Thresholds.STANDARD
    )
    grade_one_marks = models.BooleanField(_("отметки в 1 классе"), default=False)

    class Meta:
        verbose_name = _("правила ведения журнала")
        verbose_name_plural = _("правила ведения журнала")

    def __str__(self) -> str:
        return str(self.school)


class AssignmentJournalGrant(UserObjectPermissionBase):
    """django-guardian direct table: an explicit right to keep one assignment's journal.

    For the cases data cannot express: a long-term replacement teacher, a temporary
    co-teacher. Normal access is derived from the assignment and the lesson itself.
    """

    content_object = models.ForeignKey(TeachingAssignment, on_delete=models.CASCADE, related_name="journal_grants")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("доступ к журналу")
        verbose_name_plural = _("доступы к журналу")
