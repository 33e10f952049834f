"""The rendered grid is cached under the change stamps of what it is made of (`GRID` in
apps/gradebook/models.py): every table it is built from is declared, and every kind of
change a teacher makes, or that reaches the grid from elsewhere, shows at the next read."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.attendance.services import attendance_set
from apps.gradebook.models import GRID, WorkType
from apps.gradebook.services import lesson_details_set, mark_set, period_mark_set
from apps.homework.services import homework_set
from apps.schedule.models import Lesson
from apps.school.models import SchoolRules
from apps.students.models import Enrollment, Student
from tests import factories as f
from tests.journal.conftest import make_students, other_teacher
from tests.journal.test_query_counts import GRID_PAGE_CACHED_QUERIES
from tests.stamps import tables_read, undeclared


def test_every_table_the_grid_is_built_from_is_declared(client, jw):
    """What a cold grid page reads beyond a warm one is what the cached grid is made of."""
    client.force_login(jw.users["teacher"])
    url = reverse("journal:grid", args=[jw.school.pk, jw.assignment.pk])
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url, {"period": jw.period.pk}).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url, {"period": jw.period.pk}).status_code == 200
    built_from = tables_read(cold) - tables_read(warm)
    assert "gradebook_mark" in built_from
    missing = undeclared(GRID, built_from)
    assert not missing, f"the grid is built from tables GRID does not declare: {sorted(missing)}"


# --- every kind of change shows at the next read ----------------------------------------------


def _grid(client, jw) -> str:
    url = reverse("journal:grid", args=[jw.school.pk, jw.assignment.pk])
    response = client.get(url, {"period": jw.period.pk})
    assert response.status_code == 200
    grid = response.context["grid"]
    return f"{grid.table}|{grid.thresholds_label}|{grid.work_types}"


def _rename_student(jw):
    Student.objects.filter(pk=jw.student.pk).update(last_name="Переименованная")
    return "Переименованная"


def _substitute_renamed(jw):
    sub = other_teacher(jw)
    Lesson.objects.filter(pk=jw.lesson.pk).update(substitute_teacher=sub)
    return None


CHANGES = {
    "a mark": lambda jw: (
        mark_set(
            acting_user=jw.users["teacher"],
            lesson=jw.lesson,
            student=jw.student,
            work_type=jw.oral,
            value="3",
            expected_version=0,
        )
        and None
    ),
    "an attendance entry": lambda jw: (
        attendance_set(
            acting_user=jw.users["teacher"],
            lesson=jw.lesson,
            student=jw.student,
            kind="н",
            expected_version=0,
        )
        and None
    ),
    "homework set": lambda jw: (
        homework_set(
            acting_user=jw.users["teacher"], lesson=jw.lesson, text="§ 5", expected_version=0
        )
        and None
    ),
    "a topic": lambda jw: (
        lesson_details_set(
            acting_user=jw.users["teacher"], lesson=jw.lesson, topic="Дроби и проценты"
        )
        and "Дроби и проценты"
    ),
    "a lesson moved": lambda jw: (
        Lesson.objects.filter(pk=jw.lesson.pk).update(date=jw.lesson.date + timedelta(days=1))
        and None
    ),
    "a lesson cancelled": lambda jw: (
        Lesson.objects.filter(pk=jw.lesson.pk).update(status=Lesson.Status.CANCELLED) and None
    ),
    "a new lesson": lambda jw: (
        f.LessonFactory(assignment=jw.assignment, date=jw.lesson.date + timedelta(days=2)) and None
    ),
    "a substitution": _substitute_renamed,
    "a period mark": lambda jw: (
        period_mark_set(
            acting_user=jw.users["teacher"],
            assignment=jw.assignment,
            student=jw.student,
            period=jw.period,
            value="4",
            expected_version=0,
        )
        and None
    ),
    "a student renamed": _rename_student,
    "a student enrolled": lambda jw: make_students(jw.school_class, 1) and "Ученик000",
    "a student left": lambda jw: (
        Enrollment.objects.filter(student=jw.student).update(ends_on=jw.period.starts_on) and None
    ),
    "a new work type": lambda jw: (
        WorkType.objects.create(
            school=jw.school, name="Работа над ошибками", short_name="РО", weight=2
        )
        and None
    ),
    "the school's thresholds": lambda jw: (
        SchoolRules.objects.update_or_create(
            school=jw.school, defaults={"thresholds_key": SchoolRules.Thresholds.STRICT}
        )
        and None
    ),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_every_kind_of_change_shows_at_the_next_read(client, jw, change):
    client.force_login(jw.users["teacher"])
    cache.clear()
    before = _grid(client, jw)
    assert _grid(client, jw) == before  # from the cache
    shown = CHANGES[change](jw)
    after = _grid(client, jw)
    assert after != before
    if shown:
        assert shown in after


def test_a_substitutes_new_name_shows(client, jw):
    sub = other_teacher(jw)
    Lesson.objects.filter(pk=jw.lesson.pk).update(substitute_teacher=sub)
    client.force_login(jw.users["teacher"])
    before = _grid(client, jw)
    type(sub).objects.filter(pk=sub.pk).update(last_name="Новосёлов")
    after = _grid(client, jw)
    assert after != before and "Новосёлов" in after


def test_subgroup_membership_shows_in_a_subgroup_journal(client, jw):
    jw.assignment.subgroup = jw.subgroup
    jw.assignment.save(update_fields=["subgroup"])
    client.force_login(jw.users["teacher"])
    before = _grid(client, jw)
    jw.subgroup.members.add(jw.student)
    after = _grid(client, jw)
    assert after != before and jw.student.last_name in after


def test_a_change_in_another_journal_keeps_this_grid_cached(
    client, jw, django_assert_max_num_queries
):
    other = f.TeachingAssignmentFactory(
        school_class=jw.school_class,
        subject=f.SubjectFactory(school=jw.school),
        teacher=jw.users["teacher"],
    )
    other_lesson = f.LessonFactory(assignment=other, date=jw.lesson.date)
    client.force_login(jw.users["teacher"])
    cache.clear()
    before = _grid(client, jw)
    mark_set(
        acting_user=jw.users["teacher"],
        lesson=other_lesson,
        student=jw.student,
        work_type=jw.oral,
        value="5",
        expected_version=0,
    )
    with django_assert_max_num_queries(GRID_PAGE_CACHED_QUERIES):
        assert _grid(client, jw) == before


def test_the_grid_is_served_when_the_cache_is_down(client, jw):
    from django.test import override_settings

    from tests.diary.test_week_cache import DOWN

    client.force_login(jw.users["teacher"])
    mark_set(
        acting_user=jw.users["teacher"],
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value="4",
        expected_version=0,
    )
    with override_settings(CACHES=DOWN):
        assert ">4<" in _grid(client, jw)
