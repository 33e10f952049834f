"""The diary week's content is rendered once per student, week and change of its stamps and
shared by its readers; every kind of change shows at the next read, and without the cache
(Redis down) the week is still served."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.gradebook.services import mark_set
from apps.homework.services import homework_set
from apps.schedule.models import Lesson
from tests import factories as f
from tests.diary.conftest import MONDAY, THURSDAY, add_parent
from tests.diary.test_conditional import WRITES


def week(client, dw, day=MONDAY) -> str:
    response = client.get(
        reverse("diary:week", args=[dw.school.pk, dw.student.pk]), {"d": day.isoformat()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('class="d-flex flex-wrap align-items-center gap-2 mb-3 week-nav"')
    return html[start:]


@pytest.fixture
def parent(client, dw):
    cache.clear()
    client.force_login(dw.users["parent"])
    return client


# What the week itself shows (the others — a period mark, a weight without marks, a
# timetable entry for weeks with lessons — show on other diary pages, and still rebuild it).
SHOWN_ON_THE_WEEK = {
    "mark",
    "mark by bulk insert",
    "attendance",
    "homework",
    "topic",
    "raw update of a lesson",
    "new lesson",
    "leaving",
    "teacher's new surname",
}


def _built(captured) -> bool:
    return any("schedule_lesson" in q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_every_kind_of_change_rebuilds_the_week_at_the_next_read(parent, dw, write):
    before = week(parent, dw)
    with CaptureQueriesContext(connection) as cached:
        assert week(parent, dw) == before
    assert not _built(cached)
    WRITES[write](dw)
    with CaptureQueriesContext(connection) as rebuilt:
        after = week(parent, dw)
    assert _built(rebuilt)
    if write in SHOWN_ON_THE_WEEK:
        assert after != before


def test_a_changed_mark_shows_its_new_value(parent, dw):
    mark = mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.oral,
        value="5",
        expected_version=0,
    )
    assert ">5</span>" in week(parent, dw)
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.oral,
        value="2",
        expected_version=mark.version,
    )
    html = week(parent, dw)
    assert ">2</span>" in html and ">5</span>" not in html


def test_edited_homework_shows_its_new_text(parent, dw):
    hw = homework_set(
        acting_user=dw.teacher, lesson=dw.math_mon, text="§ 1, № 5", expected_version=0
    )
    assert "№ 5" in week(parent, dw)
    homework_set(
        acting_user=dw.teacher, lesson=dw.math_mon, text="§ 2, № 7", expected_version=hw.version
    )
    html = week(parent, dw)
    assert "№ 7" in html and "№ 5" not in html


def test_a_renamed_teacher_shows_the_new_name(parent, dw):
    week(parent, dw)
    type(dw.teacher).objects.filter(pk=dw.teacher.pk).update(last_name="Новосёлова")
    assert "Новосёлова" in week(parent, dw)


def test_a_moved_lesson_shows_on_its_new_day(parent, dw):
    assert 'data-testid="moved"' not in week(parent, dw)
    Lesson.objects.filter(pk=dw.math_mon.pk).update(
        date=THURSDAY, lesson_number=4, moved_from_date=MONDAY, moved_from_number=2
    )
    assert 'data-testid="moved"' in week(parent, dw)


def test_a_substitution_shows(parent, dw):
    sub = f.UserFactory(username="a-sub", last_name="Заменова")
    assert "Заменова" not in week(parent, dw)
    Lesson.objects.filter(pk=dw.math_mon.pk).update(substitute_teacher=sub)
    assert "Заменова" in week(parent, dw)


def test_the_second_parent_reads_the_week_from_the_cache(client, dw):
    """Both parents (and the student) share the rendered week: the second read builds nothing."""
    cache.clear()
    second, guardian = add_parent(dw, "a-parent-father")
    f.GuardianshipFactory(student=dw.student, guardian=guardian)
    client.force_login(dw.users["parent"])
    first = week(client, dw)
    client.force_login(second)
    with CaptureQueriesContext(connection) as captured:
        again = week(client, dw)
    assert (
        again.split('data-testid="diary-day"', 1)[1] == first.split('data-testid="diary-day"', 1)[1]
    )
    assert not any("schedule_lesson" in q["sql"] for q in captured.captured_queries)


DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: every call fails
    }
}


def test_the_week_is_served_when_the_cache_is_down(client, dw):
    client.force_login(dw.users["parent"])
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.oral,
        value="4",
        expected_version=0,
    )
    with override_settings(CACHES=DOWN):
        assert ">4</span>" in week(client, dw)
