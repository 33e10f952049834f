"""Reads of the class journal. Each selector owns its queries; the count does not grow
with the number of students or lessons (locked by tests/journal/test_query_counts.py)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from apps.attendance.models import AttendanceMark
from apps.classes.models import TeachingAssignment
from apps.gradebook.grading import Grading, grade
from apps.gradebook.models import Mark, PeriodMark, WorkType
from apps.homework.models import Homework
from apps.schedule.models import Lesson
from apps.school.models import StudyPeriod
from apps.school.policy import Policy, school_policy
from apps.students.models import Enrollment, Student


@dataclass
class CellMark:
    work_type_id: int
    value: str
    version: int
    comment: str = ""
    short: str = ""


@dataclass
class Cell:
    lesson: Lesson
    student_id: int
    enrolled: bool = True
    attendance: str = ""
    attendance_version: int = 0
    marks: list[CellMark] = field(default_factory=list)

    @property
    def token(self) -> str:
        """What the client saw: the versions of everything in the cell.

        Sent back with a save; the view turns it into the `expected_version` the
        services compare with the stored rows.
        """
        parts = [f"a:{self.attendance_version}"] + [f"m{m.work_type_id}:{m.version}" for m in self.marks]
        return ";".join(parts)


def parse_token(token: str) -> dict[str, int]:
    seen = {}
    for part in (token or "").split(";"):
        key, _sep, version = part.partition(":")
        if key and version.isdigit():
            seen[key] = int(version)
    return seen


@dataclass
class Row:
    student: Student
    cells: list[Cell]
    grading: Grading
    period_mark: PeriodMark | None = None

    @property
    def disagrees(self) -> bool:
        """A set period mark that differs from the suggested one is flagged (SPEC §3)."""
        pm = self.period_mark
        return bool(pm and self.grading.suggested and pm.value in "12345" and pm.value != self.grading.suggested)


@dataclass
class JournalGrid:
    assignment: TeachingAssignment
    period: StudyPeriod
    lessons: list[Lesson]
    rows: list[Row]
    work_types: list[WorkType]
    policy: Policy

    @property
    def marks_allowed(self) -> bool:
        return self.policy.marks_allowed_in_grade(self.assignment.school_class.grade)


def _enrolled_on(spans: list[tuple[date, date | None]], day: date) -> bool:
    return any(start <= day and (end is None or end >= day) for start, end in spans)


def journal_grid(*, assignment: TeachingAssignment, period: StudyPeriod) -> JournalGrid:
    """The journal page of one assignment for one period: 7 queries whatever its size.

    Rows are everyone in the class (or subgroup) at some time in the period; a cell
    exists only on the dates the student was enrolled (enrolled from November: no
    cells before). `assignment` must come with school_class and school loaded.
    """
    span = (period.starts_on, period.ends_on)
    lessons = list(
        Lesson.objects.filter(assignment=assignment, date__range=span)
        .annotate(has_homework=Exists(Homework.objects.filter(lesson=OuterRef("pk"))))
        .select_related("substitute_teacher")
        .order_by("date", "lesson_number")
    )
    enrolments = Enrollment.objects.filter(
        school_class_id=assignment.school_class_id, starts_on__lte=period.ends_on
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.starts_on)).select_related("student")
    if assignment.subgroup_id:
        enrolments = enrolments.filter(student__subgroups=assignment.subgroup_id)
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    students: dict[int, Student] = {}
    for e in enrolments:
        spans[e.student_id].append((e.starts_on, e.ends_on))
        students[e.student_id] = e.student

    marks: dict[tuple[int, int], list[CellMark]] = defaultdict(list)
    weighted: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for lesson_id, student_id, wt_id, value, version, comment, weight, short in (
        Mark.objects.filter(lesson__assignment=assignment, lesson__date__range=span)
        .order_by("work_type__order", "pk")
        .values_list("lesson_id", "student_id", "work_type_id", "value", "version", "comment",
                     "work_type__weight", "work_type__short_name")
    ):
        marks[(lesson_id, student_id)].append(CellMark(wt_id, value, version, comment, short))
        weighted[student_id].append((value, weight))
    attendance = {
        (lesson_id, student_id): (kind, version)
        for lesson_id, student_id, kind, version in AttendanceMark.objects.filter(
            lesson__assignment=assignment, lesson__date__range=span
        ).values_list("lesson_id", "student_id", "kind", "version")
    }
    period_marks = {pm.student_id: pm for pm in PeriodMark.objects.filter(assignment=assignment, kind=PeriodMark.Kind.PERIOD, period=period)}
    work_types = list(WorkType.objects.filter(school_id=assignment.school_id, is_active=True))
    policy = school_policy(assignment.school)

    rows = []
    for student in sorted(students.values(), key=lambda s: (s.last_name, s.first_name, s.patronymic)):
        cells = []
        for lesson in lessons:
            key = (lesson.pk, student.pk)
            kind, att_version = attendance.get(key, ("", 0))
            cells.append(Cell(
                lesson=lesson, student_id=student.pk, enrolled=_enrolled_on(spans[student.pk], lesson.date),
                attendance=kind, attendance_version=att_version, marks=marks.get(key, []),
            ))
        rows.append(Row(
            student=student, cells=cells,
            grading=grade(weighted.get(student.pk, []), policy.thresholds),
            period_mark=period_marks.get(student.pk),
        ))
    return JournalGrid(
        assignment=assignment, period=period, lessons=lessons, rows=rows, work_types=work_types, policy=policy
    )


def journal_cell(*, lesson: Lesson, student: Student) -> Cell:
    """One cell, re-read after a save (2 queries)."""
    kind, version = (
        AttendanceMark.objects.filter(lesson=lesson, student=student)
        .values_list("kind", "version").first() or ("", 0)
    )
    marks = [
        CellMark(wt_id, value, v, comment, short)
        for wt_id, value, v, comment, short in Mark.objects.filter(lesson=lesson, student=student)
        .order_by("work_type__order", "pk")
        .values_list("work_type_id", "value", "version", "comment", "work_type__short_name")
    ]
    return Cell(lesson=lesson, student_id=student.pk, attendance=kind, attendance_version=version, marks=marks)


def periods_for(assignment: TeachingAssignment) -> list[StudyPeriod]:
    """Quarters or half-years, as the year sets them for the class's grade."""
    scheme = assignment.year.scheme_for_grade(assignment.school_class.grade)
    return list(StudyPeriod.objects.filter(year_id=assignment.year_id, scheme=scheme).order_by("number"))


def lessons_of_teacher_on(*, school, user, day: date) -> list[Lesson]:
    """A teacher's lessons of a day: their own (not given away) and those they substitute."""
    return list(
        Lesson.objects.filter(school=school, date=day)
        .filter(Q(assignment__teacher=user, substitute_teacher__isnull=True) | Q(substitute_teacher=user))
        .select_related("assignment__school_class", "assignment__subgroup", "assignment__subject")
        .order_by("lesson_number")
    )
