"""Progress and quality formulas against a class computed by hand, and the same numbers
on the page, in Excel and in the PDF.

Class 5А, first quarter, three subjects:
    A  5 5 5     only «5»
    B  5 4 5     «4» and «5»
    C  4 3 4     with a «3»
    D  3 2 3     with a «2»
    E  н/а 4 3   not attested
успеваемость = (5 − 1 − 1) / 5 = 60 %; качество = (1 + 1) / 5 = 40 %;
средний балл = 55 / 14 = 3,93; СОУ = (5·100 + 4·64 + 4·36 + 1·16 + 1·7) / 15 = 923 / 15 = 61,53 %.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.gradebook.models import PeriodMark
from apps.reports.periods import spans_of_year
from apps.reports.progress import SOURCE_FORECAST, SOURCE_MARKS, progress
from apps.reports.stats import Tally, category
from apps.school import clock
from apps.school.policy import DEFAULT_POLICY
from tests import factories as f
from tests.pdf import pdf_text
from tests.reports.conftest import build_audit_world

MARKS = {
    "Алексеев": ("5", "5", "5"),
    "Борисова": ("5", "4", "5"),
    "Васильев": ("4", "3", "4"),
    "Григорьев": ("3", "2", "3"),
    "Дмитриева": ("н/а", "4", "3"),
}


@pytest.fixture
def graded(db):
    aw = build_audit_world("Europe/Moscow", prefix="pr")
    subjects = [aw.assignment] + [
        f.TeachingAssignmentFactory(
            school_class=aw.school_class,
            teacher=aw.teacher,
            subject=f.SubjectFactory(school=aw.school, name=name, order=i),
        )
        for i, name in enumerate(("Русский язык", "Биология"), start=2)
    ]
    students = list(aw.students)
    for last in ("Григорьев", "Дмитриева"):
        student = f.StudentFactory(school=aw.school, last_name=last)
        f.EnrollmentFactory(school_class=aw.school_class, student=student)
        students.append(student)
    now = clock.now()
    for student in students:
        for assignment, value in zip(subjects, MARKS[student.last_name], strict=True):
            PeriodMark.objects.create(
                school=aw.school,
                assignment=assignment,
                kind="period",
                period=aw.q1,
                student=student,
                value=value,
                set_by=aw.teacher,
                entered_at=now,
                set_at=now,
            )
    aw.extra["subjects"] = subjects
    aw.extra["students"] = students
    return aw


def test_categories():
    assert [category(m) for m in MARKS.values()] == ["five", "four", "three", "two", "na"]
    assert (
        category(["зач", "5"]) == "five"
        and category(["незач", "5"]) == "two"
        and category(["зач"]) is None
    )


def test_the_formulas_on_a_hand_computed_class():
    tally = Tally()
    for marks in MARKS.values():
        tally.add_student(marks)
    assert (tally.counted, tally.five, tally.four, tally.three, tally.two, tally.na) == (
        5,
        1,
        1,
        1,
        1,
        1,
    )
    assert tally.success == Decimal("60.00")
    assert tally.quality == Decimal("40.00")
    assert tally.average == Decimal("3.93")
    assert tally.sou == Decimal("61.53")


def _span(aw, key=None):
    spans = spans_of_year(aw.year, [aw.q1, aw.q2])
    return next(s for s in spans if s.key == (key or f"p{aw.q1.pk}"))


def test_the_selector_counts_the_class_and_lists_students(graded):
    data = progress(
        year=graded.year,
        span=_span(graded),
        source=SOURCE_MARKS,
        policy=DEFAULT_POLICY,
        today=date(2026, 11, 20),
    )
    tally = data.by_class[graded.school_class.pk]
    assert (tally.success, tally.quality, tally.average, tally.sou) == (
        Decimal("60.00"),
        Decimal("40.00"),
        Decimal("3.93"),
        Decimal("61.53"),
    )
    assert [s.name.split()[0] for s in data.excellent] == ["Алексеев"]
    assert [(s.name.split()[0], m, subj) for s, m, subj in data.one_short] == [
        ("Борисова", "4", "Русский язык"),
        ("Васильев", "3", "Русский язык"),
    ]
    assert [s.name.split()[0] for s in data.at_risk] == ["Григорьев", "Дмитриева"]
    # By subject the marks are counted: mathematics has one «5», one «4», … and one «н/а».
    math = data.by_subject["Математика"]
    assert (math.counted, math.five, math.four, math.three, math.na) == (5, 2, 1, 1, 1)


def test_the_forecast_comes_from_current_marks_with_weights(graded):
    lesson = graded.lesson(day=date(2026, 10, 5), topic="Дроби")
    later = graded.lesson(day=date(2026, 10, 6), topic="Дроби")
    first, second, third = graded.students
    graded.mark(lesson, first, "Ответ на уроке", graded.at(lesson.date, 10, 0), "3")
    graded.mark(
        later, first, "Контрольная работа", graded.at(later.date, 10, 0), "5"
    )  # weight 2: (3 + 10) / 3 = 4.33
    graded.mark(lesson, second, "Ответ на уроке", graded.at(lesson.date, 10, 0), "2")
    data = progress(
        year=graded.year,
        span=_span(graded),
        source=SOURCE_FORECAST,
        policy=DEFAULT_POLICY,
        today=date(2026, 10, 20),
    )
    by_name = {s.name.split()[0]: s for s in data.students}
    assert by_name["Алексеев"].marks["Математика"] == "4"
    assert str(by_name["Алексеев"].averages["Математика"])[:4] == "4.33"
    assert by_name["Борисова"].marks["Математика"] == "2"
    assert by_name["Васильев"].marks["Математика"] == "н/а"  # no marks at all
    del third


def _page_url(aw, **params):
    url = reverse("reports:progress", args=[aw.school.pk])
    query = "&".join(f"{k}={v}" for k, v in {"span": f"p{aw.q1.pk}", **params}.items())
    return f"{url}?{query}"


@pytest.fixture
def deputy(graded):
    user = f.UserFactory(username="pr-deputy", last_name="Завучева")
    f.RoleGrantFactory(user=user, school=graded.school, role="deputy")
    return user


def test_the_page_excel_and_pdf_hold_the_same_numbers(client, graded, deputy):
    client.force_login(deputy)
    page = client.get(_page_url(graded)).content.decode()
    for shown in ("60,0", "40,0", "3,93", "61,5", "Алексеев", "Григорьев"):
        assert shown in page
    assert "СОУ, % = (n«5»·100" in page  # the formula is on the page

    response = client.get(_page_url(graded, format="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[5]]
    row = [c.value for c in sheet[6]]
    assert row[0] == "5А"
    values = dict(zip(header, row, strict=True))
    assert values["Учащихся"] == 5 and values["На «5»"] == 1
    assert values["Успеваемость, %"] == pytest.approx(0.6)  # a real number shown as a percentage
    assert sheet.cell(6, header.index("Успеваемость, %") + 1).number_format == "0.0%"
    assert values["Качество, %"] == pytest.approx(0.4)
    assert values["Средний балл"] == pytest.approx(3.93)
    assert values["СОУ, %"] == pytest.approx(0.6153)
    assert sheet.freeze_panes == "B6"

    response = client.get(_page_url(graded, format="pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for shown in (
        "60,0",
        "40,0",
        "3,93",
        "61,5",
        "Отчёт об успеваемости",
        graded.school.full_name[:30],
        "Директор",
    ):
        assert shown in text, shown


def test_the_database_average_is_the_journal_weighted_average(graded):
    """The forecast averages marks in SQL; the grid and the suggested mark use
    grading.weighted_average: on the same marks both give the same number, weights and
    зачёт included."""
    from apps.gradebook.grading import weighted_average
    from apps.reports.progress import _current_mark_totals

    written = {
        "Алексеев": [("5", "Ответ на уроке"), ("3", "Контрольная работа"), ("4", "Сочинение")],
        "Борисова": [("2", "Самостоятельная работа"), ("зач", "Ответ на уроке"), ("5", "Диктант")],
        "Васильев": [
            ("4", "Домашняя работа"),
            ("4", "Проверочная работа"),
            ("1", "Ответ на уроке"),
        ],
    }
    lessons = [graded.lesson(day=date(2026, 10, d), topic="Дроби") for d in (5, 6, 7)]
    by_student = {s.last_name: s for s in graded.students}
    for last_name, marks in written.items():
        for lesson, (value, work_type) in zip(lessons, marks, strict=True):
            graded.mark(
                lesson, by_student[last_name], work_type, graded.at(lesson.date, 10, 0), value
            )
    totals = {
        row["student_id"]: row["total"] / row["weight"]
        for row in _current_mark_totals(graded.year, date(2026, 10, 1), date(2026, 10, 31))
    }
    for last_name, marks in written.items():
        expected = weighted_average(
            (value, graded.work_types[work_type].weight) for value, work_type in marks
        )
        assert totals[by_student[last_name].pk] == expected, last_name
