"""Versions of the store's documents, and the resource catalogue (seed 002: «каталог
ресурсов ОУ и хранилище школьных документов»)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.classes.models import Subject
from apps.orders.models import SchoolDocument
from apps.school.models import School
from apps.school.uploads import RandomName


class DocumentVersion(models.Model):
    """One uploaded file of a document. A new version becomes the document's file; the
    earlier ones stay here and can be opened (an act in force last year is still evidence)."""

    document = models.ForeignKey(SchoolDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("версия"))
    file = models.FileField(_("файл"), upload_to=RandomName("documents"))
    file_name = models.CharField(_("имя файла"), max_length=200)
    size = models.PositiveIntegerField(_("размер, байт"))
    note = models.CharField(_("что изменено"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("загружено"))

    class Meta:
        verbose_name = _("версия документа")
        verbose_name_plural = _("версии документов")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def school_id(self) -> int:
        """Files are stored per school (RandomName)."""
        return self.document.school_id


class ResourceQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("subject", "owner")


class Resource(models.Model):
    """A teaching material: a file or a link, with the subject, grades and topic it serves.
    Private to its author until shared with the school's teachers."""

    class Kind(models.TextChoices):
        FILE = "file", _("файл")
        LINK = "link", _("ссылка")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resources"
    )
    title = models.CharField(_("название"), max_length=300)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    grades = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("классы (параллели)"))
    topic = models.CharField(_("тема"), max_length=300, blank=True)
    kind = models.CharField(_("вид"), max_length=4, choices=Kind.choices)
    file = models.FileField(_("файл"), upload_to=RandomName("resources"), blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    url = models.URLField(_("ссылка"), max_length=500, blank=True)
    shared = models.BooleanField(_("доступен учителям школы"), default=False)
    created_at = models.DateTimeField(_("добавлен"))

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("ресурс")
        verbose_name_plural = _("каталог ресурсов")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "subject"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="file") & ~models.Q(file=""))
                | (models.Q(kind="link") & ~models.Q(url="")),
                name="resource_has_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def grades_label(self) -> str:
        grades = sorted(self.grades)
        if len(grades) > 2 and grades == list(range(grades[0], grades[-1] + 1)):
            return f"{grades[0]}–{grades[-1]}"
        return ", ".join(str(g) for g in grades)
