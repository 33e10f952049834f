"""The journal audit rules (контроль ведения журнала, seed 004 item 7.3; SPEC §6).

`compute_audit` reads one school's journal over a date range in a fixed number of queries
(about a dozen, whatever the size of the school) and returns, per teacher × class ×
subject, what the deputy checks:

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
from dataclasses import dataclass, field
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
    add_working_days,
    attendance_deadline,
    end_of_day,
    homework_deadline,
    ktp_deadline,
    mark_deadline,
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
        _(
            "Текущие — %(current)s, контрольные — %(control)s дн., письменные — %(written)s дн. "
            "(по правилам школы)."
        ),
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


def rules_for(policy) -> list[Rule]:
    """The rules with this school's numbers in their explanations (its own deadlines)."""
    numbers = {
        "current": _("в день урока")
        if policy.current_mark_days == 0
        else _("%(days)s дн.") % {"days": policy.current_mark_days},
        "control": policy.control_mark_days,
        "written": policy.written_mark_days,
        "period_days": policy.period_mark_working_days,
    }
    return [
        Rule(r.key, r.label, r.short, str(r.help) % numbers if "%(" in str(r.help) else r.help)
        for r in RULES
    ]


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
        .values(
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
        .order_by("date", "lesson_number")
    )

    # The class's last lesson of each day: homework is due an hour after it.
    last_end: dict[tuple[int, date], time] = {}
    for lesson in lessons:
        if lesson["status"] == Lesson.Status.CANCELLED or lesson["ends_at"] is None:
            continue
        key = (assignments[lesson["assignment_id"]].school_class_id, lesson["date"])
        if key not in last_end or lesson["ends_at"] > last_end[key]:
            last_end[key] = lesson["ends_at"]

    # Who is in each class and subgroup (students move between classes mid-year).
    rosters = Rosters.load({a.school_class_id for a in assignments.values()})
    names = rosters.names
    students_of = rosters.students_of

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
    lines: dict[tuple[int, int], LineResult] = {}

    def line(a: TeachingAssignment, teacher_id: int | None = None) -> LineResult:
        teacher_id = teacher_id or a.teacher_id
        key = (teacher_id, a.pk)
        if key not in lines:
            substitute = teacher_id != a.teacher_id
            lines[key] = LineResult(
                assignment=a,
                teacher_id=teacher_id,
                substitute=substitute,
                teacher_name=substitutes.get(teacher_id, "") if substitute else a.teacher.full_name,
            )
        return lines[key]

    # --- lessons: topic, attendance, homework, substitutions, cancellations ---------------
    held_by_assignment: dict[int, list[dict]] = defaultdict(list)
    for lesson in lessons:
        a = assignments[lesson["assignment_id"]]
        if lesson["status"] == Lesson.Status.CANCELLED:
            if lesson["date"] <= today:
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
            line(a).details["substituted"].append({**_ref(lesson), "teacher": substitutes[sub_id]})
        owner = line(a, sub_id)
        owner.lessons += 1
        held_by_assignment[a.pk].append(lesson)

        if not lesson["topic"].strip() and end_of_day(school, lesson["date"]) <= as_of:
            owner.add("no_topic", _ref(lesson))
        att_deadline = attendance_deadline(
            policy, school=school, lesson_date=lesson["date"], starts_at=lesson["starts_at"]
        )
        taken = lesson["attendance_taken_at"]
        if taken is None:
            if att_deadline <= as_of:
                owner.add("no_attendance", _ref(lesson))
        elif taken > att_deadline:
            late_min = int((taken - att_deadline).total_seconds() // 60) + policy.attendance_minutes
            owner.add(
                "attendance_late",
                {
                    **_ref(lesson),
                    "entered": _local(taken, school),
                    "minutes": late_min,
                },
            )
        grade = a.school_class.grade
        hw_deadline = homework_deadline(
            policy,
            school=school,
            lesson_date=lesson["date"],
            last_lesson_ends=last_end.get((a.school_class_id, lesson["date"])),
        )
        if lesson["homework__id"] is None:
            if policy.marks_allowed_in_grade(grade) and hw_deadline <= as_of:
                owner.add("homework_missing", _ref(lesson))
        elif lesson["homework__set_at"] > hw_deadline:
            owner.add(
                "homework_late",
                {
                    **_ref(lesson),
                    "entered": _local(lesson["homework__set_at"], school),
                    "deadline": _local(hw_deadline, school),
                },
            )

    # --- marks: deadlines and density ------------------------------------------------------
    marks_by_assignment: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for lesson_id, assignment_id, lesson_date, n, sub_id, student_id, entered_at, kind, wt_name in (
        Mark.objects.filter(lesson__assignment__year=year, lesson__date__range=(starts_on, ends_on))
        .exclude(lesson__status=Lesson.Status.CANCELLED)
        .values_list(
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
        .order_by("lesson__date", "lesson__lesson_number", "student__last_name")
    ):
        a = assignments[assignment_id]
        marks_by_assignment[assignment_id][student_id] += 1
        deadline = mark_deadline(policy, school=school, lesson_date=lesson_date, deadline_kind=kind)
        owner = line(a, sub_id)
        owner.marks += 1
        if entered_at > deadline:
            days = (entered_at.astimezone(school.tz).date() - deadline.date()).days
            owner.add(
                "marks_late",
                {
                    "lesson": lesson_id,
                    "date": lesson_date.isoformat(),
                    "n": n,
                    "student": student_id,
                    "name": names.get(student_id, ""),
                    "work_type": wt_name,
                    "entered": _local(entered_at, school),
                    "days": days,
                },
            )

    for assignment_id in held_by_assignment:
        a = assignments[assignment_id]
        if not policy.marks_allowed_in_grade(a.school_class.grade):
            continue
        owner = line(a)
        roster = students_of(a, starts_on, min(ends_on, today))
        owner.students = len(roster)
        counted = marks_by_assignment.get(assignment_id, {})
        if roster:
            total = sum(counted.get(s, 0) for s in roster)
            owner.marks_per_student = (Decimal(total) / len(roster)).quantize(
                TENTHS, rounding=ROUND_HALF_UP
            )

    # --- students who cannot be attested: fewer marks in a period than the school's minimum --
    # Judged on whole periods (the threshold is per period), those that ended in the range.
    periods = list(StudyPeriod.objects.filter(year=year).order_by("scheme", "number"))
    ended = [
        p
        for p in periods
        if p.ends_on <= today
        and (p in periods_due if periods_due is not None else starts_on <= p.ends_on <= ends_on)
    ]
    for period in ended:
        in_period = {
            "lesson__assignment__year": year,
            "lesson__date__range": (period.starts_on, period.ends_on),
        }
        marks_in_period = {
            (a_id, s): n
            for a_id, s, n in Mark.objects.filter(**in_period)
            .exclude(lesson__status=Lesson.Status.CANCELLED)
            .values("lesson__assignment_id", "student_id")
            .annotate(n=Count("pk"))
            .values_list("lesson__assignment_id", "student_id", "n")
        }
        lessons_in_period = dict(
            Lesson.objects.filter(
                assignment__year=year, date__range=(period.starts_on, period.ends_on)
            )
            .exclude(status=Lesson.Status.CANCELLED)
            .values("assignment_id")
            .annotate(n=Count("pk"))
            .values_list("assignment_id", "n")
        )
        for a in assignments.values():
            grade = a.school_class.grade
            if (
                year.scheme_for_grade(grade) != period.scheme
                or not policy.marks_allowed_in_grade(grade)
                or lessons_in_period.get(a.pk, 0) < policy.min_marks_for_attestation
            ):
                continue
            for s in sorted(
                students_of(a, period.ends_on, period.ends_on), key=lambda s: names.get(s, "")
            ):
                got = marks_in_period.get((a.pk, s), 0)
                if got < policy.min_marks_for_attestation:
                    line(a).add(
                        "few_marks",
                        {
                            "student": s,
                            "name": names.get(s, ""),
                            "marks": got,
                            "period": period.name,
                        },
                    )

    # --- period and year marks -------------------------------------------------------------
    due: list[
        tuple[str, StudyPeriod | None, str, date, datetime]
    ] = []  # (scheme, period, kind, end, deadline)
    for scheme in {p.scheme for p in periods}:
        of_scheme = [p for p in periods if p.scheme == scheme]
        ends = [(p, PeriodMark.Kind.PERIOD, p.ends_on) for p in of_scheme]
        ends.append((None, PeriodMark.Kind.YEAR, max(p.ends_on for p in of_scheme)))
        for period, kind, end in ends:
            deadline = end_of_day(
                school, add_working_days(policy, end, policy.period_mark_working_days, days_off)
            )
            if deadline > as_of:
                continue
            if periods_due is not None:
                wanted = period is not None and period in periods_due
            else:
                wanted = starts_on <= deadline.date() <= ends_on
            if wanted:
                due.append((scheme, period, kind, end, deadline))
    if due:
        period_marks: dict[tuple, datetime] = {
            (pm["assignment_id"], pm["kind"], pm["period_id"], pm["student_id"]): pm["entered_at"]
            for pm in PeriodMark.objects.filter(assignment__year=year).values(
                "assignment_id", "kind", "period_id", "student_id", "entered_at"
            )
        }
        for a in assignments.values():
            if not policy.marks_allowed_in_grade(a.school_class.grade):
                continue
            scheme = year.scheme_for_grade(a.school_class.grade)
            for p_scheme, period, kind, end, deadline in due:
                if p_scheme != scheme:
                    continue
                label = period.name if period else str(_("Год"))
                for s in sorted(students_of(a, end, end), key=lambda s: names.get(s, "")):
                    entered = period_marks.get((a.pk, kind, period.pk if period else None, s))
                    if entered is None:
                        line(a).add(
                            "period_marks_missing",
                            {
                                "student": s,
                                "name": names.get(s, ""),
                                "period": label,
                                "deadline": _local(deadline, school),
                            },
                        )
                    elif entered > deadline:
                        line(a).add(
                            "period_marks_late",
                            {
                                "student": s,
                                "name": names.get(s, ""),
                                "period": label,
                                "entered": _local(entered, school),
                                "deadline": _local(deadline, school),
                            },
                        )

    # --- КТП: hours planned to date against lessons held (the journal's own measure) --------
    progress = ktp_progress(list(assignments.values()), min(today, ends_on))
    ktp_due = ktp_deadline(policy, school=school, year_starts_on=year.starts_on)
    for result in lines.values():
        if result.substitute:
            continue
        done = progress[result.assignment.pk]
        result.ktp_planned, result.ktp_held = done.planned_hours, done.held
        result.ktp_missing = not done.has_plan and ktp_due <= as_of
        if result.ktp_missing:
            result.details["ktp"].append({"deadline": _local(ktp_due, school)})

    # --- homework load per class per day ----------------------------------------------------
    per_subject: dict[tuple[int, date, int], int] = {}
    for lesson in lessons:
        if lesson["homework__id"] is None or not lesson["homework__minutes"]:
            continue
        a = assignments[lesson["assignment_id"]]
        day = lesson["homework__due_date"] or lesson["date"]
        if not starts_on <= day <= ends_on:
            continue
        key = (a.school_class_id, day, a.subject_id)
        # Parallel subgroups of one subject: a student is in one of them, take the larger.
        per_subject[key] = max(per_subject.get(key, 0), lesson["homework__minutes"])
    per_day: dict[tuple[int, date], int] = defaultdict(int)
    for (class_id, day, _subject), minutes in per_subject.items():
        per_day[(class_id, day)] += minutes
    grades = {a.school_class_id: a.school_class.grade for a in assignments.values()}
    overload = [
        ClassLoad(class_id, day, minutes, policy.homework_norm(grades[class_id]))
        for (class_id, day), minutes in sorted(per_day.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if minutes > policy.homework_norm(grades[class_id])
    ]

    ordered = sorted(
        lines.values(),
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
        policy=policy,
        lines=ordered,
        overload=overload,
        assignments=assignments,
    )
