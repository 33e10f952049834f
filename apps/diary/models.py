"""The e-diary's own data: change stamps, the printed-report flag, the digest, the calendar feed.

The diary reads the journal (schedule, gradebook, attendance, homework, students) and never
writes it. At the end, `DIARY` declares every table the diary's pages read, for their 304
answers and the cached week (apps/stamps/pages.py); the proxy models made from it only carry
the stamp triggers on the journal's tables and change nothing in the apps that own them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import RoleGrant, User
from apps.attendance.models import AttendanceMark
from apps.classes.models import SchoolClass, Subgroup, Subject, TeachingAssignment
from apps.gradebook.models import Mark, PeriodMark, WorkType
from apps.homework.models import Homework, HomeworkAttachment
from apps.messaging.models import Announcement, Event
from apps.schedule.models import Lesson, TimetableEntry
from apps.school.models import (
    AcademicYear,
    Bell,
    Holiday,
    School,
    SchoolRules,
    Shift,
    StudyPeriod,
)
from apps.stamps.pages import Page, Source
from apps.students.models import Enrollment, Guardian, Guardianship, Student


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

    def __str__(self) -> str:
        return f"{self.student_id}: {self.homework_id}"

    @property
    def academic_year(self):
        return None


# --- what the diary reads: its stamp sources ----------------------------------------------------
#
# Three scopes: the student's own rows, the class's rows (lessons, homework and files, the
# timetable, the teaching load) and the school's reference rows. The access check reads the
# three stamps in the same query (selectors.diary_access): their versions are the ETag.

STUDENT, CLASS, SCHOOL = "diary.student", "diary.class", "diary.school"

_OWN = "SELECT r.student_id FROM {rows} r"
_VIA_ASSIGNMENT = "SELECT a.school_class_id FROM {rows} r JOIN classes_teachingassignment a ON a.id = r.assignment_id"
_VIA_LESSON = (
    "SELECT a.school_class_id FROM {rows} r JOIN schedule_lesson l ON l.id = r.lesson_id "
    "JOIN classes_teachingassignment a ON a.id = l.assignment_id"
)
_VIA_HOMEWORK = (
    "SELECT a.school_class_id FROM {rows} r JOIN homework_homework h ON h.id = r.homework_id "
    "JOIN schedule_lesson l ON l.id = h.lesson_id JOIN classes_teachingassignment a ON a.id = l.assignment_id"
)
_SCHOOL = "SELECT r.school_id FROM {rows} r"
_NAMES = ("last_name", "first_name", "patronymic")

DIARY = Page(
    "diary",
    sources=(
        Source(
            Mark, STUDENT, _OWN, ("value", "comment", "work_type_id", "lesson_id", "student_id")
        ),
        Source(
            PeriodMark, STUDENT, _OWN, ("value", "kind", "period_id", "assignment_id", "student_id")
        ),
        Source(AttendanceMark, STUDENT, _OWN, ("kind", "lesson_id", "student_id")),
        Source(Enrollment, STUDENT, _OWN),
        Source(Subgroup.members.through, STUDENT, _OWN),
        Source(HomeworkDone, STUDENT, _OWN),
        # A new or removed guardian changes the child switcher of every child of that guardian.
        Source(
            Guardianship,
            STUDENT,
            "SELECT r.student_id FROM {rows} r UNION SELECT g.student_id FROM {rows} r "
            "JOIN students_guardianship g ON g.guardian_id = r.guardian_id",
        ),
        Source(Student, STUDENT, "SELECT r.id FROM {rows} r", _NAMES),
        # planned → held (the first mark of a lesson) shows nothing new: only cancelling does.
        Source(
            Lesson,
            CLASS,
            _VIA_ASSIGNMENT,
            (
                "assignment_id",
                "date",
                "lesson_number",
                "starts_at",
                "ends_at",
                "room",
                "topic",
                "lesson_type",
                "({t}.status = 'cancelled')",
                "substitute_teacher_id",
                "moved_from_date",
                "moved_from_number",
                "comment",
                "cancel_reason",
            ),
        ),
        Source(Homework, CLASS, _VIA_LESSON),
        Source(HomeworkAttachment, CLASS, _VIA_HOMEWORK),
        Source(TimetableEntry, CLASS, _VIA_ASSIGNMENT),
        Source(TeachingAssignment, CLASS, "SELECT r.school_class_id FROM {rows} r"),
        Source(Subgroup, CLASS, "SELECT r.school_class_id FROM {rows} r"),
        # The school's name and card stand in every page's header.
        Source(School, SCHOOL, "SELECT r.id FROM {rows} r"),
        Source(AcademicYear, SCHOOL, _SCHOOL),
        Source(Shift, SCHOOL, _SCHOOL),
        # Roles make the menu.
        Source(RoleGrant, SCHOOL, _SCHOOL),
        Source(WorkType, SCHOOL, _SCHOOL),
        Source(Bell, SCHOOL, _SCHOOL),
        Source(StudyPeriod, SCHOOL, _SCHOOL),
        Source(Holiday, SCHOOL, _SCHOOL),
        Source(SchoolRules, SCHOOL, _SCHOOL),
        Source(Subject, SCHOOL, _SCHOOL),
        Source(SchoolClass, SCHOOL, _SCHOOL),
        # The week shows the board and the events that concern the student (issue 15).
        Source(Announcement, SCHOOL, _SCHOOL),
        Source(Event, SCHOOL, _SCHOOL),
        # Teachers' names stand on every page of their schools; a login (last_login) bumps nothing.
        Source(
            User,
            SCHOOL,
            "SELECT g.school_id FROM {rows} r JOIN accounts_rolegrant g ON g.user_id = r.id",
            _NAMES,
        ),
    ),
    keyed_otherwise={
        "django_session": "the reader's own session",
        "stamps_stamp": "the stamps themselves",
        "messaging_notification": "the unread count is in the ETag",
        "messaging_delivery": "the unread letters' count is in the ETag",
        "students_guardian": "access (whose guardian the reader is) is checked on every request",
    },
)
STAMP_PROXIES = DIARY.proxies(__name__)
