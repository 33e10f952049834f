"""The journal pages added around the grid: attestation columns, reasons and comments from
the grid, «все присутствуют», history, locks, the class journal and the register, files."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.attendance.models import AttendanceMark
from apps.attendance.services import attendance_set
from apps.gradebook.models import Mark, PeriodLock, PeriodMark, PeriodUnlockGrant
from apps.gradebook.selectors import journal_cell, journal_grid
from apps.gradebook.services import mark_set, period_lock
from apps.homework.models import HomeworkAttachment
from apps.schedule.models import Lesson
from apps.schedule.services import PlanRow, ktp_replace
from apps.school import clock
from tests import factories as f
from tests.journal.conftest import MONDAY, other_teacher, tomorrow


def _url(name, jw, *args):
    return reverse(name, args=[jw.school.pk, *args])


def _cell(client, jw, value, **extra):
    token = journal_cell(lesson=jw.lesson, student=jw.student).token
    return client.post(
        _url("journal:cell", jw),
        {
            "lesson": jw.lesson.pk,
            "student": jw.student.pk,
            "value": value,
            "token": token,
            "work_type": jw.oral.pk,
            **extra,
        },
    )


def _old_mark(jw, value="3", days=6):
    mark = mark_set(
        acting_user=jw.users["teacher"],
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value=value,
        expected_version=0,
    )
    Mark.objects.filter(pk=mark.pk).update(entered_at=clock.now() - timedelta(days=days))
    return mark


# --- the grid ------------------------------------------------------------------------------


def test_the_last_period_shows_year_exam_and_final_columns_in_grade_9(client, jw):
    ninth = f.SchoolClassFactory(year=jw.year, grade=9, letter="Б")
    algebra = f.TeachingAssignmentFactory(school_class=ninth, teacher=jw.users["teacher"])
    q4 = f.StudyPeriodFactory(
        year=jw.year,
        number=4,
        name="4 четверть",
        starts_on=date(2027, 3, 29),
        ends_on=date(2027, 5, 26),
    )

    def kinds(assignment, period):
        return [c.kind for c in journal_grid(assignment=assignment, period=period).final_columns]

    assert kinds(algebra, q4) == ["period", "year", "exam", "final"]
    assert kinds(jw.assignment, jw.period) == ["period"]
    assert kinds(jw.assignment, q4) == ["period", "year"]
    client.force_login(jw.users["teacher"])
    page = client.get(_url("journal:grid", jw, algebra.pk), {"period": q4.pk}).content.decode()
    assert all(f"jp-h-{kind}" in page for kind in ("year", "exam", "final"))


def test_year_mark_is_saved_from_the_grid_and_flagged_when_it_disagrees(client, jw):
    q4 = f.StudyPeriodFactory(
        year=jw.year,
        number=4,
        name="4 четверть",
        starts_on=date(2027, 3, 29),
        ends_on=date(2027, 5, 26),
    )
    PeriodMark.objects.create(
        school=jw.school,
        assignment=jw.assignment,
        kind="period",
        period=jw.period,
        student=jw.student,
        value="5",
        set_by=jw.users["teacher"],
        entered_at=clock.now(),
        set_at=clock.now(),
    )
    client.force_login(jw.users["teacher"])
    url = _url("journal:period-mark", jw, jw.assignment.pk)
    response = client.post(
        url, {"student": jw.student.pk, "period": q4.pk, "kind": "year", "value": "3", "version": 0}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "jp-year jp-disagree" in body
    assert PeriodMark.objects.get(kind="year").value == "3"
    stale = client.post(
        url, {"student": jw.student.pk, "period": q4.pk, "kind": "year", "value": "4", "version": 0}
    )
    assert stale.status_code == 409 and ">3<" in stale.content.decode()


def test_an_old_mark_is_corrected_from_the_grid_only_with_a_reason(client, jw):
    _old_mark(jw, "3")
    client.force_login(jw.users["teacher"])
    refused = _cell(client, jw, "4")
    body = refused.content.decode()
    assert (
        refused.status_code == 422 and 'data-need-reason="1"' in body and 'data-typed="4"' in body
    )
    assert "укажите причину" in body
    assert _cell(client, jw, "4", reason="Переписал работу").status_code == 200
    assert Mark.objects.get().value == "4"
    # Removing it is a correction too: the grid asks again; the mark stays until a reason is given.
    refused = _cell(client, jw, "")
    assert refused.status_code == 422 and 'data-need-reason="1"' in refused.content.decode()
    assert Mark.objects.exists()
    assert _cell(client, jw, "", reason="Ошибка ввода").status_code == 200
    assert not Mark.objects.exists()


def test_the_comment_of_a_mark_is_saved_from_the_grid(client, jw):
    mark_set(
        acting_user=jw.users["teacher"],
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value="5",
        expected_version=0,
    )
    client.force_login(jw.users["teacher"])
    token = journal_cell(lesson=jw.lesson, student=jw.student).token
    response = client.post(
        _url("journal:cell-comment", jw),
        {
            "lesson": jw.lesson.pk,
            "student": jw.student.pk,
            "work_type": jw.oral.pk,
            "token": token,
            "comment": "Отличный ответ у доски",
        },
    )
    assert (
        response.status_code == 200
        and 'data-comment="Отличный ответ у доски"' in response.content.decode()
    )
    stale = client.post(
        _url("journal:cell-comment", jw),
        {
            "lesson": jw.lesson.pk,
            "student": jw.student.pk,
            "work_type": jw.oral.pk,
            "token": token,
            "comment": "x",
        },
    )
    assert stale.status_code == 409
    client.force_login(jw.users["deputy"])
    assert (
        client.post(
            _url("journal:cell-comment", jw),
            {
                "lesson": jw.lesson.pk,
                "student": jw.student.pk,
                "work_type": jw.oral.pk,
                "token": "",
                "comment": "x",
            },
        ).status_code
        == 403
    )
    assert Mark.objects.get().comment == "Отличный ответ у доски"


def test_everyone_present_from_the_column_header(client, jw):
    client.force_login(jw.users["teacher"])
    grid = client.get(_url("journal:grid", jw, jw.assignment.pk)).content.decode()
    assert _url("journal:lesson-present", jw, jw.lesson.pk) in grid
    response = client.post(_url("journal:lesson-present", jw, jw.lesson.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "jl-taken" in response.content.decode()
    assert Lesson.objects.get(pk=jw.lesson.pk).attendance_taken_at is not None
    assert not AttendanceMark.objects.exists()
    client.force_login(jw.users["deputy"])
    assert (
        client.post(_url("journal:lesson-present", jw, jw.lesson.pk)).status_code == 302
    )  # refused, with a message


def test_a_locked_period_makes_the_grid_read_only_and_a_grant_opens_it(client, jw):
    period_lock(acting_user=jw.users["deputy"], period=jw.period)
    client.force_login(jw.users["teacher"])
    response = client.get(_url("journal:grid", jw, jw.assignment.pk), {"period": jw.period.pk})
    body = response.content.decode()
    assert 'data-editable="0"' in body and 'data-testid="period-locked"' in body
    assert _cell(client, jw, "5").status_code == 422 and not Mark.objects.exists()
    client.force_login(jw.users["deputy"])
    grant = client.post(
        _url("journal:unlock-grant", jw),
        {
            "period": jw.period.pk,
            "user": jw.users["teacher"].pk,
            "reason": "Справка о болезни",
            "expires_at": (clock.school_now(jw.school) + timedelta(days=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        },
    )
    assert (
        grant.status_code == 302 and PeriodUnlockGrant.objects.get().reason == "Справка о болезни"
    )
    client.force_login(jw.users["teacher"])
    body = client.get(
        _url("journal:grid", jw, jw.assignment.pk), {"period": jw.period.pk}
    ).content.decode()
    assert 'data-editable="1"' in body and 'data-testid="period-unlocked"' in body
    assert _cell(client, jw, "5").status_code == 200


def test_the_deputy_locks_unlocks_and_revokes(client, jw):
    client.force_login(jw.users["deputy"])
    page = client.get(_url("journal:locks", jw))
    assert page.status_code == 200 and "1 четверть" in page.content.decode()
    client.post(_url("journal:lock-toggle", jw, jw.period.pk), {"action": "lock", "confirmed": "2"})
    assert PeriodLock.objects.filter(period=jw.period).exists()
    refused = client.post(
        _url("journal:unlock-grant", jw),
        {
            "period": jw.period.pk,
            "user": jw.users["teacher"].pk,
            "reason": "",
            "expires_at": "2026-01-01T10:00",
        },
    )
    assert refused.status_code == 422
    client.post(_url("journal:lock-toggle", jw, jw.period.pk), {"action": "unlock"})
    assert not PeriodLock.objects.exists()
    client.force_login(jw.users["teacher"])
    assert client.get(_url("journal:locks", jw)).status_code == 403


# --- history -------------------------------------------------------------------------------


def test_deputy_and_director_open_the_history_of_any_cell(client, jw):
    _old_mark(jw, "3")
    client.force_login(jw.users["teacher"])
    _cell(client, jw, "4", reason="Переписал работу")
    for role in ("deputy", "director", "teacher"):
        client.force_login(jw.users[role])
        response = client.get(
            _url("journal:history-lesson", jw, jw.lesson.pk), {"student": jw.student.pk}
        )
        body = response.content.decode()
        assert (
            response.status_code == 200
            and "Переписал работу" in body
            and jw.users["teacher"].short_name in body
        )
    row = client.get(_url("journal:history-student", jw, jw.assignment.pk, jw.student.pk))
    assert row.status_code == 200 and "Переписал работу" in row.content.decode()


def test_other_teachers_and_class_teachers_do_not_read_the_history(client, jw):
    client.force_login(other_teacher(jw))
    assert client.get(_url("journal:history-lesson", jw, jw.lesson.pk)).status_code == 404
    colleague = other_teacher(jw, "a-teacher-3")
    russian = f.TeachingAssignmentFactory(school_class=jw.school_class, teacher=colleague)
    lesson = f.LessonFactory(assignment=russian, date=MONDAY, lesson_number=2)
    client.force_login(jw.users["teacher"])  # 5А's class teacher reads the journal, not its history
    assert client.get(_url("journal:history-lesson", jw, lesson.pk)).status_code == 403
    assert (
        client.get(_url("journal:history-student", jw, russian.pk, jw.student.pk)).status_code
        == 403
    )


# --- the class teacher -----------------------------------------------------------------------


def test_class_teacher_reads_the_whole_class_journal_and_register(client, jw):
    mark_set(
        acting_user=jw.users["teacher"],
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value="5",
        expected_version=0,
    )
    lesson2 = f.LessonFactory(assignment=jw.assignment, date=MONDAY, lesson_number=2)
    attendance_set(
        acting_user=jw.users["teacher"],
        lesson=Lesson.objects.select_related(
            "school", "assignment__school_class", "assignment__year"
        ).get(pk=lesson2.pk),
        student=jw.student,
        kind="б",
        expected_version=0,
    )
    client.force_login(jw.users["teacher"])
    summary = client.get(
        _url("journal:class", jw, jw.school_class.pk), {"period": jw.period.pk}
    ).context["summary"]
    student, cells = summary.rows[0]
    assert student == jw.student and cells[0].average == 5 and cells[0].suggested == "5"
    register = client.get(
        _url("journal:register", jw, jw.school_class.pk), {"month": "2026-09", "day": "2026-09-07"}
    ).context["register"]
    row = register.rows[0]
    assert row.missed == 1 and row.totals["б"] == 1 and register.day_totals == [1]
    assert [(item.lesson.lesson_number, item.absences) for item in register.day_lessons] == [
        (1, []),
        (2, [(jw.student, "б")]),
    ]


def test_a_teacher_who_leads_no_class_gets_no_class_pages(client, jw):
    other_class = f.SchoolClassFactory(
        year=jw.year, letter="Г", class_teacher=other_teacher(jw, "a-teacher-4")
    )
    client.force_login(jw.users["teacher"])
    assert client.get(_url("journal:class", jw, other_class.pk)).status_code == 404
    client.force_login(other_teacher(jw))
    assert client.get(_url("journal:class", jw, jw.school_class.pk)).status_code == 403
    client.force_login(jw.users["deputy"])
    assert client.get(_url("journal:register", jw, other_class.pk)).status_code == 200


# --- the lesson page -----------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_lesson_page_sets_details_homework_and_files(client, jw, media):
    client.force_login(jw.users["teacher"])
    url = _url("journal:lesson", jw, jw.lesson.pk)
    response = client.post(
        url,
        {
            "save_lesson": "1",
            "topic": "Дроби",
            "lesson_type": "new",
            "seen_topic": "",
            "work_types": [jw.oral.pk, jw.control.pk],
            "comment": "Класс хорошо работал",
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get(pk=jw.lesson.pk)
    assert (lesson.topic, lesson.comment) == ("Дроби", "Класс хорошо работал")
    assert set(lesson.work_types.all()) == {jw.oral, jw.control}
    response = client.post(
        url,
        {
            "save_homework": "1",
            "text": "§ 5",
            "minutes": "20",
            "version": "0",
            "due_date": "2026-09-08",
            "files": [SimpleUploadedFile("lista.pdf", b"%PDF")],
        },
    )
    assert response.status_code == 302
    attachment = HomeworkAttachment.objects.get()
    download = client.get(_url("journal:attachment", jw, attachment.pk))
    assert download.status_code == 200 and download.getvalue() == b"%PDF"
    refused = client.post(
        url,
        {
            "save_homework": "1",
            "text": "§ 5",
            "version": "1",
            "files": [SimpleUploadedFile("run.exe", b"MZ")],
        },
    )
    assert refused.status_code == 422 and "не принимается" in refused.content.decode()
    client.force_login(jw.users["parent"])
    assert client.get(_url("journal:attachment", jw, attachment.pk)).status_code == 403
    client.force_login(jw.other.users["teacher"])
    assert client.get(_url("journal:attachment", jw, attachment.pk)).status_code == 404


def test_homework_is_set_in_advance_for_a_future_lesson(client, jw):
    future = f.LessonFactory(assignment=jw.assignment, date=tomorrow(jw))
    client.force_login(jw.users["teacher"])
    url = _url("journal:lesson", jw, future.pk)
    page = client.get(url)
    assert (
        page.status_code == 200 and 'data-editable="0"' in page.content.decode()
    )  # no marks before the lesson
    assert (
        client.post(
            url, {"save_homework": "1", "text": "Повторить §§ 1–3", "minutes": "30", "version": "0"}
        ).status_code
        == 302
    )


def test_the_lesson_page_suggests_the_next_plan_topic(client, jw):
    ktp_replace(
        acting_user=jw.users["teacher"],
        assignment=jw.assignment,
        rows=[PlanRow("Натуральные числа", 1)],
    )
    client.force_login(jw.users["teacher"])
    page = client.get(_url("journal:lesson", jw, jw.lesson.pk))
    assert "По КТП следующая тема: «Натуральные числа»" in page.content.decode()
    assert page.context["lesson_form"]["plan_topic"].value() is not None


def test_the_reused_grid_is_rebuilt_after_every_kind_of_change(client, jw):
    """The page keeps the rendered grid while nothing in it changed; each change shows at once."""
    from apps.gradebook.services import lesson_details_set
    from apps.homework.services import homework_set
    from apps.schedule.services import lesson_substitute
    from apps.students.models import Student

    teacher = jw.users["teacher"]
    client.force_login(teacher)
    url = _url("journal:grid", jw, jw.assignment.pk)

    def grid() -> str:
        return client.get(url, {"period": jw.period.pk}).context["grid"].table

    first = grid()
    assert grid() == first
    mark_set(
        acting_user=teacher,
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value="5",
        expected_version=0,
    )
    assert ">5</span>" in grid()
    attendance_set(
        acting_user=teacher,
        lesson=_reload(jw.lesson),
        student=jw.student,
        kind="оп",
        expected_version=0,
    )
    assert 'jc-a-оп">оп' in grid()
    lesson_details_set(acting_user=teacher, lesson=_reload(jw.lesson), topic="Десятичные дроби")
    assert "Десятичные дроби" in grid()
    homework_set(acting_user=teacher, lesson=_reload(jw.lesson), text="§ 3", expected_version=0)
    assert "jl-hw" in grid()
    lesson_substitute(
        acting_user=jw.users["dispatcher"], lesson=_reload(jw.lesson), teacher=other_teacher(jw)
    )
    assert "jl-flag-sub" in grid()
    Student.objects.filter(pk=jw.student.pk).update(last_name="Переименованный")
    assert "Переименованный" in grid()
    period_lock(acting_user=jw.users["deputy"], period=jw.period)
    response = client.get(url, {"period": jw.period.pk})
    assert not response.context["can_edit"] and 'data-editable="0"' in response.content.decode()


def _reload(lesson):
    return Lesson.objects.select_related(
        "school", "assignment__school_class", "assignment__year"
    ).get(pk=lesson.pk)
