"""A year of journal for a school that has its structure but no lessons yet (the demo school
before the journal's own demo step lands): lessons from the teaching load, topics,
attendance, marks, homework, absences and period marks, with the usual share of lateness
and gaps, written in bulk. For the control area's benchmark only: deterministic, fast.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from apps.attendance.models import AttendanceMark
from apps.classes.models import TeachingAssignment
from apps.gradebook.models import Mark, PeriodMark
from apps.gradebook.services import work_types_ensure
from apps.homework.models import Homework
from apps.reports.audit import Rosters
from apps.schedule.models import Lesson, PlanTopic
from apps.school.models import Bell, Holiday, StudyPeriod

BATCH = 5000


def _weekly_slots(assignments) -> dict[tuple[int, int], list[tuple[TeachingAssignment, int]]]:
    """(class, weekday) -> [(assignment, lesson number)] spreading each assignment's hours."""
    slots: dict[tuple[int, int], list] = defaultdict(list)
    by_class = defaultdict(list)
    for a in assignments:
        by_class[a.school_class_id].append(a)
    for class_id, items in by_class.items():
        day_load = defaultdict(int)
        taken = set()  # (weekday, subject): subgroups of one subject share their slot
        for a in sorted(items, key=lambda a: (-float(a.hours_per_week), a.subject_id, a.pk)):
            hours = max(1, int(round(float(a.hours_per_week))))
            days = sorted(range(1, 6), key=lambda d: (day_load[d], d))[:min(hours, 5)]
            for weekday in days:
                if (weekday, a.subject_id) in taken:
                    number = next(n for x, n in slots[(class_id, weekday)] if x.subject_id == a.subject_id)
                else:
                    day_load[weekday] += 1
                    number = day_load[weekday]
                    taken.add((weekday, a.subject_id))
                slots[(class_id, weekday)].append((a, number))
    return slots


def fill_journal(year, *, until: date, seed: int = 11) -> dict:
    rng = random.Random(seed)
    school = year.school
    tz = school.tz
    assignments = list(TeachingAssignment.objects.filter(year=year).select_related("school_class", "subject", "teacher"))
    slots = _weekly_slots(assignments)
    bells = {(b.shift_id, b.lesson_number): b for b in Bell.objects.filter(school=school)}
    holidays = list(Holiday.objects.filter(year=year))
    work_types = {wt.name: wt for wt in work_types_ensure(school=school)}
    periods = list(StudyPeriod.objects.filter(year=year))
    rosters = Rosters.load({a.school_class_id for a in assignments})
    careless = {t: rng.choice([0.01, 0.02, 0.04, 0.1, 0.25]) for t in {a.teacher_id for a in assignments}}

    plan = []
    for a in assignments:
        hours = max(1, int(round(float(a.hours_per_week)))) * 34
        for position in range(1, hours // 2 + 1):
            plan.append(PlanTopic(school=school, assignment=a, position=position, title=f"Тема {position}", hours=2,
                                  planned_on=year.starts_on + timedelta(days=int(position * 2 * 7 / max(hours / 34, 1)))))
    PlanTopic.objects.bulk_create(plan, batch_size=BATCH, ignore_conflicts=True)

    lessons = []
    day = year.starts_on
    while day <= min(until, year.ends_on):
        if day.isoweekday() <= 5:
            for a in assignments:
                grade = a.school_class.grade
                if any(h.starts_on <= day <= h.ends_on and (not h.grades or grade in h.grades) for h in holidays):
                    continue
                for slot_a, number in slots.get((a.school_class_id, day.isoweekday()), ()):
                    if slot_a.pk != a.pk:
                        continue
                    bell = bells.get((a.school_class.shift_id, number))
                    starts = bell.starts_at if bell else time(8, 0)
                    ends = bell.ends_at if bell else time(8, 45)
                    start = datetime.combine(day, starts, tzinfo=tz)
                    sloppy = rng.random() < careless[a.teacher_id]
                    cancelled = rng.random() < 0.004
                    lessons.append(Lesson(
                        school=school, assignment=a, date=day, lesson_number=number, starts_at=starts, ends_at=ends,
                        status=Lesson.Status.CANCELLED if cancelled else Lesson.Status.HELD,
                        cancel_reason="Болезнь учителя" if cancelled else "",
                        topic="" if sloppy or cancelled else f"Тема урока {day:%d.%m}",
                        topic_set_at=None if sloppy or cancelled else start + timedelta(minutes=30),
                        attendance_taken_at=None if sloppy or cancelled else start + timedelta(
                            minutes=rng.choice([2, 3, 4, 5, 7, 9, 12])),
                        attendance_taken_by=None if sloppy or cancelled else a.teacher,
                    ))
        day += timedelta(days=1)
    Lesson.objects.bulk_create(lessons, batch_size=BATCH)

    marks, absences, homework = [], [], []
    for index, lesson in enumerate(lessons):
        if lesson.status == Lesson.Status.CANCELLED:
            continue
        a = lesson.assignment
        if not a.school_class.grade > 1:
            continue
        start = datetime.combine(lesson.date, lesson.starts_at, tzinfo=tz)
        kids = rosters.students_of(a, lesson.date, lesson.date)
        if not kids:
            continue
        control = index % 15 == 7
        for s in (kids if control else rng.sample(kids, min(4, len(kids)))):
            delay = timedelta(days=rng.choice([0, 1, 2, 3, 4])) if control else timedelta(hours=rng.choice([1, 2, 3, 30]))
            marks.append(Mark(school=school, lesson=lesson, student_id=s,
                              work_type=work_types["Контрольная работа" if control else "Ответ на уроке"],
                              value=rng.choices("5432", weights=[30, 42, 24, 4])[0], entered_at=start + delay,
                              entered_by=a.teacher))
        if rng.random() < 0.3:
            absences.append(AttendanceMark(school=school, lesson=lesson, student_id=rng.choice(kids),
                                           kind=rng.choice(["н", "б", "б", "уп", "оп"]),
                                           entered_at=start + timedelta(minutes=5), entered_by=a.teacher))
        if lesson.topic and rng.random() < 0.85:
            homework.append(Homework(school=school, lesson=lesson, text="Упражнения по теме урока",
                                     minutes=rng.choice([15, 20, 25, 30, 40]),
                                     set_at=start + timedelta(minutes=rng.choice([40, 40, 40, 400])),
                                     set_by=a.teacher))
    Mark.objects.bulk_create(marks, batch_size=BATCH, ignore_conflicts=True)
    AttendanceMark.objects.bulk_create(absences, batch_size=BATCH, ignore_conflicts=True)
    Homework.objects.bulk_create(homework, batch_size=BATCH, ignore_conflicts=True)

    period_marks = []
    for a in assignments:
        if a.school_class.grade == 1:
            continue
        scheme = year.scheme_for_grade(a.school_class.grade)
        for p in periods:
            if p.scheme != scheme or p.ends_on > until:
                continue
            entered = datetime.combine(p.ends_on + timedelta(days=rng.choice([1, 2, 3, 9])), time(15, 0), tzinfo=tz)
            for s in rosters.students_of(a, p.ends_on, p.ends_on):
                period_marks.append(PeriodMark(school=school, assignment=a, kind="period", period=p, student_id=s,
                                               value=rng.choices("5432", weights=[25, 45, 27, 3])[0],
                                               set_by=a.teacher, entered_at=entered, set_at=entered))
    PeriodMark.objects.bulk_create(period_marks, batch_size=BATCH, ignore_conflicts=True)
    return {"lessons": len(lessons), "marks": len(marks), "absences": len(absences), "homework": len(homework),
            "period_marks": len(period_marks)}
