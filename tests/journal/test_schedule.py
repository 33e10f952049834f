"""Timetable conflicts, lesson generation, substitutions and cancellations."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from apps.attendance.services import attendance_set
from apps.schedule.models import Lesson, TimetableEntry
from apps.schedule.services import (
    lesson_cancel,
    lesson_substitute,
    lessons_generate,
    timetable_entry_add,
    timetable_entry_remove,
)
from tests import factories as f
from tests.journal.conftest import MONDAY, other_teacher


def _add(world, assignment=None, **kw):
    params = {"weekday": 1, "lesson_number": 1, "room": "12"} | kw
    return timetable_entry_add(
        acting_user=world.users["dispatcher"], assignment=assignment or world.assignment, **params
    )


def _messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_teacher_cannot_be_in_two_classes_at_once(world):
    _add(world)
    other_class = f.SchoolClassFactory(year=world.year, letter="Б")
    same_teacher = f.TeachingAssignmentFactory(
        school_class=other_class, teacher=world.users["teacher"]
    )
    with pytest.raises(ValidationError) as caught:
        _add(world, same_teacher, room="14")
    assert "Учитель" in _messages(caught) and "уже ведёт урок" in _messages(caught)


def test_room_holds_one_lesson(world):
    _add(world)
    other_class = f.SchoolClassFactory(year=world.year, letter="Б")
    elsewhere = f.TeachingAssignmentFactory(school_class=other_class)
    with pytest.raises(ValidationError) as caught:
        _add(world, elsewhere, room="12")
    assert "Кабинет 12" in _messages(caught)
    assert _add(world, elsewhere, room="14").pk


def test_class_has_one_lesson_at_a_time_but_subgroups_run_in_parallel(world):
    _add(world)
    russian = f.TeachingAssignmentFactory(school_class=world.school_class)
    with pytest.raises(ValidationError) as caught:
        _add(world, russian, room="15")
    assert "У класса 5А" in _messages(caught)

    english = f.SubjectFactory(school=world.school, name="Английский язык")
    group2 = f.SubgroupFactory(school_class=world.school_class, subject=english, name="2 группа")
    g1 = f.TeachingAssignmentFactory(
        school_class=world.school_class, subject=english, subgroup=world.subgroup
    )
    g2 = f.TeachingAssignmentFactory(
        school_class=world.school_class, subject=english, subgroup=group2
    )
    _add(world, g1, lesson_number=2, room="21")
    assert _add(world, g2, lesson_number=2, room="22").pk
    g1_again = f.TeachingAssignmentFactory(
        school_class=world.school_class,
        subgroup=world.subgroup,
        subject=f.SubjectFactory(school=world.school),
    )
    with pytest.raises(ValidationError):
        _add(world, g1_again, lesson_number=2, room="23")


def test_entries_valid_in_different_periods_do_not_conflict(world):
    _add(world, ends_on=date(2026, 10, 24))
    russian = f.TeachingAssignmentFactory(school_class=world.school_class)
    assert _add(world, russian, starts_on=date(2026, 11, 5), room="15").pk


def _timetable(world):
    """5А: mathematics on Mondays, lesson 1; bells of the 1st shift."""
    return _add(world)


def test_generation_creates_dated_lessons_with_bell_times_and_skips_holidays(world):
    _timetable(world)
    report = lessons_generate(
        acting_user=world.users["dispatcher"],
        year=world.year,
        date_from=date(2026, 10, 19),
        date_to=date(2026, 11, 9),
    )
    dates = list(Lesson.objects.order_by("date").values_list("date", flat=True))
    # 26.10 and 2.11 fall in the autumn holiday (26.10–3.11).
    assert dates == [date(2026, 10, 19), date(2026, 11, 9)]
    assert report.created == 2 and report.skipped_holidays == 2
    lesson = Lesson.objects.first()
    assert (lesson.starts_at, lesson.ends_at, lesson.room) == (time(8, 30), time(9, 15), "12")


def test_holiday_for_some_grades_only(world):
    _timetable(world)
    f.HolidayFactory(
        year=world.year,
        name="Доп. каникулы 1 кл.",
        starts_on=date(2026, 9, 14),
        ends_on=date(2026, 9, 20),
        grades=[1],
    )
    f.HolidayFactory(
        year=world.year,
        name="Доп. каникулы 5 кл.",
        starts_on=date(2026, 9, 21),
        ends_on=date(2026, 9, 27),
        grades=[5],
    )
    lessons_generate(
        acting_user=world.users["dispatcher"],
        year=world.year,
        date_from=date(2026, 9, 14),
        date_to=date(2026, 9, 27),
    )
    assert list(Lesson.objects.values_list("date", flat=True)) == [date(2026, 9, 14)]


def test_generation_is_idempotent(world):
    _timetable(world)
    args = {
        "acting_user": world.users["dispatcher"],
        "year": world.year,
        "date_from": date(2026, 9, 1),
        "date_to": date(2026, 9, 30),
    }
    first = lessons_generate(**args)
    second = lessons_generate(**args)
    assert first.created == 4 and second.created == 0 and second.existing == 4
    assert Lesson.objects.count() == 4


def test_regeneration_removes_empty_lessons_but_keeps_and_reports_those_with_data(world):
    entry = _timetable(world)
    args = {
        "acting_user": world.users["dispatcher"],
        "year": world.year,
        "date_from": date(2026, 9, 1),
        "date_to": date(2026, 9, 30),
    }
    lessons_generate(**args)
    with_absence = Lesson.objects.get(date=MONDAY)
    attendance_set(
        acting_user=world.users["teacher"],
        lesson=with_absence,
        student=world.student,
        kind="н",
        expected_version=0,
    )
    timetable_entry_remove(acting_user=world.users["dispatcher"], entry=entry)
    report = lessons_generate(**args)
    assert report.removed == 3
    assert [lesson.pk for lesson in report.kept_with_data] == [with_absence.pk]
    assert list(Lesson.objects.values_list("pk", flat=True)) == [with_absence.pk]


def test_hand_made_lessons_are_never_removed_by_generation(world):
    f.LessonFactory(assignment=world.assignment, date=MONDAY)
    report = lessons_generate(
        acting_user=world.users["dispatcher"],
        year=world.year,
        date_from=date(2026, 9, 1),
        date_to=date(2026, 9, 30),
    )
    assert report.removed == 0 and Lesson.objects.count() == 1


def test_substitute_must_be_a_free_teacher_of_the_school(world):
    lesson = f.LessonFactory(assignment=world.assignment, date=MONDAY)
    with pytest.raises(ValidationError):
        lesson_substitute(
            acting_user=world.users["dispatcher"], lesson=lesson, teacher=world.users["parent"]
        )
    busy = other_teacher(world)
    other_class = f.SchoolClassFactory(year=world.year, letter="Б")
    f.LessonFactory(
        assignment=f.TeachingAssignmentFactory(school_class=other_class, teacher=busy), date=MONDAY
    )
    with pytest.raises(ValidationError) as caught:
        lesson_substitute(acting_user=world.users["dispatcher"], lesson=lesson, teacher=busy)
    assert "свой урок" in " ".join(caught.value.messages)
    free = other_teacher(world, "a-teacher-3")
    assert (
        lesson_substitute(
            acting_user=world.users["dispatcher"], lesson=lesson, teacher=free
        ).substitute_teacher
        == free
    )
    assert (
        lesson_substitute(
            acting_user=world.users["dispatcher"], lesson=lesson, teacher=None
        ).substitute_teacher
        is None
    )


def test_lesson_with_attendance_cannot_be_cancelled(world):
    lesson = f.LessonFactory(assignment=world.assignment, date=MONDAY)
    attendance_set(
        acting_user=world.users["teacher"],
        lesson=lesson,
        student=world.student,
        kind="б",
        expected_version=0,
    )
    with pytest.raises(ValidationError):
        lesson_cancel(acting_user=world.users["dispatcher"], lesson=lesson, reason="Карантин")
    assert TimetableEntry.objects.count() == 0
