"""The weekly printout for parents without electronic access (seed 003, appendix 3 item 3)."""

import pytest
from django.urls import reverse

from apps.attendance.services import attendance_set
from apps.diary.models import PaperReportRequest
from apps.gradebook.services import mark_set
from apps.homework.services import homework_set
from tests.diary.conftest import MONDAY, THURSDAY
from tests.pdf import pdf_pages, pdf_text


def printout(response) -> tuple:
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    return pdf_text(response.content), len(pages), pages[0].mediabox


@pytest.fixture
def teacher(client, dw):
    client.force_login(dw.teacher)
    return client


def _week(dw):
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.control,
        value="4",
        expected_version=0,
        comment="Хорошая работа",
    )
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_thu,
        student=dw.stranger,
        work_type=dw.oral,
        value="2",
        expected_version=0,
    )
    attendance_set(
        acting_user=dw.teacher,
        lesson=dw.russian_mon,
        student=dw.student,
        kind="б",
        expected_version=0,
    )
    homework_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        text="Решить № 101",
        expected_version=0,
        due_date=THURSDAY,
    )


def test_class_teacher_marks_a_parent_and_prints_the_week(teacher, dw):
    _week(dw)
    page = reverse("diary:printout-class", args=[dw.school.pk, dw.school_class.pk])
    assert teacher.post(page, {"guardian": dw.guardian.pk, "wanted": "1"}).status_code == 302
    assert PaperReportRequest.objects.filter(guardian=dw.guardian).exists()
    html = teacher.get(page).content.decode()
    assert "распечатка" in html
    pdf = reverse("diary:printout-pdf", args=[dw.school.pk, dw.school_class.pk])
    text, pages, box = printout(teacher.get(pdf, {"week": MONDAY.isoformat()}))
    assert pages == 1  # only the student whose parent asked
    assert dw.student.last_name in text and dw.stranger.last_name not in text
    for expected in (
        "Результаты обучения за неделю",
        "Контрольная работа",
        "Хорошая работа",
        "болел",
        "Решить № 101",
        "Классный руководитель",
        "7 сентября",
    ):
        assert expected in text, expected
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842  # A4 in points


def test_whole_class_in_one_pdf_and_one_student(teacher, dw):
    _week(dw)
    pdf = reverse("diary:printout-pdf", args=[dw.school.pk, dw.school_class.pk])
    text, pages, _box = printout(teacher.get(pdf, {"week": MONDAY.isoformat(), "all": "1"}))
    assert pages == 2 and dw.student.last_name in text and dw.stranger.last_name in text
    text, pages, _box = printout(
        teacher.get(pdf, {"week": MONDAY.isoformat(), "student": dw.stranger.pk})
    )
    assert pages == 1 and dw.stranger.last_name in text and "«2»" not in text and "2" in text


def test_only_the_class_teacher_of_that_class(client, dw):
    from tests.journal.conftest import other_teacher

    client.force_login(other_teacher(dw))
    assert client.get(reverse("diary:printouts", args=[dw.school.pk])).status_code == 403
    client.force_login(dw.teacher)
    # 5Б has no class teacher: not this teacher's class.
    assert (
        client.get(reverse("diary:printout-class", args=[dw.school.pk, dw.class_b.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("diary:printout-pdf", args=[dw.school.pk, dw.class_b.pk]), {"all": "1"}
        ).status_code
        == 404
    )
    # A student of another class cannot be printed through this class.
    pdf = reverse("diary:printout-pdf", args=[dw.school.pk, dw.school_class.pk])
    assert client.get(pdf, {"student": dw.sibling.pk}).status_code == 404


# --- the family's own printout (issue 12, item 18) ---------------------------------------------


def test_parent_and_student_print_their_own_week(client, dw):
    _week(dw)
    for reader in (dw.users["parent"], dw.users["student"]):
        client.force_login(reader)
        week_page = client.get(
            reverse("diary:week", args=[dw.school.pk, dw.student.pk]), {"d": MONDAY.isoformat()}
        ).content.decode()
        assert 'data-testid="week-pdf"' in week_page  # offered where the week is read
        pdf = reverse("diary:week-pdf", args=[dw.school.pk, dw.student.pk])
        text, pages, _box = printout(client.get(pdf, {"d": MONDAY.isoformat()}))
        assert pages == 1 and dw.student.last_name in text and "Решить № 101" in text
        assert dw.stranger.last_name not in text


def test_another_familys_week_printout_is_not_found(client, dw):
    client.force_login(dw.users["parent"])
    other = reverse("diary:week-pdf", args=[dw.school.pk, dw.stranger.pk])
    assert client.get(other, {"d": MONDAY.isoformat()}).status_code == 404
    client.force_login(dw.users["student"])
    assert client.get(other, {"d": MONDAY.isoformat()}).status_code == 404
