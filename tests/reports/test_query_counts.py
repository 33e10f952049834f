"""The control pages cost a fixed number of queries, whatever the size of the school.

The audit page of a whole school month reads the stored run: at most 8 queries — the
session, the user, the roles, the menu's two (other schools, unread count), the list of
runs for the picker and the trend, the chosen run, and the lines when a teacher or a
filter asks for them.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import RoleGrant
from apps.attendance.models import AttendanceMark
from apps.gradebook.models import Mark, PeriodMark
from apps.reports.audit import RULE_KEYS, compute_audit
from apps.reports.models import AuditLine, AuditRun
from apps.reports.services import audit_month_store
from apps.school import clock
from apps.school.clock import school_today
from apps.students.models import Enrollment, Student
from tests import factories as f
from tests.reports.conftest import build_audit_world

AUDIT_PAGE_QUERIES = 8
# Report pages read live data: the request (5), the year and its periods, the rules, then
# one aggregate per kind of row (rosters, marks, absences, activity by kind).
REPORT_PAGE_QUERIES = 16


def _stored_school(aw, teachers: int, classes: int, lines_per_teacher: int, months: int):
    """A stored audit as big as a real school's, without computing one."""
    users = [aw.teacher] + [
        f.UserFactory(username=f"qc-t{i}", last_name=f"Учитель{i:03d}") for i in range(teachers - 1)
    ]
    class_rows = [
        f.SchoolClassFactory(year=aw.year, grade=5 + i % 6, letter=f"К{i}")
        for i in range(classes - 1)
    ] + [aw.school_class]
    blank = dict.fromkeys(RULE_KEYS, 1)
    runs = []
    for m in range(months):
        start = date(2026, 9, 1) - timedelta(days=31 * m)
        start = start.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        runs.append(
            AuditRun.objects.create(
                school=aw.school,
                year=aw.year,
                kind=AuditRun.Kind.MONTH,
                starts_on=start,
                ends_on=end,
                computed_at=clock.now(),
                totals={**blank, "issues": 9, "teachers": teachers, "teachers_with_issues": 3},
                teachers=[
                    {
                        "id": u.pk,
                        "name": u.full_name,
                        **blank,
                        "issues": 9,
                        "lessons": 40,
                        "ktp_missing": 0,
                    }
                    for u in users
                ],
                classes=[
                    {
                        "id": c.pk,
                        "name": c.name,
                        "class_teacher": "",
                        "class_teacher_id": None,
                        **blank,
                        "issues": 9,
                        "overload": [],
                        "overload_days": 0,
                        "lessons": 200,
                    }
                    for c in class_rows
                ],
            )
        )
    AuditLine.objects.bulk_create(
        AuditLine(
            run=runs[0],
            school=aw.school,
            teacher=u,
            school_class=class_rows[(i + k) % len(class_rows)],
            teacher_name=u.full_name,
            class_name=class_rows[(i + k) % len(class_rows)].name,
            subject_name="Предмет",
            lessons=20,
            issues=3,
            details={"no_topic": [{"lesson": 1, "date": "2026-09-07", "n": 1}]},
            **blank,
        )
        for i, u in enumerate(users)
        for k in range(lines_per_teacher)
    )
    return runs[0]


@pytest.fixture
def qw(db):
    aw = build_audit_world("Europe/Moscow", prefix="qc")
    deputy = f.UserFactory(username="qc-deputy")
    RoleGrant.objects.create(user=deputy, school=aw.school, role="deputy")
    aw.extra["deputy"] = deputy
    return aw


@pytest.mark.parametrize(
    ("teachers", "classes", "lines", "months"), [(2, 1, 2, 1), (90, 40, 8, 14)]
)
def test_the_audit_page_reads_stored_rows_in_at_most_8_queries(
    client, qw, django_assert_max_num_queries, teachers, classes, lines, months
):
    run = _stored_school(qw, teachers, classes, lines, months)
    url = reverse("reports:audit", args=[qw.school.pk])
    client.force_login(qw.extra["deputy"])
    for params in (
        {},
        {"run": run.pk, "teacher": qw.teacher.pk},
        {"run": run.pk, "class": qw.school_class.pk},
    ):
        with django_assert_max_num_queries(AUDIT_PAGE_QUERIES):
            response = client.get(url, params)
        assert response.status_code == 200
    client.force_login(qw.teacher)  # a teacher: own lines and their class's
    with django_assert_max_num_queries(AUDIT_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200 and b'data-testid="line"' in response.content


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def _grow(aw, classes: int, students: int, tag: str):
    """More classes, each with students, an assignment, lessons, marks, absences, period marks."""
    now = clock.now()
    for i in range(classes):
        cls = f.SchoolClassFactory(
            year=aw.year, grade=6 + i % 5, letter=f"{tag}{i}", class_teacher=aw.teacher
        )
        assignment = f.TeachingAssignmentFactory(
            school_class=cls, subject=aw.assignment.subject, teacher=aw.teacher
        )
        kids = Student.objects.bulk_create(
            Student(
                school=aw.school,
                last_name=f"{tag}{i}-{n:02d}",
                first_name="Иван",
                birth_date=date(2014, 1, 1),
                sex="m",
            )
            for n in range(students)
        )
        Enrollment.objects.bulk_create(
            Enrollment(school=aw.school, student=s, school_class=cls, starts_on=aw.year.starts_on)
            for s in kids
        )
        lessons = [
            aw.lesson(day=date(2026, 10, d), assignment=assignment, topic="Тема") for d in (5, 6, 7)
        ]
        Mark.objects.bulk_create(
            Mark(
                school=aw.school,
                lesson=lesson,
                student=s,
                work_type=aw.work_types["Ответ на уроке"],
                value="4",
                entered_at=now,
                entered_by=aw.teacher,
            )
            for lesson in lessons
            for s in kids
        )
        AttendanceMark.objects.bulk_create(
            AttendanceMark(
                school=aw.school,
                lesson=lessons[0],
                student=s,
                kind="б",
                entered_at=now,
                entered_by=aw.teacher,
            )
            for s in kids[::3]
        )
        PeriodMark.objects.bulk_create(
            PeriodMark(
                school=aw.school,
                assignment=assignment,
                kind="period",
                period=aw.q1,
                student=s,
                value="5",
                set_by=aw.teacher,
                entered_at=now,
                set_at=now,
            )
            for s in kids
        )


def test_report_pages_do_not_grow_with_the_school(client, qw):
    client.force_login(qw.extra["deputy"])
    pages = {
        "progress": (reverse("reports:progress", args=[qw.school.pk]), {"span": f"p{qw.q1.pk}"}),
        "forecast": (
            reverse("reports:progress", args=[qw.school.pk]),
            {"span": f"p{qw.q1.pk}", "source": "forecast"},
        ),
        "attendance": (reverse("reports:attendance", args=[qw.school.pk]), {"span": "year"}),
        # The current month is counted live (a past month is stored on first read).
        "activity": (
            reverse("reports:activity", args=[qw.school.pk]),
            {"month": school_today(qw.school).strftime("%Y-%m")},
        ),
        "archive": (reverse("reports:archive", args=[qw.school.pk]), {}),
    }
    _grow(qw, 1, 3, "М")
    small = {name: _queries(client, url, params) for name, (url, params) in pages.items()}
    _grow(qw, 6, 25, "Б")
    large = {name: _queries(client, url, params) for name, (url, params) in pages.items()}
    assert small == large
    assert max(large.values()) <= REPORT_PAGE_QUERIES, large


def test_computing_an_audit_does_not_grow_with_the_school(qw):
    as_of = qw.at(date(2026, 11, 20), 9, 0)
    _grow(qw, 1, 3, "М")
    with CaptureQueriesContext(connection) as small:
        compute_audit(
            school=qw.school,
            year=qw.year,
            starts_on=date(2026, 10, 1),
            ends_on=date(2026, 10, 31),
            as_of=as_of,
        )
    _grow(qw, 6, 25, "Б")
    with CaptureQueriesContext(connection) as large:
        compute_audit(
            school=qw.school,
            year=qw.year,
            starts_on=date(2026, 10, 1),
            ends_on=date(2026, 10, 31),
            as_of=as_of,
        )
    assert len(small.captured_queries) == len(large.captured_queries) <= 14
    run = audit_month_store(school=qw.school, month=date(2026, 10, 1), as_of=as_of)
    assert run.totals["lines"] == 7
