"""Moves, cancellations, substitutions and the early end of a grade's timetable, in the
services and on the dispatcher's page; regeneration stays safe around them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.attendance.services import attendance_set
from apps.gradebook.services import mark_set, period_lock
from apps.homework.models import Homework
from apps.schedule.models import Lesson, TimetableEntry
from apps.schedule.services import (
    lesson_cancel,
    lesson_move,
    lesson_uncancel,
    lessons_generate,
    timetable_end_early,
    timetable_entry_add,
)
from apps.school import clock
from tests import factories as f
from tests.journal.conftest import MONDAY, other_teacher


def _lesson(pk):
    return Lesson.objects.select_related(
        "school", "assignment__school_class", "assignment__year", "assignment__subject"
    ).get(pk=pk)


def test_a_moved_lesson_remembers_where_it_came_from(jw):
    lesson = lesson_move(
        acting_user=jw.users["dispatcher"],
        lesson=_lesson(jw.lesson.pk),
        new_date=date(2026, 9, 9),
        new_number=1,
    )
    assert (lesson.date, lesson.moved_from_date, lesson.moved_from_number) == (
        date(2026, 9, 9),
        MONDAY,
        1,
    )
    assert lesson.starts_at is not None  # the bell of lesson 1 of the class's shift
    lesson = lesson_move(
        acting_user=jw.users["dispatcher"],
        lesson=_lesson(lesson.pk),
        new_date=date(2026, 9, 10),
        new_number=1,
    )
    assert lesson.moved_from_date == MONDAY  # the first original slot stays
    lesson = lesson_move(
        acting_user=jw.users["dispatcher"], lesson=_lesson(lesson.pk), new_date=MONDAY, new_number=1
    )
    assert lesson.moved_from_date is None  # back where it was


def test_a_move_is_refused_with_reasons(jw):
    dispatcher = jw.users["dispatcher"]
    russian = f.TeachingAssignmentFactory(
        school_class=jw.school_class,
        subject=f.SubjectFactory(school=jw.school, name="Русский язык"),
    )
    f.LessonFactory(assignment=russian, date=date(2026, 9, 8), lesson_number=2)
    with pytest.raises(ValidationError) as caught:
        lesson_move(
            acting_user=dispatcher,
            lesson=_lesson(jw.lesson.pk),
            new_date=date(2026, 9, 8),
            new_number=2,
        )
    assert "У класса 5А" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        lesson_move(
            acting_user=dispatcher,
            lesson=_lesson(jw.lesson.pk),
            new_date=date(2026, 10, 28),
            new_number=1,
        )
    assert "Осенние каникулы" in caught.value.messages[0]
    attendance_set(
        acting_user=jw.users["teacher"],
        lesson=_lesson(jw.lesson.pk),
        student=jw.student,
        kind="н",
        expected_version=0,
    )
    with pytest.raises(ValidationError) as caught:
        lesson_move(
            acting_user=dispatcher,
            lesson=_lesson(jw.lesson.pk),
            new_date=date(2026, 9, 9),
            new_number=3,
        )
    assert "перенести его нельзя" in " ".join(caught.value.messages)


def test_regeneration_keeps_moved_and_cancelled_lessons(world):
    dispatcher = world.users["dispatcher"]
    timetable_entry_add(
        acting_user=dispatcher, assignment=world.assignment, weekday=1, lesson_number=1
    )
    lessons_generate(
        acting_user=dispatcher,
        year=world.year,
        date_from=date(2026, 9, 1),
        date_to=date(2026, 9, 30),
    )
    first, second = Lesson.objects.order_by("date")[:2]
    lesson_move(
        acting_user=dispatcher, lesson=_lesson(first.pk), new_date=date(2026, 9, 9), new_number=2
    )
    lesson_cancel(acting_user=dispatcher, lesson=_lesson(second.pk), reason="Экскурсия")
    report = lessons_generate(
        acting_user=dispatcher,
        year=world.year,
        date_from=date(2026, 9, 1),
        date_to=date(2026, 9, 30),
    )
    assert report.created == 0 and report.removed == 0
    assert Lesson.objects.filter(date=MONDAY).count() == 0  # not generated again in its old slot
    assert Lesson.objects.get(pk=first.pk).date == date(2026, 9, 9)
    assert Lesson.objects.get(pk=second.pk).status == Lesson.Status.CANCELLED


def test_generation_skips_locked_periods(world):
    dispatcher = world.users["dispatcher"]
    timetable_entry_add(
        acting_user=dispatcher, assignment=world.assignment, weekday=1, lesson_number=1
    )
    period_lock(acting_user=world.users["deputy"], period=world.year.periods.get(number=1))
    report = lessons_generate(
        acting_user=dispatcher,
        year=world.year,
        date_from=date(2026, 9, 1),
        date_to=date(2026, 11, 30),
    )
    assert (
        report.skipped_locked == 7
        and not Lesson.objects.filter(date__lte=date(2026, 10, 24)).exists()
    )
    assert Lesson.objects.filter(date__gt=date(2026, 10, 24)).count() == report.created


def test_a_cancelled_lesson_comes_back(jw):
    lesson = lesson_cancel(
        acting_user=jw.users["dispatcher"], lesson=_lesson(jw.lesson.pk), reason="Карантин"
    )
    lesson = lesson_uncancel(acting_user=jw.users["dispatcher"], lesson=_lesson(lesson.pk))
    assert (lesson.status, lesson.cancel_reason) == (Lesson.Status.PLANNED, "")
    events = Lesson.pgh_event_model.objects.filter(pgh_obj_id=lesson.pk).order_by("pgh_id")
    assert [e.status for e in events] == ["cancelled", "planned"]


def test_grades_1_9_11_end_early_and_lessons_with_data_stay(world):
    dispatcher = world.users["dispatcher"]
    ninth = f.SchoolClassFactory(year=world.year, grade=9, letter="А", shift=world.shift)
    pupil = f.StudentFactory(school=world.school)
    f.EnrollmentFactory(school_class=ninth, student=pupil)
    algebra = f.TeachingAssignmentFactory(school_class=ninth, teacher=other_teacher(world))
    timetable_entry_add(acting_user=dispatcher, assignment=algebra, weekday=3, lesson_number=2)
    timetable_entry_add(
        acting_user=dispatcher, assignment=world.assignment, weekday=3, lesson_number=3
    )
    late = TimetableEntry.objects.create(
        school=world.school,
        year=world.year,
        assignment=algebra,
        weekday=4,
        lesson_number=2,
        starts_on=date(2027, 5, 27),
        ends_on=world.year.ends_on,
    )
    lessons_generate(
        acting_user=dispatcher,
        year=world.year,
        date_from=date(2027, 5, 1),
        date_to=date(2027, 5, 31),
    )
    kept = Lesson.objects.get(assignment=algebra, date=date(2027, 5, 26))
    Lesson.objects.filter(pk=kept.pk).update(topic="Повторение", status=Lesson.Status.HELD)
    Homework.objects.create(
        school=world.school, lesson=kept, text="§ 1", set_at=clock.now(), set_by=algebra.teacher
    )
    report = timetable_end_early(
        acting_user=world.users["deputy"],
        year=world.year,
        grades=[1, 9, 11],
        last_day=date(2027, 5, 25),
    )
    assert (report.entries_shortened, report.entries_removed) == (1, 1)
    assert not TimetableEntry.objects.filter(pk=late.pk).exists()
    assert TimetableEntry.objects.get(assignment=algebra).ends_on == date(2027, 5, 25)
    assert [lesson.pk for lesson in report.kept_with_data] == [kept.pk]
    assert not Lesson.objects.filter(assignment=algebra, date__gt=date(2027, 5, 26)).exists()
    assert Lesson.objects.filter(
        assignment=world.assignment, date=date(2027, 5, 26)
    ).exists()  # 5А goes on


def test_dispatcher_substitutes_cancels_and_moves_from_the_day_page(client, jw):
    client.force_login(jw.users["dispatcher"])
    sub = other_teacher(jw)
    page = reverse("timetable:changes", args=[jw.school.pk])
    response = client.get(page, {"day": "2026-09-07"})
    assert response.status_code == 200 and "5А" in response.content.decode()
    url = reverse("timetable:substitute", args=[jw.school.pk, jw.lesson.pk])
    response = client.post(
        url, {f"s{jw.lesson.pk}-teacher": sub.pk, f"s{jw.lesson.pk}-reason": "Больничный"}
    )
    assert response.status_code == 302
    assert Lesson.objects.get(pk=jw.lesson.pk).substitute_teacher == sub
    filtered = client.get(page, {"day": "2026-09-07", "teacher": sub.pk})
    assert len(filtered.context["rows"]) == 1
    # The day's other lessons hide behind «только изменения»: the substitution stays.
    f.LessonFactory(assignment=jw.assignment, date=MONDAY, lesson_number=3)
    everything = client.get(page, {"day": "2026-09-07"})
    changed = client.get(page, {"day": "2026-09-07", "only": "changed"})
    assert len(everything.context["rows"]) > len(changed.context["rows"]) == 1
    assert changed.context["rows"][0]["lesson"].pk == jw.lesson.pk
    assert "только изменения (1)" in changed.content.decode()
    move = reverse("timetable:move", args=[jw.school.pk, jw.lesson.pk])
    refused = client.post(
        move, {f"m{jw.lesson.pk}-new_date": "2026-10-28", f"m{jw.lesson.pk}-new_number": 1}
    )
    assert refused.status_code == 422 and "Осенние каникулы" in refused.content.decode()
    assert (
        client.post(
            move, {f"m{jw.lesson.pk}-new_date": "2026-09-09", f"m{jw.lesson.pk}-new_number": 4}
        ).status_code
        == 302
    )
    cancel = reverse("timetable:cancel", args=[jw.school.pk, jw.lesson.pk])
    assert client.post(cancel, {f"c{jw.lesson.pk}-reason": ""}).status_code == 422
    assert client.post(cancel, {f"c{jw.lesson.pk}-reason": "Карантин"}).status_code == 302
    lesson = Lesson.objects.get(pk=jw.lesson.pk)
    assert (lesson.status, lesson.date, lesson.moved_from_date) == (
        Lesson.Status.CANCELLED,
        date(2026, 9, 9),
        MONDAY,
    )
    assert client.post(cancel, {"restore": "1"}).status_code == 302
    assert Lesson.objects.get(pk=jw.lesson.pk).status == Lesson.Status.PLANNED


def test_substitute_fills_the_lesson_and_the_grid_shows_the_change(client, jw):
    sub = other_teacher(jw)
    client.force_login(jw.users["dispatcher"])
    client.post(
        reverse("timetable:substitute", args=[jw.school.pk, jw.lesson.pk]),
        {f"s{jw.lesson.pk}-teacher": sub.pk},
    )
    client.force_login(sub)
    day = client.get(reverse("journal:index", args=[jw.school.pk]), {"day": "2026-09-07"})
    assert "вместо" in day.content.decode()
    page = client.get(reverse("journal:lesson", args=[jw.school.pk, jw.lesson.pk]))
    assert page.status_code == 200 and page.context["can_edit"] and not page.context["sees_grid"]
    lesson = _lesson(jw.lesson.pk)
    mark_set(
        acting_user=sub,
        lesson=lesson,
        student=jw.student,
        work_type=jw.oral,
        value="5",
        expected_version=0,
    )
    client.force_login(jw.users["teacher"])
    grid = client.get(
        reverse("journal:grid", args=[jw.school.pk, jw.assignment.pk])
    ).content.decode()
    assert "jl-flag-sub" in grid and "замена: Петров" in grid


def test_the_dispatcher_ends_grades_from_the_timetable_page(client, world):
    client.force_login(world.users["dispatcher"])
    url = reverse("timetable:end-early", args=[world.school.pk])
    response = client.post(
        url, {"year": world.year.pk, "grades": [9, 11], "last_day": "2027-05-25"}
    )
    assert (
        response.status_code == 200
        and "Занятия 9, 11 классов закончены" in response.content.decode()
    )
    refused = client.post(url, {"year": world.year.pk, "grades": [9], "last_day": "2028-05-25"})
    assert refused.status_code == 422
