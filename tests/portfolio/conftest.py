"""Portfolio fixtures on top of `world`: a frozen autumn morning, a second family in 5А and
a teacher of another class."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.models import RoleGrant
from apps.school.clock import frozen
from tests import factories as f

MSK = ZoneInfo("Europe/Moscow")
MORNING = datetime(2026, 10, 14, 10, 0, tzinfo=MSK)
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def clock_morning():
    with frozen(MORNING):
        yield MORNING


def user_with(world, role: str, username: str, last_name: str = "Иванов"):
    user = f.UserFactory(username=username, last_name=last_name)
    RoleGrant.objects.create(user=user, school=world.school, role=role)
    return user


@pytest.fixture
def family_b(world):
    """Another student of 5А with their own parent (a parent of someone else's child)."""
    student = f.StudentFactory(school=world.school, last_name="Соседов")
    f.EnrollmentFactory(school_class=world.school_class, student=student)
    parent = user_with(world, "parent", "a-parent-b", "Соседова")
    guardian = f.GuardianFactory(school=world.school, user=parent)
    f.GuardianshipFactory(student=student, guardian=guardian)
    return student, parent


@pytest.fixture
def other_teacher(world):
    """A teacher of 5Б only: teaches nobody of 5А."""
    teacher = user_with(world, "teacher", "a-teacher-b", "Бэшкина")
    other = f.SchoolClassFactory(
        year=world.year, grade=5, letter="Б", class_teacher=teacher, shift=world.shift
    )
    f.TeachingAssignmentFactory(school_class=other, subject=world.subject, teacher=teacher)
    return teacher


def achievement_post(**extra):
    data = {
        "kind": "olympiad",
        "event": "Муниципальный этап ВсОШ по математике",
        "subject": "математика",
        "level": "municipal",
        "result": "prize",
        "happened_on": date(2026, 10, 2).isoformat(),
        "teacher": "",
    }
    data.update(extra)
    return data
