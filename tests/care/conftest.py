"""Care fixtures on top of `world`: a frozen school morning, consents naming the special
categories, a PE teacher of 5А and a second class with its own class teacher."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.models import RoleGrant
from apps.school.clock import frozen
from apps.students.models import Enrollment, PersonalDataConsent, Student
from tests import factories as f

MSK = ZoneInfo("Europe/Moscow")
TODAY = date(2026, 10, 14)  # a Wednesday of the first quarter
MORNING = datetime(2026, 10, 14, 8, 0, tzinfo=MSK)


def at(hour: int, minute: int = 0, day: date = TODAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


def consent(student, covers=("health", "social"), given_on=date(2026, 9, 1)):
    return PersonalDataConsent.objects.create(
        school=student.school,
        student=student,
        given_on=given_on,
        document="Согласие № 7",
        covers=list(covers),
    )


def make_students(school_class, n: int, prefix="Ученик") -> list[Student]:
    students = Student.objects.bulk_create(
        Student(
            school=school_class.school,
            last_name=f"{prefix}{i:03d}",
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
            starts_on=school_class.year.starts_on,
        )
        for s in students
    )
    return students


def teacher(world, username: str, last_name: str):
    user = f.UserFactory(username=username, last_name=last_name)
    RoleGrant.objects.create(user=user, school=world.school, role="teacher")
    return user


@dataclass
class CareWorld:
    world: object
    pe_teacher: object
    pe_subject: object
    other_class: object
    other_class_teacher: object


@pytest.fixture
def clock_morning():
    with frozen(MORNING):
        yield MORNING


@pytest.fixture
def cw(world, clock_morning) -> CareWorld:
    """5А with a PE teacher; 5Б with its own class teacher; world.student consents."""
    consent(world.student)
    pe_teacher = teacher(world, "a-pe", "Физкультурников")
    pe_subject = f.SubjectFactory(
        school=world.school, name="Физическая культура", physical_education=True
    )
    f.TeachingAssignmentFactory(
        school_class=world.school_class, subject=pe_subject, teacher=pe_teacher
    )
    other_ct = teacher(world, "a-ct-b", "Классная")
    other_class = f.SchoolClassFactory(
        year=world.year, grade=5, letter="Б", class_teacher=other_ct, shift=world.shift
    )
    make_students(other_class, 2, prefix="Бэшкин")
    return CareWorld(world, pe_teacher, pe_subject, other_class, other_ct)
