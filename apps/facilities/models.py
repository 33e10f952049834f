"""Repair requests (заявки на ремонт, seed 002: the caretaker «получает заявки на выполнение
ремонтных задач»): a member of staff reports what is broken and where; the technical staff
take it into work and close it as done or refused, with a comment the author reads."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.school.models import School
from apps.school.uploads import RandomName


class RepairRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=RepairRequest.OPEN_STATUSES)

    def for_list(self):
        """What every list of requests shows, in one query."""
        return self.select_related("author", "handled_by")


class RepairRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("новая")
        IN_WORK = "in_work", _("в работе")
        DONE = "done", _("выполнено")
        REFUSED = "refused", _("отклонено")

    class Urgency(models.TextChoices):
        # The order of the queue: an emergency first (water, power, glass), then the rest.
        URGENT = "urgent", _("срочно: авария, опасность")
        NORMAL = "normal", _("в течение недели")
        LOW = "low", _("когда будет возможность")

    OPEN_STATUSES = (Status.NEW, Status.IN_WORK)
    # Which status may follow which: a closed request stays closed (a new fault is a new request).
    TRANSITIONS = {
        Status.NEW: (Status.IN_WORK, Status.DONE, Status.REFUSED),
        Status.IN_WORK: (Status.DONE, Status.REFUSED),
        Status.DONE: (),
        Status.REFUSED: (),
    }

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="repair_requests"
    )
    room = models.CharField(_("помещение"), max_length=100)
    problem = models.TextField(_("что сломалось"), max_length=2000)
    urgency = models.CharField(
        _("срочность"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    photo = models.FileField(_("фото"), upload_to=RandomName("repairs"), blank=True)
    photo_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("статус"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    comment = models.TextField(_("комментарий исполнителя"), max_length=2000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("подана"))
    changed_at = models.DateTimeField(_("изменена"))
    closed_at = models.DateTimeField(_("закрыта"), null=True, blank=True)
    # Two caretakers changing one request at once: the second is refused, not lost.
    version = models.PositiveIntegerField(default=1)

    objects = RepairRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("заявка на ремонт")
        verbose_name_plural = _("заявки на ремонт")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["school", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.room}: {self.problem[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def next_statuses(self) -> list[tuple[str, str]]:
        return [(s.value, s.label) for s in self.TRANSITIONS[self.Status(self.status)]]
