"""Reads of the class journal. Each selector owns its queries; the count does not grow
with the number of students or lessons (locked by tests/journal/test_query_counts.py)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from apps.attendance.models import AttendanceMark
from apps.classes.models import TeachingAssignment
from apps.gradebook.grading import Grading, grade
from apps.gradebook.locks import covering_locks
from apps.gradebook.models import (
    NUMERIC_MARKS,
    Mark,
    PeriodLock,
    PeriodMark,
    PeriodUnlockGrant,
    WorkType,
)
from apps.homework.models import Homework
from apps.schedule.models import Lesson
from apps.school import clock
from apps.school.models import StudyPeriod
from apps.school.policy import Policy, school_policy
from apps.students.models import Student
from apps.students.selectors import roster_of

# Grades that sit the state final attestation (ГИА): exam and final marks in the journal.
GRADUATING_GRADES = frozenset({9, 11})


@dataclass(slots=True)
class CellMark:
    work_type_id: int
    value: str
    version: int
    comment: str = ""
    short: str = ""


@dataclass(slots=True)
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
        parts = [f"a:{self.attendance_version}"] + [
            f"m{m.work_type_id}:{m.version}" for m in self.marks
        ]
        return ";".join(parts)


def parse_token(token: str) -> dict[str, int]:
    seen = {}
    for part in (token or "").split(";"):
        key, _sep, version = part.partition(":")
        if key and version.isdigit():
            seen[key] = int(version)
    return seen


@dataclass
class FinalCell:
    """A period, year, exam or final mark of one student, with what the system suggests."""

    kind: str
    period_id: int | None
    mark: PeriodMark | None
    average: Decimal | None = None
    suggested: str | None = None

    @property
    def version(self) -> int:
        return self.mark.version if self.mark else 0

    @property
    def disagrees(self) -> bool:
        """A set mark that differs from the suggested one is flagged (SPEC §3)."""
        m = self.mark
        return bool(m and self.suggested and m.value in NUMERIC_MARKS and m.value != self.suggested)


@dataclass(frozen=True)
class FinalColumn:
    kind: str
    label: str
    title: str
    period_id: int | None = None


@dataclass
class Row:
    student: Student
    cells: list[Cell]
    grading: Grading
    finals: list[FinalCell] = field(default_factory=list)

    @property
    def period_mark(self) -> PeriodMark | None:
        return self.finals[0].mark if self.finals else None

    @property
    def disagrees(self) -> bool:
        return bool(self.finals and self.finals[0].disagrees)


@dataclass
class JournalGrid:
    assignment: TeachingAssignment
    period: StudyPeriod
    lessons: list[Lesson]
    rows: list[Row]
    work_types: list[WorkType]
    policy: Policy
    final_columns: list[FinalColumn] = field(default_factory=list)
    locked: bool = False  # this period is locked for the user
    finals_locked: bool = False  # the year's last period is locked: year, exam, final too
    unlocked_until: datetime | None = None  # a grant lets the user correct the locked period

    @property
    def marks_allowed(self) -> bool:
        return self.policy.marks_allowed_in_grade(self.assignment.school_class.grade)

    @property
    def work_type_names(self) -> dict[int, str]:
        return {wt.pk: wt.name for wt in self.work_types}


def _enrolled_on(spans: list[tuple[date, date | None]], day: date) -> bool:
    return any(start <= day and (end is None or end >= day) for start, end in spans)


def final_columns(
    assignment: TeachingAssignment, period: StudyPeriod, periods: list[StudyPeriod]
) -> list[FinalColumn]:
    """The attestation columns of the grid: the period's mark; after the year's last period
    also the year mark, and in the graduating grades 9 and 11 the exam and final marks."""
    columns = [FinalColumn(PeriodMark.Kind.PERIOD, period.name, _("Отметка за период"), period.pk)]
    if periods and period.pk == periods[-1].pk:
        columns.append(FinalColumn(PeriodMark.Kind.YEAR, _("Год"), _("Годовая отметка")))
        if assignment.school_class.grade in GRADUATING_GRADES:
            columns.append(
                FinalColumn(PeriodMark.Kind.EXAM, _("Экз."), _("Экзаменационная отметка"))
            )
            columns.append(FinalColumn(PeriodMark.Kind.FINAL, _("Итог"), _("Итоговая отметка")))
    return columns


def _attestation_columns(policy, assignment, period, periods) -> list[FinalColumn]:
    """No period, year or final marks where the grade is taught without marks (grade 1)."""
    if not policy.marks_allowed_in_grade(assignment.school_class.grade):
        return []
    return final_columns(assignment, period, periods)


def _mean_suggestion(values: list[str], thresholds) -> tuple[Decimal | None, str | None]:
    """Average of numeric attestation marks and the mark it suggests (year and final marks)."""
    g = grade([(v, Decimal(1)) for v in values], thresholds)
    return g.average, g.suggested


def row_finals(
    columns: list[FinalColumn],
    grading: Grading,
    marks: dict[tuple[str, int | None], PeriodMark],
    thresholds,
) -> list[FinalCell]:
    """One student's attestation cells: the period suggestion comes from the weighted average
    of its marks, the year one from the period marks, the final one from year and exam."""
    period_values = [m.value for (kind, _pid), m in marks.items() if kind == PeriodMark.Kind.PERIOD]
    cells = []
    for col in columns:
        mark = marks.get((col.kind, col.period_id))
        if col.kind == PeriodMark.Kind.PERIOD:
            cells.append(
                FinalCell(col.kind, col.period_id, mark, grading.average, grading.suggested)
            )
        elif col.kind == PeriodMark.Kind.YEAR:
            cells.append(
                FinalCell(col.kind, None, mark, *_mean_suggestion(period_values, thresholds))
            )
        elif col.kind == PeriodMark.Kind.FINAL:
            basis = [
                m.value
                for k in (PeriodMark.Kind.YEAR, PeriodMark.Kind.EXAM)
                if (m := marks.get((k, None)))
            ]
            cells.append(FinalCell(col.kind, None, mark, *_mean_suggestion(basis, thresholds)))
        else:
            cells.append(FinalCell(col.kind, None, mark))
    return cells


def _lock_state(period: StudyPeriod, last_period: StudyPeriod | None):
    """(period locked for the user, last period locked, grant end), from periods_for's annotations."""

    def locked(p):
        return (
            p is not None
            and getattr(p, "is_locked", False)
            and getattr(p, "grant_until", None) is None
        )

    return (
        locked(period),
        locked(last_period),
        # A grant outlives a reopened period; it only matters (and is only shown) while locked.
        getattr(period, "grant_until", None)
        if period is not None and getattr(period, "is_locked", False)
        else None,
    )


@dataclass
class _Facts:
    students: list[Student]
    spans: dict[int, list[tuple[date, date | None]]]
    marks: dict[tuple[int, int], list[CellMark]]
    weighted: dict[int, list[tuple[str, Decimal]]]
    attendance: dict[tuple[int, int], tuple[str, int]]


def _facts(assignment: TeachingAssignment, lessons: Q, span: tuple[date, date]) -> _Facts:
    """Who is in the journal over `span`, and the marks and absences of the `lessons` (3 queries)."""
    enrolments = roster_of(assignment, span).select_related("student")
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    students: dict[int, Student] = {}
    for e in enrolments:
        spans[e.student_id].append((e.starts_on, e.ends_on))
        students[e.student_id] = e.student
    marks: dict[tuple[int, int], list[CellMark]] = defaultdict(list)
    weighted: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for lesson_id, student_id, wt_id, value, version, comment, weight, short in (
        Mark.objects.filter(lessons)
        .order_by("work_type__order", "pk")
        .values_list(
            "lesson_id",
            "student_id",
            "work_type_id",
            "value",
            "version",
            "comment",
            "work_type__weight",
            "work_type__short_name",
        )
    ):
        marks[(lesson_id, student_id)].append(CellMark(wt_id, value, version, comment, short))
        weighted[student_id].append((value, weight))
    attendance = {
        (lesson_id, student_id): (kind, version)
        for lesson_id, student_id, kind, version in AttendanceMark.objects.filter(
            lessons
        ).values_list("lesson_id", "student_id", "kind", "version")
    }
    ordered = sorted(students.values(), key=lambda s: (s.last_name, s.first_name, s.patronymic))
    return _Facts(ordered, spans, marks, weighted, attendance)


def _cells(facts: _Facts, student: Student, lessons: list[Lesson]) -> list[Cell]:
    spans = facts.spans[student.pk]
    whole = (
        len(spans) == 1
        and spans[0][0] <= lessons[0].date
        and (spans[0][1] is None or spans[0][1] >= lessons[-1].date)
        if lessons
        else True
    )
    attendance, marks, pk = facts.attendance, facts.marks, student.pk
    cells = []
    for lesson in lessons:
        key = (lesson.pk, pk)
        kind, att_version = attendance.get(key, ("", 0))
        cells.append(
            Cell(
                lesson,
                pk,
                whole or _enrolled_on(spans, lesson.date),
                kind,
                att_version,
                marks.get(key, []),
            )
        )
    return cells


def grid_lessons(**filters) -> list[Lesson]:
    return list(
        Lesson.objects.filter(**filters)
        .annotate(has_homework=Exists(Homework.objects.filter(lesson=OuterRef("pk"))))
        .select_related("substitute_teacher")
        .order_by("date", "lesson_number")
    )


def journal_grid(
    *,
    assignment: TeachingAssignment,
    period: StudyPeriod,
    user=None,
    periods: list[StudyPeriod] | None = None,
) -> JournalGrid:
    """The journal page of one assignment for one period: 7 queries whatever its size
    (8 when `periods` is not given).

    Rows are everyone in the class (or subgroup) at some time in the period; a cell
    exists only on the dates the student was enrolled (enrolled from November: no
    cells before). `assignment` must come with school_class, year and school loaded;
    `periods` are the scheme's periods as periods_for(assignment, user=user) gives them,
    with the lock state for `user`.
    """
    if periods is None or (user is not None and not all(hasattr(p, "is_locked") for p in periods)):
        periods = periods_for(assignment, user=user)
        period = next((p for p in periods if p.pk == period.pk), period)
    span = (period.starts_on, period.ends_on)
    lessons = grid_lessons(assignment=assignment, date__range=span)
    facts = _facts(assignment, Q(lesson__assignment=assignment, lesson__date__range=span), span)
    attestation: dict[int, dict[tuple[str, int | None], PeriodMark]] = defaultdict(dict)
    for pm in PeriodMark.objects.filter(assignment=assignment):
        attestation[pm.student_id][(pm.kind, pm.period_id)] = pm
    work_types = list(WorkType.objects.filter(school_id=assignment.school_id, is_active=True))
    policy = school_policy(assignment.school)
    columns = _attestation_columns(policy, assignment, period, periods)
    locked, finals_locked, unlocked_until = _lock_state(period, periods[-1] if periods else None)
    rows = []
    for student in facts.students:
        grading = grade(facts.weighted.get(student.pk, []), policy.thresholds)
        rows.append(
            Row(
                student=student,
                cells=_cells(facts, student, lessons),
                grading=grading,
                finals=row_finals(
                    columns, grading, attestation.get(student.pk, {}), policy.thresholds
                ),
            )
        )
    return JournalGrid(
        assignment=assignment,
        period=period,
        lessons=lessons,
        rows=rows,
        work_types=work_types,
        policy=policy,
        final_columns=columns,
        locked=locked,
        finals_locked=finals_locked,
        unlocked_until=unlocked_until,
    )


def lesson_grid(*, lesson: Lesson, user=None) -> JournalGrid:
    """One lesson's column of the journal, for the lesson page (the substitute fills it
    there): the students on the lesson date, their marks and absences. 7 queries."""
    assignment = lesson.assignment
    lessons = grid_lessons(pk=lesson.pk)
    facts = _facts(assignment, Q(lesson_id=lesson.pk), (lesson.date, lesson.date))
    work_types = list(WorkType.objects.filter(school_id=assignment.school_id, is_active=True))
    policy = school_policy(assignment.school)
    locked = (
        user is not None
        and covering_locks(
            user=user, year=assignment.year, grade=assignment.school_class.grade, day=lesson.date
        ).exists()
    )
    rows = [
        Row(student=s, cells=_cells(facts, s, lessons), grading=grade([], policy.thresholds))
        for s in facts.students
    ]
    return JournalGrid(
        assignment=assignment,
        period=None,
        lessons=lessons,
        rows=rows,
        work_types=work_types,
        policy=policy,
        locked=locked,
    )


def journal_row(
    *,
    assignment: TeachingAssignment,
    period: StudyPeriod,
    student: Student,
    periods: list[StudyPeriod],
) -> Row:
    """One student's attestation cells, re-read after a period-mark save (3 queries)."""
    policy = school_policy(assignment.school)
    marks = Mark.objects.filter(
        lesson__assignment=assignment,
        lesson__date__range=(period.starts_on, period.ends_on),
        student=student,
    ).values_list("value", "work_type__weight")
    grading = grade(marks, policy.thresholds)
    attestation = {
        (pm.kind, pm.period_id): pm
        for pm in PeriodMark.objects.filter(assignment=assignment, student=student)
    }
    columns = _attestation_columns(policy, assignment, period, periods)
    return Row(
        student=student,
        cells=[],
        grading=grading,
        finals=row_finals(columns, grading, attestation, policy.thresholds),
    )


def journal_cell(*, lesson: Lesson, student: Student) -> Cell:
    """One cell, re-read after a save (2 queries)."""
    kind, version = AttendanceMark.objects.filter(lesson=lesson, student=student).values_list(
        "kind", "version"
    ).first() or ("", 0)
    marks = [
        CellMark(wt_id, value, v, comment, short)
        for wt_id, value, v, comment, short in Mark.objects.filter(lesson=lesson, student=student)
        .order_by("work_type__order", "pk")
        .values_list("work_type_id", "value", "version", "comment", "work_type__short_name")
    ]
    return Cell(
        lesson=lesson,
        student_id=student.pk,
        attendance=kind,
        attendance_version=version,
        marks=marks,
    )


def periods_for(assignment: TeachingAssignment, user=None) -> list[StudyPeriod]:
    """Quarters or half-years, as the year sets them for the class's grade (one query).

    Each period carries `is_locked` and, for `user`, `grant_until` (the end of a valid
    unlock grant, or None): the lock state the grid shows and honours.
    """
    scheme = assignment.year.scheme_for_grade(assignment.school_class.grade)
    grant = (
        PeriodUnlockGrant.objects.filter(
            content_object=OuterRef("pk"),
            user_id=getattr(user, "pk", None),
            expires_at__gt=clock.now(),
        )
        .order_by("-expires_at")
        .values("expires_at")[:1]
    )
    return list(
        StudyPeriod.objects.filter(year_id=assignment.year_id, scheme=scheme)
        .annotate(
            is_locked=Exists(PeriodLock.objects.filter(period=OuterRef("pk"))),
            grant_until=Subquery(grant),
        )
        .order_by("number")
    )


def lessons_of_teacher_on(*, school, user, day: date) -> list[Lesson]:
    """A teacher's day: their own lessons (also those given to a substitute, flagged by
    `substitute_teacher`) and the lessons they substitute, with what is filled in."""
    return list(
        Lesson.objects.filter(school=school, date=day)
        .filter(Q(assignment__teacher=user) | Q(substitute_teacher=user))
        .annotate(has_homework=Exists(Homework.objects.filter(lesson=OuterRef("pk"))))
        .select_related(
            "assignment__school_class",
            "assignment__subgroup",
            "assignment__subject",
            "assignment__teacher",
            "substitute_teacher",
        )
        .order_by("lesson_number", "starts_at")
    )


@dataclass
class SubjectCell:
    average: Decimal | None = None
    suggested: str | None = None
    mark: str = ""
    count: int = 0


@dataclass
class ClassSummary:
    """The whole class journal of a period in one table (the class teacher reads it)."""

    school_class: object
    period: StudyPeriod | None
    assignments: list[TeachingAssignment]
    rows: list[tuple[Student, list[SubjectCell | None]]]
    policy: Policy


def class_summary(*, school_class, period: StudyPeriod) -> ClassSummary:
    """Students × subjects: weighted average, suggested and set period mark, number of marks.

    A cell is None where the student does not study that subject (another subgroup).
    Six queries whatever the size of the class.
    """
    assignments = list(
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "subgroup", "teacher")
        .order_by("subject__order", "subject__name", "subgroup__name")
    )
    enrolments = roster_of(school_class, (period.starts_on, period.ends_on)).select_related(
        "student"
    )
    students = {e.student_id: e.student for e in enrolments}
    members = defaultdict(set)
    subgroup_ids = {a.subgroup_id for a in assignments if a.subgroup_id}
    if subgroup_ids:
        for subgroup_id, student_id in Student.subgroups.through.objects.filter(
            subgroup_id__in=subgroup_ids
        ).values_list("subgroup_id", "student_id"):
            members[subgroup_id].add(student_id)
    weighted: dict[tuple[int, int], list[tuple[str, Decimal]]] = defaultdict(list)
    for assignment_id, student_id, value, weight in Mark.objects.filter(
        lesson__assignment__school_class=school_class,
        lesson__date__range=(period.starts_on, period.ends_on),
    ).values_list("lesson__assignment_id", "student_id", "value", "work_type__weight"):
        weighted[(assignment_id, student_id)].append((value, weight))
    set_marks = dict(
        ((a, st), v)
        for a, st, v in PeriodMark.objects.filter(
            assignment__school_class=school_class, kind=PeriodMark.Kind.PERIOD, period=period
        ).values_list("assignment_id", "student_id", "value")
    )
    policy = school_policy(school_class.school)
    rows = []
    for student in sorted(
        students.values(), key=lambda s: (s.last_name, s.first_name, s.patronymic)
    ):
        cells = []
        for a in assignments:
            if a.subgroup_id and student.pk not in members[a.subgroup_id]:
                cells.append(None)
                continue
            marks = weighted.get((a.pk, student.pk), [])
            g = grade(marks, policy.thresholds)
            cells.append(
                SubjectCell(
                    g.average, g.suggested, set_marks.get((a.pk, student.pk), ""), len(marks)
                )
            )
        rows.append((student, cells))
    return ClassSummary(
        school_class=school_class, period=period, assignments=assignments, rows=rows, policy=policy
    )


@dataclass
class LockRow:
    period: StudyPeriod
    lock: PeriodLock | None
    grants: list[PeriodUnlockGrant]


def lock_overview(*, year) -> list[LockRow]:
    """The year's periods with their lock and every unlock grant ever given (three queries)."""
    periods = list(StudyPeriod.objects.filter(year=year).order_by("scheme", "number"))
    locks = {
        lk.period_id: lk
        for lk in PeriodLock.objects.filter(period__year=year).select_related("locked_by")
    }
    grants = defaultdict(list)
    for g in (
        PeriodUnlockGrant.objects.filter(content_object__year=year)
        .select_related("user", "granted_by")
        .order_by("-granted_at")
    ):
        grants[g.content_object_id].append(g)
    return [LockRow(p, locks.get(p.pk), grants.get(p.pk, [])) for p in periods]


@dataclass
class LockPreview:
    """What closing a period does, told to the deputy before it is done."""

    period: StudyPeriod
    has_ended: bool
    days_left: int
    lessons_ahead: int
    has_started: bool = True


def period_lock_preview(*, period: StudyPeriod, today: date) -> LockPreview:
    """Lessons of the period's classes still ahead of `today` (one query): closing a running
    period locks them all before they are held."""
    year = period.year
    grades_in_scheme = Q(assignment__school_class__grade__in=year.half_year_grades)
    lessons = Lesson.objects.filter(
        assignment__year_id=period.year_id, date__gt=today, date__lte=period.ends_on
    ).exclude(status=Lesson.Status.CANCELLED)
    lessons = (
        lessons.filter(grades_in_scheme)
        if period.scheme == StudyPeriod.Scheme.HALF
        else lessons.exclude(grades_in_scheme)
    )
    return LockPreview(
        period=period,
        has_ended=period.ends_on < today,
        days_left=max(0, (period.ends_on - today).days),
        lessons_ahead=lessons.count(),
        has_started=period.starts_on <= today,
    )
