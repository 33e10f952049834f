"""КТП: editing, the Excel template, import with row errors and all-or-nothing, export,
held lessons taking the next topic, and the planned-vs-held selector reports use."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.attendance.services import attendance_set
from apps.gradebook.services import mark_set
from apps.schedule.ktp_excel import XLSX_TYPE, ktp_template, parse_ktp
from apps.schedule.models import Lesson, PlanTopic
from apps.schedule.selectors import ktp_progress, ktp_suggestion
from apps.schedule.services import (
    PlanRow,
    ktp_replace,
    lesson_cancel,
    plan_topic_delete,
    plan_topic_move,
    plan_topic_save,
)
from tests import factories as f
from tests.journal.conftest import make_lessons, other_teacher


def _plan(jw, *rows):
    return ktp_replace(
        acting_user=jw.users["teacher"],
        assignment=jw.assignment,
        rows=[PlanRow(title=t, hours=h) for t, h in rows],
    )


def _xlsx(
    rows, header=("№", "Тема урока", "Часов", "Тип урока", "Дата по плану")
) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("ktp.xlsx", out.getvalue(), content_type=XLSX_TYPE)


# --- editing ----------------------------------------------------------------------------------


def test_teacher_adds_edits_moves_and_deletes_topics(jw):
    teacher = jw.users["teacher"]
    first = plan_topic_save(
        acting_user=teacher, assignment=jw.assignment, row=PlanRow("Натуральные числа", 2, "new")
    )
    second = plan_topic_save(acting_user=teacher, assignment=jw.assignment, row=PlanRow("Дроби", 3))
    third = plan_topic_save(
        acting_user=teacher,
        assignment=jw.assignment,
        row=PlanRow("Контрольная работа", 1, "control"),
    )
    assert [t.position for t in (first, second, third)] == [1, 2, 3]
    plan_topic_move(acting_user=teacher, topic=third, offset=-1)
    assert list(PlanTopic.objects.order_by("position").values_list("title", flat=True)) == [
        "Натуральные числа",
        "Контрольная работа",
        "Дроби",
    ]
    plan_topic_save(
        acting_user=teacher,
        assignment=jw.assignment,
        topic=second,
        row=PlanRow("Обыкновенные дроби", 4),
    )
    plan_topic_delete(acting_user=teacher, topic=first)
    assert list(
        PlanTopic.objects.order_by("position").values_list("position", "title", "hours")
    ) == [(1, "Контрольная работа", 1), (2, "Обыкновенные дроби", 4)]


def test_bad_rows_are_refused_with_reasons(jw):
    with pytest.raises(ValidationError) as caught:
        plan_topic_save(
            acting_user=jw.users["teacher"],
            assignment=jw.assignment,
            row=PlanRow(" ", 0, "nonsense", date(2030, 1, 1)),
        )
    assert set(caught.value.error_dict) == {"title", "hours", "lesson_type", "planned_on"}


def test_only_the_teacher_of_the_assignment_writes_the_plan(jw):
    for user in (other_teacher(jw), jw.users["deputy"]):
        with pytest.raises(PermissionDenied):
            plan_topic_save(acting_user=user, assignment=jw.assignment, row=PlanRow("Тема"))


def test_replacing_the_plan_is_all_or_nothing_and_keeps_lesson_links(jw):
    _plan(jw, ("Первая", 1), ("Вторая", 1), ("Третья", 1))
    first = PlanTopic.objects.get(position=1)
    Lesson.objects.filter(pk=jw.lesson.pk).update(plan_topic=first, topic="Первая")
    with pytest.raises(ValidationError) as caught:
        _plan(jw, ("Новая первая", 1), ("", 1))
    assert "Строка 2" in caught.value.messages[0]
    assert PlanTopic.objects.count() == 3  # nothing changed
    _plan(jw, ("Новая первая", 2), ("Новая вторая", 1))
    assert list(PlanTopic.objects.order_by("position").values_list("title", flat=True)) == [
        "Новая первая",
        "Новая вторая",
    ]
    jw.lesson.refresh_from_db()
    assert jw.lesson.plan_topic_id == first.pk  # still linked by position


# --- Excel ----------------------------------------------------------------------------------


def test_the_template_imports_as_it_is(jw):
    result = parse_ktp(SimpleUploadedFile("t.xlsx", ktp_template()), year=jw.year)
    assert result.ok and len(result.rows) == 2 and result.plan_rows[1].lesson_type == "control"


def test_import_reports_every_error_with_row_and_column(jw):
    upload = _xlsx(
        [
            (1, "Натуральные числа", 2, "Изучение нового материала", "07.09.2026"),
            (2, "", "два", "Лекция", "31.02.2026"),
            (),
            (4, "Дроби", 1, "", date(2031, 1, 1)),
        ]
    )
    result = parse_ktp(upload, year=jw.year)
    assert not result.ok and result.error_count == 5
    errors = [e for row in result.rows for e in row.errors]
    assert "Строка 3, столбец B («Тема урока»): тема не указана." in errors
    assert any(e.startswith("Строка 3, столбец C («Часов»)") for e in errors)
    assert any(e.startswith("Строка 3, столбец D («Тип урока»)") for e in errors)
    assert any(e.startswith("Строка 3, столбец E («Дата по плану»)") for e in errors)
    assert any(e.startswith("Строка 5, столбец E") and "вне учебного года" in e for e in errors)
    assert result.rows[0].row == PlanRow("Натуральные числа", 2, "new", date(2026, 9, 7))


def test_a_file_that_is_not_a_plan_is_refused(jw):
    assert (
        "не открывается"
        in parse_ktp(SimpleUploadedFile("a.xlsx", b"not a workbook"), year=jw.year).errors[0]
    )
    assert "Тема урока" in parse_ktp(_xlsx([("x",)], header=("что-то",)), year=jw.year).errors[0]


def test_import_preview_then_confirm_then_export(client, jw):
    client.force_login(jw.users["teacher"])
    url = reverse("ktp:import", args=[jw.school.pk, jw.assignment.pk])
    bad = client.post(url, {"file": _xlsx([(1, "Тема", "x")])})
    assert bad.status_code == 422 and "Строка 2, столбец C" in bad.content.decode()
    assert not PlanTopic.objects.exists()
    good = client.post(
        url, {"file": _xlsx([(1, "Натуральные числа", 2), (2, "Дроби", 1, "Комбинированный урок")])}
    )
    assert good.status_code == 200 and "Ошибок нет" in good.content.decode()
    token = good.context["token"]
    tampered = client.post(
        reverse("ktp:import-confirm", args=[jw.school.pk, jw.assignment.pk]), {"token": token + "x"}
    )
    assert tampered.status_code == 302 and not PlanTopic.objects.exists()
    client.post(
        reverse("ktp:import-confirm", args=[jw.school.pk, jw.assignment.pk]), {"token": token}
    )
    assert list(
        PlanTopic.objects.order_by("position").values_list("title", "hours", "lesson_type")
    ) == [("Натуральные числа", 2, ""), ("Дроби", 1, "combined")]
    exported = client.get(reverse("ktp:export", args=[jw.school.pk, jw.assignment.pk]))
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    assert [c.value for c in sheet[2]][:3] == [1, "Натуральные числа", 2]
    assert client.get(reverse("ktp:template", args=[jw.school.pk]))["Content-Type"] == XLSX_TYPE


def test_deputy_reads_the_plan_but_cannot_import(client, jw):
    client.force_login(jw.users["deputy"])
    assert client.get(reverse("ktp:page", args=[jw.school.pk, jw.assignment.pk])).status_code == 200
    assert (
        client.get(reverse("ktp:import", args=[jw.school.pk, jw.assignment.pk])).status_code == 403
    )
    assert (
        client.post(
            reverse("ktp:page", args=[jw.school.pk, jw.assignment.pk]), {"title": "x", "hours": 1}
        ).status_code
        == 403
    )


# --- held lessons take the next topic ----------------------------------------------------------


def test_held_lessons_take_the_next_planned_topic_by_hours(jw):
    _plan(jw, ("Натуральные числа", 2), ("Дроби", 1))
    jw.lesson.delete()
    lessons = make_lessons(jw.assignment, 4, start=date(2026, 9, 7))
    teacher = jw.users["teacher"]
    for lesson in lessons:
        lesson = Lesson.objects.select_related(
            "school", "assignment__school_class", "assignment__year"
        ).get(pk=lesson.pk)
        attendance_set(
            acting_user=teacher, lesson=lesson, student=jw.student, kind="оп", expected_version=0
        )
    topics = list(Lesson.objects.order_by("date", "lesson_number").values_list("topic", flat=True))
    assert topics == ["Натуральные числа", "Натуральные числа", "Дроби", ""]  # the plan is used up


def test_a_typed_topic_is_kept_and_the_suggestion_follows_the_plan(jw):
    _plan(jw, ("Натуральные числа", 1), ("Дроби", 1))
    teacher = jw.users["teacher"]
    Lesson.objects.filter(pk=jw.lesson.pk).update(topic="Входная диагностика")
    jw.lesson.refresh_from_db()
    mark_set(
        acting_user=teacher,
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value="5",
        expected_version=0,
    )
    jw.lesson.refresh_from_db()
    assert (jw.lesson.topic, jw.lesson.plan_topic) == ("Входная диагностика", None)
    later = f.LessonFactory(assignment=jw.assignment, date=date(2026, 9, 8))
    assert ktp_suggestion(later).title == "Натуральные числа"


# --- planned to date vs held ----------------------------------------------------------------


def test_progress_compares_plan_to_date_with_lessons_held(jw, django_assert_max_num_queries):
    other = f.TeachingAssignmentFactory(school_class=jw.school_class, teacher=jw.users["teacher"])
    ktp_replace(
        acting_user=jw.users["teacher"],
        assignment=jw.assignment,
        rows=[
            PlanRow("А", 2, planned_on=date(2026, 9, 7)),
            PlanRow("Б", 2, planned_on=date(2026, 9, 14)),
            PlanRow("В", 1, planned_on=date(2026, 10, 1)),
        ],
    )
    ktp_replace(acting_user=jw.users["teacher"], assignment=other, rows=[PlanRow("Без дат", 10)])
    jw.lesson.delete()
    for lesson in make_lessons(jw.assignment, 3, start=date(2026, 9, 7)):
        Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.HELD)
    undated = make_lessons(other, 4, start=date(2026, 9, 7))
    lesson_cancel(
        acting_user=jw.users["dispatcher"],
        lesson=Lesson.objects.select_related("assignment__school_class", "assignment__year").get(
            pk=undated[0].pk
        ),
        reason="Карантин",
    )
    with django_assert_max_num_queries(2):
        progress = ktp_progress([jw.assignment, other.pk, jw.other.assignment], date(2026, 9, 20))
    mine = progress[jw.assignment.pk]
    assert (mine.total_hours, mine.planned_hours, mine.held, mine.behind) == (5, 4, 3, 1)
    theirs = progress[other.pk]
    assert (theirs.planned_hours, theirs.lessons_to_date, theirs.cancelled, theirs.held) == (
        3,
        3,
        1,
        0,
    )
    assert not progress[jw.other.assignment.pk].has_plan


def test_export_then_import_of_the_same_file_is_the_identity(client, jw):
    """The exported file carries «Всего часов: N» under the topics: it is not read as a topic."""
    rows = [
        PlanRow(title="Натуральные числа", hours=3, lesson_type="new", planned_on=date(2026, 9, 2)),
        PlanRow(title="Итоговое повторение", hours=2, lesson_type="combined"),
        PlanRow(title="=СУММ(A1:A2) как тема", hours=1),
        PlanRow(title="Контрольная работа № 1", hours=1, lesson_type="control"),
    ]
    ktp_replace(acting_user=jw.users["teacher"], assignment=jw.assignment, rows=rows)

    def plan():
        return list(
            PlanTopic.objects.filter(assignment=jw.assignment)
            .order_by("position")
            .values_list("position", "title", "hours", "lesson_type", "planned_on")
        )

    before = plan()
    client.force_login(jw.users["teacher"])
    for _round in range(2):  # twice: the totals row never accumulates
        exported = client.get(reverse("ktp:export", args=[jw.school.pk, jw.assignment.pk]))
        content = exported.getvalue()
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        assert any("Всего часов: 7" in str(c.value) for row in sheet.iter_rows() for c in row)
        upload = SimpleUploadedFile("ktp.xlsx", content, content_type=XLSX_TYPE)
        parsed = parse_ktp(upload, year=jw.year)
        assert parsed.ok and parsed.total_hours == 7 and len(parsed.plan_rows) == 4
        ktp_replace(
            acting_user=jw.users["teacher"], assignment=jw.assignment, rows=parsed.plan_rows
        )
        assert plan() == before


def test_a_totals_row_is_never_a_topic(jw):
    parsed = parse_ktp(
        _xlsx([(1, "Дроби", 2), (2, "Итоговое повторение", 1), (None, None), (None, "Итого: 3 ч")]),
        year=jw.year,
    )
    assert [r.title for r in parsed.plan_rows] == ["Дроби", "Итоговое повторение"]
