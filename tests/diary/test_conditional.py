"""An unchanged diary page answers 304; every write that changes what it shows changes the ETag,
whatever code path made the write (the stamps are kept by database triggers)."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from apps.accounts.models import ActivityEvent
from apps.attendance.services import attendance_set
from apps.gradebook.models import Mark, WorkType
from apps.gradebook.services import lesson_topic_set, mark_set, period_mark_set
from apps.homework.services import homework_set
from apps.schedule.models import Lesson
from apps.school import clock
from apps.students.models import Enrollment
from tests import factories as f
from tests.diary.conftest import MONDAY, THURSDAY


def get(client, dw, etag=None, page="diary:week", student=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(
        reverse(page, args=[dw.school.pk, (student or dw.student).pk]),
        {"d": MONDAY.isoformat()},
        **headers,
    )


@pytest.fixture
def parent(client, dw):
    client.force_login(dw.users["parent"])
    return client


def test_unchanged_page_is_304_and_still_logged(parent, dw):
    first = get(parent, dw)
    assert first.status_code == 200 and first["ETag"]
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    again = get(parent, dw, first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert ActivityEvent.objects.filter(kind=ActivityEvent.Kind.DIARY_VIEW).count() == 2


def test_if_modified_since_alone_also_answers_304(parent, dw):
    first = get(parent, dw)
    again = parent.get(
        reverse("diary:week", args=[dw.school.pk, dw.student.pk]),
        {"d": MONDAY.isoformat()},
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )
    assert again.status_code == 304


def test_a_refused_student_never_gets_304(client, dw):
    client.force_login(dw.users["parent"])
    etag = get(client, dw)["ETag"]
    client.force_login(dw.stranger_parent)
    assert get(client, dw, etag).status_code == 404


WRITES = {
    "mark": lambda dw: mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.oral,
        value="5",
        expected_version=0,
    ),
    "mark by bulk insert": lambda dw: Mark.objects.bulk_create(
        [
            Mark(
                school=dw.school,
                lesson=dw.math_mon,
                student=dw.student,
                work_type=dw.oral,
                value="4",
                entered_at=clock.now(),
                entered_by=dw.teacher,
            )
        ]
    ),
    "attendance": lambda dw: attendance_set(
        acting_user=dw.teacher, lesson=dw.math_mon, student=dw.student, kind="н", expected_version=0
    ),
    "homework": lambda dw: homework_set(
        acting_user=dw.teacher, lesson=dw.math_mon, text="§ 2", expected_version=0
    ),
    "topic": lambda dw: lesson_topic_set(acting_user=dw.teacher, lesson=dw.math_mon, topic="Дроби"),
    "raw update of a lesson": lambda dw: Lesson.objects.filter(pk=dw.math_thu.pk).update(
        room="214"
    ),
    "new lesson": lambda dw: f.LessonFactory(
        assignment=dw.assignment, date=THURSDAY, lesson_number=5
    ),
    "period mark": lambda dw: period_mark_set(
        acting_user=dw.teacher,
        assignment=dw.assignment,
        student=dw.student,
        period=dw.period,
        value="5",
        expected_version=0,
    ),
    "work type weight": lambda dw: WorkType.objects.filter(pk=dw.control.pk).update(weight=3),
    "leaving": lambda dw: Enrollment.objects.filter(student=dw.student).update(
        ends_on=date(2026, 9, 9)
    ),
    "timetable": lambda dw: f.TimetableEntryFactory(assignment=dw.assignment),
    "subgroup membership": lambda dw: dw.subgroup.members.add(dw.student),
    "teacher's new surname": lambda dw: (
        type(dw.teacher).objects.filter(pk=dw.teacher.pk).update(last_name="Новосёлова")
    ),
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_every_kind_of_change_changes_the_etag(parent, dw, write):
    etag = get(parent, dw)["ETag"]
    assert get(parent, dw, etag).status_code == 304
    WRITES[write](dw)
    assert get(parent, dw, etag).status_code == 200


def test_a_classmates_mark_does_not_change_my_page(parent, dw):
    etag = get(parent, dw)["ETag"]
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.stranger,
        work_type=dw.oral,
        value="5",
        expected_version=0,
    )
    assert get(parent, dw, etag).status_code == 304


def test_someone_logging_in_does_not_change_my_page(parent, dw, client):
    etag = get(parent, dw)["ETag"]
    client.force_login(dw.teacher)  # updates the teacher's last_login
    parent.force_login(dw.users["parent"])
    assert get(parent, dw, etag).status_code == 304


def test_the_etag_differs_per_user_and_per_child(client, dw):
    client.force_login(dw.users["parent"])
    parent_etag = get(client, dw)["ETag"]
    assert get(client, dw, parent_etag, student=dw.sibling).status_code == 200
    client.force_login(dw.users["student"])
    assert get(client, dw, parent_etag).status_code == 200


def test_stamps_are_one_row_per_scope_and_only_grow(dw):
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.oral,
        value="5",
        expected_version=0,
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT version, changed_at FROM stamps_stamp WHERE scope = 'diary.student' AND key = %s",
            [dw.student.pk],
        )
        version, changed = cur.fetchone()
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.oral,
        value="4",
        expected_version=1,
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT version, changed_at FROM stamps_stamp WHERE scope = 'diary.student' AND key = %s",
            [dw.student.pk],
        )
        version2, changed2 = cur.fetchone()
    assert version2 == version + 1 and changed2 >= changed
