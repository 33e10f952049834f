import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.schedule.models import Lesson
from apps.school.uploads import RandomName


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Homework(models.Model):
    """Домашнее задание set at a lesson, with the estimated time for the load check."""

    school = models.ForeignKey("school.School", on_delete=models.CASCADE, related_name="+")
    lesson = models.OneToOneField(Lesson, on_delete=models.PROTECT, related_name="homework")
    # A page of text is plenty; the limit keeps a pasted book out of every diary page.
    text = models.TextField(_("задание"), max_length=4000)
    minutes = models.PositiveSmallIntegerField(
        _("время на выполнение, мин"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    # The day it is due (usually the next lesson of the subject); shown in the diary on that day.
    due_date = models.DateField(_("к какому дню"), null=True, blank=True)
    set_at = models.DateTimeField(_("задано"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("домашнее задание")
        verbose_name_plural = _("домашние задания")
        # The diary finds the homework due on a day however far ahead it was set.
        indexes = [models.Index(fields=["school", "due_date"])]

    def __str__(self) -> str:
        return self.text[:50]


def homework_upload_to(instance, filename: str) -> str:
    """Kept for the first migration; files are now stored under random names (RandomName)."""
    return f"homework/{instance.school_id}/{instance.homework_id}/{filename}"


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent(), exclude=["file"])
class HomeworkAttachment(models.Model):
    """A file attached to a homework (a worksheet, a photo of the page)."""

    school = models.ForeignKey("school.School", on_delete=models.CASCADE, related_name="+")
    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("файл"), upload_to=RandomName("homework"))
    name = models.CharField(_("название"), max_length=200)
    size = models.PositiveIntegerField(_("размер, байт"))
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("файл задания")
        verbose_name_plural = _("файлы заданий")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
