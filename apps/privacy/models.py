from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.school.models import School


class AccessRecord(models.Model):
    """One read of personal data (152-ФЗ ст. 18.1, 19): who, when, what, how many people.

    Written for each personal file opened, each export or report file, each order PDF,
    each document, scan or slip downloaded. One insert per read (apps/privacy/services.py).
    """

    class Kind(models.TextChoices):
        PERSONAL_FILE = "personal_file", _("личное дело")
        EXPORT = "export", _("выгрузка")
        ORDER = "order", _("приказ")
        DOCUMENT = "document", _("документ")
        SCAN = "scan", _("скан согласия")
        PRINTOUT = "printout", _("распечатка")
        SLIPS = "slips", _("бланки логинов")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("кто"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("когда"))
    kind = models.CharField(_("что"), max_length=20, choices=Kind.choices)
    what = models.CharField(_("описание"), max_length=300)
    people = models.PositiveIntegerField(_("сколько человек"), default=1)

    class Meta:
        verbose_name = _("обращение к персональным данным")
        verbose_name_plural = _("обращения к персональным данным")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["school", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.people}"
