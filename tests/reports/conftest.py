"""Fixtures of the control area: a small school in a chosen time zone with one class,
its teachers, three students and the default work types; helpers that put journal
facts in at an exact local moment (the audit judges `entered_at` against deadlines)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

import pytest

from apps.accounts.models import RoleGrant
from apps.gradebook.services import work_types_ensure
from apps.school.models import StudyPeriod
from tests import factories as f

MONDAY = date(2026, 10, 5)


@dataclass
class AuditWorld:
    school: object
    year: object
    school_class: object
    teacher: object
    assignment: object
    students: list
    work_types: dict
    q1: object
    q2: object
    extra: dict = field(default_factory=dict)

    def at(self, day: date, hh: int, mm: int) -> datetime:
        """An aware moment at a local wall-clock time of the school."""
        return datetime.combine(day, time(hh, mm), tzinfo=self.school.tz)

    def lesson(
        self,
        day: date = MONDAY,
        number: int = 1,
        starts=(8, 30),
        ends=(9, 15),
        assignment=None,
        **kw,
    ):
        return f.LessonFactory(
            assignment=assignment or self.assignment,
            date=day,
            lesson_number=number,
            starts_at=time(*starts) if starts else None,
            ends_at=time(*ends) if ends else None,
            **kw,
        )

    def mark(self, lesson, student, work_type: str, entered_at: datetime, value: str = "5"):
        from apps.gradebook.models import Mark

        return Mark.objects.create(
            school=self.school,
            lesson=lesson,
            student=student,
            work_type=self.work_types[work_type],
            value=value,
            entered_at=entered_at,
            entered_by=self.teacher,
        )


def build_audit_world(tz: str = "Europe/Moscow", prefix: str = "aw") -> AuditWorld:
    school = f.SchoolFactory(time_zone=tz)
    year = f.AcademicYearFactory(school=school)
    teacher = f.UserFactory(
        username=f"{prefix}-teacher",
        last_name="Соколова",
        first_name="Мария",
        email=f"{prefix}-teacher@example.org",
    )
    RoleGrant.objects.create(user=teacher, school=school, role="teacher")
    shift = f.ShiftFactory(school=school)
    school_class = f.SchoolClassFactory(
        year=year, grade=5, letter="А", class_teacher=teacher, shift=shift
    )
    subject = f.SubjectFactory(school=school, name="Математика")
    assignment = f.TeachingAssignmentFactory(
        school_class=school_class, subject=subject, teacher=teacher
    )
    students = []
    for last in ("Алексеев", "Борисова", "Васильев"):
        student = f.StudentFactory(school=school, last_name=last)
        f.EnrollmentFactory(school_class=school_class, student=student)
        students.append(student)
    q1 = StudyPeriod.objects.create(
        school=school,
        year=year,
        scheme="quarter",
        number=1,
        name="1 четверть",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 10, 30),
    )
    q2 = StudyPeriod.objects.create(
        school=school,
        year=year,
        scheme="quarter",
        number=2,
        name="2 четверть",
        starts_on=date(2026, 11, 9),
        ends_on=date(2026, 12, 28),
    )
    work_types = {wt.name: wt for wt in work_types_ensure(school=school)}
    return AuditWorld(school, year, school_class, teacher, assignment, students, work_types, q1, q2)


@pytest.fixture(params=["Asia/Yekaterinburg", "Europe/Moscow"], ids=["UTC+5", "UTC+3"])
def aw(request, db) -> AuditWorld:
    return build_audit_world(request.param)
