"""Mail fixtures on top of `world`: 5А (the world's class, its class teacher teaches
mathematics there) and 5Б with its own class teacher, a parent and a student; a subject
teacher of 5Б only; the clock stopped on a school morning."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.models import RoleGrant
from apps.school.access import school_context_for
from apps.school.clock import frozen
from tests import factories as f

MSK = ZoneInfo("Europe/Moscow")
MORNING = datetime(2026, 10, 14, 10, 0, tzinfo=MSK)


def person(world, username: str, role: str, last_name: str, **kwargs):
    user = f.UserFactory(
        username=username, last_name=last_name, email=f"{username}@example.org", **kwargs
    )
    RoleGrant.objects.create(user=user, school=world.school, role=role)
    return user


def family(world, school_class, tag: str):
    """A student of `school_class` with an account, and their parent with one."""
    student_user = person(world, f"{tag}-student", "student", f"Ученик{tag}")
    parent_user = person(world, f"{tag}-parent", "parent", f"Родитель{tag}")
    student = f.StudentFactory(school=world.school, user=student_user, last_name=f"Ученик{tag}")
    f.EnrollmentFactory(school_class=school_class, student=student)
    guardian = f.GuardianFactory(school=world.school, user=parent_user, last_name=f"Родитель{tag}")
    f.GuardianshipFactory(student=student, guardian=guardian)
    return student, student_user, parent_user


@dataclass
class MailWorld:
    w: object
    class_b: object
    teacher_b: object  # class teacher of 5Б, teaches nothing in 5А
    subject_teacher_b: object  # teaches history in 5Б only
    student_b: object
    student_b_user: object
    parent_b: object

    def ctx(self, user):
        return school_context_for(user, self.w.school.pk)


@pytest.fixture
def clock_morning():
    with frozen(MORNING):
        yield MORNING


@pytest.fixture
def mw(world, clock_morning) -> MailWorld:
    teacher_b = person(world, "a-teacher-b", "teacher", "Борисова")
    class_b = f.SchoolClassFactory(year=world.year, grade=5, letter="Б", class_teacher=teacher_b)
    subject_teacher_b = person(world, "a-history", "teacher", "Историкова")
    f.TeachingAssignmentFactory(
        school_class=class_b,
        subject=f.SubjectFactory(school=world.school, name="История"),
        teacher=subject_teacher_b,
    )
    student_b, student_b_user, parent_b = family(world, class_b, "Б")
    return MailWorld(
        world, class_b, teacher_b, subject_teacher_b, student_b, student_b_user, parent_b
    )
