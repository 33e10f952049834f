"""Deadline reminders: before the deadline, once, never at night, in the school's time."""

from datetime import date

import pytest

from apps.gradebook.models import PeriodMark
from apps.homework.models import Homework
from apps.messaging.models import Notification
from apps.reports.reminders import reminders_send
from apps.schedule.models import Lesson, PlanTopic
from apps.school import clock
from apps.school.models import SchoolRules
from tests import factories as f
from tests.reports.conftest import MONDAY, build_audit_world


@pytest.fixture
def rw(db):
    return build_audit_world("Asia/Yekaterinburg", prefix="rm")


def titles(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values_list("title", flat=True)
    )


def test_attendance_reminder_five_minutes_after_the_bell_once(rw):
    lesson = rw.lesson(number=1)
    assert reminders_send(school=rw.school, now=rw.at(MONDAY, 8, 34)) == 0
    assert reminders_send(school=rw.school, now=rw.at(MONDAY, 8, 35)) == 1
    assert titles(rw.teacher) == ["Отметьте посещаемость: 5А, математика, 1-й урок"]
    note = Notification.objects.get(user=rw.teacher)
    assert "до 08:40" in note.body and note.link.endswith(f"/journal/a/{rw.assignment.pk}/")
    assert reminders_send(school=rw.school, now=rw.at(MONDAY, 8, 40)) == 0  # once
    del lesson


def test_no_attendance_reminder_once_it_is_taken(rw):
    lesson = rw.lesson(number=1)
    Lesson.objects.filter(pk=lesson.pk).update(attendance_taken_at=clock.now())
    assert reminders_send(school=rw.school, now=rw.at(MONDAY, 8, 36)) == 0


def test_the_substitute_is_reminded_not_the_absent_teacher(rw):
    substitute = f.UserFactory(username="rm-sub", last_name="Петров")
    rw.lesson(number=1, substitute_teacher=substitute)
    reminders_send(school=rw.school, now=rw.at(MONDAY, 8, 36))
    assert titles(substitute) and not titles(rw.teacher)


def test_never_at_night(rw):
    SchoolRules.objects.create(school=rw.school, reminders_from="09:00")
    rw.lesson(
        number=1
    )  # 08:30: the reminder would be due at 08:35, before the school's quiet hours end
    assert reminders_send(school=rw.school, now=rw.at(MONDAY, 8, 35)) == 0
    assert Notification.objects.count() == 0


def test_homework_reminder_when_the_class_day_ends_before_the_deadline(rw):
    first = rw.lesson(number=1, topic="Дроби")
    history = f.TeachingAssignmentFactory(
        school_class=rw.school_class,
        teacher=rw.teacher,
        subject=f.SubjectFactory(school=rw.school, name="История"),
    )
    last = rw.lesson(number=5, starts=(12, 20), ends=(13, 5), topic="Рим", assignment=history)
    Homework.objects.create(
        school=rw.school, lesson=last, text="§ 5", set_at=clock.now(), set_by=rw.teacher
    )
    Lesson.objects.filter(pk__in=[first.pk, last.pk]).update(attendance_taken_at=clock.now())
    assert reminders_send(school=rw.school, now=rw.at(MONDAY, 13, 4)) == 0
    assert reminders_send(school=rw.school, now=rw.at(MONDAY, 13, 6)) == 1
    note = Notification.objects.get(user=rw.teacher)
    assert note.title == "Запишите домашнее задание: 5А"
    assert "5А, математика, 1-й урок" in note.body and "не позднее 14:05" in note.body
    assert reminders_send(school=rw.school, now=rw.at(MONDAY, 13, 30)) == 0


def test_period_marks_reminder_two_working_days_before_their_deadline(rw):
    # The quarter ends on Friday 30 October; five working days: the deadline is 6 November.
    assert reminders_send(school=rw.school, now=rw.at(date(2026, 11, 3), 10, 0)) == 0
    assert reminders_send(school=rw.school, now=rw.at(date(2026, 11, 4), 10, 0)) == 1
    note = Notification.objects.get(user=rw.teacher)
    assert note.title == "Выставьте отметки за 1 четверть до 06.11.2026"
    assert note.body == "5А, математика — нет у 3" and note.wants_email
    assert reminders_send(school=rw.school, now=rw.at(date(2026, 11, 5), 10, 0)) == 0


def test_no_period_marks_reminder_when_all_are_set(rw):
    now = clock.now()
    for student in rw.students:
        PeriodMark.objects.create(
            school=rw.school,
            assignment=rw.assignment,
            kind="period",
            period=rw.q1,
            student=student,
            value="4",
            set_by=rw.teacher,
            entered_at=now,
            set_at=now,
        )
    assert reminders_send(school=rw.school, now=rw.at(date(2026, 11, 4), 10, 0)) == 0


def test_ktp_reminder_before_15_september(rw):
    # 15 September 2026 is a Tuesday: two working days before it is Friday the 11th.
    assert reminders_send(school=rw.school, now=rw.at(date(2026, 9, 10), 10, 0)) == 0
    assert reminders_send(school=rw.school, now=rw.at(date(2026, 9, 11), 10, 0)) == 1
    assert titles(rw.teacher) == ["Заполните КТП до 15.09.2026"]
    assert reminders_send(school=rw.school, now=rw.at(date(2026, 9, 14), 10, 0)) == 0


def test_no_ktp_reminder_for_a_filled_plan(rw):
    PlanTopic.objects.create(
        school=rw.school, assignment=rw.assignment, position=1, title="Натуральные числа", hours=4
    )
    assert reminders_send(school=rw.school, now=rw.at(date(2026, 9, 11), 10, 0)) == 0


def test_an_unsigned_movement_order_reminds_its_secretary_and_the_director_once(world):
    from apps.orders import services as orders
    from apps.orders.models import OrderKind

    secretary, director = world.users["secretary"], world.users["director"]
    # Movement on Monday 16 November: entered within 3 working days, by Thursday the 19th;
    # the reminder comes two working days before, on Tuesday the 17th.
    order = orders.order_draft(
        acting_user=secretary,
        school=world.school,
        year=world.year,
        kind=OrderKind.LEAVING,
        order_date=date(2026, 11, 16),
    )
    orders.order_item_add(
        acting_user=secretary, order=order, student=world.student, destination="МБОУ СОШ № 5"
    )
    tz = world.school.tz
    from datetime import datetime

    def at(day):
        return datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)

    reminders_send(school=world.school, now=at(date(2026, 11, 16)))
    assert not Notification.objects.filter(user__in=[secretary, director]).exists()
    reminders_send(school=world.school, now=at(date(2026, 11, 17)))
    expected = ["Подпишите приказ «О выбытии обучающихся» до 19.11.2026"]
    assert titles(secretary) == expected and titles(director) == expected
    assert Notification.objects.get(user=director).link.endswith(f"/orders/{order.pk}/")
    reminders_send(school=world.school, now=at(date(2026, 11, 18)))
    assert len(titles(director)) == 1  # once
    orders.order_sign(acting_user=director, order=order)
    Notification.objects.all().delete()  # forget the reminders sent: a signed order needs none
    reminders_send(school=world.school, now=at(date(2026, 11, 18)))
    assert not Notification.objects.filter(link__endswith=f"/orders/{order.pk}/").exists()
    other = orders.order_draft(
        acting_user=secretary,
        school=world.school,
        year=world.year,
        kind=OrderKind.LEAVING,
        order_date=date(2026, 11, 2),
    )
    reminders_send(
        school=world.school, now=at(date(2026, 11, 17))
    )  # overdue drafts are the register's
    assert not Notification.objects.filter(link__endswith=f"/orders/{other.pk}/").exists()
