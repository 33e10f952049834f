"""Marks, year, homework, timetable, statistics and the calendar feed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.diary.models import CalendarFeed
from apps.gradebook.grading import grade
from apps.gradebook.models import PeriodMark
from apps.gradebook.services import mark_set, period_mark_set
from apps.homework.services import homework_set
from apps.school.clock import school_today
from apps.school.models import SchoolRules
from apps.school.policy import school_policy
from tests import factories as f
from tests.diary.conftest import MONDAY, THURSDAY, lesson


@pytest.fixture
def parent(client, dw):
    client.force_login(dw.users["parent"])
    return client


def page(client, dw, name, student=None, **params):
    response = client.get(reverse(name, args=[dw.school.pk, (student or dw.student).pk]), params)
    assert response.status_code == 200
    return response


def _marks(dw, student, values):
    for (lesson_, work_type), value in zip(
        [(dw.math_mon, dw.oral), (dw.math_mon, dw.control), (dw.math_thu, dw.oral)],
        values,
        strict=False,
    ):
        mark_set(
            acting_user=dw.teacher,
            lesson=lesson_,
            student=student,
            work_type=work_type,
            value=value,
            expected_version=0,
            comment="Молодец" if value == "5" else "",
        )


def test_marks_page_every_subject_every_mark_weighted_average_and_period_mark(parent, dw):
    _marks(dw, dw.student, ["5", "3", "4"])
    period_mark_set(
        acting_user=dw.teacher,
        assignment=dw.assignment,
        student=dw.student,
        period=dw.period,
        value="4",
        expected_version=0,
    )
    response = page(parent, dw, "diary:marks", period=dw.period.pk)
    rows = {r.subject: r for r in response.context["page"].rows}
    assert set(rows) == {"Математика", "Русский язык"}  # a subject without marks is listed too
    maths = rows["Математика"]
    assert [m["value"] for m in maths.marks] == ["5", "3", "4"]
    expected = grade(
        [("5", Decimal(1)), ("3", Decimal(2)), ("4", Decimal(1))],
        school_policy(dw.school).thresholds,
    )
    assert maths.grading == expected and maths.grading.average == Decimal("3.75")
    assert maths.period_mark == "4"
    assert rows["Русский язык"].grading.average is None
    html = response.content.decode()
    assert "3,75" in html or "3.75" in html
    assert "Молодец" in html


def test_year_view_has_period_year_exam_and_final_marks(parent, dw):
    _marks(dw, dw.student, ["5"])
    period_mark_set(
        acting_user=dw.teacher,
        assignment=dw.assignment,
        student=dw.student,
        period=dw.period,
        value="5",
        expected_version=0,
    )
    for kind, value in (
        (PeriodMark.Kind.YEAR, "4"),
        (PeriodMark.Kind.EXAM, "5"),
        (PeriodMark.Kind.FINAL, "5"),
    ):
        period_mark_set(
            acting_user=dw.teacher,
            assignment=dw.assignment,
            student=dw.student,
            kind=kind,
            value=value,
            expected_version=0,
        )
    response = page(parent, dw, "diary:year")
    row = next(r for r in response.context["rows"] if r.subject == "Математика")
    assert [c["mark"] for c in row.cells] == ["5"]
    assert row.cells[0]["average"] == Decimal("5.00")
    assert (row.year, row.exam, row.final) == ("4", "5", "5")


def test_homework_upcoming_overdue_and_done(parent, dw):
    today = school_today(dw.school)
    recent = lesson(dw.assignment, today - timedelta(days=7), 1)
    soon = lesson(dw.russian_a, today - timedelta(days=1), 2)
    overdue = homework_set(
        acting_user=dw.teacher,
        lesson=recent,
        text="Задача 5",
        expected_version=0,
        due_date=today - timedelta(days=2),
    )
    upcoming = homework_set(
        acting_user=dw.teacher,
        lesson=soon,
        text="Упражнение 7",
        expected_version=0,
        due_date=today + timedelta(days=2),
    )
    data = page(parent, dw, "diary:homework").context["hw"]
    assert [h.pk for h in data.upcoming] == [upcoming.pk]
    assert [h.pk for h in data.overdue] == [overdue.pk]
    assert dict((s, [h.pk for h in items]) for s, items in data.by_subject) == {
        "Математика": [overdue.pk],
        "Русский язык": [upcoming.pk],
    }
    done_url = reverse("diary:homework-done", args=[dw.school.pk, dw.student.pk, overdue.pk])
    assert parent.post(done_url, {"done": "1"}).status_code == 302
    assert page(parent, dw, "diary:homework").context["hw"].overdue == []
    # The htmx answer is the button alone.
    response = parent.post(done_url, {"done": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Отметить выполненным" in response.content.decode()
    # Another family cannot tick it.
    parent.force_login(dw.stranger_parent)
    assert parent.post(done_url, {"done": "1"}).status_code == 404


def test_timetable_with_the_bell_schedule(parent, dw):
    f.TimetableEntryFactory(assignment=dw.assignment, weekday=1, lesson_number=1, room="21")
    response = page(parent, dw, "diary:timetable")
    html = response.content.decode()
    assert "08:30–09:15" in html and "Математика" in html and "21" in html
    # A phone reads it day by day: Monday holds the lesson, the other days nothing.
    days = response.context["tt"]["days"]
    assert [(label, [n for n, _bell, _e in lessons]) for label, lessons in days][:2] == [
        ("Понедельник", [1]),
        ("Вторник", []),
    ]
    assert 'data-testid="timetable-days"' in html


def test_statistics_rank_without_anyone_elses_name(parent, dw):
    _marks(dw, dw.student, ["5", "5", "4"])
    _marks(dw, dw.stranger, ["5", "5", "5"])
    response = page(parent, dw, "diary:stats", period=dw.period.pk)
    stats = response.context["stats"]
    assert stats.overall == Decimal("4.75")
    assert (stats.rank, stats.ranked) == (2, 2)
    html = response.content.decode()
    assert dw.stranger.last_name not in html and "<svg" in html
    assert 'data-testid="rank"' in html


def test_school_can_turn_the_rating_off(parent, dw):
    _marks(dw, dw.student, ["5"])
    SchoolRules.objects.create(school=dw.school, rating_enabled=False)
    response = page(parent, dw, "diary:stats", period=dw.period.pk)
    assert response.context["stats"].rank is None
    assert 'data-testid="rank"' not in response.content.decode()


def test_calendar_feed_issue_regenerate_and_revoke(parent, client, dw):
    cal = reverse("diary:calendar", args=[dw.school.pk, dw.student.pk])
    homework_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        text="Параграф 3, вопросы",
        expected_version=0,
        due_date=THURSDAY,
    )
    parent.post(cal, {"action": "issue"})
    feed = CalendarFeed.objects.get(user=dw.users["parent"], student=dw.student)
    feed_url = reverse("diary:ical-feed", args=[feed.token])
    # The feed covers two weeks back from today: move the lessons there.
    today = school_today(dw.school)
    dw.math_mon.date = today
    dw.math_mon.save(update_fields=["date"])
    from apps.homework.models import Homework

    Homework.objects.filter(lesson=dw.math_mon).update(due_date=today + timedelta(days=1))
    anonymous = client.__class__()
    body = anonymous.get(feed_url).content.decode()
    assert body.startswith("BEGIN:VCALENDAR") and "END:VCALENDAR" in body
    assert f"UID:lesson-{dw.math_mon.pk}@zhurnal" in body and "SUMMARY:2. Математика" in body
    assert "Д/з: Математика" in body and "Параграф 3\\, вопросы" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    parent.post(cal, {"action": "issue"})
    assert anonymous.get(feed_url).status_code == 404  # the old address stops working
    new = CalendarFeed.objects.get(user=dw.users["parent"], student=dw.student)
    assert anonymous.get(reverse("diary:ical-feed", args=[new.token])).status_code == 200
    parent.post(cal, {"action": "revoke"})
    assert anonymous.get(reverse("diary:ical-feed", args=[new.token])).status_code == 404


def test_leaving_date_is_respected_in_marks_too(parent, dw):
    from apps.students.models import Enrollment

    _marks(dw, dw.student, ["5", "4", "3"])
    Enrollment.objects.filter(student=dw.student).update(ends_on=MONDAY)
    page_ = page(parent, dw, "diary:week", d=THURSDAY.isoformat())
    assert all(not d.lessons for d in page_.context["week"].days if d.day > MONDAY)
