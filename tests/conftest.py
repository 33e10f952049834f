"""Shared fixtures: a school with one ready user per role, and a second school alike.

`world` is the usual entry point:
    world.school, world.year, world.users["teacher"], world.other.users["teacher"], ...
The teacher of the first school is the class teacher of `world.school_class` and teaches
`world.assignment`; `world.parent` is the guardian of `world.student`.
"""

from dataclasses import dataclass, field

import pytest

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Role
from tests import factories as f

# Browser fixtures (Debian's Chromium through Playwright) for every end-to-end test; the
# test database built once from a template, and the summary of tests that could not run; the
# clock of the run (--clock) and the frozen_clock fixture.
pytest_plugins = ["tests.browser", "tests.infrastructure", "tests.clock"]


@dataclass
class SchoolWorld:
    school: object
    year: object
    users: dict = field(default_factory=dict)
    school_class: object = None
    subject: object = None
    assignment: object = None
    student: object = None
    guardian: object = None
    subgroup: object = None
    shift: object = None
    other: "SchoolWorld | None" = None


def build_school_world(prefix: str) -> SchoolWorld:
    school = f.SchoolFactory(short_name=f"Школа {prefix}")
    year = f.AcademicYearFactory(school=school)
    world = SchoolWorld(school=school, year=year)
    for role in Role:
        user = f.UserFactory(username=f"{prefix}-{role.value}", last_name=role.label.split()[0])
        RoleGrant.objects.create(user=user, school=school, role=role.value)
        world.users[role.value] = user
    world.shift = f.ShiftFactory(school=school)
    f.BellFactory(shift=world.shift)
    f.StudyPeriodFactory(year=year)
    f.HolidayFactory(year=year)
    f.LicenceFactory(school=school)
    world.subject = f.SubjectFactory(school=school, name="Математика")
    f.CurriculumLineFactory(year=year, subject=world.subject)
    world.school_class = f.SchoolClassFactory(
        year=year, grade=5, letter="А", class_teacher=world.users["teacher"], shift=world.shift
    )
    world.assignment = f.TeachingAssignmentFactory(
        school_class=world.school_class, subject=world.subject, teacher=world.users["teacher"]
    )
    world.student = f.StudentFactory(school=school, user=world.users["student"])
    f.EnrollmentFactory(school_class=world.school_class, student=world.student)
    world.guardian = f.GuardianFactory(school=school, user=world.users["parent"])
    f.GuardianshipFactory(student=world.student, guardian=world.guardian)
    world.subgroup = f.SubgroupFactory(school_class=world.school_class, subject=world.subject)
    f.StaffMemberFactory(school=school, user=world.users["teacher"])
    return world


@pytest.fixture
def world(db) -> SchoolWorld:
    home = build_school_world("a")
    home.other = build_school_world("b")
    return home
