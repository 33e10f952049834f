"""What a journal save answers, as journal.js reads it: a refused save answers only the
row's cells, marked failed, with a Russian reason and the typed value for a retry; nothing
else (an error page, a login page) is ever an answer the grid puts into the table. And the
lesson page saves the topic and the homework with one button, or says which part waits."""

import re

from django.urls import reverse

from apps.gradebook.models import Mark, PeriodMark
from apps.gradebook.selectors import journal_cell
from apps.homework.models import Homework
from apps.homework.services import homework_set
from apps.schedule.models import Lesson

ONLY_CELLS = re.compile(r"^(<td\b[^>]*>.*?</td>)+$", re.S)


def _period_post(client, jw, value, version=0):
    return client.post(
        reverse("journal:period-mark", args=[jw.school.pk, jw.assignment.pk]),
        {"student": jw.student.pk, "period": jw.period.pk, "value": value, "version": version},
    )


def _cell_post(client, jw, value):
    return client.post(
        reverse("journal:cell", args=[jw.school.pk]),
        {
            "lesson": jw.lesson.pk,
            "student": jw.student.pk,
            "value": value,
            "token": journal_cell(lesson=jw.lesson, student=jw.student).token,
            "work_type": jw.oral.pk,
        },
    )


def test_a_refused_period_mark_answers_only_the_rows_cells_with_the_typed_value(client, jw):
    client.force_login(jw.users["teacher"])
    refused = _period_post(client, jw, "7")
    body = refused.content.decode()
    assert refused.status_code == 422
    assert ONLY_CELLS.match(body) and "<title" not in body
    assert 'data-typed="7"' in body and "jc-error" in body and "Отметка: 1–5" in body
    assert not PeriodMark.objects.exists()


def test_a_stale_period_mark_is_a_conflict_answered_with_the_current_mark(client, jw):
    client.force_login(jw.users["teacher"])
    assert _period_post(client, jw, "4").status_code == 200
    stale = _period_post(client, jw, "5", version=0)
    body = stale.content.decode()
    assert stale.status_code == 409 and ONLY_CELLS.match(body)
    assert 'data-typed="5"' in body and ">4<" in body
    assert PeriodMark.objects.get().value == "4"


def test_a_double_mark_is_answered_with_how_to_enter_it(client, jw):
    client.force_login(jw.users["teacher"])
    refused = _cell_post(client, jw, "5/4")
    body = refused.content.decode()
    assert refused.status_code == 422 and ONLY_CELLS.match(body)
    assert "двумя отметками" in body and 'data-typed="5/4"' in body
    assert not Mark.objects.exists()


def test_a_save_after_the_session_ended_is_not_answered_with_a_cell(client, jw):
    """The grid takes only 200/403/409/422 answers: a lost session answers a redirect."""
    response = _cell_post(client, jw, "5")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Mark.objects.exists()


def _lesson_post(client, jw, **fields):
    data = {
        "topic": "",
        "lesson_type": "combined",
        "seen_topic": "",
        "text": "",
        "version": "0",
        "save": "1",
    }
    data.update(fields)
    return client.post(reverse("journal:lesson", args=[jw.school.pk, jw.lesson.pk]), data)


def test_one_save_keeps_the_topic_and_the_homework(client, jw):
    client.force_login(jw.users["teacher"])
    response = _lesson_post(client, jw, topic="Дроби", text="§ 5", minutes="20")
    assert response.status_code == 302
    assert Lesson.objects.get(pk=jw.lesson.pk).topic == "Дроби"
    assert Homework.objects.get().text == "§ 5"


def test_a_refused_homework_keeps_its_draft_and_the_topic_is_saved(client, jw):
    client.force_login(jw.users["teacher"])
    homework_set(
        acting_user=jw.users["teacher"], lesson=jw.lesson, text="§ 1", expected_version=0
    )  # another tab set it meanwhile: this page saw no homework (version 0)
    response = _lesson_post(client, jw, topic="Дроби", text="§ 5, № 1–4")
    page = response.content.decode()
    assert response.status_code == 422
    assert Lesson.objects.get(pk=jw.lesson.pk).topic == "Дроби"
    assert Homework.objects.get().text == "§ 1"
    assert "§ 5, № 1–4" in page  # the draft is in the form
    assert "Урок сохранён." in page and "Домашнее задание не сохранено" in page
    # The saved topic is what the form now expects: saving again is no conflict.
    assert 'name="seen_topic" value="Дроби"' in page


def test_an_unchanged_part_is_not_written_again(client, jw):
    client.force_login(jw.users["teacher"])
    homework = homework_set(
        acting_user=jw.users["teacher"], lesson=jw.lesson, text="§ 1", expected_version=0
    )
    response = _lesson_post(client, jw, topic="Дроби", text="§ 1", version=str(homework.version))
    assert response.status_code == 302
    assert Homework.objects.get().version == homework.version
