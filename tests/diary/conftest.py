"""Diary fixtures on top of `world`: two subjects of 5А, lessons of the week of 7 September,
the parent's second child in 5Б, and another family in 5А."""

from datetime import date, time

import pytest

from apps.accounts.models import RoleGrant
from apps.gradebook.services import work_types_ensure
from tests import factories as f

MONDAY = date(2026, 9, 7)
THURSDAY = date(2026, 9, 10)
PASSWORD = "пароль-для-тестов"


def lesson(assignment, day, number, **kwargs):
    return f.LessonFactory(
        assignment=assignment,
        date=day,
        lesson_number=number,
        starts_at=time(8 + number, 0),
        ends_at=time(8 + number, 45),
        **kwargs,
    )


def add_parent(world, username: str):
    user = f.UserFactory(username=username, last_name="Кузнецова", first_name="Мария")
    RoleGrant.objects.create(user=user, school=world.school, role="parent")
    guardian = f.GuardianFactory(school=world.school, user=user, last_name="Кузнецова")
    return user, guardian


@pytest.fixture
def dw(world):
    w = world
    w.work_types = {wt.name: wt for wt in work_types_ensure(school=w.school)}
    w.oral = w.work_types["Ответ на уроке"]
    w.control = w.work_types["Контрольная работа"]
    w.teacher = w.users["teacher"]
    w.russian = f.SubjectFactory(school=w.school, name="Русский язык", order=1)
    w.russian_a = f.TeachingAssignmentFactory(
        school_class=w.school_class, subject=w.russian, teacher=w.teacher
    )
    w.math_mon = lesson(w.assignment, MONDAY, 2)
    w.russian_mon = lesson(w.russian_a, MONDAY, 1)
    w.math_thu = lesson(w.assignment, THURSDAY, 1)
    w.period = w.year.periods.get(number=1)
    # The parent's second child, in 5Б.
    w.class_b = f.SchoolClassFactory(year=w.year, grade=5, letter="Б", shift=w.shift)
    w.sibling = f.StudentFactory(school=w.school, last_name="Смирнова", first_name="Алиса")
    f.EnrollmentFactory(school_class=w.class_b, student=w.sibling)
    f.GuardianshipFactory(student=w.sibling, guardian=w.guardian)
    w.math_b = f.TeachingAssignmentFactory(
        school_class=w.class_b, subject=w.subject, teacher=w.teacher
    )
    w.math_b_mon = lesson(w.math_b, MONDAY, 3)
    # Another family, with a child in the same class.
    w.stranger_parent, stranger_guardian = add_parent(w, "a-parent-2")
    w.stranger = f.StudentFactory(school=w.school, last_name="Кузнецов", first_name="Пётр")
    f.EnrollmentFactory(school_class=w.school_class, student=w.stranger)
    f.GuardianshipFactory(student=w.stranger, guardian=stranger_guardian)
    return w
