"""The class attendance register (реестр посещаемости, seed 004 item 9): the class teacher
sees each day's absences at every lesson, with reasons, and the totals per day and per
student for a month. Four queries whatever the size of the class or the month."""

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from apps.attendance.models import AttendanceKind, AttendanceMark
from apps.schedule.models import Lesson
from apps.students.models import Student
from apps.students.selectors import roster_of

KINDS = [k for k, _label in AttendanceKind.choices]
# Lessons missed: late arrivals (оп) are shown but not counted as missed lessons.
MISSED = frozenset({AttendanceKind.ABSENT, AttendanceKind.ILL, AttendanceKind.EXCUSED})


@dataclass
class DayCell:
    kinds: Counter = field(default_factory=Counter)
    enrolled: bool = True

    @property
    def missed(self) -> int:
        return sum(n for k, n in self.kinds.items() if k in MISSED)

    @property
    def items(self) -> list[tuple[str, int]]:
        """(reason, lessons) of the day in the order н, б, уп, оп."""
        return [(k, self.kinds[k]) for k in KINDS if self.kinds.get(k)]


@dataclass
class RegisterRow:
    student: Student
    days: list[DayCell]
    totals: Counter

    @property
    def missed(self) -> int:
        return sum(n for k, n in self.totals.items() if k in MISSED)


@dataclass
class DayLesson:
    lesson: Lesson
    absences: list[tuple[Student, str]]


@dataclass
class AttendanceRegister:
    school_class: object
    month: date
    days: list[date]  # school days of the month that had lessons
    rows: list[RegisterRow]
    day_totals: list[int]  # lessons missed per day by the class
    kind_totals: Counter
    not_taken: list[Lesson]  # held or past lessons where attendance was not taken
    day: date | None = None
    day_lessons: list[DayLesson] = field(default_factory=list)

    @property
    def missed(self) -> int:
        return sum(self.day_totals)


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def attendance_register(
    *, school_class, month: date, now: datetime, day: date | None = None
) -> AttendanceRegister:
    """The month's register of a class up to now (in the school's time); with `day`, each
    lesson of that day and who missed it."""
    today, clock = now.date(), now.time()
    first, last = month_bounds(month)
    last = min(last, today) if first <= today else last
    lessons = list(
        Lesson.objects.filter(assignment__school_class=school_class, date__range=(first, last))
        .exclude(status=Lesson.Status.CANCELLED)
        .select_related("assignment__subject", "assignment__subgroup")
        .order_by("date", "lesson_number")
    )
    days = sorted({lesson.date for lesson in lessons})
    enrolments = roster_of(school_class, (first, last)).select_related("student")
    spans, students = defaultdict(list), {}
    for e in enrolments:
        spans[e.student_id].append((e.starts_on, e.ends_on))
        students[e.student_id] = e.student
    marks = (
        list(
            AttendanceMark.objects.filter(lesson__in=[lesson.pk for lesson in lessons]).values_list(
                "lesson_id", "student_id", "kind"
            )
        )
        if lessons
        else []
    )
    by_lesson = {lesson.pk: lesson for lesson in lessons}
    per_day: dict[tuple[int, date], Counter] = defaultdict(Counter)
    for lesson_id, student_id, kind in marks:
        per_day[(student_id, by_lesson[lesson_id].date)][kind] += 1

    rows, day_totals, kind_totals = [], [0] * len(days), Counter()
    for student in sorted(
        students.values(), key=lambda s: (s.last_name, s.first_name, s.patronymic)
    ):
        cells, totals = [], Counter()
        for i, d in enumerate(days):
            enrolled = any(s <= d and (e is None or e >= d) for s, e in spans[student.pk])
            cell = DayCell(kinds=per_day.get((student.pk, d), Counter()), enrolled=enrolled)
            cells.append(cell)
            totals.update(cell.kinds)
            day_totals[i] += cell.missed
        kind_totals.update(totals)
        rows.append(RegisterRow(student=student, days=cells, totals=totals))

    not_taken = [
        lesson
        for lesson in lessons
        if lesson.attendance_taken_at is None
        and (lesson.date < today or (lesson.starts_at is not None and lesson.starts_at <= clock))
    ]
    register = AttendanceRegister(
        school_class=school_class,
        month=first,
        days=days,
        rows=rows,
        day_totals=day_totals,
        kind_totals=kind_totals,
        not_taken=not_taken,
        day=day,
    )
    if day is not None:
        absent = defaultdict(list)
        for lesson_id, student_id, kind in marks:
            if by_lesson[lesson_id].date == day and student_id in students:
                absent[lesson_id].append((students[student_id], kind))
        register.day_lessons = [
            DayLesson(lesson, sorted(absent.get(lesson.pk, []), key=lambda p: p[0].last_name))
            for lesson in lessons
            if lesson.date == day
        ]
    return register


def absent_now(*, class_students: dict[int, list[int]], day: date, now: datetime) -> set[int]:
    """Students who are away at `now` on `day`, by the attendance taken so far (2 queries).

    A student is away when the latest lesson of the day that saw them — a whole-class
    lesson whose attendance was taken by `now`, or any lesson where they have a mark —
    records them absent (н, б, уп). Nobody is away before the first attendance is taken.
    """
    lessons = {
        pk: (number, class_id, subgroup_id)
        for pk, number, class_id, subgroup_id in Lesson.objects.filter(
            assignment__school_class_id__in=list(class_students),
            date=day,
            attendance_taken_at__lte=now,
        )
        .exclude(status=Lesson.Status.CANCELLED)
        .values_list(
            "pk", "lesson_number", "assignment__school_class_id", "assignment__subgroup_id"
        )
    }
    if not lessons:
        return set()
    marks = {
        (lesson_id, student_id): kind
        for lesson_id, student_id, kind in AttendanceMark.objects.filter(
            lesson_id__in=list(lessons)
        ).values_list("lesson_id", "student_id", "kind")
    }
    marked = {}
    for (lesson_id, student_id), kind in marks.items():
        marked.setdefault(student_id, []).append((lessons[lesson_id][0], kind))
    away = set()
    for class_id, student_ids in class_students.items():
        whole = [n for n, cid, sub in lessons.values() if cid == class_id and sub is None]
        for student_id in student_ids:
            seen = [(n, "") for n in whole] + marked.get(student_id, [])
            if not seen:
                continue
            latest = max(n for n, _kind in seen)
            kinds = {k for n, k in seen if n == latest and k}
            if kinds & MISSED:
                away.add(student_id)
    return away
