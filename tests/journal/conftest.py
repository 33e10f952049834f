"""Journal fixtures on top of `world`: work types, lessons of 5А, extra students."""

from datetime import date, timedelta

import pytest

from apps.accounts.models import RoleGrant
from apps.gradebook.services import work_types_ensure
from apps.schedule.models import Lesson
from apps.school.clock import school_today
from apps.students.models import Enrollment, Student
from tests import factories as f

MONDAY = date(2026, 9, 7)


@pytest.fixture
def jw(world):
    """`world` plus the default work types and one held-day lesson of world.assignment."""
    world.work_types = {wt.name: wt for wt in work_types_ensure(school=world.school)}
    world.oral = world.work_types["Ответ на уроке"]
    world.control = world.work_types["Контрольная работа"]
    world.lesson = f.LessonFactory(assignment=world.assignment, date=MONDAY)
    world.period = world.year.periods.get(number=1)
    return world


def tomorrow(world) -> date:
    """A lesson day that has not come yet, whatever day the run's clock shows."""
    return school_today(world.school) + timedelta(days=1)


def other_teacher(world, username="a-teacher-2"):
    user = f.UserFactory(username=username, last_name="Петров")
    RoleGrant.objects.create(user=user, school=world.school, role="teacher")
    return user


def make_students(school_class, n: int, starts_on=None) -> list[Student]:
    students = Student.objects.bulk_create(
        Student(
            school=school_class.school,
            last_name=f"Ученик{i:03d}",
            first_name="Иван",
            birth_date=date(2015, 1, 1),
            sex="m",
        )
        for i in range(n)
    )
    Enrollment.objects.bulk_create(
        Enrollment(
            school=school_class.school,
            student=s,
            school_class=school_class,
            starts_on=starts_on or school_class.year.starts_on,
        )
        for s in students
    )
    return students


def make_lessons(assignment, n: int, start=date(2026, 9, 1)) -> list[Lesson]:
    """n lessons on school days from `start`, up to four a day (fits 170 in a quarter)."""
    lessons, day = [], start
    while len(lessons) < n:
        if day.isoweekday() != 7:
            for number in range(1, 5):
                if len(lessons) < n:
                    lessons.append(
                        Lesson(
                            school=assignment.school,
                            assignment=assignment,
                            date=day,
                            lesson_number=number,
                        )
                    )
        day += timedelta(days=1)
    return Lesson.objects.bulk_create(lessons)
