import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.schedule.models import Lesson


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Homework(models.Model):
    """Домашнее задание set at a lesson, with the estimated time for the load check."""

    lesson = models.OneToOneField(Lesson, on_delete=models.PROTECT, related_name="homework")
    text = models.TextField(_("задание"))
    minutes = models.PositiveSmallIntegerField(
        _("время на выполнение, мин"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    due_date = models.DateField(_("к какому дню"), null=True, blank=True)
    set_at = models.DateTimeField(_("задано"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("домашнее задание")
        verbose_name_plural = _("домашние задания")

    def __str__(self) -> str:
        return self.text[:50]
