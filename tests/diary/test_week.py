"""The week as parents read it: lessons in order, homework on its due day, marks as the teacher
left them (added, corrected, removed), attendance, substitutions, cancellations, moves."""

from datetime import date, time

import pytest
from django.urls import reverse

from apps.attendance.services import attendance_set
from apps.diary.selectors import diary_homework
from apps.gradebook.services import lesson_topic_set, mark_delete, mark_set
from apps.homework.models import HomeworkAttachment
from apps.homework.services import homework_set
from apps.schedule.models import Lesson
from apps.schedule.services import lesson_cancel, lesson_substitute
from apps.school.clock import school_today
from tests import factories as f
from tests.diary.conftest import MONDAY, THURSDAY, lesson
from tests.journal.conftest import other_teacher


def week_of(client, dw, student=None, day=MONDAY):
    url = reverse("diary:week", args=[dw.school.pk, (student or dw.student).pk])
    response = client.get(url, {"d": day.isoformat()})
    assert response.status_code == 200
    return response


def day_of(response, day):
    return next(d for d in response.context["week"].days if d.day == day)


@pytest.fixture
def parent(client, dw):
    client.force_login(dw.users["parent"])
    return client


def test_lessons_in_timetable_order_with_time_subject_teacher_topic(parent, dw):
    lesson_topic_set(acting_user=dw.teacher, lesson=dw.math_mon, topic="Натуральные числа")
    response = week_of(parent, dw)
    monday = day_of(response, MONDAY)
    assert [(dl.number, dl.subject) for dl in monday.lessons] == [
        (1, "Русский язык"),
        (2, "Математика"),
    ]
    assert monday.lessons[1].starts_at == time(10, 0)
    html = response.content.decode()
    assert "Натуральные числа" in html and dw.teacher.short_name in html
    # Only Monday to Saturday, the sibling's 5Б lesson is not here.
    assert len(response.context["week"].days) == 6
    assert all(dl.lesson.school_class_id == dw.school_class.pk for dl in monday.lessons)


def test_homework_set_in_advance_shows_on_its_due_day(parent, dw):
    hw = homework_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        text="№ 15, 16 на с. 12",
        expected_version=0,
        due_date=THURSDAY,
        minutes=20,
    )
    f_ = HomeworkAttachment.objects.create(
        school=dw.school,
        homework=hw,
        file="homework/x/sheet.pdf",
        name="Карточка.pdf",
        size=1000,
        uploaded_by=dw.teacher,
    )
    response = week_of(parent, dw)
    thursday = day_of(response, THURSDAY)
    assert [h.pk for h in thursday.lessons[0].due_here] == [hw.pk]  # at Thursday's maths lesson
    monday = day_of(response, MONDAY)
    assert next(dl for dl in monday.lessons if dl.subject == "Математика").homework.pk == hw.pk
    html = response.content.decode()
    assert html.count("№ 15, 16 на с. 12") == 2  # where it was set, and where it is due
    # The file is linked to the diary's access-checking download, never to /media/.
    student_id = response.context["student"].pk
    link = reverse("diary:file", args=[dw.school.pk, student_id, f_.pk])
    assert f_.name in html and link in html and "/media/" not in html


def test_homework_set_a_term_ahead_still_shows_on_its_due_day(parent, dw):
    """A project given in September for December is on December's page and in the list."""
    due = date(2026, 12, 10)
    homework_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        text="Проект «Дроби вокруг нас»",
        expected_version=0,
        due_date=due,
    )
    december = day_of(week_of(parent, dw, day=due), due)
    assert [h.text for h in december.due_elsewhere] == ["Проект «Дроби вокруг нас»"]
    listed = diary_homework(student=dw.student, today=date(2026, 12, 1))
    assert [h.text for h in listed.upcoming] == ["Проект «Дроби вокруг нас»"]


def test_homework_due_on_a_day_without_that_subject_is_listed_on_the_day(parent, dw):
    homework_set(
        acting_user=dw.teacher,
        lesson=dw.russian_mon,
        text="Выучить правило",
        expected_version=0,
        due_date=date(2026, 9, 9),
    )
    wednesday = day_of(week_of(parent, dw), date(2026, 9, 9))
    assert [h.text for h in wednesday.due_elsewhere] == ["Выучить правило"]


def test_marks_added_corrected_and_removed(parent, dw):
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.control,
        value="4",
        expected_version=0,
        comment="Ошибка в задаче 3",
    )
    marks = next(
        dl for dl in day_of(week_of(parent, dw), MONDAY).lessons if dl.subject == "Математика"
    ).marks
    assert [(m.value, m.work_type, m.weight, m.comment) for m in marks] == [
        ("4", "Контрольная работа", 2, "Ошибка в задаче 3")
    ]

    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.control,
        value="5",
        expected_version=1,
        comment="Исправлено",
        reason="пересдача",
    )
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.oral,
        value="3",
        expected_version=0,
    )
    marks = next(
        dl for dl in day_of(week_of(parent, dw), MONDAY).lessons if dl.subject == "Математика"
    ).marks
    assert [(m.value, m.comment) for m in marks] == [("3", ""), ("5", "Исправлено")]

    mark_delete(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.control,
        expected_version=2,
    )
    response = week_of(parent, dw)
    marks = next(dl for dl in day_of(response, MONDAY).lessons if dl.subject == "Математика").marks
    assert [m.value for m in marks] == ["3"]
    assert "Исправлено" not in response.content.decode()


def test_another_students_marks_never_show(parent, dw):
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.stranger,
        work_type=dw.oral,
        value="2",
        expected_version=0,
        comment="Чужой комментарий",
    )
    response = week_of(parent, dw)
    assert all(not dl.marks for dl in day_of(response, MONDAY).lessons)
    assert "Чужой комментарий" not in response.content.decode()


def test_attendance_shown_with_its_meaning(parent, dw):
    attendance_set(
        acting_user=dw.teacher,
        lesson=dw.russian_mon,
        student=dw.student,
        kind="б",
        expected_version=0,
    )
    response = week_of(parent, dw)
    first = day_of(response, MONDAY).lessons[0]
    assert (first.attendance, first.attendance_label) == ("б", "болел")
    assert "б · болел" in response.content.decode()


def test_substitution_cancellation_and_move_are_shown(parent, dw):
    substitute = other_teacher(dw)
    lesson_substitute(acting_user=dw.users["deputy"], lesson=dw.math_mon, teacher=substitute)
    lesson_cancel(acting_user=dw.users["deputy"], lesson=dw.russian_mon, reason="Болезнь учителя")
    Lesson.objects.filter(pk=dw.math_thu.pk).update(
        moved_from_date=date(2026, 9, 9), moved_from_number=3
    )
    html = week_of(parent, dw).content.decode()
    assert "замена" in html and substitute.short_name in html
    assert "Урок отменён: Болезнь учителя" in html
    assert "Перенесён с 9 сентября" in html


def test_subgroup_lessons_only_for_members(parent, dw):
    english = f.SubjectFactory(school=dw.school, name="Английский язык")
    group1 = f.SubgroupFactory(school_class=dw.school_class, subject=english, name="1 группа")
    group2 = f.SubgroupFactory(school_class=dw.school_class, subject=english, name="2 группа")
    group1.members.add(dw.student)
    group2.members.add(dw.stranger)
    lesson(
        f.TeachingAssignmentFactory(
            school_class=dw.school_class, subgroup=group1, subject=english, teacher=dw.teacher
        ),
        THURSDAY,
        2,
    )
    lesson(
        f.TeachingAssignmentFactory(
            school_class=dw.school_class, subgroup=group2, subject=english, teacher=dw.teacher
        ),
        THURSDAY,
        3,
    )
    thursday = day_of(week_of(parent, dw), THURSDAY)
    assert [(dl.number, dl.subject) for dl in thursday.lessons] == [
        (1, "Математика"),
        (2, "Английский язык"),
    ]


def test_today_is_highlighted_and_weeks_navigate(parent, dw):
    today = school_today(dw.school)
    response = week_of(parent, dw, day=today)
    highlighted = [d.day for d in response.context["week"].days if d.is_today]
    assert highlighted == ([today] if today.isoweekday() != 7 else [])
    assert (
        'class="card diary-day h-100 is-today"' in response.content.decode()
        or today.isoweekday() == 7
    )
    prev = week_of(parent, dw, day=date(2026, 9, 3))
    assert prev.context["week"].monday == date(2026, 8, 31)
    assert f"?d={date(2026, 9, 7).isoformat()}" in prev.content.decode()  # the next-week link


def test_future_week_shows_the_timetable_and_holidays(parent, dw):
    f.TimetableEntryFactory(assignment=dw.assignment, weekday=2, lesson_number=4, room="12")
    future = week_of(parent, dw, day=date(2026, 12, 15))
    tuesday = day_of(future, date(2026, 12, 15))
    assert [(dl.subject, dl.lesson, dl.room) for dl in tuesday.lessons] == [
        ("Математика", None, "12")
    ]
    holiday = week_of(parent, dw, day=date(2026, 10, 27))
    assert day_of(holiday, date(2026, 10, 27)).holiday == "Осенние каникулы"
    assert not day_of(holiday, date(2026, 10, 27)).lessons
