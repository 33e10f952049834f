"""The demo school's journal step: a conflict-free timetable, КТП, a year of lessons and, up to
the demo's today, what teachers record (a small school, built once for these tests)."""

from collections import Counter
from datetime import date

import pytest
from django.db.models import Count

from apps.attendance.models import AttendanceMark
from apps.gradebook.models import Mark, PeriodLock, PeriodMark
from apps.homework.models import Homework
from apps.schedule.demo import populate
from apps.schedule.models import Lesson, PlanTopic, TimetableEntry

TODAY = date(2026, 11, 24)


@pytest.fixture
def demo(db):
    from apps.school.demo.structure import build_structure

    demo = build_structure(seed=7, today=TODAY, scale=0.1)
    populate(demo)
    return demo


def test_the_demo_journal(demo):
    """One small school built once: every check below reads it."""
    _timetable_has_no_teacher_or_class_twice_at_once(demo)
    _lessons_plans_and_what_teachers_recorded(demo)
    _finished_quarters_have_period_marks_and_are_locked(demo)
    _believable_plans_and_homework(demo)


def _believable_plans_and_homework(demo):
    """Topics fit the grade, the plan is dated inside the class's periods, homework is sized
    to the grade (issue 12, item 23)."""
    from apps.school.models import StudyPeriod

    second_grade_math = PlanTopic.objects.filter(
        assignment__school_class__grade=2, assignment__subject__name="Математика"
    )
    assert second_grade_math.exists()
    assert not second_grade_math.filter(title__icontains="дроби").exists()
    spans = {}
    for p in StudyPeriod.objects.filter(year=demo.year):
        spans.setdefault(p.scheme, []).append((p.starts_on, p.ends_on))
    for topic in PlanTopic.objects.filter(assignment__year=demo.year).select_related(
        "assignment__school_class"
    ):
        own = spans[demo.year.scheme_for_grade(topic.assignment.school_class.grade)]
        assert any(start <= topic.planned_on <= end for start, end in own), topic
    primary = Homework.objects.filter(lesson__assignment__school_class__grade__lte=4)
    assert (
        primary.exists()
        and not primary.filter(text__contains="№ 1").filter(text__regex=r"№ \d{3}").exists()
    )
    for text in primary.filter(text__startswith="Прочитать").values_list("text", flat=True):
        first, last = (int(x) for x in text.split("с. ")[1].split("–"))
        assert last - first <= 3, text


def _timetable_has_no_teacher_or_class_twice_at_once(demo):
    entries = TimetableEntry.objects.filter(year=demo.year)
    assert entries.exists()
    teacher_twice = (
        entries.values("assignment__teacher", "weekday", "lesson_number")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not teacher_twice.exists()
    whole_class_twice = (
        entries.filter(assignment__subgroup__isnull=True)
        .values("assignment__school_class", "weekday", "lesson_number")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not whole_class_twice.exists()
    assert {e.assignment.school_class_id for e in entries} == {c.pk for c in demo.classes}
    assert demo.extra["journal"]["timetable_unplaced_hours"] <= 3


def _lessons_plans_and_what_teachers_recorded(demo):
    lessons = Lesson.objects.filter(assignment__year=demo.year)
    held = lessons.filter(status=Lesson.Status.HELD)
    assert lessons.filter(date__gt=TODAY).exists() and held.exists()
    assert not held.filter(date__gt=TODAY).exists()
    assert held.exclude(topic="").count() / held.count() > 0.95
    assert held.filter(attendance_taken_at__isnull=False).count() == held.count()
    assert lessons.filter(status=Lesson.Status.CANCELLED).exclude(cancel_reason="").exists()
    assert lessons.filter(substitute_teacher__isnull=False).exists()
    assert PlanTopic.objects.filter(assignment__year=demo.year).values(
        "assignment"
    ).distinct().count() >= 0.9 * len(demo.assignments)
    absent = AttendanceMark.objects.filter(lesson__assignment__year=demo.year)
    kinds = Counter(absent.values_list("kind", flat=True))
    assert set(kinds) <= {"н", "б", "уп", "оп"} and kinds["б"] > kinds["н"]
    students_seen = held.count() * 20
    assert 0.005 < absent.count() / students_seen < 0.15  # a few per cent absent
    marks = Mark.objects.filter(lesson__assignment__year=demo.year)
    assert marks.exists() and not marks.filter(lesson__assignment__school_class__grade=1).exists()
    values = Counter(marks.values_list("value", flat=True))
    assert values["4"] > values["2"] and values["5"] > values["2"]
    assert marks.exclude(comment="").exists()
    assert Homework.objects.filter(
        lesson__assignment__year=demo.year, minutes__isnull=False
    ).exists()
    # The first entries have their history, dated when they were made.
    first = marks.order_by("pk").first()
    event = Mark.pgh_event_model.objects.get(pgh_obj_id=first.pk, pgh_label="insert")
    assert event.pgh_created_at == first.entered_at
    # A held lesson's history names the teacher who gave it, as the journal page would.
    held = Lesson.objects.filter(assignment__year=demo.year, status=Lesson.Status.HELD).first()
    change = Lesson.pgh_event_model.objects.select_related("pgh_context").get(pgh_obj_id=held.pk)
    assert change.pgh_context.metadata == {"user": held.attendance_taken_by_id}


def _finished_quarters_have_period_marks_and_are_locked(demo):
    marks = PeriodMark.objects.filter(assignment__year=demo.year, kind="period")
    assert marks.exists() and set(marks.values_list("period__number", flat=True)) == {1}
    assert PeriodLock.objects.filter(
        period__year=demo.year, period__number=1, period__scheme="quarter"
    ).exists()
