from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.school.models import AcademicYear, School, StudyPeriod
from apps.school.uploads import RandomName


class AuditRun(models.Model):
    """A stored journal audit (контроль ведения журнала) of one school over a date range.

    Computed once — by the monthly task on the school's control day (seed 002 section 7)
    or on demand by the deputy — and read as stored: the pages never recompute it. The
    school summary (per teacher, per class, totals) lives on the run so that the summary
    page is one row; the teacher × class × subject lines with their drill-down details
    are `AuditLine` rows.
    """

    class Kind(models.TextChoices):
        MONTH = "month", _("за месяц")
        PERIOD = "period", _("за учебный период")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    period = models.ForeignKey(
        StudyPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по"))
    computed_at = models.DateTimeField(_("проведён"))
    automatic = models.BooleanField(_("по расписанию"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {rule: count} over the whole school, plus "lines", "lessons", "overload_days".
    totals = models.JSONField(default=dict)
    # [{"id", "name", "issues", rule: count, ...}] sorted by name.
    teachers = models.JSONField(default=list)
    # [{"id", "name", "class_teacher_id", "class_teacher", "issues", rule: count, "overload": [...]}]
    classes = models.JSONField(default=list)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("проверка журнала")
        verbose_name_plural = _("проверки журнала")
        ordering = ["-starts_on", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "starts_on", "ends_on"], name="auditrun_once_per_range"
            ),
        ]
        indexes = [models.Index(fields=["school", "-starts_on"])]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class AuditLine(models.Model):
    """One teacher × class (subgroup) × subject of an audit run, with its problems.

    Names are copied at audit time: a stored result reads as it was on its date even if
    the class or the teacher's name changes later.
    """

    run = models.ForeignKey(AuditRun, on_delete=models.CASCADE, related_name="lines")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        "classes.TeachingAssignment", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_class = models.ForeignKey(
        "classes.SchoolClass", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    teacher_name = models.CharField(max_length=300)
    class_name = models.CharField(max_length=50)
    subject_name = models.CharField(max_length=200)
    substitute = models.BooleanField(default=False)  # the teacher substituted here
    lessons = models.PositiveIntegerField(default=0)
    no_topic = models.PositiveIntegerField(default=0)
    no_attendance = models.PositiveIntegerField(default=0)
    attendance_late = models.PositiveIntegerField(default=0)
    marks = models.PositiveIntegerField(default=0)
    marks_late = models.PositiveIntegerField(default=0)
    period_marks_late = models.PositiveIntegerField(default=0)
    period_marks_missing = models.PositiveIntegerField(default=0)
    students = models.PositiveIntegerField(default=0)
    marks_per_student = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    few_marks = models.PositiveIntegerField(default=0)
    ktp_planned = models.PositiveIntegerField(default=0)
    ktp_held = models.PositiveIntegerField(default=0)
    ktp_missing = models.BooleanField(default=False)
    homework_missing = models.PositiveIntegerField(default=0)
    homework_late = models.PositiveIntegerField(default=0)
    substituted = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    issues = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("строка проверки журнала")
        verbose_name_plural = _("строки проверки журнала")
        ordering = ["teacher_name", "class_name", "subject_name"]
        indexes = [
            models.Index(fields=["run", "teacher"]),
            models.Index(fields=["run", "school_class"]),
        ]

    def __str__(self) -> str:
        return f"{self.teacher_name}: {self.class_name} {self.subject_name}"

    @property
    def ktp_behind(self) -> int:
        return max(self.ktp_planned - self.ktp_held, 0)


class ActivityReport(models.Model):
    """The monthly user-activity report (seed 002 section 8), stored when the month ends."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("месяц"))  # the first day
    computed_at = models.DateTimeField(_("построен"))
    # [{"id", "name", "roles": [...], "classes": [...], "logins", "entries", "diary_views", ...}]
    rows = models.JSONField(default=list)
    by_role = models.JSONField(default=list)
    by_class = models.JSONField(default=list)

    class Meta:
        verbose_name = _("отчёт об активности")
        verbose_name_plural = _("отчёты об активности")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["school", "month"], name="activity_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.month:%m.%Y}"


def export_upload_to(instance, filename: str) -> str:
    """Kept for the first migration; files are now stored under random names (RandomName)."""
    return f"exports/{instance.school_id}/{instance.pk or 'new'}/{filename}"


# A queued export nobody took for this long is shown as waiting for the background server.
WAITING_NOTICE_AFTER = timedelta(seconds=30)


class ExportJob(models.Model):
    """A long export (a whole school's year, a class's journal archive) built by a worker.

    The browser polls its progress; when done the file is downloaded by the one who asked
    (or anyone who may read the same report).
    """

    class Kind(models.TextChoices):
        SCHOOL_YEAR = "school_year", _("Сводная ведомость школы за год (Excel)")
        ARCHIVE = "archive", _("Архив классного журнала за год (PDF)")
        REPORT_PDF = "report_pdf", _("Отчёт в PDF")

    class Status(models.TextChoices):
        QUEUED = "queued", _("В очереди")
        RUNNING = "running", _("Формируется")
        DONE = "done", _("Готово")
        FAILED = "failed", _("Ошибка")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict)
    status = models.CharField(
        _("состояние"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    message = models.CharField(max_length=300, blank=True)
    # When the broker last refused the job (Redis down): the page says the export waits.
    broker_refused_at = models.DateTimeField(null=True, blank=True)
    # The task delivery building the file: a delivery of the same task again (its worker
    # died and the broker handed the message to another) may take the job over.
    claimed_by = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to=RandomName("exports"), blank=True)
    filename = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("выгрузка")
        verbose_name_plural = _("выгрузки")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def is_waiting(self, now) -> bool:
        """Queued, and either the broker refused it or no worker has taken it for a while."""
        return self.status == self.Status.QUEUED and (
            self.broker_refused_at is not None or self.created_at < now - WAITING_NOTICE_AFTER
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
