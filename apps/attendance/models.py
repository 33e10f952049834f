import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.schedule.models import Lesson
from apps.students.models import Student


class AttendanceKind(models.TextChoices):
    ABSENT = "н", _("отсутствовал")
    ILL = "б", _("болел")
    EXCUSED = "уп", _("уважительная причина")
    LATE = "оп", _("опоздал")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AttendanceMark(models.Model):
    """An absence or lateness at a lesson; a student without a row was present."""

    school = models.ForeignKey("school.School", on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="attendance")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="attendance")
    kind = models.CharField(_("отметка"), max_length=2, choices=AttendanceKind.choices)
    entered_at = models.DateTimeField(_("внесена"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("отметка посещаемости")
        verbose_name_plural = _("посещаемость")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "student"],
                name="attendance_unique_per_lesson",
                violation_error_message=_("Посещаемость этого обучающегося на уроке уже внесена."),
            )
        ]

    def __str__(self) -> str:
        return self.kind
