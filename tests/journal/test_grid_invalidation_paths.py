"""Each kind of change, made through the service that makes it in the school, reaches the same
teacher's next read of the same journal period: the grid — cached before the change — shows it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.attendance.services import attendance_set
from apps.gradebook.services import lesson_details_set, mark_set
from apps.homework.services import homework_set
from apps.schedule.services import lesson_move, lesson_substitute
from apps.students.movement import Move, moves_apply
from tests import factories as f
from tests.journal.conftest import MONDAY, other_teacher

THURSDAY = MONDAY + timedelta(days=3)


@dataclass
class Path:
    prepare: Callable  # state the grid shows before the change; returns what the others need
    change: Callable
    shown: Callable | None  # (jw, prepared) -> text in the page after the change, not before
    gone: Callable | None  # (jw, prepared) -> text in the page before, not after
    # Where to look: the whole page, or only the cached grid (the page's legend shows every
    # attendance letter, so an absence is looked for in the grid itself).
    in_grid_only: bool = False


def _cell(jw, lesson) -> str:
    return f'data-lesson="{lesson.pk}" data-student="{jw.student.pk}"'


def _mark(jw, value, version):
    return mark_set(
        acting_user=jw.users["teacher"],
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value=value,
        expected_version=version,
    )


def _homework(jw, text, version):
    return homework_set(
        acting_user=jw.users["teacher"], lesson=jw.lesson, text=text, expected_version=version
    )


def _rename(user, last_name):
    user.last_name = last_name
    user.save(update_fields=["last_name"])


def _prepare_substitute(jw):
    sub = other_teacher(jw)
    lesson_substitute(acting_user=jw.users["deputy"], lesson=jw.lesson, teacher=sub)
    _rename(jw.users["teacher"], "Петрова")
    return sub


def _rename_teachers(jw, sub):
    _rename(jw.users["teacher"], "Новосёлова")  # the journal's teacher, in the page's header
    _rename(sub, "Заменов")  # the substitute, in the lesson's header inside the cached grid


def _topic(jw, topic):
    return lesson_details_set(acting_user=jw.users["teacher"], lesson=jw.lesson, topic=topic)


def _prepare_transfer(jw):
    jw.class_b = f.SchoolClassFactory(year=jw.year, grade=5, letter="Б", shift=jw.shift)
    return f.LessonFactory(assignment=jw.assignment, date=THURSDAY)


def _transfer(jw, _thursday):
    # An order of transfer to 5Б from Tuesday: on Thursday the pupil is no longer in this journal.
    moves_apply(
        acting_user=jw.users["secretary"],
        moves=[
            Move(
                student=jw.student, on=MONDAY + timedelta(days=1), to_class=jw.class_b, leaving=True
            )
        ],
    )


PATHS = {
    "a mark changed": Path(
        prepare=lambda jw: _mark(jw, "5", 0),
        change=lambda jw, mark: _mark(jw, "2", mark.version),
        shown=lambda jw, _: ">2</span>",
        gone=lambda jw, _: ">5</span>",
    ),
    "a homework set, then removed": Path(
        prepare=lambda jw: _homework(jw, "§ 1, № 5", 0),
        change=lambda jw, hw: _homework(jw, "", hw.version),
        shown=None,
        gone=lambda jw, _: "jl-hw",
    ),
    "a teacher renamed": Path(
        prepare=_prepare_substitute,
        change=_rename_teachers,
        shown=lambda jw, _: "Заменов",
        gone=lambda jw, _: "Петров ",
    ),
    "a lesson moved to another day": Path(
        prepare=lambda jw: None,
        change=lambda jw, _: lesson_move(
            acting_user=jw.users["teacher"], lesson=jw.lesson, new_date=THURSDAY, new_number=5
        ),
        shown=lambda jw, _: f'data-date="{THURSDAY:%d.%m.%Y}"',
        gone=lambda jw, _: f'data-date="{MONDAY:%d.%m.%Y}"',
    ),
    "a lesson moved to another lesson number": Path(
        prepare=lambda jw: None,
        change=lambda jw, _: lesson_move(
            acting_user=jw.users["teacher"],
            lesson=jw.lesson,
            new_date=MONDAY,
            new_number=jw.lesson.lesson_number + 3,
        ),
        shown=lambda jw, _: f"{jw.lesson.lesson_number + 3} урок",
        gone=None,  # the old slot stays, in «перенесён с …»
    ),
    "a lesson topic changed": Path(
        prepare=lambda jw: _topic(jw, "Дроби"),
        change=lambda jw, _: _topic(jw, "Проценты"),
        shown=lambda jw, _: 'data-topic="Проценты"',
        gone=lambda jw, _: 'data-topic="Дроби"',
    ),
    "an absence entered": Path(
        prepare=lambda jw: None,
        change=lambda jw, _: attendance_set(
            acting_user=jw.users["teacher"],
            lesson=jw.lesson,
            student=jw.student,
            kind="н",
            expected_version=0,
        ),
        shown=lambda jw, _: '<span class="jc-att jc-a-н">н</span>',
        gone=None,
        in_grid_only=True,
    ),
    "a pupil transferred out of the class": Path(
        prepare=_prepare_transfer,
        change=_transfer,
        shown=None,  # still on Monday, before the transfer
        gone=lambda jw, thursday: _cell(jw, thursday),
    ),
}


def _page(client, jw) -> tuple[str, str]:
    """The cached grid's table, and the whole page around it."""
    url = reverse("journal:grid", args=[jw.school.pk, jw.assignment.pk])
    response = client.get(url, {"period": jw.period.pk})
    assert response.status_code == 200
    return response.context["grid"].table, response.content.decode()


def _built(captured) -> bool:
    return any("gradebook_mark" in q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("name", PATHS, ids=list(PATHS))
def test_the_next_read_after_a_change_shows_it(client, jw, name):
    path = PATHS[name]
    cache.clear()
    prepared = path.prepare(jw)
    client.force_login(jw.users["teacher"])
    table, before = _page(client, jw)
    with CaptureQueriesContext(connection) as warm:
        assert _page(client, jw)[0] == table
    assert not _built(warm)  # the grid came from the cache
    if path.in_grid_only:
        before = table
    shown = path.shown(jw, prepared) if path.shown else None
    gone = path.gone(jw, prepared) if path.gone else None
    assert gone is None or gone in before
    assert shown is None or shown not in before

    path.change(jw, prepared)

    after_table, after = _page(client, jw)
    if path.in_grid_only:
        after = after_table
    assert shown is None or shown in after
    assert gone is None or gone not in after
