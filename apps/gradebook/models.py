from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
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

    # How many days each kind may wait is the school's rule (Policy.mark_deadline_label).
    class Deadline(models.TextChoices):
        CURRENT = "current", _("Текущая")
        CONTROL = "control", _("Контрольная")
        WRITTEN = "written", _("Письменная")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("название"), max_length=100)
    short_name = models.CharField(_("сокращение"), max_length=10, blank=True)
    weight = models.DecimalField(
        _("вес"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("9.9"))],
    )
    deadline_kind = models.CharField(
        _("срок выставления"), max_length=10, choices=Deadline.choices, default=Deadline.CURRENT
    )
    order = models.PositiveSmallIntegerField(_("порядок"), default=100)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("вид работы")
        verbose_name_plural = _("виды работ")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="worktype_unique_name",
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
    work_type = models.ForeignKey(
        WorkType, verbose_name=_("вид работы"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.CharField(_("отметка"), max_length=5, choices=MarkValue.choices)
    comment = models.CharField(_("комментарий"), max_length=500, blank=True)
    entered_at = models.DateTimeField(_("выставлена"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic concurrency: the client sends the version it saw; a different stored
    # version means someone else changed the mark meanwhile.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("отметка")
        verbose_name_plural = _("отметки")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "student", "work_type"],
                name="mark_unique_per_work_type",
                violation_error_message=_(
                    "У обучающегося уже есть отметка за этот вид работы на уроке."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.value


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PeriodMark(models.Model):
    """An attestation mark the teacher sets (SPEC §3): for a quarter or half-year, the
    year, an exam, or the final mark (итоговая). Only quarter/half-year marks have a period."""

    class Kind(models.TextChoices):
        PERIOD = "period", _("за период")
        YEAR = "year", _("годовая")
        EXAM = "exam", _("экзаменационная")
        FINAL = "final", _("итоговая")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        TeachingAssignment, on_delete=models.PROTECT, related_name="period_marks"
    )
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices, default=Kind.PERIOD)
    period = models.ForeignKey(
        StudyPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="period_marks")
    value = models.CharField(_("отметка"), max_length=5, choices=MarkValue.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # First entry (for the deadline audit) and the latest change.
    entered_at = models.DateTimeField(_("выставлена"))
    set_at = models.DateTimeField(_("изменена"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("итоговая отметка")
        verbose_name_plural = _("итоговые отметки")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "kind", "period"],
                nulls_distinct=False,
                name="periodmark_unique",
                violation_error_message=_("Эта отметка уже выставлена."),
            ),
            models.CheckConstraint(
                condition=Q(kind="period", period__isnull=False)
                | (~Q(kind="period") & Q(period__isnull=True)),
                name="periodmark_period_only_for_period_kind",
                violation_error_message=_(
                    "Период указывается только для отметки за четверть или полугодие."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.value


class AssignmentJournalGrant(UserObjectPermissionBase):
    """django-guardian direct table: an explicit right to keep one assignment's journal.

    For the cases data cannot express: a long-term replacement teacher, a temporary
    co-teacher. Normal access is derived from the assignment and the lesson itself.
    """

    content_object = models.ForeignKey(
        TeachingAssignment, on_delete=models.CASCADE, related_name="journal_grants"
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("доступ к журналу")
        verbose_name_plural = _("доступы к журналу")


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class PeriodLock(models.Model):
    """A closed study period (закрытие периода): nothing in its journals changes any more.

    The deputy locks a quarter or half-year once its marks are final (seed 004 item 13,
    SPEC §3). Lessons of the grades that study by this period's scheme, dated inside it,
    and its period marks become read-only, unless a teacher holds a valid unlock grant.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    period = models.OneToOneField(
        StudyPeriod, verbose_name=_("период"), on_delete=models.CASCADE, related_name="lock"
    )
    locked_at = models.DateTimeField(_("закрыт"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("закрытый период")
        verbose_name_plural = _("закрытые периоды")

    def __str__(self) -> str:
        return str(self.period)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PeriodUnlockGrant(UserObjectPermissionBase):
    """django-guardian direct table: one teacher may correct a locked period until a moment.

    An explicit, logged exception to a lock (SPEC §3): who granted it, why, and until when.
    Expired grants stay as the record; the lock check ignores them.
    """

    content_object = models.ForeignKey(
        StudyPeriod, on_delete=models.CASCADE, related_name="unlock_grants"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(_("действует до"))
    granted_at = models.DateTimeField(_("выдано"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("основание"), max_length=300)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("разрешение на исправление")
        verbose_name_plural = _("разрешения на исправление в закрытом периоде")

    def __str__(self) -> str:
        return f"{self.user} — {self.content_object} ({self.expires_at:%d.%m.%Y %H:%M})"


# --- what the rendered grid is made of: its stamp sources (apps/stamps/pages.py) -------------
#
# The page caches the rendered grid of (assignment, period) under the versions of three stamps
# and the state its key lists itself (the periods with their locks and this user's grant, the
# day, the language, what the user may do). A save in one journal leaves the others cached.

from apps.accounts.models import User  # noqa: E402
from apps.attendance.models import AttendanceMark  # noqa: E402
from apps.classes.models import Subgroup  # noqa: E402
from apps.homework.models import Homework  # noqa: E402
from apps.school.models import SchoolRules  # noqa: E402
from apps.stamps.pages import Page, Source  # noqa: E402
from apps.students.models import Enrollment  # noqa: E402

GRID_ASSIGNMENT, GRID_CLASS, GRID_SCHOOL = "grid.assignment", "grid.class", "grid.school"
_VIA_LESSON = "SELECT l.assignment_id FROM {rows} r JOIN schedule_lesson l ON l.id = r.lesson_id"

GRID = Page(
    "grid",
    sources=(
        Source(Lesson, GRID_ASSIGNMENT, "SELECT r.assignment_id FROM {rows} r"),
        Source(Mark, GRID_ASSIGNMENT, _VIA_LESSON),
        Source(AttendanceMark, GRID_ASSIGNMENT, _VIA_LESSON),
        # The grid shows that a lesson has homework, not its text.
        Source(Homework, GRID_ASSIGNMENT, _VIA_LESSON, ("lesson_id",)),
        Source(PeriodMark, GRID_ASSIGNMENT, "SELECT r.assignment_id FROM {rows} r"),
        Source(Enrollment, GRID_CLASS, "SELECT r.school_class_id FROM {rows} r"),
        Source(
            Student,
            GRID_CLASS,
            "SELECT e.school_class_id FROM {rows} r JOIN students_enrollment e ON e.student_id = r.id",
            ("last_name", "first_name", "patronymic"),
        ),
        Source(
            Subgroup.members.through,
            GRID_CLASS,
            "SELECT g.school_class_id FROM {rows} r JOIN classes_subgroup g ON g.id = r.subgroup_id",
        ),
        Source(WorkType, GRID_SCHOOL, "SELECT r.school_id FROM {rows} r"),
        Source(SchoolRules, GRID_SCHOOL, "SELECT r.school_id FROM {rows} r"),
        # A substitute's name in a lesson's header.
        Source(
            User,
            GRID_SCHOOL,
            "SELECT g.school_id FROM {rows} r JOIN accounts_rolegrant g ON g.user_id = r.id",
            ("last_name", "first_name", "patronymic"),
        ),
    ),
    keyed_otherwise={
        "school_studyperiod": "the periods, their dates and lock state are in the key",
        "gradebook_periodlock": "the lock state of each period is in the key",
        "gradebook_periodunlockgrant": "this user's grant is in the key",
    },
)
STAMP_PROXIES = GRID.proxies(__name__)
