"""The diary's query counts do not grow with the number of subjects, marks, homework or weeks.

Selectors: at most 6 queries. Whole pages: the fixed cost of every school page (session,
user, roles, menu and notification counter) + the access check + the child switcher +
the selector + the activity row.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.attendance.models import AttendanceMark
from apps.diary import selectors
from apps.diary.selectors import diary_access
from apps.gradebook.models import Mark
from apps.homework.models import Homework, HomeworkAttachment
from apps.schedule.models import Lesson
from apps.school.access import school_context_for
from apps.school.clock import school_today
from tests import factories as f
from tests.diary.conftest import MONDAY

SELECTOR_QUERIES = 6
PAGE_QUERIES = 19  # 5 fixed + access 1 + switcher 1 + selector ≤ 6 + activity 1 (+1 spare)
# + the week's board and events: the reader's classes, the board, the student's classes, the events
NOT_MODIFIED_QUERIES = 5  # session, user, roles, access with stamps, activity


def fill(dw, n_subjects: int, n_days: int):
    """n_subjects lessons a day for n_days school days from 1 September, with marks,
    absences, homework (due two days later) and a file on each homework."""
    teacher, now = dw.teacher, timezone.now()
    assignments = [dw.assignment] + [
        f.TeachingAssignmentFactory(
            school_class=dw.school_class,
            subject=f.SubjectFactory(school=dw.school),
            teacher=teacher,
        )
        for _ in range(n_subjects - 1)
    ]
    old = Lesson.objects.filter(assignment__school_class=dw.school_class)
    for model in (HomeworkAttachment, Homework, Mark, AttendanceMark):
        model.objects.filter(
            **{"homework__lesson__in" if model is HomeworkAttachment else "lesson__in": old}
        ).delete()
    old.delete()
    lessons, day = [], date(2026, 9, 1)
    while len({lsn.date for lsn in lessons}) < n_days:
        if day.isoweekday() != 7:
            lessons += [
                Lesson(school=dw.school, assignment=a, date=day, lesson_number=i + 1)
                for i, a in enumerate(assignments)
            ]
        day += timedelta(days=1)
    lessons = Lesson.objects.bulk_create(lessons)
    Mark.objects.bulk_create(
        Mark(
            school=dw.school,
            lesson=lsn,
            student=dw.student,
            work_type=wt,
            value=v,
            entered_at=now,
            entered_by=teacher,
            comment="к",
        )
        for lsn in lessons
        for wt, v in ((dw.oral, "5"), (dw.control, "4"))
    )
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            school=dw.school,
            lesson=lsn,
            student=dw.student,
            kind="н",
            entered_at=now,
            entered_by=teacher,
        )
        for lsn in lessons[::3]
    )
    homework = Homework.objects.bulk_create(
        Homework(
            school=dw.school,
            lesson=lsn,
            text="задание",
            due_date=lsn.date + timedelta(days=2),
            set_at=now,
            set_by=teacher,
        )
        for lsn in lessons
    )
    HomeworkAttachment.objects.bulk_create(
        HomeworkAttachment(
            school=dw.school,
            homework=hw,
            file="homework/a.pdf",
            name="a.pdf",
            size=1,
            uploaded_by=teacher,
        )
        for hw in homework
    )
    return lessons


SIZES = [(2, 6), (12, 40)]


@pytest.mark.parametrize(("n_subjects", "n_days"), SIZES)
def test_selectors_are_constant(dw, django_assert_max_num_queries, n_subjects, n_days):
    lessons = fill(dw, n_subjects, n_days)
    ctx = school_context_for(dw.users["parent"], dw.school.pk)
    student = diary_access(ctx=ctx, student_id=dw.student.pk).student
    today = school_today(dw.school)
    with django_assert_max_num_queries(SELECTOR_QUERIES):
        week = selectors.diary_week(student=student, day=MONDAY, today=today)
    in_week = [lsn for lsn in lessons if MONDAY <= lsn.date <= MONDAY + timedelta(days=5)]
    assert sum(len(dl.marks) for d in week.days for dl in d.lessons) == 2 * len(in_week)
    with django_assert_max_num_queries(SELECTOR_QUERIES):
        marks = selectors.diary_marks(student=student, period_id=dw.period.pk, today=today)
    assert len(marks.rows) == n_subjects + 1  # + Russian, without marks
    with django_assert_max_num_queries(SELECTOR_QUERIES):
        selectors.diary_year(student=student, today=today)
    with django_assert_max_num_queries(SELECTOR_QUERIES):
        selectors.diary_homework(student=student, today=date(2026, 9, 20))
    with django_assert_max_num_queries(SELECTOR_QUERIES):
        selectors.diary_timetable(student=student, day=today)


@pytest.mark.parametrize(("n_subjects", "n_days"), SIZES)
@pytest.mark.parametrize(
    "name", ["diary:week", "diary:marks", "diary:homework", "diary:year", "diary:timetable"]
)
def test_pages_are_constant(client, dw, django_assert_max_num_queries, n_subjects, n_days, name):
    fill(dw, n_subjects, n_days)
    client.force_login(dw.users["parent"])
    url = reverse(name, args=[dw.school.pk, dw.student.pk])
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url, {"d": MONDAY.isoformat()})
    assert response.status_code == 200
    with django_assert_max_num_queries(NOT_MODIFIED_QUERIES):
        again = client.get(url, {"d": MONDAY.isoformat()}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_week_counts_equal_small_and_large(dw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    ctx = school_context_for(dw.users["parent"], dw.school.pk)
    for size in SIZES:
        fill(dw, *size)
        student = diary_access(ctx=ctx, student_id=dw.student.pk).student
        with CaptureQueriesContext(connection) as captured:
            selectors.diary_week(student=student, day=date(2026, 9, 14), today=date(2026, 9, 16))
            selectors.diary_marks(student=student, period_id=dw.period.pk, today=date(2026, 9, 16))
            selectors.diary_homework(student=student, today=date(2026, 9, 16))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
