"""The demo school's class journal: `populate(demo)`, a step of apps/school/demo.DEMO_STEPS.

Builds, for the open year of the demo school: a weekly timetable for every class (the
class's shift and bells, no teacher or class twice at once, the two subgroups of a split
subject in parallel), the КТП of every assignment, the year's lessons from the timetable,
and from 1 September up to `demo.today` what teachers record: topics from the КТП,
attendance (a few per cent absent, streaks of illness, some late), marks with per-student
distributions over the work types, some with comments, homework with minutes, a few
substitutions, cancelled and moved lessons, period marks of finished quarters and the
lock of a closed quarter. Everything is written with bulk inserts; the services are used
for the few actions whose rules matter (generation, moves, corrections with a reason).
"""

import random
import time as stopwatch
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pgtrigger
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from apps.attendance.models import AttendanceMark
from apps.classes.models import SchoolClass, Subgroup, TeachingAssignment
from apps.gradebook.grading import grade
from apps.gradebook.locks import unlock_permission
from apps.gradebook.models import Mark, PeriodLock, PeriodMark, PeriodUnlockGrant, WorkType
from apps.gradebook.services import work_types_ensure
from apps.homework.models import Homework
from apps.schedule.demo_topics import STEPS, sections_for
from apps.schedule.models import Lesson, PlanTopic, TimetableEntry
from apps.schedule.services import lesson_move, lessons_generate, timetable_end_early
from apps.school import clock
from apps.school.demo.statistics import analyze
from apps.school.models import Bell, StudyPeriod
from apps.school.policy import period_mark_deadline, public_days_off, school_policy
from apps.students.models import Enrollment

BATCH = 2000
WEEKDAYS = (1, 2, 3, 4, 5)
NO_CONTROL_WORK = (
    "Физическая культура",
    "Музыка",
    "Изобразительное искусство",
    "Труд (технология)",
)
LAB_SUBJECTS = ("Физика", "Химия", "Биология")
COMMENTS = {
    "5": ("Отличный ответ!", "Молодец, всё верно", "Творческий подход", "Аккуратное оформление"),
    "4": ("Хорошо, но есть неточности", "Одна ошибка в вычислениях", "Не хватило полноты ответа"),
    "3": (
        "Повторить правило",
        "Много исправлений",
        "Не доделано задание 3",
        "Ошибки в решении задачи",
    ),
    "2": ("Не выполнено задание", "Не готов к уроку", "Нужно пересдать тему"),
}


@dataclass
class _Unit:
    """Lessons to place in the week: one assignment, or the parallel subgroups of a subject."""

    class_id: int
    assignments: list
    hours: int
    teachers: set = field(default_factory=set)


def _hours(value: Decimal) -> int:
    return max(1, int(Decimal(value).to_integral_value())) if value and value > 0 else 0


def _at(day: date, moment: time | None, minutes: float, tz) -> datetime:
    start = datetime.combine(day, moment or time(9, 0), tzinfo=tz)
    return start + timedelta(minutes=minutes)


class _Journal:
    def __init__(self, demo):
        self.demo = demo
        self.rng = random.Random(demo.rng.random())
        self.school, self.year, self.today = demo.school, demo.year, demo.today
        self.tz = self.school.tz
        self.policy = school_policy(self.school)
        self.assignments = list(
            TeachingAssignment.objects.filter(year=self.year).select_related(
                "school_class", "subgroup", "subject", "teacher"
            )
        )
        self.by_pk = {a.pk: a for a in self.assignments}
        self.classes = {c.pk: c for c in SchoolClass.objects.filter(year=self.year)}
        self.bells: dict[int, dict[int, Bell]] = defaultdict(dict)
        for bell in Bell.objects.filter(school=self.school):
            self.bells[bell.shift_id][bell.lesson_number] = bell
        users = demo.users
        self.dispatcher = users.get("dispatcher") or users.get("deputy") or demo.teachers[0]
        self.deputy = users.get("deputy") or self.dispatcher
        self.stats: Counter = Counter()

    # --- timetable --------------------------------------------------------------------------

    def timetable(self) -> None:
        """A weekly timetable for every class, placed slot by slot: each class's day grows
        from the first lesson with the subject that most needs the day, teachers never twice
        at once, the subgroups of a split subject in parallel when their teachers differ."""
        groups: dict[tuple[int, int], list] = defaultdict(list)
        units: list[_Unit] = []
        for a in self.assignments:
            if a.subgroup_id:
                groups[(a.school_class_id, a.subject_id)].append(a)
            elif _hours(a.hours_per_week):
                units.append(
                    _Unit(a.school_class_id, [a], _hours(a.hours_per_week), {a.teacher_id})
                )
        for (class_id, _subject), members in groups.items():
            teachers = {a.teacher_id for a in members}
            hours = {_hours(a.hours_per_week) for a in members}
            if len(teachers) == len(members) and len(hours) == 1:
                units.append(_Unit(class_id, members, hours.pop(), teachers))
            else:
                units += [
                    _Unit(class_id, [a], _hours(a.hours_per_week), {a.teacher_id}) for a in members
                ]
        load: Counter = Counter()
        for u in units:
            for t in u.teachers:
                load[t] += u.hours
        class_hours: Counter = Counter()
        by_class: dict[int, list[int]] = defaultdict(list)
        for i, u in enumerate(units):
            class_hours[u.class_id] += u.hours
            by_class[u.class_id].append(i)
        numbers_of = {
            cid: sorted(n for n in self.bells.get(c.shift_id, {}) if n >= 1) or list(range(1, 8))
            for cid, c in self.classes.items()
        }
        # A few attempts with different orders; the one that fits the most hours wins.
        attempts = [
            self._place(
                units, load, class_hours, by_class, numbers_of, random.Random(self.rng.random())
            )
            for _attempt in range(4)
        ]
        slots, teacher_busy, unplaced = min(
            attempts, key=lambda a: (a[2], self._windows(a[0], numbers_of))
        )
        self.stats["timetable_unplaced_hours"] = unplaced
        rooms: dict[int, str] = {}
        entries = []
        for (_class_id, day, n), i in sorted(slots.items()):
            for a in units[i].assignments:
                entries.append(
                    TimetableEntry(
                        school=self.school,
                        year=self.year,
                        assignment=a,
                        weekday=day,
                        lesson_number=n,
                        room=rooms.setdefault(a.teacher_id, self._room(a, len(rooms))),
                        starts_on=self.year.starts_on,
                        ends_on=self.year.ends_on,
                    )
                )
        TimetableEntry.objects.bulk_create(entries, batch_size=BATCH)
        self.teacher_busy = teacher_busy
        self.stats["timetable_entries"] = len(entries)

    def _place(self, units, load, class_hours, by_class, numbers_of, rng):
        """One attempt: (slots, teacher_busy, hours that did not fit)."""
        left = {i: u.hours for i, u in enumerate(units)}
        unplaced = 0
        on_day: Counter = Counter()  # (unit, day) -> lessons of the unit that day
        slots: dict[tuple[int, int, int], int] = {}  # (class, day, number) -> unit
        teacher_busy: set[tuple[int, int, int]] = set()
        day_load: Counter = Counter()
        target = {}
        for cid, hours in class_hours.items():
            for k, day in enumerate(WEEKDAYS):
                target[(cid, day)] = hours // len(WEEKDAYS) + (
                    1 if k < hours % len(WEEKDAYS) else 0
                )

        def fits(i: int, day: int, n: int, strict: bool) -> bool:
            u = units[i]
            if left[i] <= 0 or any((t, day, n) in teacher_busy for t in u.teachers):
                return False
            return not strict or on_day[(i, day)] < (1 if u.hours <= len(WEEKDAYS) else 2)

        def place(i: int, day: int, n: int) -> None:
            u = units[i]
            slots[(u.class_id, day, n)] = i
            teacher_busy.update((t, day, n) for t in u.teachers)
            on_day[(i, day)] += 1
            day_load[(u.class_id, day)] += 1
            left[i] -= 1

        # Slot by slot for all classes at once: each class's day grows from the first lesson,
        # taking the subject that most needs the day and whose teachers are free.
        classes = list(by_class)
        max_n = max(max(ns) for ns in numbers_of.values())
        for strict in (True, False):
            for n in range(1, max_n + 1):
                for k, day in enumerate(WEEKDAYS):
                    rng.shuffle(classes)
                    for cid in classes:
                        if n not in numbers_of[cid] or (cid, day, n) in slots:
                            continue
                        if day_load[(cid, day)] >= target[(cid, day)] + (0 if strict else 1):
                            continue
                        if n > 1 and (cid, day, n - 1) not in slots:
                            continue  # no windows: the day is filled from its first lesson
                        days_left = len(WEEKDAYS) - k
                        candidates = [i for i in by_class[cid] if fits(i, day, n, strict)]
                        if candidates:
                            best = max(
                                candidates,
                                key=lambda i: (
                                    left[i] / days_left,
                                    max(load[t] for t in units[i].teachers),
                                    rng.random(),
                                ),
                            )
                            place(best, day, n)
        for i, hours in left.items():  # what still does not fit goes to any free slot
            u = units[i]
            for _hour in range(hours):
                spot = next(
                    (
                        (day, n)
                        for day in WEEKDAYS
                        for n in numbers_of[u.class_id]
                        if (u.class_id, day, n) not in slots and fits(i, day, n, False)
                    ),
                    None,
                )
                if spot is None:
                    unplaced += 1
                else:
                    place(i, *spot)
        self._compact(units, slots, teacher_busy, numbers_of)
        return slots, teacher_busy, unplaced

    @staticmethod
    def _windows(slots, numbers_of) -> int:
        taken = defaultdict(set)
        for class_id, day, n in slots:
            taken[(class_id, day)].add(n)
        return sum(1 for ns in taken.values() if max(ns) - min(ns) + 1 != len(ns))

    @staticmethod
    def _compact(units, slots, teacher_busy, numbers_of) -> None:
        """No windows in a class's day: a later lesson moves down into a free earlier number
        when its teachers are free then; repeated until nothing moves."""
        moved = True
        while moved:
            moved = False
            for (class_id, day, n), i in sorted(slots.items(), key=lambda kv: -kv[0][2]):
                for lower in numbers_of[class_id]:
                    if lower >= n:
                        break
                    if (class_id, day, lower) in slots or any(
                        (t, day, lower) in teacher_busy for t in units[i].teachers
                    ):
                        continue
                    del slots[(class_id, day, n)]
                    slots[(class_id, day, lower)] = i
                    for t in units[i].teachers:
                        teacher_busy.discard((t, day, n))
                        teacher_busy.add((t, day, lower))
                    moved = True
                    break

    @staticmethod
    def _room(a: TeachingAssignment, i: int) -> str:
        if a.subject.name == "Физическая культура":
            return "Спортзал"
        return str(100 * (1 + i // 20) + 1 + i % 20)

    # --- lessons --------------------------------------------------------------------------

    def lessons(self) -> None:
        report = lessons_generate(
            acting_user=self.dispatcher,
            year=self.year,
            date_from=self.year.starts_on,
            date_to=self.year.ends_on,
        )
        self.stats["lessons"] = report.created
        last_day = date(self.year.ends_on.year, 5, 25)
        if self.year.contains(last_day) and last_day < self.year.ends_on:
            # Seed 000 item 4: from 26 May the timetable of grades 1, 9 and 11 is removed.
            timetable_end_early(
                acting_user=self.deputy, year=self.year, grades=[1, 9, 11], last_day=last_day
            )

    # --- КТП ---------------------------------------------------------------------------------

    def ktp(self) -> None:
        """A plan for every assignment, as long as its lessons of the year; a few missing."""
        dates: dict[int, list[date]] = defaultdict(list)
        for assignment_id, day in (
            Lesson.objects.filter(assignment__year=self.year)
            .exclude(status=Lesson.Status.CANCELLED)
            .order_by("date", "lesson_number")
            .values_list("assignment_id", "date")
        ):
            dates[assignment_id].append(day)
        demo_teacher = self.demo.users.get("teacher")
        topics = []
        self.plan: dict[int, list[PlanTopic]] = {}
        spans = defaultdict(list)
        for p in StudyPeriod.objects.filter(year=self.year):
            spans[p.scheme].append((p.starts_on, p.ends_on))
        for a in self.assignments:
            # A plan is dated inside the study periods of its class (not in the days a
            # timetable runs on after the last period has ended).
            own = spans[self.year.scheme_for_grade(a.school_class.grade)]
            lesson_dates = [
                d for d in dates.get(a.pk, []) if any(start <= d <= end for start, end in own)
            ]
            if not lesson_dates or (
                self.rng.random() < 0.03 and a.teacher_id != getattr(demo_teacher, "pk", None)
            ):
                continue
            rows = self._plan_rows(a, len(lesson_dates))
            hour, plan = 0, []
            for position, (title, hours, lesson_type) in enumerate(rows, start=1):
                plan.append(
                    PlanTopic(
                        school=self.school,
                        assignment=a,
                        position=position,
                        title=title,
                        hours=hours,
                        lesson_type=lesson_type,
                        planned_on=lesson_dates[min(hour, len(lesson_dates) - 1)],
                    )
                )
                hour += hours
            self.plan[a.pk] = plan
            topics += plan
        PlanTopic.objects.bulk_create(topics, batch_size=BATCH)
        self.stats["ktp_topics"] = len(topics)

    def _plan_rows(self, a: TeachingAssignment, total: int) -> list[tuple[str, int, str]]:
        """Sections in order; each opens with new material, goes through practice, problems
        and review in topics of one or two hours, and ends with a test."""
        own, of_grade = sections_for(a.subject.name, a.school_class.grade)
        sections = list(own)
        if not of_grade:  # one list for several grades: each grade starts elsewhere
            grade_shift = a.school_class.grade % len(sections)
            sections = sections[grade_shift:] + sections[:grade_shift]
        per = max(3, total // len(sections))
        rows, left = [], total
        for i, section in enumerate(sections):
            if left <= 0:
                break
            size = left if i == len(sections) - 1 else min(per, left)
            control = a.subject.name not in NO_CONTROL_WORK and size >= 4
            body, k, seen = size - (1 if control else 0), 0, Counter()
            while body > 0:
                step, kind = STEPS[0] if k == 0 else STEPS[1 + (k - 1) % (len(STEPS) - 1)]
                if a.subject.name in LAB_SUBJECTS and step == "практикум":
                    step, kind = "лабораторная работа", "lab"
                seen[step] += 1
                hours = 2 if body >= 3 and self.rng.random() < 0.3 else 1
                suffix = f" ({seen[step]})" if seen[step] > 1 else ""
                rows.append((f"{section}: {step}{suffix}", hours, kind))
                body -= hours
                k += 1
            if control:
                rows.append((f"Контрольная работа по теме «{section}»", 1, "control"))
            left -= size
        return rows

    # --- what teachers recorded: topics, attendance, marks, homework ----------------------------

    def fill(self) -> None:
        now_local = timezone.localtime(clock.now(), self.tz)
        past = list(
            Lesson.objects.filter(assignment__year=self.year, date__lte=self.today)
            .exclude(status=Lesson.Status.CANCELLED)
            .order_by("date", "lesson_number")
        )
        done = [
            lesson
            for lesson in past
            if lesson.date < self.today
            or (lesson.starts_at and lesson.starts_at <= now_local.time())
        ]
        self._rosters()
        self._substitutions(done)
        self._cancel_a_day(done)
        done = [lesson for lesson in done if lesson.status != Lesson.Status.CANCELLED]
        work_types = {wt.name: wt for wt in work_types_ensure(school=self.school)}
        self.work_types = work_types
        next_date = self._next_dates()
        pointer: dict[int, list] = {pk: [0, 0] for pk in self.plan}  # topic index, hours used
        marks, absences, homework, used_types = [], [], [], []
        for lesson in done:
            a = self.by_pk[lesson.assignment_id]
            teacher_id = lesson.substitute_teacher_id or a.teacher_id
            topic = self._take_topic(lesson, pointer)
            minutes = self.rng.gauss(6, 4)
            lesson.status = Lesson.Status.HELD
            lesson.attendance_taken_at = _at(
                lesson.date,
                lesson.starts_at,
                min(max(minutes, 1), 40) if self.rng.random() > 0.04 else self.rng.uniform(60, 600),
                self.tz,
            )
            lesson.attendance_taken_by_id = teacher_id
            if topic is not None and self.rng.random() > 0.01:
                lesson.plan_topic, lesson.topic = topic, topic.title
                lesson.lesson_type = topic.lesson_type or Lesson.LessonType.COMBINED
                lesson.topic_set_at = _at(
                    lesson.date, lesson.starts_at, self.rng.uniform(3, 45), self.tz
                )
            students = self._students_of(a, lesson.date)
            absent = self._attendance(lesson, students, teacher_id, absences)
            present = [s for s in students if s not in absent]
            if self.policy.marks_allowed_in_grade(a.school_class.grade):
                for wt in self._marks(lesson, a, present, teacher_id, marks):
                    used_types.append(
                        Lesson.work_types.through(lesson_id=lesson.pk, worktype_id=wt.pk)
                    )
                self._homework(lesson, a, teacher_id, next_date, homework)
        self._homework_ahead(next_date, homework)
        with pgtrigger.ignore(*HISTORY_TRIGGERS):
            _bulk_set(
                Lesson,
                done,
                [
                    "status",
                    "attendance_taken_at",
                    "attendance_taken_by",
                    "plan_topic",
                    "topic",
                    "lesson_type",
                    "topic_set_at",
                    "substitute_teacher",
                ],
            )
            Mark.objects.bulk_create(marks, batch_size=BATCH)
            AttendanceMark.objects.bulk_create(absences, batch_size=BATCH)
            Homework.objects.bulk_create(homework, batch_size=BATCH)
        Lesson.work_types.through.objects.bulk_create(
            used_types, batch_size=BATCH, ignore_conflicts=True
        )
        analyze(
            TimetableEntry,
            Lesson,
            PlanTopic,
            Mark,
            AttendanceMark,
            Homework,
            Lesson.work_types.through,
        )
        year = {"assignment__year": self.year}
        _backfill_history(
            Lesson,
            Lesson.objects.filter(pk__in=[x.pk for x in done]),
            "topic_set_at",
            "topic_changed",
            author="attendance_taken_by_id",  # the teacher who gave the lesson
        )
        _backfill_history(
            Mark, Mark.objects.filter(**{f"lesson__{k}": v for k, v in year.items()}), "entered_at"
        )
        _backfill_history(
            AttendanceMark,
            AttendanceMark.objects.filter(lesson__assignment__year=self.year),
            "entered_at",
        )
        _backfill_history(
            Homework, Homework.objects.filter(lesson__assignment__year=self.year), "set_at"
        )
        self.stats.update(
            held=len(done), marks=len(marks), absences=len(absences), homework=len(homework)
        )

    def _rosters(self) -> None:
        """Who is in each class on which dates, who is in which subgroup, and each student's
        ability and health (the distributions the marks and absences follow)."""
        self.spans: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
        for class_id, student_id, starts, ends in Enrollment.objects.filter(
            school_class__year=self.year
        ).values_list("school_class_id", "student_id", "starts_on", "ends_on"):
            self.spans[class_id].append((student_id, starts, ends))
        self.members: dict[int, set[int]] = defaultdict(set)
        for subgroup_id, student_id in Subgroup.members.through.objects.filter(
            subgroup__school_class__year=self.year
        ).values_list("subgroup_id", "student_id"):
            self.members[subgroup_id].add(student_id)
        students = {s for spans in self.spans.values() for s, _a, _b in spans}
        self.ability = {s: min(max(self.rng.gauss(3.9, 0.55), 2.6), 4.95) for s in students}
        self.ill: set[tuple[int, date]] = set()
        day = self.year.starts_on
        while day <= self.today:
            for s in students:
                if day.weekday() == 0 and self.rng.random() < 0.035:
                    first = day + timedelta(days=self.rng.randint(0, 4))
                    for k in range(self.rng.randint(3, 8)):
                        self.ill.add((s, first + timedelta(days=k)))
            day += timedelta(days=1)

    def _students_of(self, a: TeachingAssignment, day: date) -> list[int]:
        inside = [
            s
            for s, starts, ends in self.spans.get(a.school_class_id, ())
            if starts <= day and (ends is None or ends >= day)
        ]
        if a.subgroup_id:
            members = self.members.get(a.subgroup_id, set())
            inside = [s for s in inside if s in members]
        return inside

    def _attendance(
        self, lesson: Lesson, students: list[int], teacher_id: int, rows: list
    ) -> set[int]:
        absent = set()
        for s in students:
            r = self.rng.random()
            if (s, lesson.date) in self.ill:
                kind = "б"
            elif r < 0.006:
                kind = "н"
            elif r < 0.01:
                kind = "уп"
            elif r < 0.022:
                kind = "оп"
            else:
                continue
            if kind != "оп":
                absent.add(s)
            rows.append(
                AttendanceMark(
                    school=self.school,
                    lesson=lesson,
                    student_id=s,
                    kind=kind,
                    entered_by_id=teacher_id,
                    entered_at=lesson.attendance_taken_at
                    + timedelta(minutes=self.rng.uniform(0, 3)),
                )
            )
        return absent

    def _take_topic(self, lesson: Lesson, pointer: dict) -> PlanTopic | None:
        plan = self.plan.get(lesson.assignment_id)
        if not plan:
            return None
        state = pointer[lesson.assignment_id]
        if state[0] >= len(plan):
            return None
        topic = plan[state[0]]
        state[1] += 1
        if state[1] >= topic.hours:
            state[0], state[1] = state[0] + 1, 0
        return topic

    def _mark_value(self, student: int, a: TeachingAssignment, spread: float = 0.75) -> str:
        mu = self.ability[student] + (0.4 if a.subject.name in NO_CONTROL_WORK else 0)
        mu += ((hash((student, a.subject_id)) % 7) - 3) * 0.06
        return str(min(5, max(2, round(self.rng.gauss(mu, spread)))))

    def _marks(
        self, lesson: Lesson, a: TeachingAssignment, present: list[int], teacher_id: int, rows: list
    ):
        """Marks of a lesson by work type; returns the work types used."""
        wt = self.work_types
        used = []
        if not present:
            return used
        if lesson.lesson_type == Lesson.LessonType.CONTROL:
            kind = (
                wt["Диктант"]
                if a.subject.name == "Русский язык" and self.rng.random() < 0.5
                else wt["Контрольная работа"]
            )
            late = self.rng.random() < 0.06
            for s in present:
                rows.append(
                    self._mark(
                        lesson,
                        s,
                        kind,
                        self._mark_value(s, a, 0.85),
                        teacher_id,
                        days=self.rng.randint(4, 6) if late else self.rng.randint(0, 3),
                    )
                )
            return [kind]
        oral = self.rng.sample(present, min(len(present), self.rng.randint(2, 6)))
        for s in oral:
            rows.append(
                self._mark(
                    lesson, s, wt["Ответ на уроке"], self._mark_value(s, a), teacher_id, days=0
                )
            )
        used.append(wt["Ответ на уроке"])
        r = self.rng.random()
        if r < 0.18:
            for s in self.rng.sample(present, min(len(present), self.rng.randint(3, 7))):
                if s not in oral:
                    rows.append(
                        self._mark(
                            lesson,
                            s,
                            wt["Домашняя работа"],
                            self._mark_value(s, a),
                            teacher_id,
                            days=0,
                        )
                    )
            used.append(wt["Домашняя работа"])
        elif r < 0.26 and a.subject.name not in NO_CONTROL_WORK:
            kind = (
                wt["Лабораторная работа"]
                if lesson.lesson_type == "lab"
                else wt["Самостоятельная работа"]
            )
            for s in present:
                rows.append(
                    self._mark(
                        lesson,
                        s,
                        kind,
                        self._mark_value(s, a),
                        teacher_id,
                        days=self.rng.randint(0, 5),
                    )
                )
            used.append(kind)
        return used

    def _mark(
        self,
        lesson: Lesson,
        student: int,
        work_type: WorkType,
        value: str,
        teacher_id: int,
        days: int,
    ) -> Mark:
        entered = _at(
            lesson.date + timedelta(days=days),
            lesson.ends_at,
            self.rng.uniform(0, 240) if days else self.rng.uniform(-30, 60),
            self.tz,
        )
        comment = self.rng.choice(COMMENTS[value]) if self.rng.random() < 0.06 else ""
        return Mark(
            school=self.school,
            lesson=lesson,
            student_id=student,
            work_type=work_type,
            value=value,
            comment=comment,
            entered_at=entered,
            entered_by_id=teacher_id,
        )

    def _next_dates(self) -> dict[int, date]:
        """Each lesson's next lesson of the same assignment: the homework's due date."""
        following: dict[int, date] = {}
        last: dict[int, int] = {}
        for pk, assignment_id, day in (
            Lesson.objects.filter(assignment__year=self.year)
            .exclude(status=Lesson.Status.CANCELLED)
            .order_by("date", "lesson_number")
            .values_list("pk", "assignment_id", "date")
        ):
            if assignment_id in last:
                following[last[assignment_id]] = day
            last[assignment_id] = pk
        return following

    def _homework_text(self, a: TeachingAssignment) -> str:
        """Sized to the grade: a primary pupil gets an exercise or two, not pages."""
        r = self.rng.randint
        name = a.subject.name
        grade_ = a.school_class.grade
        if grade_ <= 4:
            if name == "Математика":
                return f"С. {r(4, 110)}, № {r(1, 6)}" + ("" if grade_ == 1 else f", {r(7, 9)}")
            if name == "Русский язык":
                return f"Прописи, с. {r(2, 32)}" if grade_ == 1 else f"Упр. {r(1, 250)}"
            if name.startswith("Иностранный"):
                return f"Ex. {r(1, 6)}, p. {r(5, 90)}; повторить слова"
            if name in ("Литературное чтение", "Окружающий мир"):
                first = r(5, 150)
                return f"Прочитать с. {first}–{first + r(1, 3)}"
            return f"С. {r(5, 100)}, задание {r(1, 5)}"
        if name in (
            "Математика",
            "Алгебра",
            "Геометрия",
            "Алгебра и начала математического анализа",
            "Вероятность и статистика",
        ):
            return f"§ {r(1, 40)}, № {r(100, 900)}, {r(100, 900)}"
        if name == "Русский язык":
            return f"Упр. {r(10, 600)}; правило на с. {r(5, 200)} выучить"
        if name.startswith("Иностранный"):
            return f"Ex. {r(1, 12)}, p. {r(5, 120)}; слова раздела — наизусть"
        if name in (
            "Литература",
            "Литературное чтение",
            "История",
            "Обществознание",
            "География",
            "Биология",
        ):
            first = r(5, 230)
            return f"Прочитать с. {first}–{first + r(4, 14)}, ответить на вопросы"
        return f"§ {r(1, 30)}, вопросы в конце параграфа"

    def _homework(
        self, lesson: Lesson, a: TeachingAssignment, teacher_id: int, next_date: dict, rows: list
    ) -> None:
        if a.subject.name in NO_CONTROL_WORK or self.rng.random() < 0.12:
            return
        grade_ = a.school_class.grade
        low, high = (10, 25) if grade_ <= 4 else ((15, 40) if grade_ <= 8 else (20, 50))
        late = self.rng.random() < 0.04
        rows.append(
            Homework(
                school=self.school,
                lesson=lesson,
                text=self._homework_text(a),
                minutes=5 * round(self.rng.randint(low, high) / 5),
                due_date=next_date.get(lesson.pk),
                set_by_id=teacher_id,
                set_at=_at(
                    lesson.date,
                    lesson.ends_at,
                    self.rng.uniform(300, 500) if late else self.rng.uniform(0, 50),
                    self.tz,
                ),
            )
        )

    def _homework_ahead(self, next_date: dict, rows: list) -> None:
        """Some teachers set the next lessons' homework in advance (seed 003 item 2.3)."""
        upcoming = list(
            Lesson.objects.filter(
                assignment__year=self.year,
                date__gt=self.today,
                date__lte=self.today + timedelta(days=7),
            )
            .exclude(status=Lesson.Status.CANCELLED)
            .order_by("date")
        )
        for lesson in upcoming:
            a = self.by_pk[lesson.assignment_id]
            if (
                a.school_class.grade >= 2
                and a.subject.name not in NO_CONTROL_WORK
                and self.rng.random() < 0.12
            ):
                rows.append(
                    Homework(
                        school=self.school,
                        lesson=lesson,
                        text=self._homework_text(a),
                        minutes=15 if a.school_class.grade <= 4 else 25,
                        due_date=next_date.get(lesson.pk),
                        set_by_id=a.teacher_id,
                        set_at=datetime.combine(self.today, time(16, 0), tzinfo=self.tz),
                    )
                )

    # --- substitutions, cancellations, moves ---------------------------------------------------

    def _substitutions(self, done: list[Lesson]) -> None:
        """About one lesson in a hundred is given by a colleague free at that time."""
        teachers = sorted({a.teacher_id for a in self.assignments})
        taken: set[tuple[int, date, int]] = set()
        for lesson in done:
            if self.rng.random() >= 0.01:
                continue
            a = self.by_pk[lesson.assignment_id]
            weekday = lesson.date.isoweekday()
            free = [
                t
                for t in teachers
                if t != a.teacher_id
                and (t, weekday, lesson.lesson_number) not in self.teacher_busy
                and (t, lesson.date, lesson.lesson_number) not in taken
            ]
            if free:
                lesson.substitute_teacher_id = self.rng.choice(free)
                taken.add((lesson.substitute_teacher_id, lesson.date, lesson.lesson_number))
                self.stats["substitutions"] += 1

    def _cancel_a_day(self, done: list[Lesson]) -> None:
        """One class on quarantine for a day: its lessons are cancelled, nothing entered."""
        if not done:
            return
        pick = self.rng.choice(done[len(done) // 3 : 2 * len(done) // 3] or done)
        class_id = self.by_pk[pick.assignment_id].school_class_id
        for lesson in done:
            if (
                lesson.date == pick.date
                and self.by_pk[lesson.assignment_id].school_class_id == class_id
            ):
                lesson.status = Lesson.Status.CANCELLED
                lesson.cancel_reason = "Карантин по ОРВИ в классе"
                lesson.substitute_teacher_id = None
                self.stats["cancelled"] += 1
        _bulk_set(
            Lesson,
            [x for x in done if x.status == Lesson.Status.CANCELLED],
            ["status", "cancel_reason"],
        )

    def moves(self) -> None:
        """Move two lessons of the coming week to a free slot (перенос), through the service."""
        upcoming = list(
            Lesson.objects.filter(
                assignment__year=self.year,
                date__gt=self.today,
                date__lte=self.today + timedelta(days=10),
            )
            .select_related(
                "school", "assignment__school_class", "assignment__year", "assignment__subject"
            )
            .order_by("date", "lesson_number")
        )
        self.rng.shuffle(upcoming)
        moved = 0
        for lesson in upcoming:
            if moved >= 2:
                break
            target = lesson.date + timedelta(days=1)
            if target.isoweekday() > 5:
                continue
            for number in range(7, 0, -1):
                try:
                    with transaction.atomic():
                        lesson_move(
                            acting_user=self.dispatcher,
                            lesson=lesson,
                            new_date=target,
                            new_number=number,
                            reason="Учитель на курсах повышения квалификации",
                        )
                except ValidationError:  # a busy slot or a holiday: try the next one
                    continue
                moved += 1
                break
        self.stats["moved"] = moved

    # --- corrections: a few marks changed later, with the reason the school requires ---------

    def corrections(self) -> None:
        """The demo teacher corrects a few older marks through the journal service, so the
        history pages show who, when, old, new and why."""
        from apps.gradebook.services import mark_delete, mark_set

        teacher = self.demo.users.get("teacher")
        if teacher is None:
            return
        old = list(
            Mark.objects.filter(
                lesson__assignment__teacher=teacher,
                lesson__assignment__year=self.year,
                lesson__date__lt=self.today - timedelta(days=7),
                lesson__date__gte=self.today - timedelta(days=30),
            )
            .select_related(
                "lesson__school",
                "lesson__assignment__school_class",
                "lesson__assignment__year",
                "student",
                "work_type",
            )
            .order_by("pk")[:400]
        )
        reasons = (
            "Ошибка при вводе: отметка выставлена не тому ученику",
            "Работа переписана после консультации",
            "Исправлена описка",
        )
        # The last one is removed below: never corrected first, so its version is the one read here.
        for mark in self.rng.sample(old[:-1], min(8, len(old) - 1)) if old else ():
            value = str(min(5, int(mark.value) + 1)) if mark.value.isdigit() else "4"
            if value == mark.value:
                continue
            try:
                with transaction.atomic():
                    mark_set(
                        acting_user=teacher,
                        lesson=mark.lesson,
                        student=mark.student,
                        work_type=mark.work_type,
                        value=value,
                        expected_version=mark.version,
                        reason=self.rng.choice(reasons),
                    )
            except ValidationError:  # a locked quarter: corrections there need the deputy's grant
                continue
            self.stats["corrections"] += 1
        for mark in old[-1:]:
            try:
                with transaction.atomic():
                    mark_delete(
                        acting_user=teacher,
                        lesson=mark.lesson,
                        student=mark.student,
                        work_type=mark.work_type,
                        expected_version=mark.version,
                        reason="Отметка выставлена ошибочно: ученик отсутствовал",
                    )
            except ValidationError:
                continue
            self.stats["corrections"] += 1

    # --- period marks and the lock of a closed quarter ----------------------------------------

    def period_marks(self) -> None:
        periods = [p for p in StudyPeriod.objects.filter(year=self.year) if p.ends_on < self.today]
        if not periods:
            return
        days_off = public_days_off(self.school, self.year.starts_on, self.year.ends_on)
        weights = {wt.pk: wt.weight for wt in self.work_types.values()}
        rows = []
        for period in periods:
            deadline = period_mark_deadline(
                self.policy, school=self.school, period_end=period.ends_on, days_off=days_off
            )
            marks: dict[tuple[int, int], list] = defaultdict(list)
            for assignment_id, student_id, value, wt_id in Mark.objects.filter(
                lesson__assignment__year=self.year,
                lesson__date__range=(period.starts_on, period.ends_on),
            ).values_list("lesson__assignment_id", "student_id", "value", "work_type_id"):
                marks[(assignment_id, student_id)].append((value, weights[wt_id]))
            for (assignment_id, student_id), values in marks.items():
                a = self.by_pk[assignment_id]
                if self.year.scheme_for_grade(a.school_class.grade) != period.scheme:
                    continue
                suggested = grade(values, self.policy.thresholds).suggested
                if suggested is None:
                    continue
                value = suggested
                if self.rng.random() < 0.04:  # the teacher decides otherwise now and then
                    value = str(min(5, max(2, int(suggested) + self.rng.choice((-1, 1)))))
                entered = (
                    deadline - timedelta(days=self.rng.uniform(0.5, 5))
                    if self.rng.random() > 0.03
                    else deadline + timedelta(days=self.rng.uniform(0.5, 2))
                )
                rows.append(
                    PeriodMark(
                        school=self.school,
                        assignment=a,
                        kind=PeriodMark.Kind.PERIOD,
                        period=period,
                        student_id=student_id,
                        value=value,
                        set_by_id=a.teacher_id,
                        entered_at=entered,
                        set_at=entered,
                    )
                )
            if deadline.date() < self.today:
                PeriodLock.objects.create(
                    school=self.school,
                    period=period,
                    locked_by=self.deputy,
                    locked_at=deadline + timedelta(days=1),
                )
                self.stats["locked_periods"] += 1
        with pgtrigger.ignore(*HISTORY_TRIGGERS):
            PeriodMark.objects.bulk_create(rows, batch_size=BATCH)
        analyze(PeriodMark)
        _backfill_history(
            PeriodMark, PeriodMark.objects.filter(assignment__year=self.year), "entered_at"
        )
        self.stats["period_marks"] = len(rows)
        locked = PeriodLock.objects.filter(period__year=self.year).select_related("period").first()
        if locked is not None:
            teacher = next(
                t
                for t in self.demo.teachers
                if t.pk != getattr(self.demo.users.get("teacher"), "pk", None)
            )
            moment = datetime.combine(self.today, time(9, 0), tzinfo=self.tz)
            PeriodUnlockGrant.objects.create(
                school=self.school,
                user=teacher,
                permission=unlock_permission(),
                content_object=locked.period,
                expires_at=moment + timedelta(days=2),
                granted_at=moment,
                granted_by=self.deputy,
                reason="Справка о болезни обучающегося представлена после закрытия четверти",
            )


# The journal's history triggers (django-pghistory) cost about 0.25 ms per inserted row
# here; the demo writes its first entries without them and then adds the same history
# rows set-based, dated when each entry was made (not when the demo ran).
HISTORY_TRIGGERS = (
    "schedule.Lesson:topic_changed_update",
    "gradebook.Mark:insert_insert",
    "gradebook.PeriodMark:insert_insert",
    "attendance.AttendanceMark:insert_insert",
    "homework.Homework:insert_insert",
)


def _bulk_set(model, objs: list, fields: list[str]) -> None:
    """UPDATE … FROM (VALUES …): many rows, several columns, one statement per batch.

    Django's bulk_update writes a CASE per column per row, quadratic in the batch size.
    """
    if not objs:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name) for name in fields]
    casts = [
        c.target_field.db_type(connection) if c.is_relation else c.db_type(connection)
        for c in columns
    ]
    casts = [cast.replace(" AUTO_INCREMENT", "").replace("serial", "integer") for cast in casts]
    names = [connection.ops.quote_name(c.column) for c in columns]
    row = "(%s::bigint, " + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    assignments = ", ".join(f"{n} = v.{n}" for n in names)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            chunk = objs[start : start + BATCH]
            params = []
            for obj in chunk:
                params.append(obj.pk)
                params += [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(chunk))}) "
                f"AS v(id, {', '.join(names)}) WHERE {table}.id = v.id",
                params,
            )


def _backfill_history(
    model, queryset, created_at: str, label: str = "insert", author: str | None = None
) -> None:
    """The history row a trigger would have written for each row of `queryset`, dated by
    the row's own `created_at` column; one INSERT … SELECT. With `author` (a user id
    column of the row) the row names who made the change, as a request's context would."""
    event = model.pgh_event_model
    tracked = [
        f
        for f in event._meta.concrete_fields
        if not f.name.startswith("pgh_") and f.name in {x.name for x in model._meta.concrete_fields}
    ]
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in tracked)
    table = q(model._meta.db_table)
    source_sql, params = queryset.values("pk").query.sql_with_params()
    context_sql = "NULL::uuid"
    with connection.cursor() as cursor:
        if author:
            # One pghistory context per author, the shape HistoryMiddleware writes.
            cursor.execute(
                f"CREATE TEMP TABLE demo_authors ON COMMIT DROP AS "
                f"SELECT user_id, gen_random_uuid() AS context_id FROM (SELECT DISTINCT "
                f"{q(author)} AS user_id FROM {table} WHERE {q(author)} IS NOT NULL "
                f"AND id IN ({source_sql})) AS authors",
                params,
            )
            cursor.execute(
                "INSERT INTO pghistory_context (id, created_at, updated_at, metadata) "
                "SELECT context_id, NOW(), NOW(), jsonb_build_object('user', user_id) FROM demo_authors"
            )
            context_sql = (
                f"(SELECT context_id FROM demo_authors a WHERE a.user_id = {table}.{q(author)})"
            )
        cursor.execute(
            f"INSERT INTO {q(event._meta.db_table)} "
            f"(pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {columns}) "
            f"SELECT COALESCE({q(created_at)}, NOW()), %s, id, {context_sql}, {columns} FROM {table} "
            f"WHERE id IN ({source_sql})",
            [label, *params],
        )
        if author:
            cursor.execute("DROP TABLE demo_authors")


def populate(demo) -> None:
    """The journal of the demo school's open year (see the module docstring)."""
    started = stopwatch.monotonic()
    journal = _Journal(demo)
    with transaction.atomic():
        stages = (
            journal.timetable,
            journal.lessons,
            journal.ktp,
            journal.fill,
            journal.moves,
            journal.period_marks,
            journal.corrections,
        )
        for stage in stages:
            began = stopwatch.monotonic()
            stage()
            journal.stats[f"s_{stage.__name__}"] = round(stopwatch.monotonic() - began, 1)
        # The history the backfill wrote, for the pages and steps that read it next.
        analyze(
            *(
                model.pgh_event_model
                for model in (Lesson, Mark, AttendanceMark, Homework, PeriodMark)
            )
        )
    journal.stats["seconds"] = round(stopwatch.monotonic() - started, 1)
    demo.extra["journal"] = dict(journal.stats)
