"""The journal's query counts do not grow with the class or the number of lessons."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.attendance.models import AttendanceMark
from apps.attendance.services import attendance_set
from apps.gradebook.models import Mark
from apps.gradebook.selectors import journal_grid, periods_for
from apps.gradebook.services import mark_set, work_types_ensure
from apps.schedule.models import Lesson
from apps.school import clock
from tests import factories as f
from tests.conftest import build_school_world
from tests.journal.conftest import MONDAY, make_lessons, make_students

GRID_QUERIES = 8
# session, user, role grants, context processors (2), the assignment, its periods with their
# locks, the grid's change stamps; then the grid itself (7) when it changed since last rendered.
GRID_PAGE_QUERIES = 15
GRID_PAGE_CACHED_QUERIES = 8
CELL_SAVE_QUERIES = 4
CELL_REQUEST_QUERIES = 14


def _fill(jw, n_students: int, n_lessons: int):
    Mark.objects.filter(lesson__assignment=jw.assignment).delete()
    AttendanceMark.objects.filter(lesson__assignment=jw.assignment).delete()
    Lesson.objects.filter(assignment=jw.assignment).delete()
    students = make_students(jw.school_class, n_students - 1) + [jw.student]
    lessons = make_lessons(jw.assignment, n_lessons)
    now, teacher = clock.now(), jw.users["teacher"]
    Mark.objects.bulk_create(
        Mark(
            school=jw.school,
            lesson=lesson,
            student=s,
            work_type=jw.oral,
            value="4",
            entered_at=now,
            entered_by=teacher,
        )
        for lesson in lessons
        for s in students[::2]
    )
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            school=lesson.school,
            lesson=lesson,
            student=s,
            kind="н",
            entered_at=now,
            entered_by=teacher,
        )
        for lesson in lessons[::3]
        for s in students[1::4]
    )
    return students, lessons


@pytest.mark.parametrize(("n_students", "n_lessons"), [(5, 10), (35, 10), (5, 170), (35, 170)])
def test_grid_selector_is_constant(jw, django_assert_max_num_queries, n_students, n_lessons):
    _fill(jw, n_students, n_lessons)
    teacher = jw.users["teacher"]
    with django_assert_max_num_queries(
        GRID_QUERIES
    ):  # the periods with their lock state, then the grid
        periods = periods_for(jw.assignment, user=teacher)
        grid = journal_grid(
            assignment=jw.assignment, period=periods[0], user=teacher, periods=periods
        )
    assert len(grid.rows) == n_students and len(grid.lessons) == n_lessons


@pytest.mark.parametrize(("n_students", "n_lessons"), [(5, 10), (35, 170)])
def test_grid_page_is_constant(client, jw, django_assert_max_num_queries, n_students, n_lessons):
    _fill(jw, n_students, n_lessons)
    client.force_login(jw.users["teacher"])
    url = reverse("journal:grid", args=[jw.school.pk, jw.assignment.pk])
    cache.clear()
    with django_assert_max_num_queries(GRID_PAGE_QUERIES):
        response = client.get(url, {"period": jw.period.pk})
    assert response.status_code == 200
    with django_assert_max_num_queries(
        GRID_PAGE_CACHED_QUERIES
    ):  # nothing changed: the rendered grid is reused
        again = client.get(url, {"period": jw.period.pk})
    assert again.context["grid"].table == response.context["grid"].table


def test_grid_counts_are_equal_small_and_large(jw):
    counts = []
    for size in [(5, 10), (35, 170)]:
        _fill(jw, *size)
        with CaptureQueriesContext(connection) as ctx:
            journal_grid(assignment=jw.assignment, period=jw.period, user=jw.users["teacher"])
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _data_queries(captured) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)
    ]


@pytest.mark.django_db(transaction=True)
def test_cell_save_is_a_few_queries():
    """Measured outside a test transaction, as in production. BEGIN/COMMIT are not counted:
    every statement that reads or writes data is (enrolment check, locked read, write)."""
    world = build_school_world("q")
    oral = work_types_ensure(school=world.school)[0]
    lesson = f.LessonFactory(assignment=world.assignment, date=MONDAY)
    lesson = Lesson.objects.select_related(
        "school", "assignment__school_class", "assignment__year"
    ).get(pk=lesson.pk)
    teacher = world.users["teacher"]
    mark_set(
        acting_user=teacher,
        lesson=lesson,
        student=world.student,
        work_type=oral,
        value="4",
        expected_version=0,
    )
    with CaptureQueriesContext(connection) as update:
        mark_set(
            acting_user=teacher,
            lesson=lesson,
            student=world.student,
            work_type=oral,
            value="5",
            expected_version=1,
        )
    with CaptureQueriesContext(connection) as absent:
        attendance_set(
            acting_user=teacher, lesson=lesson, student=world.student, kind="оп", expected_version=0
        )
    assert len(_data_queries(update)) <= CELL_SAVE_QUERIES, _data_queries(update)
    assert len(_data_queries(absent)) <= CELL_SAVE_QUERIES, _data_queries(absent)


def test_cell_save_request_is_constant(client, jw, django_assert_max_num_queries):
    """The whole POST: session, user, roles, lesson, student, work type, the save (with the
    test transaction's SAVEPOINT/RELEASE), and the two reads of the re-rendered cell."""
    _fill(jw, 35, 170)
    lesson = Lesson.objects.filter(assignment=jw.assignment).order_by("date").first()
    client.force_login(jw.users["teacher"])
    from apps.gradebook.selectors import journal_cell

    token = journal_cell(lesson=lesson, student=jw.student).token
    with django_assert_max_num_queries(CELL_REQUEST_QUERIES):
        response = client.post(
            reverse("journal:cell", args=[jw.school.pk]),
            {
                "lesson": lesson.pk,
                "student": jw.student.pk,
                "value": "3",
                "token": token,
                "work_type": jw.oral.pk,
            },
        )
    assert response.status_code == 200


# --- every other journal page: the same count for a small and a large class -----------------


def _page_counts(client, jw, user, url, params=None) -> list[int]:
    counts = []
    client.force_login(user)
    for size in [(5, 10), (35, 170)]:
        _fill(jw, *size)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params or {})
        assert response.status_code == 200, url
        counts.append(len(ctx.captured_queries))
    return counts


def _first_lesson(jw):
    return Lesson.objects.filter(assignment=jw.assignment).order_by("date", "lesson_number").first()


# The most queries each page may make (the request's own: session, user, roles, context
# processors, included); measured values are in the comment.
PAGE_LIMITS = {
    "lesson": 24,  # 23: the lesson column (7), КТП choices and suggestion, homework and files, the catalogue
    "index": 11,  # 9
    "class": 16,  # 14
    "register": 13,  # 11
    "history": 17,  # 15
    "ktp": 14,  # 12
    "changes": 10,  # 8
}


def test_lesson_page_is_constant(client, jw, django_assert_max_num_queries):
    counts = []
    client.force_login(jw.users["teacher"])
    for size in [(5, 10), (35, 170)]:
        _fill(jw, *size)
        url = reverse("journal:lesson", args=[jw.school.pk, _first_lesson(jw).pk])
        with (
            django_assert_max_num_queries(PAGE_LIMITS["lesson"]),
            CaptureQueriesContext(connection) as ctx,
        ):
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("page", "role"),
    [
        ("index", "teacher"),
        ("class", "teacher"),
        ("register", "teacher"),
        ("ktp", "deputy"),
        ("changes", "dispatcher"),
    ],
)
def test_class_and_school_pages_are_constant(client, jw, django_assert_max_num_queries, page, role):
    from apps.schedule.services import PlanRow, ktp_replace

    ktp_replace(
        acting_user=jw.users["teacher"],
        assignment=jw.assignment,
        rows=[PlanRow(f"Тема {i}", 1) for i in range(60)],
    )
    url, params = {
        "index": (reverse("journal:index", args=[jw.school.pk]), {"day": "2026-09-01"}),
        "class": (
            reverse("journal:class", args=[jw.school.pk, jw.school_class.pk]),
            {"period": jw.period.pk},
        ),
        "register": (
            reverse("journal:register", args=[jw.school.pk, jw.school_class.pk]),
            {"month": "2026-09", "day": "2026-09-01"},
        ),
        "ktp": (reverse("ktp:page", args=[jw.school.pk, jw.assignment.pk]), {}),
        "changes": (reverse("timetable:changes", args=[jw.school.pk]), {"day": "2026-09-01"}),
    }[page]
    small, large = _page_counts(client, jw, jw.users[role], url, params)
    assert small == large
    with django_assert_max_num_queries(PAGE_LIMITS[page]):
        client.get(url, params)


def test_history_page_is_constant(client, jw, django_assert_max_num_queries):
    counts = []
    client.force_login(jw.users["deputy"])
    for size in [(5, 10), (35, 170)]:
        _fill(jw, *size)
        lesson = _first_lesson(jw)
        Mark.objects.filter(lesson=lesson).update(value="3")  # a history event per mark
        url = reverse("journal:history-lesson", args=[jw.school.pk, lesson.pk])
        with (
            django_assert_max_num_queries(PAGE_LIMITS["history"]),
            CaptureQueriesContext(connection) as ctx,
        ):
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
