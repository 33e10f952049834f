"""The e-diary's own data: change stamps, the printed-report flag, the digest, the calendar feed.

The diary reads the journal (schedule, gradebook, attendance, homework, students) and never
writes it. The proxy models at the end exist only to carry the stamp triggers on the
journal's tables; they add no table and change nothing in the apps that own them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.attendance.models import AttendanceMark
from apps.classes.models import SchoolClass, Subgroup, Subject, TeachingAssignment
from apps.diary import stamps
from apps.gradebook.models import Mark, PeriodMark, WorkType
from apps.homework.models import Homework, HomeworkAttachment
from apps.schedule.models import Lesson, TimetableEntry
from apps.school.models import Bell, Holiday, School, SchoolRules, StudyPeriod
from apps.students.models import Enrollment, Guardian, Guardianship, Student


class Stamp(models.Model):
    """A change counter kept by database triggers (apps/diary/stamps.py). No foreign key: a
    stamp may outlive its row, and a trigger must never fail a journal write."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.pk}: {self.version}"


class StudentStamp(Stamp):
    """Last change of a student's own diary rows."""

    student_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("отметка изменения дневника")


class ClassStamp(Stamp):
    """Last change of a class's lessons, homework and timetable."""

    school_class_id = models.BigIntegerField(primary_key=True)


class SchoolStamp(Stamp):
    """Last change of a school's reference rows the diary shows (work types, bells, periods)."""

    school_id = models.BigIntegerField(primary_key=True)


class PaperReportRequest(models.Model):
    """A parent declared they cannot or will not use the e-diary (seed 003, appendix 3 item 3):
    the class teacher gives them a printed weekly report instead."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    guardian = models.OneToOneField(Guardian, on_delete=models.CASCADE, related_name="paper_report")
    declared_on = models.DateField(_("дата заявления"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("распечатка вместо электронного дневника")
        verbose_name_plural = _("распечатки вместо электронного дневника")

    def __str__(self) -> str:
        return str(self.guardian)

    @property
    def academic_year(self):
        return None


class DigestSubscription(models.Model):
    """A parent's daily e-mail digest in one school (off unless the parent turns it on)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_digests"
    )
    email = models.EmailField(_("адрес для рассылки"))
    hour = models.PositiveSmallIntegerField(
        _("час отправки"), default=19, validators=[MaxValueValidator(23)]
    )
    enabled = models.BooleanField(_("присылать сводку"), default=False)
    # The school-local day of the last digest (at most one a day) and the moment it covered up to.
    last_sent_on = models.DateField(null=True, blank=True)
    covered_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ежедневная сводка")
        verbose_name_plural = _("ежедневные сводки")
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="digest_one_per_parent_school"),
        ]
        indexes = [models.Index(fields=["enabled", "hour"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.email}"

    @property
    def academic_year(self):
        return None


class CalendarFeed(models.Model):
    """A personal iCal feed of one student's timetable and homework, behind a secret token."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A feed lives one school year from its issue or last renewal (FEED_LIFETIME).
    expires_at = models.DateTimeField(_("действует до"), null=True, blank=True)

    class Meta:
        verbose_name = _("календарь (iCal)")
        verbose_name_plural = _("календари (iCal)")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "student"], name="calendarfeed_one_per_user_student"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.student_id}"

    @property
    def academic_year(self):
        return None


class HomeworkDone(models.Model):
    """The student (or a parent) ticked a homework as done: it leaves the overdue list."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("выполненное задание")
        verbose_name_plural = _("выполненные задания")
        constraints = [
            models.UniqueConstraint(fields=["student", "homework"], name="homeworkdone_once"),
        ]
        triggers = stamps.triggers_for(stamps.HOMEWORK_DONE)

    def __str__(self) -> str:
        return f"{self.student_id}: {self.homework_id}"

    @property
    def academic_year(self):
        return None


# --- stamp triggers on the journal's tables (proxies: no table, no change to the owners) ---


def _stamped(model, source, name):
    meta = type(
        "Meta",
        (),
        {
            "proxy": True,
            "triggers": stamps.triggers_for(source),
            "app_label": "diary",
            "default_permissions": (),
        },
    )
    return type(name, (model,), {"__module__": __name__, "Meta": meta})


MarkStamped = _stamped(Mark, stamps.MARK, "MarkStamped")
PeriodMarkStamped = _stamped(PeriodMark, stamps.PERIOD_MARK, "PeriodMarkStamped")
AttendanceStamped = _stamped(AttendanceMark, stamps.ATTENDANCE, "AttendanceStamped")
EnrollmentStamped = _stamped(Enrollment, stamps.ENROLLMENT, "EnrollmentStamped")
GuardianshipStamped = _stamped(Guardianship, stamps.GUARDIANSHIP, "GuardianshipStamped")
StudentStamped = _stamped(Student, stamps.STUDENT_CARD, "StudentStamped")
SubgroupMemberStamped = _stamped(
    Subgroup.members.through, stamps.SUBGROUP_MEMBER, "SubgroupMemberStamped"
)
LessonStamped = _stamped(Lesson, stamps.LESSON, "LessonStamped")
HomeworkStamped = _stamped(Homework, stamps.HOMEWORK, "HomeworkStamped")
HomeworkFileStamped = _stamped(HomeworkAttachment, stamps.HOMEWORK_FILE, "HomeworkFileStamped")
TimetableStamped = _stamped(TimetableEntry, stamps.TIMETABLE, "TimetableStamped")
AssignmentStamped = _stamped(TeachingAssignment, stamps.ASSIGNMENT, "AssignmentStamped")
WorkTypeStamped = _stamped(WorkType, stamps.WORK_TYPE, "WorkTypeStamped")
BellStamped = _stamped(Bell, stamps.BELL, "BellStamped")
PeriodStamped = _stamped(StudyPeriod, stamps.PERIOD, "PeriodStamped")
HolidayStamped = _stamped(Holiday, stamps.HOLIDAY, "HolidayStamped")
RulesStamped = _stamped(SchoolRules, stamps.RULES, "RulesStamped")
SubjectStamped = _stamped(Subject, stamps.SUBJECT, "SubjectStamped")
SchoolClassStamped = _stamped(SchoolClass, stamps.SCHOOL_CLASS, "SchoolClassStamped")
PersonNameStamped = _stamped(User, stamps.PERSON_NAME, "PersonNameStamped")
