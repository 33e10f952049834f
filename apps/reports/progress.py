"""Progress and quality (успеваемость и качество) of a period or the year, from the period
marks teachers set, or forecast from current marks (seed 002 sections 4 and 8).

A fixed number of queries for any school: assignments, the marks (period marks or current
marks aggregated in the database), the class rosters and the student names.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, Sum
from django.db.models.functions import Cast, ExtractMonth, ExtractYear

from apps.classes.models import TeachingAssignment
from apps.gradebook.grading import suggested_mark
from apps.gradebook.models import NUMERIC_MARKS, Mark, PeriodMark
from apps.reports.audit import Rosters
from apps.reports.periods import Span
from apps.reports.stats import FIVE, FOUR, NOT_ATTESTED, THREE, TWO, Tally, category
from apps.schedule.models import Lesson
from apps.school.models import AcademicYear
from apps.school.policy import Policy

SOURCE_MARKS, SOURCE_FORECAST = "marks", "forecast"


@dataclass
class Record:
    """One student's mark (set or forecast) in one subject."""

    student_id: int
    class_id: int
    subject: str
    teacher_id: int
    value: str
    average: Decimal | None = None


@dataclass
class StudentLine:
    student_id: int
    name: str
    class_id: int
    class_name: str
    marks: dict[str, str] = field(default_factory=dict)  # subject -> value
    averages: dict[str, Decimal | None] = field(default_factory=dict)
    category: str | None = None

    def subjects_with(self, values) -> list[str]:
        return sorted(s for s, v in self.marks.items() if v in values)


@dataclass
class Progress:
    span: Span
    source: str
    classes: list  # SchoolClass, ordered
    subjects: list[str]
    by_class: dict[int, Tally]
    by_grade: dict[int, Tally]
    by_subject: dict[str, Tally]
    by_teacher: dict[int, Tally]
    teachers: dict[int, str]
    school: Tally
    students: list[StudentLine]

    @property
    def excellent(self) -> list[StudentLine]:
        return [s for s in self.students if s.category == FIVE]

    @property
    def one_short(self) -> list[tuple[StudentLine, str, str]]:
        """Students one mark away from the next level: a single «4» or a single «3»."""
        found = []
        for s in self.students:
            if s.category == FOUR and len(s.subjects_with({"4"})) == 1:
                found.append((s, "4", s.subjects_with({"4"})[0]))
            elif s.category == THREE and len(s.subjects_with({"3"})) == 1:
                found.append((s, "3", s.subjects_with({"3"})[0]))
        return found

    @property
    def at_risk(self) -> list[StudentLine]:
        return [s for s in self.students if s.category in (TWO, NOT_ATTESTED)]


def _forecast_values(policy: Policy, totals: dict, rosters: Rosters, assignments, on: date) -> dict:
    """(assignment, student) -> (suggested mark or «н/а» without marks, average)."""
    values = {}
    for a in assignments:
        if not policy.marks_allowed_in_grade(a.school_class.grade):
            continue
        for student_id in rosters.students_of(a, on, on):
            total, weight = totals.get((a.pk, student_id), (None, None))
            if not weight:
                values[(a.pk, student_id)] = ("н/а", None)
                continue
            average = total / weight
            values[(a.pk, student_id)] = (suggested_mark(average, policy.thresholds), average)
    return values


def _current_mark_totals(year: AcademicYear, start: date, end: date, class_ids=None):
    """Σ(mark × weight) and Σ weight per (assignment, student), in the database."""
    qs = Mark.objects.filter(
        lesson__assignment__year=year,
        lesson__date__range=(start, end),
        value__in=NUMERIC_MARKS,
    ).exclude(lesson__status=Lesson.Status.CANCELLED)
    if class_ids is not None:
        qs = qs.filter(lesson__assignment__school_class_id__in=class_ids)
    return qs.values("lesson__assignment_id", "student_id").annotate(
        total=Sum(
            Cast("value", DecimalField(max_digits=2, decimal_places=0)) * F("work_type__weight")
        ),
        weight=Sum("work_type__weight"),
    )


def _grades_of(year: AcademicYear, span: Span) -> list[int]:
    """A quarter is studied by the grades on quarters, a half-year by those on half-years."""
    if span.period is None:
        return list(range(1, 12))
    return [g for g in range(1, 12) if year.scheme_for_grade(g) == span.period.scheme]


def progress(
    *,
    year: AcademicYear,
    span: Span,
    source: str,
    policy: Policy,
    today: date,
    class_ids: list[int] | None = None,
) -> Progress:
    assignments_qs = TeachingAssignment.objects.filter(
        year=year, school_class__grade__in=_grades_of(year, span)
    ).select_related("school_class__class_teacher", "subject", "teacher")
    if class_ids is not None:
        assignments_qs = assignments_qs.filter(school_class_id__in=class_ids)
    assignments = {a.pk: a for a in assignments_qs}
    classes = sorted(
        {a.school_class for a in assignments.values()}, key=lambda c: (c.grade, c.letter)
    )
    on = min(span.ends_on, max(today, span.starts_on))
    rosters = Rosters.load({c.pk for c in classes})

    pairs: dict[tuple[int, int], tuple[str, Decimal | None]] = {}
    if source == SOURCE_FORECAST:
        totals = {
            (row["lesson__assignment_id"], row["student_id"]): (row["total"], row["weight"])
            for row in _current_mark_totals(year, span.starts_on, on, class_ids)
        }
        pairs = _forecast_values(policy, totals, rosters, assignments.values(), on)
    else:
        marks = PeriodMark.objects.filter(assignment_id__in=assignments)
        marks = (
            marks.filter(kind=PeriodMark.Kind.YEAR)
            if span.is_year
            else marks.filter(kind=PeriodMark.Kind.PERIOD, period=span.period)
        )
        # A grade taught without marks has no period marks to count, even stray ones.
        pairs = {
            (a_id, s_id): (value, None)
            for a_id, s_id, value in marks.values_list("assignment_id", "student_id", "value")
            if policy.marks_allowed_in_grade(assignments[a_id].school_class.grade)
        }

    students: dict[tuple[int, int], StudentLine] = {}
    records: list[Record] = []
    for (a_id, student_id), (value, average) in pairs.items():
        a = assignments[a_id]
        line = students.setdefault(
            (student_id, a.school_class_id),
            StudentLine(
                student_id,
                rosters.names.get(student_id, ""),
                a.school_class_id,
                a.school_class.name,
            ),
        )
        subject = a.subject.name
        # Two subgroups of one subject: a student is in one; keep the mark that exists.
        line.marks[subject] = value
        line.averages[subject] = average
        records.append(Record(student_id, a.school_class_id, subject, a.teacher_id, value, average))

    by_class: dict[int, Tally] = defaultdict(Tally)
    by_grade: dict[int, Tally] = defaultdict(Tally)
    school = Tally()
    grade_of = {c.pk: c.grade for c in classes}
    for line in sorted(students.values(), key=lambda s: s.name):
        marks = list(line.marks.values())
        line.category = category(marks)
        by_class[line.class_id].add_student(marks)
        by_grade[grade_of[line.class_id]].add_student(marks)
        school.add_student(marks)
    by_subject: dict[str, Tally] = defaultdict(Tally)
    by_teacher: dict[int, Tally] = defaultdict(Tally)
    for r in records:
        by_subject[r.subject].add_student([r.value])
        by_teacher[r.teacher_id].add_student([r.value])
    teachers = {a.teacher_id: a.teacher.full_name for a in assignments.values()}
    subject_order = sorted({(a.subject.order, a.subject.name) for a in assignments.values()})
    return Progress(
        span=span,
        source=source,
        classes=classes,
        subjects=[name for _o, name in subject_order],
        by_class=dict(by_class),
        by_grade=dict(by_grade),
        by_subject=dict(by_subject),
        by_teacher=dict(by_teacher),
        teachers=teachers,
        school=school,
        students=sorted(
            students.values(), key=lambda s: (grade_of[s.class_id], s.class_name, s.name)
        ),
    )


def progress_by_month(
    *,
    year: AcademicYear,
    span: Span,
    policy: Policy,
    today: date,
    class_ids: list[int] | None = None,
) -> list[tuple[date, Tally]]:
    """The trend: quality and success by month, forecast from each month's current marks."""
    qs = Mark.objects.filter(
        lesson__assignment__year=year,
        lesson__date__range=(span.starts_on, min(span.ends_on, today)),
        value__in=NUMERIC_MARKS,
        lesson__assignment__school_class__grade__in=_grades_of(year, span),
    ).exclude(lesson__status=Lesson.Status.CANCELLED)
    if class_ids is not None:
        qs = qs.filter(lesson__assignment__school_class_id__in=class_ids)
    rows = (
        qs.annotate(y=ExtractYear("lesson__date"), m=ExtractMonth("lesson__date"))
        .values("y", "m", "lesson__assignment_id", "student_id")
        .annotate(
            total=Sum(
                Cast("value", DecimalField(max_digits=2, decimal_places=0)) * F("work_type__weight")
            ),
            weight=Sum("work_type__weight"),
        )
        .values_list("y", "m", "student_id", "total", "weight")
    )
    per_month: dict[date, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    thresholds = policy.thresholds
    for y, m, student_id, total, weight in rows:
        per_month[date(y, m, 1)][student_id].append(suggested_mark(total / weight, thresholds))
    trend = []
    for month in sorted(per_month):
        tally = Tally()
        for marks in per_month[month].values():
            tally.add_student(marks)
        trend.append((month, tally))
    return trend
