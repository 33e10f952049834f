"""Journal and timetable pages: who gets in, what they can do, how refusals look."""

from datetime import date

import pytest
from django.urls import reverse

from apps.attendance.models import AttendanceMark
from apps.gradebook.models import Mark, PeriodMark
from apps.gradebook.selectors import journal_cell, journal_grid
from apps.gradebook.services import mark_set
from apps.homework.models import Homework
from apps.schedule.models import Lesson, TimetableEntry
from tests import factories as f
from tests.journal.conftest import MONDAY, other_teacher


def grid_url(world, assignment=None):
    return reverse("journal:grid", args=[world.school.pk, (assignment or world.assignment).pk])


def cell_url(world):
    return reverse("journal:cell", args=[world.school.pk])


def post_cell(client, jw, value, token=None, work_type=None, lesson=None, student=None):
    lesson = lesson or jw.lesson
    student = student or jw.student
    if token is None:
        token = journal_cell(lesson=lesson, student=student).token
    return client.post(
        cell_url(jw),
        {
            "lesson": lesson.pk,
            "student": student.pk,
            "value": value,
            "token": token,
            "work_type": (work_type or jw.oral).pk,
        },
    )


def test_assigned_teacher_sees_an_editable_grid(client, jw):
    client.force_login(jw.users["teacher"])
    response = client.get(grid_url(jw))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-editable="1"' in body and jw.student.full_name in body
    assert "«3» от 2,5, «4» от 3,5, «5» от 4,5" in body


def test_teacher_saves_a_mark_and_attendance_from_the_cell(client, jw):
    client.force_login(jw.users["teacher"])
    response = post_cell(client, jw, "5")
    assert response.status_code == 200 and "jc-saved" in response.content.decode()
    response = post_cell(client, jw, "н")
    assert response.status_code == 200
    assert Mark.objects.get().value == "5" and AttendanceMark.objects.get().kind == "н"
    # Delete on the cell removes the mark of the chosen work type first, then the absence.
    post_cell(client, jw, "")
    assert not Mark.objects.exists() and AttendanceMark.objects.exists()
    post_cell(client, jw, "")
    assert not AttendanceMark.objects.exists()


def test_conflicting_save_answers_409_with_the_current_value(client, jw):
    client.force_login(jw.users["teacher"])
    stale = journal_cell(lesson=jw.lesson, student=jw.student).token
    mark_set(
        acting_user=jw.users["teacher"],
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value="3",
        expected_version=0,
    )
    response = post_cell(client, jw, "5", token=stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert ">3</span>" in body and 'data-typed="5"' in body
    assert Mark.objects.get().value == "3"


def test_refused_value_answers_422_and_keeps_what_was_typed(client, jw):
    client.force_login(jw.users["teacher"])
    response = post_cell(client, jw, "7")
    assert response.status_code == 422
    assert 'data-typed="7"' in response.content.decode()


def test_other_teacher_gets_404_for_a_journal_they_do_not_keep(client, jw):
    client.force_login(other_teacher(jw))
    assert client.get(grid_url(jw)).status_code == 404
    assert post_cell(client, jw, "5").status_code == 404
    assert not Mark.objects.exists()


def test_class_teacher_reads_the_whole_class_journal_but_cannot_write(client, jw):
    colleague = other_teacher(jw)
    russian = f.TeachingAssignmentFactory(school_class=jw.school_class, teacher=colleague)
    lesson = f.LessonFactory(assignment=russian, date=MONDAY, lesson_number=2)
    client.force_login(jw.users["teacher"])  # the class teacher of 5А
    response = client.get(grid_url(jw, russian))
    assert response.status_code == 200 and 'data-editable="0"' in response.content.decode()
    assert post_cell(client, jw, "5", lesson=lesson).status_code == 403
    assert not Mark.objects.exists()


def test_deputy_reads_but_cannot_write(client, jw):
    client.force_login(jw.users["deputy"])
    assert client.get(grid_url(jw)).status_code == 200
    assert post_cell(client, jw, "5").status_code == 403


@pytest.mark.parametrize("role", ["parent", "student", "secretary", "medic"])
def test_family_and_other_staff_never_reach_the_grid(client, jw, role):
    client.force_login(jw.users[role])
    assert client.get(grid_url(jw)).status_code == 403
    assert post_cell(client, jw, "5").status_code == 403


def test_another_schools_ids_are_not_found(client, jw):
    foreign = f.LessonFactory(assignment=jw.other.assignment, date=MONDAY)
    client.force_login(jw.users["teacher"])
    assert client.get(grid_url(jw, jw.other.assignment)).status_code == 404
    assert client.get(reverse("journal:lesson", args=[jw.school.pk, foreign.pk])).status_code == 404
    assert post_cell(client, jw, "5", lesson=foreign, student=jw.other.student).status_code == 404
    client.force_login(jw.other.users["teacher"])
    assert client.get(grid_url(jw)).status_code == 404


def test_student_enrolled_in_november_has_no_cells_before(client, jw):
    late = f.StudentFactory(school=jw.school, last_name="Яковлев")
    f.EnrollmentFactory(school_class=jw.school_class, student=late, starts_on=date(2026, 11, 5))
    november = f.LessonFactory(assignment=jw.assignment, date=date(2026, 11, 9))
    q2 = f.StudyPeriodFactory(
        year=jw.year,
        number=2,
        name="2 четверть",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 27),
    )
    grid = journal_grid(assignment=jw.assignment, period=q2)
    row = next(r for r in grid.rows if r.student == late)
    by_lesson = {c.lesson.pk: c.enrolled for c in row.cells}
    assert by_lesson == {jw.lesson.pk: False, november.pk: True}


def test_period_mark_that_disagrees_is_flagged(client, jw):
    teacher = jw.users["teacher"]
    mark_set(
        acting_user=teacher,
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value="5",
        expected_version=0,
    )
    client.force_login(teacher)
    url = reverse("journal:period-mark", args=[jw.school.pk, jw.assignment.pk])
    response = client.post(
        url, {"student": jw.student.pk, "period": jw.period.pk, "value": "3", "version": 0}
    )
    assert response.status_code == 200 and "jp-disagree" in response.content.decode()
    assert PeriodMark.objects.get().value == "3"
    stale = client.post(
        url, {"student": jw.student.pk, "period": jw.period.pk, "value": "5", "version": 0}
    )
    assert stale.status_code == 409


def test_lesson_page_sets_topic_and_homework(client, jw):
    client.force_login(jw.users["teacher"])
    url = reverse("journal:lesson", args=[jw.school.pk, jw.lesson.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"save_lesson": "1", "topic": "Дроби", "lesson_type": "new", "seen_topic": ""}
    )
    assert response.status_code == 302
    client.post(url, {"save_homework": "1", "text": "§ 5", "minutes": "20", "version": "0"})
    jw.lesson.refresh_from_db()
    assert jw.lesson.topic == "Дроби" and Homework.objects.get().text == "§ 5"
    stale = client.post(
        url, {"save_lesson": "1", "topic": "Другое", "lesson_type": "new", "seen_topic": ""}
    )
    assert stale.status_code == 422 and "уже изменил" in stale.content.decode()


def test_substitute_opens_the_lesson_page_of_the_substituted_lesson(client, jw):
    sub = other_teacher(jw)
    Lesson.objects.filter(pk=jw.lesson.pk).update(substitute_teacher=sub)
    client.force_login(sub)
    assert (
        client.get(reverse("journal:lesson", args=[jw.school.pk, jw.lesson.pk])).status_code == 200
    )
    assert post_cell(client, jw, "н").status_code == 200


def test_journal_index_lists_own_journals_apart_from_those_to_read(client, jw):
    """The class teacher of 5А keeps mathematics and reads the class's other subjects."""
    russian = f.TeachingAssignmentFactory(
        school_class=jw.school_class, teacher=other_teacher(jw), subject__name="Русский язык"
    )
    client.force_login(jw.users["teacher"])
    response = client.get(reverse("journal:index", args=[jw.school.pk]))
    assert response.status_code == 200
    assert [a.pk for a in response.context["own_assignments"]] == [jw.assignment.pk]
    assert [(c.pk, [a.pk for a in items]) for c, items in response.context["other_by_class"]] == [
        (jw.school_class.pk, [russian.pk])
    ]
    html = response.content.decode()
    assert html.index("Мои журналы") < html.index(jw.subject.name)
    assert html.index("Журналы для просмотра") < html.index("Русский язык")


def test_the_deputy_sees_one_list_of_the_schools_journals(client, jw):
    client.force_login(jw.users["deputy"])
    response = client.get(reverse("journal:index", args=[jw.school.pk]))
    html = response.content.decode()
    assert "Мои журналы" not in html and jw.subject.name in html


def test_dispatcher_builds_the_timetable_and_generates_lessons(client, world):
    client.force_login(world.users["dispatcher"])
    page = reverse("timetable:page", args=[world.school.pk])
    assert client.get(page, {"class": world.school_class.pk}).status_code == 200
    add = reverse("timetable:add", args=[world.school.pk, world.school_class.pk])
    data = {"assignment": world.assignment.pk, "weekday": 1, "lesson_number": 1, "room": "12"}
    assert client.post(add, data).status_code == 302
    russian = f.TeachingAssignmentFactory(school_class=world.school_class)
    refused = client.post(add, {**data, "assignment": russian.pk, "room": "14"})
    assert refused.status_code == 422 and "У класса 5А уже есть урок" in refused.content.decode()
    generate = reverse("timetable:generate", args=[world.school.pk])
    response = client.post(
        generate, {"year": world.year.pk, "date_from": "2026-09-01", "date_to": "2026-09-30"}
    )
    assert response.status_code == 200 and Lesson.objects.count() == 4
    assert "Создано уроков" in response.content.decode()
    entry = TimetableEntry.objects.get()
    assert (
        client.post(reverse("timetable:remove", args=[world.school.pk, entry.pk])).status_code
        == 302
    )
    assert not TimetableEntry.objects.exists()


def test_teacher_sees_the_timetable_but_cannot_change_it(client, world):
    client.force_login(world.users["teacher"])
    assert client.get(reverse("timetable:page", args=[world.school.pk])).status_code == 200
    add = reverse("timetable:add", args=[world.school.pk, world.school_class.pk])
    assert (
        client.post(
            add, {"assignment": world.assignment.pk, "weekday": 1, "lesson_number": 1}
        ).status_code
        == 403
    )
