"""The control pages as each role sees them, and the files they give."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import RoleGrant
from apps.attendance.models import AttendanceMark
from apps.homework.models import Homework
from apps.reports.models import AuditRun, ExportJob
from apps.reports.services import audit_month_store
from apps.school import clock
from tests import factories as f
from tests.pdf import pdf_lines, pdf_text
from tests.reports.conftest import MONDAY, build_audit_world

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def vw(db):
    """5А (class teacher Соколова, who teaches mathematics) and 6Б, whose history teacher
    Петров also teaches history in 5А; a deputy, a parent and a student."""
    aw = build_audit_world("Europe/Moscow", prefix="vw")
    users = {}
    for role, last in (
        ("deputy", "Завучева"),
        ("director", "Директорова"),
        ("parent", "Родителева"),
        ("student", "Ученикова"),
        ("history", "Петров"),
    ):
        users[role] = f.UserFactory(username=f"vw-{role}", last_name=last)
        RoleGrant.objects.create(
            user=users[role], school=aw.school, role="teacher" if role == "history" else role
        )
    petrov = users["history"]
    history = f.SubjectFactory(school=aw.school, name="История")
    six_b = f.SchoolClassFactory(year=aw.year, grade=6, letter="Б", class_teacher=petrov)
    aw.extra.update(users=users, petrov=petrov, six_b=six_b)
    aw.extra["history_5a"] = f.TeachingAssignmentFactory(
        school_class=aw.school_class, subject=history, teacher=petrov
    )
    aw.extra["history_6b"] = f.TeachingAssignmentFactory(
        school_class=six_b, subject=history, teacher=petrov
    )
    aw.lesson(number=1)  # mathematics, 5А: nothing entered
    aw.lesson(
        number=2, starts=(9, 25), ends=(10, 10), assignment=aw.extra["history_5a"], topic="Рим"
    )
    aw.lesson(number=3, starts=(10, 20), ends=(11, 5), assignment=aw.extra["history_6b"])
    aw.extra["run"] = audit_month_store(
        school=aw.school, month=OCTOBER, as_of=aw.at(date(2026, 11, 20), 9, 0)
    )
    return aw


def audit_url(vw, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("reports:audit", args=[vw.school.pk]) + (f"?{query}" if query else "")


def test_the_deputy_sees_the_school_summary_and_drills_down(client, vw):
    client.force_login(vw.extra["users"]["deputy"])
    page = client.get(audit_url(vw)).content.decode()
    assert "Соколова Мария" in page and "Петров" in page and "6Б" in page
    assert 'data-testid="kpi-teachers">2 / 2<' in page
    page = client.get(
        audit_url(vw, run=vw.extra["run"].pk, teacher=vw.extra["petrov"].pk)
    ).content.decode()
    assert page.count('data-testid="line"') == 2 and "Математика" not in page
    line = vw.extra["run"].lines.get(teacher=vw.teacher)
    detail = client.get(
        reverse("reports:audit-line", args=[vw.school.pk, line.pk])
    ).content.decode()
    lesson = vw.assignment.lessons.get()
    assert reverse("journal:lesson", args=[vw.school.pk, lesson.pk]) in detail
    assert "Уроки без темы" in detail and "05.10.2026, 1 урок" in detail


def test_a_teacher_sees_only_their_own_lines(client, vw):
    client.force_login(vw.extra["petrov"])
    page = client.get(audit_url(vw)).content.decode()
    # Петров's two history lines; 6Б is his class, 5А mathematics is not his.
    assert page.count('data-testid="line"') == 2 and "Математика" not in page
    assert 'data-testid="teachers"' not in page
    maths = vw.extra["run"].lines.get(teacher=vw.teacher)
    assert (
        client.get(reverse("reports:audit-line", args=[vw.school.pk, maths.pk])).status_code == 404
    )
    # A filter by another teacher shows nothing of theirs either.
    page = client.get(audit_url(vw, teacher=vw.teacher.pk)).content.decode()
    assert 'data-testid="line"' not in page


def test_a_class_teacher_also_sees_the_lines_of_their_class(client, vw):
    client.force_login(vw.teacher)
    page = client.get(audit_url(vw)).content.decode()
    assert page.count('data-testid="line"') == 2  # mathematics (own) and history of 5А (her class)
    assert "6Б" not in page
    history = vw.extra["run"].lines.get(teacher=vw.extra["petrov"], school_class=vw.school_class)
    assert (
        client.get(reverse("reports:audit-line", args=[vw.school.pk, history.pk])).status_code
        == 200
    )


@pytest.mark.parametrize("role", ["parent", "student"])
def test_parents_and_students_never_see_control_or_reports(client, vw, role):
    client.force_login(vw.extra["users"][role])
    line = vw.extra["run"].lines.first()
    for url in (
        audit_url(vw),
        reverse("reports:audit-line", args=[vw.school.pk, line.pk]),
        reverse("reports:progress", args=[vw.school.pk]),
        reverse("reports:attendance", args=[vw.school.pk]),
        reverse("reports:activity", args=[vw.school.pk]),
        reverse("reports:index", args=[vw.school.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_teacher_who_leads_no_class_gets_no_class_reports(client, vw):
    other = f.UserFactory(username="vw-plain")
    RoleGrant.objects.create(user=other, school=vw.school, role="teacher")
    client.force_login(other)
    assert client.get(reverse("reports:progress", args=[vw.school.pk])).status_code == 403
    assert client.get(audit_url(vw)).status_code == 200  # their own (empty) audit


def test_a_class_teacher_reports_only_their_class(client, vw):
    client.force_login(vw.teacher)
    url = reverse("reports:progress", args=[vw.school.pk])
    assert client.get(url, {"class": vw.extra["six_b"].pk}).status_code == 404
    page = client.get(url, {"class": vw.school_class.pk}).content.decode()
    assert "5А" in page and "6Б" not in page


def test_the_audit_in_excel_and_pdf_holds_the_page_numbers(client, vw):
    client.force_login(vw.extra["users"]["deputy"])
    run = vw.extra["run"]
    book = load_workbook(io.BytesIO(client.get(audit_url(vw, run=run.pk, format="xlsx")).content))
    assert book.sheetnames[:3] == [
        "Сводка по учителям",
        "Сводка по классам",
        "Учитель × класс × предмет",
    ]
    sheet = book["Сводка по учителям"]
    header = [c.value for c in sheet[5]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=6, values_only=True)
        if r[0]
    }
    sokolova = next(v for k, v in rows.items() if k.startswith("Соколова"))
    assert (sokolova["Без темы"], sokolova["Без посещ."], sokolova["Замечаний"]) == (
        1,
        1,
        run.teachers[1]["issues"],
    )
    assert rows["Итого"]["Замечаний"] == run.totals["issues"]
    lines = pdf_lines(client.get(audit_url(vw, run=run.pk, format="pdf")).content)
    text = " ".join(lines)
    assert "Контроль ведения электронного журнала" in text and "Соколова Мария" in text
    her_row = next(line for line in lines if "Соколова Мария" in line)
    assert " 1 " in her_row  # her lessons and issues on the same row
    assert "Заместитель директора по УВР" in text and "октябрь 2026" in text


def test_the_deputy_runs_an_audit_of_a_period(client, vw):
    client.force_login(vw.extra["users"]["deputy"])
    url = reverse("reports:audit-new", args=[vw.school.pk])
    assert "Период: 1 четверть" in client.get(url).content.decode()
    response = client.post(url, {"target": f"p{vw.q1.pk}"})
    run = AuditRun.objects.get(kind=AuditRun.Kind.PERIOD)
    assert response.status_code == 302 and response.url.endswith(f"?run={run.pk}")
    assert (run.starts_on, run.ends_on, run.period_id) == (vw.q1.starts_on, vw.q1.ends_on, vw.q1.pk)
    response = client.post(url, {"target": "m2031-01"})
    assert (
        response.status_code == 200 and "Выберите корректный вариант" in response.content.decode()
    )


def test_the_attendance_report_counts_by_reason_and_month(client, vw):
    lesson = vw.assignment.lessons.get()
    later = vw.lesson(day=date(2026, 11, 10), topic="Дроби")
    now = clock.now()
    for target, student, kind in (
        (lesson, 0, "н"),
        (lesson, 1, "б"),
        (later, 0, "уп"),
        (later, 1, "оп"),
    ):
        AttendanceMark.objects.create(
            school=vw.school,
            lesson=target,
            student=vw.students[student],
            kind=kind,
            entered_at=now,
            entered_by=vw.teacher,
        )
    client.force_login(vw.extra["users"]["deputy"])
    url = reverse("reports:attendance", args=[vw.school.pk])
    page = client.get(url, {"span": "year"}).content.decode()
    assert "Пропущено уроков по месяцам" in page
    book = load_workbook(io.BytesIO(client.get(url, {"span": "year", "format": "xlsx"}).content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[5]]
    row = dict(zip(header, [c.value for c in sheet[6]], strict=True))
    assert row["Класс"] == "5А" and (
        row["Без причины (н)"],
        row["По болезни (б)"],
        row["Уважит. (уп)"],
    ) == (1, 1, 1)
    assert row["Пропущено уроков"] == 3 and row["Опозданий"] == 1
    assert row["октябрь 2026"] == 2 and row["ноябрь 2026"] == 1
    # The class teacher sees their class by student.
    client.force_login(vw.teacher)
    page = client.get(url, {"span": "year"}).content.decode()
    assert "По обучающимся" in page and "Алексеев" in page


def test_the_activity_report_page_and_file(client, vw):
    client.force_login(vw.extra["users"]["deputy"])
    url = reverse("reports:activity", args=[vw.school.pk])
    page = client.get(url, {"month": "2026-10"}).content.decode()
    assert "По ролям" in page and "Учитель" in page
    text = pdf_text(client.get(url, {"month": "2026-10", "format": "pdf"}).content)
    assert "Отчёт об активности пользователей" in text and "Директор" in text
    book = load_workbook(
        io.BytesIO(client.get(url, {"month": "2026-10", "format": "xlsx"}).content)
    )
    assert book.sheetnames == ["По ролям", "По классам", "По пользователям"]


def test_the_class_archive_is_built_in_the_background_and_downloaded(
    client, vw, django_capture_on_commit_callbacks
):
    lesson = vw.assignment.lessons.get()
    lesson.topic = "Сложение дробей"
    lesson.save(update_fields=["topic"])
    Homework.objects.create(
        school=vw.school,
        lesson=lesson,
        text="№ 112, 113",
        minutes=20,
        set_at=clock.now(),
        set_by=vw.teacher,
    )
    vw.mark(lesson, vw.students[0], "Ответ на уроке", vw.at(MONDAY, 9, 0), "4")
    client.force_login(vw.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:export-start", args=[vw.school.pk]),
            {"kind": "archive", "year": vw.year.pk, "class": vw.school_class.pk},
        )
    job = ExportJob.objects.get()
    assert response.url == reverse("reports:export", args=[vw.school.pk, job.pk])
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    status = client.get(response.url).content.decode()
    assert "Файл готов" in status
    download = client.get(response.url, {"download": "1"})
    text = pdf_text(download.getvalue())
    for shown in (
        "Классный журнал",
        "5А",
        "Сложение дробей",
        "№ 112, 113",
        "Алексеев",
        "Лист заверения",
    ):
        assert shown in text, shown
    # Another class is not the class teacher's to export.
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            reverse("reports:export-start", args=[vw.school.pk]),
            {"kind": "archive", "year": vw.year.pk, "class": vw.extra["six_b"].pk},
        )
    assert refused.status_code == 404
    # Nor is another user's job visible.
    client.force_login(vw.extra["petrov"])
    assert client.get(reverse("reports:export", args=[vw.school.pk, job.pk])).status_code == 404


def test_the_school_year_workbook(client, vw, django_capture_on_commit_callbacks):
    from apps.gradebook.models import PeriodMark

    now = clock.now()
    PeriodMark.objects.create(
        school=vw.school,
        assignment=vw.assignment,
        kind="period",
        period=vw.q1,
        student=vw.students[0],
        value="5",
        set_by=vw.teacher,
        entered_at=now,
        set_at=now,
    )
    client.force_login(vw.extra["users"]["director"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:export-start", args=[vw.school.pk]),
            {"kind": "school_year", "year": vw.year.pk},
        )
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE, job.message
    content = client.get(
        reverse("reports:export", args=[vw.school.pk, job.pk]), {"download": "1"}
    ).getvalue()
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Итоги", "5А", "6Б"]
    sheet = book["5А"]
    subjects = [c.value for c in sheet[3]]
    column = subjects.index("Математика") + 1
    assert sheet.cell(4, column).value == "1 четверть" and sheet.cell(4, column + 2).value == "Год"
    assert sheet["B5"].value.startswith("Алексеев") and sheet.cell(5, column).value == 5


def test_the_audit_help_states_the_schools_own_deadlines(client, vw):
    from apps.school.models import SchoolRules

    SchoolRules.objects.create(
        school=vw.school, control_mark_days=5, ktp_due_month=10, ktp_due_day=1
    )
    client.force_login(vw.extra["users"]["deputy"])
    page = client.get(audit_url(vw)).content.decode()
    assert "контрольные — 5 дн. после урока" in page
    assert "КТП должно быть заполнено к 1 октября" in page
    assert "каникулы считаются рабочими днями" in page
