"""Reads of the e-diary. Each selector owns its queries and their count does not grow with
the number of subjects, marks or weeks (locked by tests/diary/test_query_counts.py).

Access comes first and from data: a student reads the record linked to their account, a
parent the records of the children they are a guardian of, always inside the school of the
URL. Everything else is «not found».
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce, JSONObject
from django.http import Http404
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.policy import Role
from apps.attendance.models import AttendanceKind
from apps.classes.models import Subgroup, TeachingAssignment
from apps.diary.models import CalendarFeed, DigestSubscription, HomeworkDone
from apps.gradebook.grading import TWO_PLACES, Grading, grade
from apps.gradebook.models import NUMERIC_MARKS, Mark, PeriodMark
from apps.homework.models import Homework, HomeworkAttachment
from apps.schedule.models import WEEKDAYS, Lesson, TimetableEntry
from apps.school.models import Bell, Holiday, StudyPeriod
from apps.school.policy import school_policy
from apps.students.models import Enrollment, Guardianship, Student

WEEKDAY_LABELS = dict(WEEKDAYS)
ATTENDANCE_LABELS = dict(AttendanceKind.choices)


# --- access ------------------------------------------------------------------------------

_ACCESS_SQL = """
SELECT s.*,
       COALESCE(ss.version, 0) AS stamp_student, ss.changed_at AS changed_student,
       COALESCE(cs.v, 0) AS stamp_class, cs.t AS changed_class,
       COALESCE(sc.version, 0) AS stamp_school, sc.changed_at AS changed_school,
       (SELECT count(*) FROM messaging_notification n
         WHERE n.user_id = %(user)s AND n.school_id = %(school)s AND n.read_at IS NULL) AS unread,
       (SELECT count(*) FROM messaging_delivery d
         WHERE d.recipient_id = %(user)s AND d.school_id = %(school)s AND d.read_at IS NULL
           AND NOT d.archived) AS unread_mail
  FROM students_student s
  LEFT JOIN stamps_stamp ss ON ss.scope = 'diary.student' AND ss.key = s.id
  LEFT JOIN LATERAL (
       SELECT sum(c.version) AS v, max(c.changed_at) AS t FROM stamps_stamp c
        WHERE c.scope = 'diary.class'
          AND c.key IN (SELECT e.school_class_id FROM students_enrollment e WHERE e.student_id = s.id)
  ) cs ON true
  LEFT JOIN stamps_stamp sc ON sc.scope = 'diary.school' AND sc.key = s.school_id
 WHERE s.id = %(student)s AND s.school_id = %(school)s
   AND ((%(as_student)s AND s.user_id = %(user)s)
        OR (%(as_parent)s AND EXISTS (
            SELECT 1 FROM students_guardianship g JOIN students_guardian gd ON gd.id = g.guardian_id
             WHERE g.student_id = s.id AND gd.user_id = %(user)s)))
"""


@dataclass(frozen=True)
class DiaryAccess:
    """A student the user may read, with the stamps of everything the diary shows of them."""

    student: Student
    version: str  # the stamps and the unread counts (menu badges): the ETag's part
    changed_at: datetime | None
    content_version: str = ""  # the stamps only: the key of the cached week


def diary_access(*, ctx, student_id: int) -> DiaryAccess:
    """Fetch and check in one query: the student (own record or a ward) and their change stamps.

    Another family's child, another school's student or a missing id: Http404, all alike.
    """
    params = {
        "student": student_id,
        "school": ctx.school.pk,
        "user": ctx.user.pk,
        "as_student": Role.STUDENT in ctx.roles,
        "as_parent": Role.PARENT in ctx.roles,
    }
    found = list(Student.objects.raw(_ACCESS_SQL, params))
    if not found:
        raise Http404
    s = found[0]
    s.school = ctx.school  # no query later for the school's policy
    moments = [m for m in (s.changed_student, s.changed_class, s.changed_school) if m is not None]
    return DiaryAccess(
        student=s,
        version=f"{s.stamp_student}.{s.stamp_class}.{s.stamp_school}.{s.unread}.{s.unread_mail}",
        content_version=f"{s.stamp_student}.{s.stamp_class}.{s.stamp_school}",
        changed_at=max(moments) if moments else None,
    )


def family_of(*, user, roles: frozenset[str], school) -> list[Student]:
    """Every child the user follows (or the user as a student), in all their schools (one query).

    The switcher lists children of other schools too: the school switcher leads there.
    """
    q = Q(pk__in=[])
    if Role.STUDENT in roles:
        q |= Q(user=user)
    if Role.PARENT in roles:
        q |= Q(pk__in=Guardianship.objects.filter(guardian__user=user).values("student_id"))
    students = list(
        Student.objects.filter(q).select_related("school").order_by("last_name", "first_name")
    )
    return sorted(students, key=lambda s: s.school_id != school.pk)


def visible_students(*, ctx):
    """The students of this school whose diary the user may read, as a queryset."""
    q = Q(pk__in=[])
    if Role.STUDENT in ctx.roles:
        q |= Q(user=ctx.user)
    if Role.PARENT in ctx.roles:
        q |= Q(
            pk__in=Guardianship.objects.filter(guardian__user=ctx.user, school=ctx.school).values(
                "student_id"
            )
        )
    return Student.objects.filter(school=ctx.school).filter(q)


# --- enrolment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    school_class: object
    starts_on: date
    ends_on: date | None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, first: date, last: date) -> bool:
        return self.starts_on <= last and (self.ends_on is None or self.ends_on >= first)


@dataclass
class Enrolment:
    spans: list[Span]

    @property
    def class_ids(self) -> list[int]:
        return sorted({s.school_class.pk for s in self.spans})

    def span_on(self, day: date) -> Span | None:
        return next((s for s in self.spans if s.covers(day)), None)

    def current(self, day: date) -> Span | None:
        """The span on `day`, else the nearest one (a left student: the last; a future one: the first)."""
        if not self.spans:
            return None
        on = self.span_on(day)
        if on is not None:
            return on
        past = [s for s in self.spans if s.starts_on <= day]
        return past[-1] if past else self.spans[0]

    @property
    def left_on(self) -> date | None:
        """The leave date when the student is no longer enrolled anywhere in this school."""
        if not self.spans or any(s.ends_on is None for s in self.spans):
            return None
        return max(s.ends_on for s in self.spans)

    def covers(self, class_id: int, day: date) -> bool:
        return any(s.school_class.pk == class_id and s.covers(day) for s in self.spans)


def enrolment_of(student: Student) -> Enrolment:
    rows = (
        Enrollment.objects.filter(student_id=student.pk)
        .select_related("school_class__year", "school_class__shift", "school_class__class_teacher")
        .order_by("starts_on")
    )
    return Enrolment(spans=[Span(e.school_class, e.starts_on, e.ends_on) for e in rows])


def _in_subgroup(student: Student, prefix: str = "assignment__"):
    """The lesson's assignment is the whole class, or a subgroup the student belongs to."""
    members = Subgroup.members.through.objects.filter(
        subgroup_id=OuterRef(f"{prefix}subgroup_id"), student_id=student.pk
    )
    return Q(**{f"{prefix}subgroup__isnull": True}) | Q(Exists(members))


def _files(homework_ref: str):
    return ArraySubquery(
        HomeworkAttachment.objects.filter(homework_id=OuterRef(homework_ref))
        .order_by("uploaded_at", "pk")
        .values(json=JSONObject(name="name", id="pk", size="size"))
    )


# --- the week ------------------------------------------------------------------------------


@dataclass
class DiaryMark:
    value: str
    work_type: str
    short: str
    weight: Decimal
    comment: str


@dataclass
class WeekLesson:
    """A dated lesson as the week shows it (read by one SQL statement, no model instances)."""

    pk: int
    date: date
    number: int
    topic: str
    status: str
    cancel_reason: str
    moved_from_date: date | None
    assignment_id: int
    school_class_id: int


@dataclass
class WeekHomework:
    pk: int
    text: str
    due_date: date | None
    minutes: int | None
    set_at: datetime
    lesson_date: date
    subject: str
    assignment_id: int
    file_list: list[dict] = field(default_factory=list)


@dataclass
class DiaryLesson:
    number: int
    subject: str
    teacher: object  # User (unsaved: names only)
    lesson: WeekLesson | None = None  # None: a slot of the timetable, no dated lesson yet
    starts_at: time | None = None
    ends_at: time | None = None
    room: str = ""
    substitute: object = None  # User (unsaved: names only)
    homework: WeekHomework | None = None  # set at this lesson
    due_here: list[WeekHomework] = field(default_factory=list)  # due at this lesson
    marks: list[DiaryMark] = field(default_factory=list)
    attendance: str = ""

    @property
    def attendance_label(self) -> str:
        return ATTENDANCE_LABELS.get(self.attendance, "")

    @property
    def cancelled(self) -> bool:
        return self.lesson is not None and self.lesson.status == Lesson.Status.CANCELLED


@dataclass
class DiaryDay:
    day: date
    is_today: bool
    lessons: list[DiaryLesson] = field(default_factory=list)
    due_elsewhere: list[WeekHomework] = field(default_factory=list)  # due this day, no lesson of it
    holiday: str = ""
    enrolled: bool = True

    @property
    def label(self) -> str:
        return WEEKDAY_LABELS[self.day.isoweekday()]


@dataclass
class Week:
    monday: date
    days: list[DiaryDay]
    enrolment: Enrolment
    left_on: date | None

    @property
    def saturday(self) -> date:
        return self.monday + timedelta(days=5)

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _file_links(raw, student: Student) -> list[dict]:
    """Homework files as links to the diary's access-checking download (never /media/)."""
    if not raw:
        return []
    base = reverse("diary:file", args=[student.school_id, student.pk, 0])[: -len("0/")]
    return [
        {"name": f["name"], "href": f"{base}{f['id']}/", "size": f["size"]}
        for f in (raw or [])
        if f
    ]


def _attach_files(homeworks, student: Student) -> None:
    for hw in homeworks:
        hw.file_list = _file_links(getattr(hw, "files", None), student)


def _marks(raw) -> list[DiaryMark]:
    return [
        DiaryMark(
            value=m["v"],
            work_type=m["wt"],
            short=m["ws"] or m["wt"][:1],
            weight=Decimal(str(m["w"])),
            comment=m["c"] or "",
        )
        for m in (raw or [])
    ]


# The two reads of the week as plain SQL: the ORM's compilation of these joins and
# correlated subqueries cost more than running them (the most-read page of the product).
_WEEK_LESSONS_SQL = """
SELECT l.id, l.date, l.lesson_number, l.starts_at, l.ends_at, l.room, l.topic, l.status, l.cancel_reason,
       l.moved_from_date, l.assignment_id, a.school_class_id, sub.name,
       t.last_name, t.first_name, t.patronymic, st.last_name, st.first_name, st.patronymic,
       h.id, h.text, h.due_date, h.minutes, h.set_at,
       (SELECT json_agg(json_build_object('name', f.name, 'id', f.id, 'size', f.size) ORDER BY f.uploaded_at, f.id)
          FROM homework_homeworkattachment f WHERE f.homework_id = h.id),
       (SELECT json_agg(json_build_object('v', m.value, 'c', m.comment, 'wt', w.name, 'ws', w.short_name, 'w', w.weight)
                        ORDER BY w."order", m.id)
          FROM gradebook_mark m JOIN gradebook_worktype w ON w.id = m.work_type_id
         WHERE m.lesson_id = l.id AND m.student_id = %(student)s),
       (SELECT am.kind FROM attendance_attendancemark am WHERE am.lesson_id = l.id AND am.student_id = %(student)s)
  FROM schedule_lesson l
  JOIN classes_teachingassignment a ON a.id = l.assignment_id
  JOIN classes_subject sub ON sub.id = a.subject_id
  JOIN accounts_user t ON t.id = a.teacher_id
  LEFT JOIN accounts_user st ON st.id = l.substitute_teacher_id
  LEFT JOIN homework_homework h ON h.lesson_id = l.id
 WHERE a.school_class_id = ANY(%(classes)s) AND l.date BETWEEN %(first)s AND %(last)s
   AND (a.subgroup_id IS NULL OR EXISTS (SELECT 1 FROM classes_subgroup_members sm
                                          WHERE sm.subgroup_id = a.subgroup_id AND sm.student_id = %(student)s))
 ORDER BY l.date, l.lesson_number, sub."order", l.id
"""
# Homework due this week however far ahead it was set: found by the school's due-date index.
_WEEK_DUE_SQL = """
SELECT h.id, h.text, h.due_date, h.minutes, h.set_at, l.date, l.assignment_id, a.school_class_id, sub.name,
       (SELECT json_agg(json_build_object('name', f.name, 'id', f.id, 'size', f.size) ORDER BY f.uploaded_at, f.id)
          FROM homework_homeworkattachment f WHERE f.homework_id = h.id)
  FROM homework_homework h
  JOIN schedule_lesson l ON l.id = h.lesson_id
  JOIN classes_teachingassignment a ON a.id = l.assignment_id
  JOIN classes_subject sub ON sub.id = a.subject_id
 WHERE h.school_id = %(school)s AND h.due_date BETWEEN %(first)s AND %(last)s
   AND a.school_class_id = ANY(%(classes)s)
   AND (a.subgroup_id IS NULL OR EXISTS (SELECT 1 FROM classes_subgroup_members sm
                                          WHERE sm.subgroup_id = a.subgroup_id AND sm.student_id = %(student)s))
 ORDER BY h.due_date, sub."order", h.id
"""


def _person(last_name, first_name, patronymic):
    """An unsaved User carrying the names only: `short_name` as everywhere else."""
    return User(last_name=last_name, first_name=first_name, patronymic=patronymic or "")


def diary_week(*, student: Student, day: date, today: date) -> Week:
    """Monday to Saturday around `day`: lessons in timetable order, homework, marks, attendance.

    Homework shows twice over, as the parents read it: at the lesson where it was set, and
    at the lesson (or day) it is due — set in advance, it appears on its due day. Only days
    inside an enrolment are shown: a student who left has no diary after the leave date.
    At most six queries whatever the number of subjects, lessons and marks.
    """
    monday = monday_of(day)
    saturday = monday + timedelta(days=5)
    enrolment = enrolment_of(student)
    spans = [s for s in enrolment.spans if s.overlaps(monday, saturday)]
    class_ids = sorted({s.school_class.pk for s in spans})
    days = [
        DiaryDay(day=monday + timedelta(days=i), is_today=monday + timedelta(days=i) == today)
        for i in range(6)
    ]
    for d in days:
        d.enrolled = any(s.covers(d.day) for s in spans)
    week = Week(monday=monday, days=days, enrolment=enrolment, left_on=enrolment.left_on)
    if not class_ids:
        return week

    params = {
        "classes": class_ids,
        "student": student.pk,
        "first": monday,
        "last": saturday,
        "school": student.school_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(_WEEK_LESSONS_SQL, params)
        lesson_rows = cursor.fetchall()
        cursor.execute(_WEEK_DUE_SQL, params)
        due_rows = cursor.fetchall()
    holidays = list(
        Holiday.objects.filter(
            year_id__in={s.school_class.year_id for s in spans},
            starts_on__lte=saturday,
            ends_on__gte=monday,
        )
    )
    by_day = {d.day: d for d in days}
    for d in days:
        grades = {s.school_class.grade for s in spans if s.covers(d.day)}
        d.holiday = next(
            (
                h.name
                for h in holidays
                if h.starts_on <= d.day <= h.ends_on and (not h.grades or grades & set(h.grades))
            ),
            "",
        )
    slots_by_assignment_day: dict[tuple[int, date], DiaryLesson] = {}
    for row in lesson_rows:
        (
            pk,
            day_,
            number,
            starts_at,
            ends_at,
            room,
            topic,
            status,
            cancel_reason,
            moved_from,
            assignment_id,
            class_id,
            subject,
            *names,
            hw_id,
            hw_text,
            hw_due,
            hw_minutes,
            hw_set_at,
            files,
            marks,
            attendance,
        ) = row
        if not enrolment.covers(class_id, day_):
            continue
        homework = None
        if hw_id is not None:
            homework = WeekHomework(
                pk=hw_id,
                text=hw_text,
                due_date=hw_due,
                minutes=hw_minutes,
                set_at=hw_set_at,
                lesson_date=day_,
                subject=subject,
                assignment_id=assignment_id,
                file_list=_file_links(files, student),
            )
        item = DiaryLesson(
            number=number,
            subject=subject,
            teacher=_person(*names[:3]),
            substitute=_person(*names[3:]) if names[3] is not None else None,
            lesson=WeekLesson(
                pk=pk,
                date=day_,
                number=number,
                topic=topic,
                status=status,
                cancel_reason=cancel_reason,
                moved_from_date=moved_from,
                assignment_id=assignment_id,
                school_class_id=class_id,
            ),
            starts_at=starts_at,
            ends_at=ends_at,
            room=room,
            homework=homework,
            marks=_marks(marks),
            attendance=attendance or "",
        )
        by_day[day_].lessons.append(item)
        slots_by_assignment_day.setdefault((assignment_id, day_), item)
    for (
        hw_id,
        text,
        due_date,
        minutes,
        set_at,
        lesson_date,
        assignment_id,
        class_id,
        subject,
        files,
    ) in due_rows:
        if not enrolment.covers(class_id, lesson_date):
            continue
        hw = WeekHomework(
            pk=hw_id,
            text=text,
            due_date=due_date,
            minutes=minutes,
            set_at=set_at,
            lesson_date=lesson_date,
            subject=subject,
            assignment_id=assignment_id,
            file_list=_file_links(files, student),
        )
        target = slots_by_assignment_day.get((assignment_id, due_date))
        if target is not None:
            target.due_here.append(hw)
        elif due_date in by_day and by_day[due_date].enrolled:
            by_day[due_date].due_elsewhere.append(hw)

    # Weeks not generated yet (the future) show the timetable's slots, outside holidays.
    planned_classes = [
        cid
        for cid in class_ids
        if not any(dl.lesson.school_class_id == cid for d in days for dl in d.lessons)
    ]
    if planned_classes:
        entries = (
            TimetableEntry.objects.filter(assignment__school_class_id__in=planned_classes)
            .valid_between(monday, saturday)
            .filter(_in_subgroup(student))
            .select_related("assignment__subject", "assignment__teacher")
            .order_by("weekday", "lesson_number", "assignment__subject__order")
        )
        for entry in entries:
            d = days[entry.weekday - 1]
            if d.holiday or not entry.starts_on <= d.day <= entry.ends_on:
                continue
            if not enrolment.covers(entry.assignment.school_class_id, d.day):
                continue
            d.lessons.append(
                DiaryLesson(
                    number=entry.lesson_number,
                    subject=entry.assignment.subject.name,
                    teacher=entry.assignment.teacher,
                    room=entry.room,
                )
            )
    if any(dl.starts_at is None for d in days for dl in d.lessons):
        shifts = {s.school_class.shift_id for s in spans if s.school_class.shift_id}
        bells = {
            b.lesson_number: b
            for b in Bell.objects.filter(shift_id__in=shifts).order_by("shift_id")
        }
        for d in days:
            for dl in d.lessons:
                bell = bells.get(dl.number)
                if dl.starts_at is None and bell is not None:
                    dl.starts_at, dl.ends_at = bell.starts_at, bell.ends_at
    for d in days:
        d.lessons.sort(key=lambda dl: (dl.number, dl.subject))
    return week


# --- marks -----------------------------------------------------------------------------------


@dataclass
class SubjectMarks:
    subject_id: int
    subject: str
    teachers: list
    marks: list[dict] = field(default_factory=list)
    grading: Grading | None = None
    period_mark: str = ""


@dataclass
class MarksPage:
    periods: list[StudyPeriod]
    period: StudyPeriod | None
    rows: list[SubjectMarks]
    thresholds_label: str


def _year_frame(student: Student, today: date):
    """The enrolment, the class of the current (or last) span, and its year's periods."""
    enrolment = enrolment_of(student)
    span = enrolment.current(today)
    if span is None:
        return enrolment, None, []
    school_class = span.school_class
    year = school_class.year
    periods = list(
        StudyPeriod.objects.filter(
            year_id=year.pk, scheme=year.scheme_for_grade(school_class.grade)
        ).order_by("number")
    )
    return enrolment, span, periods


def pick_period(periods: list[StudyPeriod], wanted: int | None, today: date) -> StudyPeriod | None:
    return (
        next((p for p in periods if p.pk == wanted), None)
        or next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
        or next((p for p in reversed(periods) if p.ends_on < today), None)
        or (periods[0] if periods else None)
    )


def _assignments(student: Student, enrolment: Enrolment, year_id: int):
    """The teaching load the student learns from in a year (their classes, their subgroups)."""
    return list(
        TeachingAssignment.objects.filter(school_class_id__in=enrolment.class_ids, year_id=year_id)
        .filter(_in_subgroup(student, ""))
        .select_related("subject", "teacher")
        .order_by("subject__order", "subject__name")
    )


def _subject_rows(assignments) -> dict[int, SubjectMarks]:
    rows: dict[int, SubjectMarks] = {}
    for a in assignments:
        row = rows.setdefault(
            a.subject_id, SubjectMarks(subject_id=a.subject_id, subject=a.subject.name, teachers=[])
        )
        if a.teacher not in row.teachers:
            row.teachers.append(a.teacher)
    return rows


def _student_marks(student: Student, first: date, last: date):
    return (
        Mark.objects.filter(student_id=student.pk, lesson__date__range=(first, last))
        .order_by("lesson__date", "lesson__lesson_number", "work_type__order")
        .values(
            "value",
            "comment",
            "lesson__date",
            "lesson__topic",
            "lesson__assignment__subject_id",
            "lesson__assignment__subject__name",
            "work_type__name",
            "work_type__short_name",
            "work_type__weight",
        )
    )


def diary_marks(*, student: Student, period_id: int | None, today: date) -> MarksPage:
    """Every subject of the student × the period: marks, weighted average, suggested and set marks.

    The average is THE one of apps/gradebook/grading.py with the school's thresholds. Six queries.
    """
    enrolment, span, periods = _year_frame(student, today)
    period = pick_period(periods, period_id, today)
    policy = school_policy(student.school) if span else None
    if span is None or period is None:
        return MarksPage(periods=periods, period=period, rows=[], thresholds_label="")
    rows = _subject_rows(_assignments(student, enrolment, span.school_class.year_id))
    weighted: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for m in _student_marks(student, period.starts_on, period.ends_on):
        sid = m["lesson__assignment__subject_id"]
        row = rows.get(sid) or rows.setdefault(
            sid,
            SubjectMarks(
                subject_id=sid, subject=m["lesson__assignment__subject__name"], teachers=[]
            ),
        )
        row.marks.append(m)
        weighted[sid].append((m["value"], m["work_type__weight"]))
    for pm in PeriodMark.objects.filter(
        student_id=student.pk, kind=PeriodMark.Kind.PERIOD, period_id=period.pk
    ).values("assignment__subject_id", "value"):
        if pm["assignment__subject_id"] in rows:
            rows[pm["assignment__subject_id"]].period_mark = pm["value"]
    for sid, row in rows.items():
        row.grading = grade(weighted.get(sid, []), policy.thresholds)
    return MarksPage(
        periods=periods,
        period=period,
        rows=list(rows.values()),
        thresholds_label=policy.thresholds_label,
    )


@dataclass
class YearRow:
    subject: str
    cells: list[dict]  # per period: {"mark": str, "average": Decimal | None}
    year: str = ""
    exam: str = ""
    final: str = ""


def diary_year(*, student: Student, today: date) -> tuple[list[StudyPeriod], list[YearRow]]:
    """Every period mark of the year with the period's average, and the year, exam and final marks."""
    enrolment, span, periods = _year_frame(student, today)
    if span is None:
        return periods, []
    year = span.school_class.year
    policy = school_policy(student.school)
    rows = _subject_rows(_assignments(student, enrolment, year.pk))
    weighted: dict[tuple[int, int], list] = defaultdict(list)
    for m in _student_marks(student, year.starts_on, year.ends_on):
        for p in periods:
            if p.starts_on <= m["lesson__date"] <= p.ends_on:
                weighted[(m["lesson__assignment__subject_id"], p.pk)].append(
                    (m["value"], m["work_type__weight"])
                )
    marks: dict[tuple[int, str, int | None], str] = {}
    for pm in PeriodMark.objects.filter(student_id=student.pk, assignment__year_id=year.pk).values(
        "assignment__subject_id", "kind", "period_id", "value"
    ):
        marks[(pm["assignment__subject_id"], pm["kind"], pm["period_id"])] = pm["value"]
    result = []
    for sid, row in rows.items():
        cells = [
            {
                "mark": marks.get((sid, PeriodMark.Kind.PERIOD, p.pk), ""),
                "average": grade(weighted.get((sid, p.pk), []), policy.thresholds).average,
            }
            for p in periods
        ]
        result.append(
            YearRow(
                subject=row.subject,
                cells=cells,
                year=marks.get((sid, PeriodMark.Kind.YEAR, None), ""),
                exam=marks.get((sid, PeriodMark.Kind.EXAM, None), ""),
                final=marks.get((sid, PeriodMark.Kind.FINAL, None), ""),
            )
        )
    return periods, result


# --- homework ----------------------------------------------------------------------------

HOMEWORK_AHEAD_DAYS = 30  # upcoming: due within a month
OVERDUE_DAYS = 7  # overdue: due within the last week and not ticked done


@dataclass
class HomeworkList:
    upcoming: list[Homework]
    overdue: list[Homework]
    by_subject: list[tuple[str, list[Homework]]]


def diary_homework(*, student: Student, today: date) -> HomeworkList:
    """Homework due from a week ago to a month ahead: upcoming, overdue (not ticked done), by subject.

    Homework without a due date is due on the day it was set. Two queries.
    """
    enrolment = enrolment_of(student)
    if not enrolment.spans:
        return HomeworkList([], [], [])
    first, last = today - timedelta(days=OVERDUE_DAYS), today + timedelta(days=HOMEWORK_AHEAD_DAYS)
    items = list(
        Homework.objects.filter(
            Q(due_date__range=(first, last))
            | Q(due_date__isnull=True, lesson__date__range=(first, last)),
            school_id=student.school_id,
            lesson__assignment__school_class_id__in=enrolment.class_ids,
        )
        .filter(_in_subgroup(student, "lesson__assignment__"))
        .annotate(
            due=Coalesce("due_date", "lesson__date"),
            files=_files("pk"),
            done=Exists(
                HomeworkDone.objects.filter(homework_id=OuterRef("pk"), student_id=student.pk)
            ),
        )
        .select_related("lesson__assignment__subject", "lesson__assignment__teacher")
        .order_by("due", "lesson__assignment__subject__order", "pk")
    )
    items = [
        hw for hw in items if enrolment.covers(hw.lesson.assignment.school_class_id, hw.lesson.date)
    ]
    _attach_files(items, student)
    grouped: dict[str, list[Homework]] = defaultdict(list)
    for hw in items:
        grouped[hw.lesson.assignment.subject.name].append(hw)
    return HomeworkList(
        upcoming=[hw for hw in items if hw.due >= today],
        overdue=[hw for hw in reversed(items) if hw.due < today and not hw.done],
        by_subject=sorted(grouped.items()),
    )


# --- timetable ---------------------------------------------------------------------------


def diary_timetable(*, student: Student, day: date) -> dict:
    """The class's weekly timetable valid on `day`, with the bell schedule of its shift."""
    enrolment = enrolment_of(student)
    span = enrolment.current(day)
    if span is None:
        return {"span": None, "rows": [], "days": [], "weekdays": WEEKDAYS}
    entries = list(
        TimetableEntry.objects.filter(assignment__school_class_id=span.school_class.pk)
        .valid_between(day, day)
        .filter(_in_subgroup(student))
        .select_related("assignment__subject", "assignment__teacher", "assignment__subgroup")
        .order_by("weekday", "lesson_number")
    )
    bells = (
        {b.lesson_number: b for b in Bell.objects.filter(shift_id=span.school_class.shift_id)}
        if span.school_class.shift_id
        else {}
    )
    slots: dict[tuple[int, int], list[TimetableEntry]] = defaultdict(list)
    for e in entries:
        slots[(e.weekday, e.lesson_number)].append(e)
    numbers = sorted({e.lesson_number for e in entries} | set(bells))
    rows = [(n, bells.get(n), [slots.get((wd, n), []) for wd, _label in WEEKDAYS]) for n in numbers]
    # The same lessons day by day, for a phone's narrow screen.
    days = [
        (label, [(n, bells.get(n), slots[(wd, n)]) for n in numbers if (wd, n) in slots])
        for wd, label in WEEKDAYS
    ]
    return {"span": span, "rows": rows, "days": days, "weekdays": WEEKDAYS}


# --- statistics and rating -----------------------------------------------------------------


@dataclass
class Stats:
    periods: list[StudyPeriod]
    period: StudyPeriod | None
    subjects: list[tuple[str, Grading, int]]  # name, grading, number of marks
    overall: Decimal | None
    distribution: list[tuple[str, int]]
    timeline: list[tuple[date, Decimal | None]]
    rank: int | None = None
    ranked: int = 0
    rating_enabled: bool = True


def overall_average(per_subject: list[Decimal | None]) -> Decimal | None:
    """The mean of the subjects' weighted averages (a subject without marks does not count)."""
    values = [v for v in per_subject if v is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _overall(marks: list[tuple[int, str, Decimal]], thresholds) -> Decimal | None:
    by_subject: dict[int, list] = defaultdict(list)
    for sid, value, weight in marks:
        by_subject[sid].append((value, weight))
    return overall_average([grade(v, thresholds).average for v in by_subject.values()])


def diary_stats(*, student: Student, period_id: int | None, today: date) -> Stats:
    """Averages per subject and overall for a period, their course week by week, and the rank.

    The rank compares the student's overall average with their classmates' (enrolled in the
    class at the period's end, or today) and shows only the place: never another student's
    name or marks. The school may turn the rating off (policy `rating_enabled`).
    """
    enrolment, span, periods = _year_frame(student, today)
    period = pick_period(periods, period_id, today)
    policy = school_policy(student.school)
    stats = Stats(
        periods=periods,
        period=period,
        subjects=[],
        overall=None,
        distribution=[],
        timeline=[],
        rating_enabled=policy.rating_enabled,
    )
    if span is None or period is None:
        return stats
    own = list(_student_marks(student, period.starts_on, period.ends_on))
    by_subject: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    for m in own:
        sid = m["lesson__assignment__subject_id"]
        names[sid] = m["lesson__assignment__subject__name"]
        by_subject[sid].append((m["value"], m["work_type__weight"]))
    for sid, values in sorted(by_subject.items(), key=lambda kv: names[kv[0]]):
        stats.subjects.append((names[sid], grade(values, policy.thresholds), len(values)))
    stats.overall = overall_average([g.average for _n, g, _c in stats.subjects])
    counts = defaultdict(int)
    for m in own:
        counts[m["value"]] += 1
    stats.distribution = [
        (v, counts[v]) for v in ("5", "4", "3", "2", "1") if counts[v] or v in "5432"
    ]
    # Week by week: the overall average of every mark up to that Sunday.
    end = min(period.ends_on, max(today, period.starts_on))
    sunday = monday_of(period.starts_on) + timedelta(days=6)
    flat = [
        (m["lesson__date"], m["lesson__assignment__subject_id"], m["value"], m["work_type__weight"])
        for m in own
    ]
    while sunday <= end + timedelta(days=6):
        upto = [(sid, v, w) for d, sid, v, w in flat if d <= sunday]
        stats.timeline.append((min(sunday, end), _overall(upto, policy.thresholds)))
        sunday += timedelta(days=7)
    if policy.rating_enabled and stats.overall is not None:
        on = min(period.ends_on, today) if today >= period.starts_on else period.ends_on
        classmates = (
            Enrollment.objects.filter(school_class_id=span.school_class.pk, starts_on__lte=on)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
            .values("student_id")
        )
        marks: dict[int, list] = defaultdict(list)
        for sid, subject_id, value, weight in Mark.objects.filter(
            lesson__assignment__school_class_id=span.school_class.pk,
            lesson__date__range=(period.starts_on, period.ends_on),
            student_id__in=classmates,
            value__in=NUMERIC_MARKS,
        ).values_list("student_id", "lesson__assignment__subject_id", "value", "work_type__weight"):
            marks[sid].append((subject_id, value, weight))
        averages = {sid: _overall(values, policy.thresholds) for sid, values in marks.items()}
        mine = averages.get(student.pk)
        if mine is not None:
            stats.ranked = sum(1 for v in averages.values() if v is not None)
            stats.rank = 1 + sum(1 for v in averages.values() if v is not None and v > mine)
    return stats


# --- the user's own settings -----------------------------------------------------------------


def calendar_feed_of(*, user, student) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, student=student).first()


def digest_of(*, user, school) -> DigestSubscription | None:
    return DigestSubscription.objects.filter(user=user, school=school).first()


# --- the board and the events on the week -------------------------------------------------------

DIARY_BOARD_SIZE = 3


def diary_board_and_events(*, ctx, student: Student, monday: date) -> tuple[list, list]:
    """The newest announcements for this reader and the week's events of the student's
    classes, grade and school (three queries: the classes, the board, the events). Read per
    request, outside the cached week: a post for parents only is not the student's."""
    from apps.messaging.board import board_for, student_events

    tz = ctx.school.tz
    first = datetime.combine(monday, time.min, tzinfo=tz)
    last = first + timedelta(days=7)
    classes = list(
        Enrollment.objects.filter(student=student, starts_on__lt=monday + timedelta(days=7))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=monday))
        .values_list("school_class_id", "school_class__grade")
    )
    board = list(board_for(ctx)[:DIARY_BOARD_SIZE])
    events = list(
        student_events(
            student=student,
            class_ids={pk for pk, _grade in classes},
            grades={grade for _pk, grade in classes},
            reader_roles=ctx.roles,
            first=first,
            last=last,
        )
    )
    return board, events
