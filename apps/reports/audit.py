"""The journal audit rules (контроль ведения журнала, seed 004 item 7.3; SPEC §6).

`load_facts` reads one school's journal over a date range in a fixed number of queries
(about a dozen, whatever the size of the school); each rule is a function over those facts
(`LESSON_RULES`, `marks_late`, `PERIOD_RULES`), and `compute_audit` applies them, per
teacher × class × subject. What the deputy checks:

- lessons held without a topic; without attendance; attendance entered later than the
  school's limit after the bell (seed 004 item 8);
- marks entered later than the deadline of their work type (seed 004 items 10–12);
  period and year marks entered later than N working days after the period, or missing
  (item 13);
- marks per student (наполняемость) and students with too few marks to be attested;
- КТП hours planned to date against lessons held (item 14);
- homework missing, set later than an hour after the class's last lesson (seed 003 item
  2.2), and the class's daily homework load against the norm for the grade (СанПиН
  1.2.3685-21 table 6.6);
- substituted and cancelled (missed) lessons.

Every deadline comes from apps/school/policy.py in the school's own time zone. A rule
counts a lesson only once its deadline has passed at the audit moment `as_of`.
A lesson that was not cancelled is taken as held: the timetable says it took place.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.classes.models import Subgroup, TeachingAssignment
from apps.gradebook.models import Mark, PeriodMark
from apps.schedule.models import Lesson
from apps.schedule.selectors import ktp_progress
from apps.school.models import AcademicYear, School, StudyPeriod
from apps.school.policy import (
    Policy,
    attendance_deadline,
    end_of_day,
    homework_deadline,
    ktp_deadline,
    mark_deadline,
    period_mark_deadline,
    public_days_off,
    school_policy,
)
from apps.students.models import Enrollment


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    short: str
    help: str


# The counted rules, in the order every page, file and message shows them.
RULES: tuple[Rule, ...] = (
    Rule(
        "no_topic",
        _("Уроки без темы"),
        _("Без темы"),
        _("Проведённый урок без записанной темы к концу дня урока."),
    ),
    Rule(
        "no_attendance",
        _("Уроки без посещаемости"),
        _("Без посещ."),
        _("Посещаемость не отмечена (ни отсутствующих, ни «все присутствуют»)."),
    ),
    Rule(
        "attendance_late",
        _("Посещаемость позже срока"),
        _("Посещ. поздно"),
        _("Отмечена позже установленного числа минут от начала урока."),
    ),
    Rule(
        "marks_late",
        _("Отметки позже срока"),
        _("Отм. поздно"),
        _("Позже срока вида работы по правилам школы."),
    ),
    Rule(
        "period_marks_late",
        _("Итоговые отметки позже срока"),
        _("Итог. поздно"),
        _("Позже %(period_days)s рабочих дней после окончания периода."),
    ),
    Rule(
        "period_marks_missing",
        _("Итоговые отметки не выставлены"),
        _("Итог. нет"),
        _("Срок прошёл, а отметки за период нет."),
    ),
    Rule(
        "few_marks",
        _("Мало отметок для аттестации"),
        _("Мало отм."),
        _("Обучающиеся, у которых за закончившийся период отметок меньше порога школы."),
    ),
    Rule(
        "homework_missing",
        _("Уроки без домашнего задания"),
        _("Без д/з"),
        _("Домашнее задание не записано."),
    ),
    Rule(
        "homework_late",
        _("Домашнее задание позже срока"),
        _("Д/з поздно"),
        _("Записано позже часа после последнего урока класса в этот день."),
    ),
)
RULE_KEYS = tuple(r.key for r in RULES)


def rules_for(policy: Policy) -> tuple[Rule, ...]:
    """The rules with their help in the school's own terms: its deadlines, and which days
    count as working days («Правила школы»)."""
    helps = {
        "attendance_late": _("Отмечена позже %(n)s мин. от начала урока.")
        % {"n": policy.attendance_minutes},
        "marks_late": policy.marks_deadlines_label,
        "period_marks_late": _("Позже %(n)s-го рабочего дня после окончания периода. %(days)s")
        % {"n": policy.period_mark_working_days, "days": policy.working_days_label},
        "homework_late": _("Записано позже %(n)s ч после последнего урока класса в этот день.")
        % {"n": policy.homework_hours_after_last_lesson},
    }
    return tuple(replace(r, help=helps.get(r.key, r.help)) for r in RULES)


TENTHS = Decimal("0.1")


def _ref(lesson: dict) -> dict:
    return {
        "lesson": lesson["id"],
        "date": lesson["date"].isoformat(),
        "n": lesson["lesson_number"],
    }


def _local(moment: datetime, school: School) -> str:
    return moment.astimezone(school.tz).strftime("%d.%m.%Y %H:%M")


@dataclass
class LineResult:
    """What the audit found for one teacher × assignment."""

    assignment: TeachingAssignment
    teacher_id: int
    teacher_name: str
    substitute: bool = False
    lessons: int = 0
    marks: int = 0
    students: int = 0
    marks_per_student: Decimal | None = None
    ktp_planned: int = 0
    ktp_held: int = 0
    ktp_missing: bool = False
    substituted: int = 0
    cancelled: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RULE_KEYS, 0))
    details: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def add(self, rule: str, detail: dict) -> None:
        self.counts[rule] += 1
        self.details[rule].append(detail)

    @property
    def issues(self) -> int:
        return sum(self.counts.values()) + (1 if self.ktp_missing else 0)


@dataclass
class ClassLoad:
    """Homework minutes a class has to do for a day, against the norm for its grade."""

    school_class_id: int
    day: date
    minutes: int
    norm: int


@dataclass
class AuditResult:
    school: School
    year: AcademicYear
    starts_on: date
    ends_on: date
    as_of: datetime
    policy: Policy
    lines: list[LineResult]
    overload: list[ClassLoad]
    assignments: dict[int, TeachingAssignment]


def _enrolled(spans: list[tuple[date, date | None]], start: date, end: date) -> bool:
    return any(s <= end and (e is None or e >= start) for s, e in spans)


class Rosters:
    """Who was in which class (with dates) and in which subgroup: two queries."""

    def __init__(self, spans, members, names):
        self.spans, self.members, self.names = spans, members, names

    @classmethod
    def load(cls, class_ids) -> "Rosters":
        spans: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        names: dict[int, str] = {}
        for e in Enrollment.objects.filter(school_class_id__in=class_ids).values(
            "school_class_id",
            "student_id",
            "starts_on",
            "ends_on",
            "student__last_name",
            "student__first_name",
            "student__patronymic",
        ):
            spans[e["school_class_id"]][e["student_id"]].append((e["starts_on"], e["ends_on"]))
            names[e["student_id"]] = " ".join(
                p
                for p in (
                    e["student__last_name"],
                    e["student__first_name"],
                    e["student__patronymic"],
                )
                if p
            )
        members: dict[int, set[int]] = defaultdict(set)
        for subgroup_id, student_id in Subgroup.members.through.objects.filter(
            subgroup__school_class_id__in=class_ids
        ).values_list("subgroup_id", "student_id"):
            members[subgroup_id].add(student_id)
        return cls(spans, members, names)

    def students_of(self, a: TeachingAssignment, start: date, end: date) -> list[int]:
        """Students of the assignment's class (and subgroup) at some day of [start, end]."""
        found = [s for s, sp in self.spans[a.school_class_id].items() if _enrolled(sp, start, end)]
        if a.subgroup_id:
            found = [s for s in found if s in self.members[a.subgroup_id]]
        return found


# --- the facts every rule reads, loaded once -------------------------------------------------


@dataclass
class AuditFacts:
    """Everything the rules read, loaded in a fixed number of queries (`load_facts`)."""

    school: School
    year: AcademicYear
    starts_on: date
    ends_on: date
    as_of: datetime
    today: date
    policy: Policy
    assignments: dict[int, TeachingAssignment]
    lessons: list[dict]  # the range's lessons, in date order, with their homework
    marks: list[tuple]  # the range's marks (see `_MARK_FIELDS`), in journal order
    rosters: "Rosters"
    substitutes: dict[int, str]  # substitute teacher id -> name
    last_end: dict[tuple[int, date], time]  # (class, day) -> the end of its last lesson
    ended: list[StudyPeriod]  # periods judged for attestation
    counts_in_period: dict[int, tuple[dict, dict]]  # period id -> (marks per (a, s), lessons per a)
    period_marks_due: list[tuple]  # (scheme, period or None for the year, kind, end, deadline)
    period_marks: dict[tuple, datetime]  # (assignment, kind, period, student) -> entered_at
    ktp: dict  # assignment id -> КТП progress
    ktp_due: datetime

    @property
    def names(self) -> dict[int, str]:
        return self.rosters.names

    def local(self, moment: datetime) -> str:
        return _local(moment, self.school)


_LESSON_FIELDS = (
    "id",
    "assignment_id",
    "date",
    "lesson_number",
    "starts_at",
    "ends_at",
    "status",
    "topic",
    "substitute_teacher_id",
    "substitute_teacher__last_name",
    "substitute_teacher__first_name",
    "substitute_teacher__patronymic",
    "attendance_taken_at",
    "cancel_reason",
    "homework__set_at",
    "homework__minutes",
    "homework__due_date",
    "homework__id",
)
_MARK_FIELDS = (
    "lesson_id",
    "lesson__assignment_id",
    "lesson__date",
    "lesson__lesson_number",
    "lesson__substitute_teacher_id",
    "student_id",
    "entered_at",
    "work_type__deadline_kind",
    "work_type__name",
)


def load_facts(
    *,
    school: School,
    year: AcademicYear,
    starts_on: date,
    ends_on: date,
    as_of: datetime,
    periods_due: list[StudyPeriod] | None = None,
) -> AuditFacts:
    """Read what the rules need: about a dozen queries, whatever the size of the school."""
    policy = school_policy(school)
    today = as_of.astimezone(school.tz).date()
    horizon = max(ends_on, today) + timedelta(days=40)
    days_off = public_days_off(school, year.starts_on, horizon)
    assignments = {
        a.pk: a
        for a in TeachingAssignment.objects.filter(year=year).select_related(
            "teacher", "school_class__class_teacher", "subgroup", "subject"
        )
    }
    lessons = list(
        Lesson.objects.filter(assignment__year=year, date__range=(starts_on, ends_on))
        .values(*_LESSON_FIELDS)
        .order_by("date", "lesson_number")
    )
    last_end: dict[tuple[int, date], time] = {}
    for lesson in lessons:
        if lesson["status"] == Lesson.Status.CANCELLED or lesson["ends_at"] is None:
            continue
        key = (assignments[lesson["assignment_id"]].school_class_id, lesson["date"])
        if key not in last_end or lesson["ends_at"] > last_end[key]:
            last_end[key] = lesson["ends_at"]
    # Who is in each class and subgroup (students move between classes mid-year).
    rosters = Rosters.load({a.school_class_id for a in assignments.values()})
    substitutes = {
        lesson["substitute_teacher_id"]: " ".join(
            p
            for p in (
                lesson["substitute_teacher__last_name"],
                lesson["substitute_teacher__first_name"],
                lesson["substitute_teacher__patronymic"],
            )
            if p
        )
        for lesson in lessons
        if lesson["substitute_teacher_id"]
    }
    marks = list(
        Mark.objects.filter(lesson__assignment__year=year, lesson__date__range=(starts_on, ends_on))
        .exclude(lesson__status=Lesson.Status.CANCELLED)
        .values_list(*_MARK_FIELDS)
        .order_by("lesson__date", "lesson__lesson_number", "student__last_name")
    )
    # Attestation is judged on whole periods (the threshold is per period) that ended in the range.
    periods = list(StudyPeriod.objects.filter(year=year).order_by("scheme", "number"))
    ended = [
        p
        for p in periods
        if p.ends_on <= today
        and (p in periods_due if periods_due is not None else starts_on <= p.ends_on <= ends_on)
    ]
    counts_in_period = {p.pk: _counts_in_period(year, p) for p in ended}
    due = _period_marks_due(
        school, policy, periods, days_off, starts_on, ends_on, as_of, periods_due
    )
    period_marks = (
        {
            (pm["assignment_id"], pm["kind"], pm["period_id"], pm["student_id"]): pm["entered_at"]
            for pm in PeriodMark.objects.filter(assignment__year=year).values(
                "assignment_id", "kind", "period_id", "student_id", "entered_at"
            )
        }
        if due
        else {}
    )
    return AuditFacts(
        school=school,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        as_of=as_of,
        today=today,
        policy=policy,
        assignments=assignments,
        lessons=lessons,
        marks=marks,
        rosters=rosters,
        substitutes=substitutes,
        last_end=last_end,
        ended=ended,
        counts_in_period=counts_in_period,
        period_marks_due=due,
        period_marks=period_marks,
        ktp=ktp_progress(list(assignments.values()), min(today, ends_on)),
        ktp_due=ktp_deadline(policy, school=school, year_starts_on=year.starts_on),
    )


def _counts_in_period(year: AcademicYear, period: StudyPeriod) -> tuple[dict, dict]:
    """Marks per (assignment, student) and lessons per assignment in a period (2 queries)."""
    in_period = {
        "lesson__assignment__year": year,
        "lesson__date__range": (period.starts_on, period.ends_on),
    }
    marks = {
        (a_id, s): n
        for a_id, s, n in Mark.objects.filter(**in_period)
        .exclude(lesson__status=Lesson.Status.CANCELLED)
        .values("lesson__assignment_id", "student_id")
        .annotate(n=Count("pk"))
        .values_list("lesson__assignment_id", "student_id", "n")
    }
    lessons = dict(
        Lesson.objects.filter(assignment__year=year, date__range=(period.starts_on, period.ends_on))
        .exclude(status=Lesson.Status.CANCELLED)
        .values("assignment_id")
        .annotate(n=Count("pk"))
        .values_list("assignment_id", "n")
    )
    return marks, lessons


def _period_marks_due(
    school, policy, periods, days_off, starts_on, ends_on, as_of, periods_due
) -> list[tuple]:
    """The period and year marks whose deadline (policy) this audit judges."""
    due = []
    for scheme in {p.scheme for p in periods}:
        of_scheme = [p for p in periods if p.scheme == scheme]
        ends = [(p, PeriodMark.Kind.PERIOD, p.ends_on) for p in of_scheme]
        ends.append((None, PeriodMark.Kind.YEAR, max(p.ends_on for p in of_scheme)))
        for period, kind, end in ends:
            deadline = period_mark_deadline(
                policy, school=school, period_end=end, days_off=days_off
            )
            if deadline > as_of:
                continue
            if periods_due is not None:
                wanted = period is not None and period in periods_due
            else:
                wanted = starts_on <= deadline.date() <= ends_on
            if wanted:
                due.append((scheme, period, kind, end, deadline))
    return due


# --- the rules: one function each, over the facts -----------------------------------------
# A lesson rule takes a held lesson and its assignment and returns the finding or None.


def no_topic(f: AuditFacts, lesson: dict, a: TeachingAssignment) -> dict | None:
    """A held lesson without a topic by the end of its day."""
    if not lesson["topic"].strip() and end_of_day(f.school, lesson["date"]) <= f.as_of:
        return _ref(lesson)
    return None


def _attendance_deadline(f: AuditFacts, lesson: dict) -> datetime:
    return attendance_deadline(
        f.policy, school=f.school, lesson_date=lesson["date"], starts_at=lesson["starts_at"]
    )


def no_attendance(f: AuditFacts, lesson: dict, a: TeachingAssignment) -> dict | None:
    """Attendance not taken once its deadline passed."""
    if lesson["attendance_taken_at"] is None and _attendance_deadline(f, lesson) <= f.as_of:
        return _ref(lesson)
    return None


def attendance_late(f: AuditFacts, lesson: dict, a: TeachingAssignment) -> dict | None:
    """Attendance taken later than the school's minutes after the bell."""
    taken, deadline = lesson["attendance_taken_at"], _attendance_deadline(f, lesson)
    if taken is None or taken <= deadline:
        return None
    late_minutes = int((taken - deadline).total_seconds() // 60) + f.policy.attendance_minutes
    return {**_ref(lesson), "entered": f.local(taken), "minutes": late_minutes}


def _homework_deadline(f: AuditFacts, lesson: dict, a: TeachingAssignment) -> datetime:
    return homework_deadline(
        f.policy,
        school=f.school,
        lesson_date=lesson["date"],
        last_lesson_ends=f.last_end.get((a.school_class_id, lesson["date"])),
    )


def homework_missing(f: AuditFacts, lesson: dict, a: TeachingAssignment) -> dict | None:
    """No homework once its deadline passed (not in a grade taught without marks)."""
    if (
        lesson["homework__id"] is None
        and f.policy.marks_allowed_in_grade(a.school_class.grade)
        and _homework_deadline(f, lesson, a) <= f.as_of
    ):
        return _ref(lesson)
    return None


def homework_late(f: AuditFacts, lesson: dict, a: TeachingAssignment) -> dict | None:
    """Homework set later than the school's hours after the class's last lesson of the day."""
    if lesson["homework__id"] is None:
        return None
    deadline = _homework_deadline(f, lesson, a)
    if lesson["homework__set_at"] <= deadline:
        return None
    return {
        **_ref(lesson),
        "entered": f.local(lesson["homework__set_at"]),
        "deadline": f.local(deadline),
    }


LESSON_RULES = {
    "no_topic": no_topic,
    "no_attendance": no_attendance,
    "attendance_late": attendance_late,
    "homework_missing": homework_missing,
    "homework_late": homework_late,
}


def marks_late(f: AuditFacts, mark: tuple) -> dict | None:
    """A mark entered after the deadline of its work type."""
    lesson_id, _a, lesson_date, n, _sub, student_id, entered_at, kind, work_type = mark
    deadline = mark_deadline(f.policy, school=f.school, lesson_date=lesson_date, deadline_kind=kind)
    if entered_at <= deadline:
        return None
    return {
        "lesson": lesson_id,
        "date": lesson_date.isoformat(),
        "n": n,
        "student": student_id,
        "name": f.names.get(student_id, ""),
        "work_type": work_type,
        "entered": f.local(entered_at),
        "days": (entered_at.astimezone(f.school.tz).date() - deadline.date()).days,
    }


def few_marks(f: AuditFacts):
    """(assignment, finding) for students with fewer marks in an ended period than the minimum."""
    policy, names = f.policy, f.names
    for period in f.ended:
        marks_in_period, lessons_in_period = f.counts_in_period[period.pk]
        for a in f.assignments.values():
            grade = a.school_class.grade
            if (
                f.year.scheme_for_grade(grade) != period.scheme
                or not policy.marks_allowed_in_grade(grade)
                or lessons_in_period.get(a.pk, 0) < policy.min_marks_for_attestation
            ):
                continue
            students = f.rosters.students_of(a, period.ends_on, period.ends_on)
            for s in sorted(students, key=lambda s: names.get(s, "")):
                got = marks_in_period.get((a.pk, s), 0)
                if got < policy.min_marks_for_attestation:
                    yield (
                        a,
                        {
                            "student": s,
                            "name": names.get(s, ""),
                            "marks": got,
                            "period": period.name,
                        },
                    )


def _period_marks(f: AuditFacts):
    """(assignment, student, label, deadline, entered or None) for every period mark due."""
    for a in f.assignments.values():
        if not f.policy.marks_allowed_in_grade(a.school_class.grade):
            continue
        scheme = f.year.scheme_for_grade(a.school_class.grade)
        for p_scheme, period, kind, end, deadline in f.period_marks_due:
            if p_scheme != scheme:
                continue
            label = period.name if period else str(_("Год"))
            for s in sorted(f.rosters.students_of(a, end, end), key=lambda s: f.names.get(s, "")):
                entered = f.period_marks.get((a.pk, kind, period.pk if period else None, s))
                yield a, s, label, deadline, entered


def period_marks_missing(f: AuditFacts):
    """(assignment, finding) for period and year marks not given by their deadline."""
    for a, s, label, deadline, entered in _period_marks(f):
        if entered is None:
            yield (
                a,
                {
                    "student": s,
                    "name": f.names.get(s, ""),
                    "period": label,
                    "deadline": f.local(deadline),
                },
            )


def period_marks_late(f: AuditFacts):
    """(assignment, finding) for period and year marks given after their deadline."""
    for a, s, label, deadline, entered in _period_marks(f):
        if entered is not None and entered > deadline:
            yield (
                a,
                {
                    "student": s,
                    "name": f.names.get(s, ""),
                    "period": label,
                    "entered": f.local(entered),
                    "deadline": f.local(deadline),
                },
            )


PERIOD_RULES = {
    "few_marks": few_marks,
    "period_marks_missing": period_marks_missing,
    "period_marks_late": period_marks_late,
}


def homework_overload(f: AuditFacts) -> list[ClassLoad]:
    """Days a class's homework (minutes, per subject the larger subgroup) exceeds the norm."""
    per_subject: dict[tuple[int, date, int], int] = {}
    for lesson in f.lessons:
        if lesson["homework__id"] is None or not lesson["homework__minutes"]:
            continue
        a = f.assignments[lesson["assignment_id"]]
        day = lesson["homework__due_date"] or lesson["date"]
        if not f.starts_on <= day <= f.ends_on:
            continue
        key = (a.school_class_id, day, a.subject_id)
        # Parallel subgroups of one subject: a student is in one of them, take the larger.
        per_subject[key] = max(per_subject.get(key, 0), lesson["homework__minutes"])
    per_day: dict[tuple[int, date], int] = defaultdict(int)
    for (class_id, day, _subject), minutes in per_subject.items():
        per_day[(class_id, day)] += minutes
    grades = {a.school_class_id: a.school_class.grade for a in f.assignments.values()}
    return [
        ClassLoad(class_id, day, minutes, f.policy.homework_norm(grades[class_id]))
        for (class_id, day), minutes in sorted(per_day.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if minutes > f.policy.homework_norm(grades[class_id])
    ]


# --- the audit: facts, then every rule, line by line -----------------------------------------


class _Lines:
    """The audit's lines, one per teacher × assignment (a substitute gets their own line)."""

    def __init__(self, facts: AuditFacts):
        self.facts, self.by_key = facts, {}

    def __call__(self, a: TeachingAssignment, teacher_id: int | None = None) -> LineResult:
        teacher_id = teacher_id or a.teacher_id
        key = (teacher_id, a.pk)
        if key not in self.by_key:
            substitute = teacher_id != a.teacher_id
            self.by_key[key] = LineResult(
                assignment=a,
                teacher_id=teacher_id,
                substitute=substitute,
                teacher_name=(
                    self.facts.substitutes.get(teacher_id, "")
                    if substitute
                    else a.teacher.full_name
                ),
            )
        return self.by_key[key]


def compute_audit(
    *,
    school: School,
    year: AcademicYear,
    starts_on: date,
    ends_on: date,
    as_of: datetime,
    periods_due: list[StudyPeriod] | None = None,
) -> AuditResult:
    """Audit a school's journal over [starts_on, ends_on] as it stood at `as_of`.

    `periods_due`: the periods whose period marks this audit checks; by default those
    whose deadline falls inside the range and has passed at `as_of`.
    """
    f = load_facts(
        school=school,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        as_of=as_of,
        periods_due=periods_due,
    )
    line = _Lines(f)

    # Lessons: cancellations and substitutions are counted, held lessons judged by each rule.
    held_by_assignment: dict[int, None] = {}  # in the order of their first lesson
    for lesson in f.lessons:
        a = f.assignments[lesson["assignment_id"]]
        if lesson["status"] == Lesson.Status.CANCELLED:
            if lesson["date"] <= f.today:
                line(a).cancelled += 1
                line(a).details["cancelled"].append(
                    {**_ref(lesson), "reason": lesson["cancel_reason"]}
                )
            continue
        started = datetime.combine(lesson["date"], lesson["starts_at"] or time(0), tzinfo=school.tz)
        if started > as_of:
            continue  # not held yet
        sub_id = lesson["substitute_teacher_id"]
        if sub_id:
            line(a).substituted += 1
            line(a).details["substituted"].append(
                {**_ref(lesson), "teacher": f.substitutes[sub_id]}
            )
        owner = line(a, sub_id)
        owner.lessons += 1
        held_by_assignment.setdefault(a.pk)
        for key, rule in LESSON_RULES.items():
            finding = rule(f, lesson, a)
            if finding is not None:
                owner.add(key, finding)

    # Marks: each judged against its deadline, and counted per student (наполняемость).
    marks_by_assignment: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for mark in f.marks:
        assignment_id, sub_id, student_id = mark[1], mark[4], mark[5]
        marks_by_assignment[assignment_id][student_id] += 1
        owner = line(f.assignments[assignment_id], sub_id)
        owner.marks += 1
        finding = marks_late(f, mark)
        if finding is not None:
            owner.add("marks_late", finding)
    for assignment_id in held_by_assignment:
        a = f.assignments[assignment_id]
        if not f.policy.marks_allowed_in_grade(a.school_class.grade):
            continue
        owner = line(a)
        roster = f.rosters.students_of(a, starts_on, min(ends_on, f.today))
        owner.students = len(roster)
        counted = marks_by_assignment.get(assignment_id, {})
        if roster:
            total = sum(counted.get(s, 0) for s in roster)
            owner.marks_per_student = (Decimal(total) / len(roster)).quantize(
                TENTHS, rounding=ROUND_HALF_UP
            )

    # Periods: attestation and the period and year marks.
    for key, rule in PERIOD_RULES.items():
        for a, finding in rule(f):
            line(a).add(key, finding)

    # КТП: hours planned to date against lessons held (the journal's own measure).
    for result in line.by_key.values():
        if result.substitute:
            continue
        done = f.ktp[result.assignment.pk]
        result.ktp_planned, result.ktp_held = done.planned_hours, done.held
        result.ktp_missing = not done.has_plan and f.ktp_due <= as_of
        if result.ktp_missing:
            result.details["ktp"].append({"deadline": f.local(f.ktp_due)})

    ordered = sorted(
        line.by_key.values(),
        key=lambda r: (
            r.teacher_name,
            r.assignment.school_class.grade,
            r.assignment.school_class.letter,
            r.assignment.subject.name,
            r.substitute,
        ),
    )
    return AuditResult(
        school=school,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        as_of=as_of,
        policy=f.policy,
        lines=ordered,
        overload=homework_overload(f),
        assignments=f.assignments,
    )
