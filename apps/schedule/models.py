import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.classes.models import TeachingAssignment
from apps.school.models import AcademicYear, School

WEEKDAYS = [
    (1, _("Понедельник")),
    (2, _("Вторник")),
    (3, _("Среда")),
    (4, _("Четверг")),
    (5, _("Пятница")),
    (6, _("Суббота")),
]
LESSON_NUMBER_VALIDATORS = [MinValueValidator(0), MaxValueValidator(12)]


class TimetableEntryQuerySet(models.QuerySet):
    def valid_between(self, date_from, date_to):
        """Entries whose validity overlaps [date_from, date_to]."""
        return self.filter(starts_on__lte=date_to, ends_on__gte=date_from)


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class TimetableEntry(models.Model):
    """One cell of the weekly timetable: weekday × lesson number × room × assignment.

    Valid between two dates (usually a study period), so the timetable can change
    from a date without rewriting the past.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(
        AcademicYear, verbose_name=_("учебный год"), on_delete=models.CASCADE, related_name="+"
    )
    assignment = models.ForeignKey(
        TeachingAssignment,
        verbose_name=_("нагрузка"),
        on_delete=models.CASCADE,
        related_name="timetable_entries",
    )
    weekday = models.PositiveSmallIntegerField(_("день недели"), choices=WEEKDAYS)
    lesson_number = models.PositiveSmallIntegerField(_("урок"), validators=LESSON_NUMBER_VALIDATORS)
    room = models.CharField(_("кабинет"), max_length=30, blank=True)
    starts_on = models.DateField(_("действует с"))
    ends_on = models.DateField(_("действует по"))

    objects = TimetableEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("урок в расписании")
        verbose_name_plural = _("расписание уроков")
        ordering = ["weekday", "lesson_number"]
        indexes = [models.Index(fields=["school", "year", "weekday", "lesson_number"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="timetable_ends_after_start",
                violation_error_message=_("Окончание действия не может быть раньше начала."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}, {self.lesson_number} урок: {self.assignment_id}"

    @property
    def academic_year(self):
        return self.year


class PlanTopic(models.Model):
    """One row of the calendar-thematic plan (КТП) of an assignment (SPEC §2, seed 004 item 14).

    Rows are ordered by `position`; a topic of N hours covers N consecutive lessons. Held
    lessons take the next planned topic by default, and `Lesson.plan_topic` records it.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        TeachingAssignment,
        verbose_name=_("нагрузка"),
        on_delete=models.CASCADE,
        related_name="plan_topics",
    )
    position = models.PositiveIntegerField(_("№"))
    title = models.CharField(_("тема"), max_length=500)
    hours = models.PositiveSmallIntegerField(
        _("часов"), default=1, validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    lesson_type = models.CharField(_("тип урока"), max_length=20, blank=True)
    planned_on = models.DateField(_("планируемая дата"), null=True, blank=True)

    class Meta:
        verbose_name = _("тема КТП")
        verbose_name_plural = _("календарно-тематическое планирование")
        ordering = ["assignment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "position"],
                name="plantopic_unique_position",
                violation_error_message=_("Тема с таким номером уже есть."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def lesson_type_label(self) -> str:
        return str(dict(Lesson.LessonType.choices).get(self.lesson_type, self.lesson_type))

    @property
    def academic_year(self):
        return self.assignment.year


@pghistory.track(
    pghistory.UpdateEvent(
        "topic_changed",
        condition=pghistory.AnyChange(
            "topic",
            "lesson_type",
            "status",
            "substitute_teacher",
            "date",
            "comment",
            "lesson_number",
            "plan_topic",
            "cancel_reason",
            "attendance_taken_at",
        ),
    ),
    fields=[
        "topic",
        "lesson_type",
        "status",
        "substitute_teacher",
        "date",
        "lesson_number",
        "comment",
        "plan_topic",
        "cancel_reason",
        "moved_from_date",
        "moved_from_number",
        "attendance_taken_at",
    ],
    model_name="LessonEvent",
)
class Lesson(models.Model):
    """A dated lesson (урок), generated from the timetable or added by hand."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Запланирован")
        HELD = "held", _("Проведён")
        CANCELLED = "cancelled", _("Отменён")

    class LessonType(models.TextChoices):
        NEW = "new", _("Изучение нового материала")
        PRACTICE = "practice", _("Закрепление, практикум")
        COMBINED = "combined", _("Комбинированный урок")
        CONTROL = "control", _("Контроль знаний")
        REVIEW = "review", _("Обобщение и систематизация")
        LAB = "lab", _("Лабораторная / практическая работа")
        EXCURSION = "excursion", _("Экскурсия, проект")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        TeachingAssignment,
        verbose_name=_("нагрузка"),
        on_delete=models.PROTECT,
        related_name="lessons",
    )
    timetable_entry = models.ForeignKey(
        TimetableEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    date = models.DateField(_("дата"))
    lesson_number = models.PositiveSmallIntegerField(_("урок"), validators=LESSON_NUMBER_VALIDATORS)
    starts_at = models.TimeField(_("начало"), null=True, blank=True)
    ends_at = models.TimeField(_("конец"), null=True, blank=True)
    room = models.CharField(_("кабинет"), max_length=30, blank=True)
    topic = models.CharField(_("тема урока"), max_length=500, blank=True)
    plan_topic = models.ForeignKey(
        PlanTopic,
        verbose_name=_("тема по КТП"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    # When the topic was first entered (the audit: lessons held without a topic).
    topic_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    work_types = models.ManyToManyField(
        "gradebook.WorkType", verbose_name=_("виды работ на уроке"), blank=True, related_name="+"
    )
    comment = models.TextField(_("комментарий к уроку"), blank=True, max_length=2000)
    lesson_type = models.CharField(
        _("тип урока"), max_length=20, choices=LessonType.choices, default=LessonType.COMBINED
    )
    status = models.CharField(
        _("состояние"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    substitute_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("замещающий учитель"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="substituted_lessons",
    )
    cancel_reason = models.CharField(_("причина отмены"), max_length=300, blank=True)
    # A moved lesson (перенос) keeps its identity; the original slot is remembered.
    moved_from_date = models.DateField(_("перенесён с"), null=True, blank=True)
    moved_from_number = models.PositiveSmallIntegerField(null=True, blank=True)
    # Attendance was taken (the first absence entered, or «все присутствуют» confirmed):
    # a lesson without absences has no attendance rows, so the audit reads this.
    attendance_taken_at = models.DateTimeField(
        _("посещаемость отмечена"), null=True, blank=True, editable=False
    )
    attendance_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Generated from the timetable (may be removed by a later generation when the
    # timetable changes) or added by hand (never removed by generation).
    generated = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("урок")
        verbose_name_plural = _("уроки")
        ordering = ["date", "lesson_number"]
        indexes = [
            models.Index(fields=["assignment", "date"]),
            models.Index(fields=["school", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "date", "lesson_number"],
                name="lesson_unique_slot",
                violation_error_message=_("Этот урок на эту дату уже есть."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}, {self.lesson_number} урок"

    @property
    def academic_year(self):
        return self.assignment.year

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED
