"""Each kind of change a family is told about, made through the service that makes it in the
school, reaches the same parent's next read of the same week: the ETag of the page read before
is not answered with 304, and the page — warm in the cache before the change — shows the change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.attendance.services import attendance_set
from apps.gradebook.services import lesson_topic_set, mark_set
from apps.homework.services import homework_set
from apps.schedule.models import Lesson
from apps.schedule.services import lesson_move
from apps.students.movement import Move, moves_apply
from tests.diary.conftest import MONDAY, THURSDAY, lesson

TUESDAY = date(2026, 9, 8)


@dataclass
class Path:
    prepare: Callable  # state the week shows before the change (its return feeds `change`)
    change: Callable
    shown: str  # in the week after the change
    gone: str | None  # in the week before, not after


def _mark(dw, value, version):
    return mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.oral,
        value=value,
        expected_version=version,
    )


def _homework(dw, text, version):
    return homework_set(
        acting_user=dw.teacher, lesson=dw.math_mon, text=text, expected_version=version
    )


def _name_teacher(dw, last_name):
    dw.teacher.last_name = last_name
    dw.teacher.save(update_fields=["last_name"])


def _move_lesson(dw, _prepared):
    lesson_move(acting_user=dw.teacher, lesson=dw.math_mon, new_date=THURSDAY, new_number=6)


def _move_lesson_time(dw, _prepared):
    # The bell moved: the same lesson, the same day, another hour.
    Lesson.objects.filter(pk=dw.math_mon.pk).update(starts_at=time(13, 40), ends_at=time(14, 25))


def _prepare_transfer(dw):
    lesson_topic_set(acting_user=dw.teacher, lesson=dw.math_thu, topic="Тема четверга в 5А")
    in_b = lesson(dw.math_b, THURSDAY, 3)
    lesson_topic_set(acting_user=dw.teacher, lesson=in_b, topic="Тема четверга в 5Б")


def _transfer(dw, _prepared):
    # An order of transfer to 5Б from Tuesday: Thursday is 5Б's lessons.
    moves_apply(
        acting_user=dw.users["secretary"],
        moves=[Move(student=dw.student, on=TUESDAY, to_class=dw.class_b, leaving=True)],
    )


PATHS = {
    "a mark changed": Path(
        prepare=lambda dw: _mark(dw, "5", 0),
        change=lambda dw, mark: _mark(dw, "2", mark.version),
        shown=">2</span>",
        gone=">5</span>",
    ),
    "a homework edited": Path(
        prepare=lambda dw: _homework(dw, "§ 1, № 5", 0),
        change=lambda dw, hw: _homework(dw, "§ 2, № 7", hw.version),
        shown="№ 7",
        gone="№ 5",
    ),
    "a teacher renamed": Path(
        prepare=lambda dw: _name_teacher(dw, "Петрова"),
        change=lambda dw, _prepared: _name_teacher(dw, "Новосёлова"),
        shown="Новосёлова",
        gone="Петрова",
    ),
    "a lesson moved to another day": Path(
        prepare=lambda dw: None,
        change=_move_lesson,
        shown='data-testid="moved"',
        gone='<div class="small">10:00</div>',
    ),
    "a lesson moved to another hour": Path(
        prepare=lambda dw: None,
        change=_move_lesson_time,
        shown='<div class="small">13:40</div>',
        gone='<div class="small">10:00</div>',
    ),
    "a lesson topic changed": Path(
        prepare=lambda dw: lesson_topic_set(
            acting_user=dw.teacher, lesson=dw.math_mon, topic="Обыкновенные дроби"
        ),
        change=lambda dw, _prepared: lesson_topic_set(
            acting_user=dw.teacher, lesson=dw.math_mon, topic="Десятичные дроби"
        ),
        shown="Десятичные дроби",
        gone="Обыкновенные дроби",
    ),
    "an absence entered": Path(
        prepare=lambda dw: None,
        change=lambda dw, _prepared: attendance_set(
            acting_user=dw.teacher,
            lesson=dw.math_mon,
            student=dw.student,
            kind="н",
            expected_version=0,
        ),
        shown='data-testid="attendance"',
        gone=None,
    ),
    "a pupil transferred out of the class": Path(
        prepare=_prepare_transfer,
        change=_transfer,
        shown="Тема четверга в 5Б",
        gone="Тема четверга в 5А",
    ),
}


def _week(client, dw, etag=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(
        reverse("diary:week", args=[dw.school.pk, dw.student.pk]),
        {"d": MONDAY.isoformat()},
        **headers,
    )


@pytest.mark.parametrize("name", PATHS, ids=list(PATHS))
def test_the_next_read_after_a_change_shows_it(client, dw, name):
    path = PATHS[name]
    cache.clear()
    prepared = path.prepare(dw)
    client.force_login(dw.users["parent"])
    before = _week(client, dw)
    assert before.status_code == 200
    html_before = before.content.decode()
    assert path.gone is None or path.gone in html_before
    assert path.shown not in html_before
    assert _week(client, dw, before["ETag"]).status_code == 304  # unchanged: 304, page cached

    path.change(dw, prepared)

    after = _week(client, dw, before["ETag"])
    assert after.status_code == 200, "a stale page was answered 304"
    assert after["ETag"] != before["ETag"]
    html = after.content.decode()
    assert path.shown in html
    assert path.gone is None or path.gone not in html
    # And the page now cached is the new one.
    assert _week(client, dw, after["ETag"]).status_code == 304
    again = _week(client, dw).content.decode()
    assert path.shown in again and (path.gone is None or path.gone not in again)
