"""The teacher's landing page opens on today's lessons: time, class, room and what is still
missing (attendance, topic, homework), one tap to each lesson; the load cards open their
journals; the page costs the same number of queries with one lesson or eight."""

from datetime import time

from django.urls import reverse

from apps.attendance.services import attendance_all_present
from apps.homework.services import homework_set
from apps.school.clock import school_today
from tests import factories as f


def _home(client, jw):
    return client.get(reverse("school:home", args=[jw.school.pk]))


def test_teacher_lands_on_todays_lessons_with_what_is_missing(client, jw):
    today = school_today(jw.school)
    first = f.LessonFactory(
        assignment=jw.assignment,
        date=today,
        lesson_number=2,
        starts_at=time(9, 0),
        ends_at=time(9, 45),
        room="214",
    )
    second = f.LessonFactory(
        assignment=jw.assignment, date=today, lesson_number=5, starts_at=time(12, 0)
    )
    teacher = jw.users["teacher"]
    attendance_all_present(acting_user=teacher, lesson=first)
    homework_set(acting_user=teacher, lesson=first, text="§ 3", expected_version=0)
    client.force_login(teacher)
    page = _home(client, jw).content.decode()
    lessons = page[page.index('data-testid="today-lessons-home"') :]
    assert reverse("journal:lesson", args=[jw.school.pk, first.pk]) in lessons
    assert reverse("journal:lesson", args=[jw.school.pk, second.pk]) in lessons
    assert "09:00–09:45" in lessons and "каб. 214" in lessons
    first_row = lessons[: lessons.index(reverse("journal:lesson", args=[jw.school.pk, second.pk]))]
    assert "✓ посещаемость" in first_row and "нет темы" in first_row
    assert "✓ задание" in first_row
    second_row = lessons[len(first_row) :]
    assert "нет посещаемости" in second_row and "нет задания" in second_row
    # The load cards open their journals.
    assert reverse("journal:grid", args=[jw.school.pk, jw.assignment.pk]) in page


def test_a_day_without_lessons_says_so(client, jw):
    client.force_login(jw.users["teacher"])
    assert "Сегодня уроков нет." in _home(client, jw).content.decode()


def test_the_landing_page_query_count_does_not_grow_with_the_lessons(
    client, jw, django_assert_max_num_queries
):
    today = school_today(jw.school)
    client.force_login(jw.users["teacher"])
    f.LessonFactory(assignment=jw.assignment, date=today, lesson_number=1)
    _home(client, jw)
    with django_assert_max_num_queries(25) as one:
        _home(client, jw)
    for number in range(2, 9):
        assignment = f.TeachingAssignmentFactory(
            school_class=jw.school_class, teacher=jw.users["teacher"]
        )
        f.LessonFactory(assignment=assignment, date=today, lesson_number=number, room=str(number))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = _home(client, jw).content.decode()
    assert page.count('data-testid="today-lesson"') == 8
