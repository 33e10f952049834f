"""Locked periods and unlock grants, required reasons for old corrections, the history a
deputy reads, mark comments, «все присутствуют» and homework files."""

import os
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.attendance.services import attendance_all_present, attendance_set
from apps.gradebook.errors import ConflictError
from apps.gradebook.history import lesson_history, student_history
from apps.gradebook.locks import LockedPeriodError
from apps.gradebook.models import Mark, PeriodMark
from apps.gradebook.services import (
    ReasonRequiredError,
    lesson_details_set,
    mark_comment_set,
    mark_delete,
    mark_set,
    period_lock,
    period_mark_set,
    period_unlock,
    period_unlock_grant,
    period_unlock_revoke,
)
from apps.homework.models import HomeworkAttachment
from apps.homework.services import homework_attachment_add, homework_attachment_remove, homework_set
from apps.schedule.models import Lesson
from apps.schedule.services import lesson_cancel, lesson_substitute
from apps.school import clock
from apps.school.models import SchoolRules
from tests import factories as f
from tests.journal.conftest import other_teacher, tomorrow


def _mark(jw, value="5", version=0, **kw):
    return mark_set(
        acting_user=kw.pop("user", jw.users["teacher"]),
        lesson=kw.pop("lesson", jw.lesson),
        student=kw.pop("student", jw.student),
        work_type=kw.pop("work_type", jw.oral),
        value=value,
        expected_version=version,
        **kw,
    )


def _age(mark, days: int):
    Mark.objects.filter(pk=mark.pk).update(entered_at=clock.now() - timedelta(days=days))
    mark.refresh_from_db()
    return mark


# --- locks ---------------------------------------------------------------------------------


def test_nothing_changes_in_a_locked_period(jw):
    teacher = jw.users["teacher"]
    _mark(jw, "4")
    period_lock(acting_user=jw.users["deputy"], period=jw.period)
    with pytest.raises(LockedPeriodError) as caught:
        _mark(jw, "5", version=1)
    assert "1 четверть" in caught.value.messages[0] and "закрыт" in caught.value.messages[0]
    with pytest.raises(LockedPeriodError):
        attendance_set(
            acting_user=teacher, lesson=jw.lesson, student=jw.student, kind="н", expected_version=0
        )
    with pytest.raises(LockedPeriodError):
        homework_set(acting_user=teacher, lesson=jw.lesson, text="§ 1", expected_version=0)
    with pytest.raises(LockedPeriodError):
        lesson_details_set(acting_user=teacher, lesson=jw.lesson, topic="Дроби")
    with pytest.raises(LockedPeriodError):
        period_mark_set(
            acting_user=teacher,
            assignment=jw.assignment,
            period=jw.period,
            student=jw.student,
            value="5",
            expected_version=0,
        )
    with pytest.raises(LockedPeriodError):
        lesson_cancel(acting_user=jw.users["dispatcher"], lesson=jw.lesson, reason="Карантин")
    assert Mark.objects.get().value == "4"


def test_a_grant_opens_a_locked_period_for_one_teacher_until_it_expires(jw):
    deputy, teacher = jw.users["deputy"], jw.users["teacher"]
    colleague = other_teacher(jw)
    lesson_substitute(acting_user=jw.users["dispatcher"], lesson=jw.lesson, teacher=colleague)
    period_lock(acting_user=deputy, period=jw.period)
    grant = period_unlock_grant(
        acting_user=deputy,
        period=jw.period,
        user=teacher,
        expires_at=clock.now() + timedelta(hours=2),
        reason="Справка о болезни",
    )
    assert _mark(jw, "5").value == "5"
    with pytest.raises(LockedPeriodError):  # the grant is personal
        _mark(jw, "4", version=1, user=colleague)
    period_unlock_revoke(acting_user=deputy, grant=grant)
    with pytest.raises(LockedPeriodError):
        _mark(jw, "4", version=1)
    grant.refresh_from_db()
    assert grant.expires_at <= clock.now()  # kept as the record
    assert type(grant).pgh_event_model.objects.filter(pgh_obj_id=grant.pk).count() == 2


def test_grants_are_explicit_and_bounded(jw):
    deputy = jw.users["deputy"]
    soon = clock.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        period_unlock_grant(
            acting_user=deputy,
            period=jw.period,
            user=jw.users["teacher"],
            expires_at=soon,
            reason=" ",
        )
    assert "reason" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        period_unlock_grant(
            acting_user=deputy,
            period=jw.period,
            user=jw.users["teacher"],
            expires_at=clock.now() + timedelta(days=30),
            reason="Ошибка",
        )
    assert "expires_at" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        period_unlock_grant(
            acting_user=deputy,
            period=jw.period,
            user=jw.users["parent"],
            expires_at=soon,
            reason="x",
        )
    assert "user" in caught.value.error_dict


def test_unlocking_the_period_reopens_it_and_other_periods_are_untouched(jw):
    q2 = f.StudyPeriodFactory(
        year=jw.year,
        number=2,
        name="2 четверть",
        starts_on=date(2026, 11, 4),
        ends_on=date(2026, 12, 27),
    )
    november = f.LessonFactory(assignment=jw.assignment, date=date(2026, 11, 9))
    period_lock(acting_user=jw.users["deputy"], period=jw.period)
    assert _mark(jw, "5", lesson=november).value == "5"
    period_lock(acting_user=jw.users["deputy"], period=q2)
    period_unlock(acting_user=jw.users["deputy"], period=jw.period)
    assert _mark(jw, "4").value == "4"


def test_a_half_year_lock_does_not_touch_quarter_grades(jw):
    half = f.StudyPeriodFactory(
        year=jw.year,
        scheme="half",
        number=1,
        name="1 полугодие",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 27),
    )
    period_lock(acting_user=jw.users["deputy"], period=half)
    assert _mark(jw, "5").value == "5"  # 5А studies by quarters


def test_year_and_final_marks_close_with_the_last_period(jw):
    q4 = f.StudyPeriodFactory(
        year=jw.year,
        number=4,
        name="4 четверть",
        starts_on=date(2027, 3, 29),
        ends_on=date(2027, 5, 26),
    )
    kw = {"acting_user": jw.users["teacher"], "assignment": jw.assignment, "student": jw.student}
    assert (
        period_mark_set(**kw, kind=PeriodMark.Kind.YEAR, value="4", expected_version=0).value == "4"
    )
    period_lock(acting_user=jw.users["deputy"], period=q4)
    with pytest.raises(LockedPeriodError):
        period_mark_set(**kw, kind=PeriodMark.Kind.YEAR, value="5", expected_version=1)


# --- reasons for corrections ------------------------------------------------------------------


def test_correcting_an_old_mark_needs_a_reason(jw):
    mark = _age(_mark(jw, "3"), days=5)
    with pytest.raises(ReasonRequiredError) as caught:
        _mark(jw, "4", version=mark.version)
    assert "укажите причину" in caught.value.messages[0]
    assert Mark.objects.get().value == "3"
    _mark(jw, "4", version=mark.version, reason="Работа переписана")
    event = (
        Mark.pgh_event_model.objects.filter(pgh_label="update").select_related("pgh_context").last()
    )
    assert event.value == "4" and event.pgh_context.metadata["reason"] == "Работа переписана"


def test_a_fresh_mark_or_a_comment_changes_without_a_reason(jw):
    mark = _mark(jw, "3")
    mark = _mark(jw, "4", version=mark.version)
    mark = _age(mark, days=10)
    updated = mark_comment_set(
        acting_user=jw.users["teacher"],
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        comment="Молодец",
        expected_version=mark.version,
    )
    assert (updated.value, updated.comment) == ("4", "Молодец")


def test_removing_an_old_mark_needs_a_reason_too(jw):
    mark = _age(_mark(jw, "2"), days=4)
    kw = {
        "acting_user": jw.users["teacher"],
        "lesson": jw.lesson,
        "student": jw.student,
        "work_type": jw.oral,
        "expected_version": mark.version,
    }
    with pytest.raises(ReasonRequiredError):
        mark_delete(**kw)
    mark_delete(**kw, reason="Выставлена не тому ученику")
    assert not Mark.objects.exists()


def test_the_school_sets_the_limit(jw):
    SchoolRules.objects.create(school=jw.school, correction_reason_after_days=10)
    mark = _age(_mark(jw, "3"), days=5)
    assert _mark(jw, "4", version=mark.version).value == "4"


def test_old_period_marks_need_a_reason(jw):
    kw = {
        "acting_user": jw.users["teacher"],
        "assignment": jw.assignment,
        "period": jw.period,
        "student": jw.student,
    }
    pm = period_mark_set(**kw, value="4", expected_version=0)
    PeriodMark.objects.filter(pk=pm.pk).update(entered_at=clock.now() - timedelta(days=9))
    with pytest.raises(ReasonRequiredError):
        period_mark_set(**kw, value="5", expected_version=1)
    assert period_mark_set(**kw, value="5", expected_version=1, reason="Пересдача").value == "5"


# --- history --------------------------------------------------------------------------------


def test_history_of_a_cell_has_who_when_old_new_and_why(jw):
    teacher = jw.users["teacher"]
    mark = _age(_mark(jw, "3"), days=6)
    _mark(jw, "4", version=mark.version, reason="Исправлена описка")
    attendance_set(
        acting_user=teacher, lesson=jw.lesson, student=jw.student, kind="оп", expected_version=0
    )
    lines = lesson_history(lesson=jw.lesson, student=jw.student)
    correction = next(line for line in lines if line.reason)
    assert (correction.old, correction.new, correction.reason) == ("3", "4", "Исправлена описка")
    assert correction.user_name == teacher.short_name and "Ответ на уроке" in correction.what
    assert any(line.what == "Посещаемость" and line.new.startswith("оп") for line in lines)
    assert lines == sorted(lines, key=lambda line: line.at, reverse=True)


def test_history_of_a_lesson_has_topic_homework_and_substitution(jw):
    teacher = jw.users["teacher"]
    colleague = other_teacher(jw)
    lesson_details_set(acting_user=teacher, lesson=jw.lesson, topic="Дроби", lesson_type="new")
    lesson_details_set(
        acting_user=teacher, lesson=jw.lesson, topic="Обыкновенные дроби", reason="Уточнение"
    )
    homework_set(acting_user=teacher, lesson=jw.lesson, text="§ 5", minutes=20, expected_version=0)
    homework_set(
        acting_user=teacher, lesson=jw.lesson, text="§ 5, 6", minutes=25, expected_version=1
    )
    lesson_substitute(acting_user=jw.users["dispatcher"], lesson=jw.lesson, teacher=colleague)
    lines = lesson_history(lesson=jw.lesson)
    topics = [(line.old, line.new) for line in lines if line.what == "Тема урока"]
    assert ("Дроби", "Обыкновенные дроби") in topics and ("", "Дроби") in topics
    assert any(
        line.what == "Домашнее задание"
        and line.old.startswith("§ 5 ·")
        and line.new.startswith("§ 5, 6")
        for line in lines
    )
    assert any(line.what == "Замена" and line.new == colleague.short_name for line in lines)


def test_student_history_covers_the_year_and_period_marks(jw):
    _mark(jw, "5")
    period_mark_set(
        acting_user=jw.users["teacher"],
        assignment=jw.assignment,
        period=jw.period,
        student=jw.student,
        value="5",
        expected_version=0,
    )
    lines = student_history(assignment=jw.assignment, student=jw.student)
    assert {line.what for line in lines} == {"Отметка · Ответ на уроке", "Отметка 1 четверть"}
    assert all(line.lesson_label or line.what.startswith("Отметка 1") for line in lines)


# --- comments, «все присутствуют», files ---------------------------------------------------


def test_a_new_value_keeps_the_comment_unless_told_otherwise(jw):
    mark = _mark(jw, "4", comment="Хороший ответ")
    mark = _mark(jw, "5", version=mark.version)
    assert mark.comment == "Хороший ответ"
    assert _mark(jw, "5", version=mark.version, comment="").comment == ""


def test_a_comment_needs_a_mark_and_the_current_version(jw):
    kw = {
        "acting_user": jw.users["teacher"],
        "lesson": jw.lesson,
        "student": jw.student,
        "work_type": jw.oral,
    }
    with pytest.raises(ValidationError):
        mark_comment_set(**kw, comment="Молодец", expected_version=0)
    _mark(jw, "5")
    with pytest.raises(ConflictError):
        mark_comment_set(**kw, comment="Молодец", expected_version=7)
    with pytest.raises(PermissionDenied):
        mark_comment_set(
            **{**kw, "acting_user": other_teacher(jw)}, comment="x", expected_version=1
        )


def test_everyone_present_stamps_attendance_without_rows(jw):
    lesson = attendance_all_present(acting_user=jw.users["teacher"], lesson=jw.lesson)
    stored = Lesson.objects.get(pk=lesson.pk)
    assert (
        stored.attendance_taken_at is not None and stored.attendance_taken_by == jw.users["teacher"]
    )
    assert stored.status == Lesson.Status.HELD
    assert not stored.attendance.exists()
    future = f.LessonFactory(assignment=jw.assignment, date=tomorrow(jw))
    with pytest.raises(ValidationError):
        attendance_all_present(acting_user=jw.users["teacher"], lesson=future)
    with pytest.raises(PermissionDenied):
        attendance_all_present(acting_user=other_teacher(jw), lesson=jw.lesson)


def test_first_absence_stamps_attendance_once(jw):
    teacher = jw.users["teacher"]
    attendance_set(
        acting_user=teacher, lesson=jw.lesson, student=jw.student, kind="н", expected_version=0
    )
    first = Lesson.objects.get(pk=jw.lesson.pk).attendance_taken_at
    jw.lesson.refresh_from_db()
    attendance_set(
        acting_user=teacher, lesson=jw.lesson, student=jw.student, kind="б", expected_version=1
    )
    assert Lesson.objects.get(pk=jw.lesson.pk).attendance_taken_at == first


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_homework_files_are_checked_and_removed_with_the_row(
    jw, media, django_capture_on_commit_callbacks
):
    teacher = jw.users["teacher"]
    homework = homework_set(
        acting_user=teacher, lesson=jw.lesson, text="Решить задачи", expected_version=0
    )
    attachment = homework_attachment_add(
        acting_user=teacher,
        homework=homework,
        file=SimpleUploadedFile("задачи.pdf", b"%PDF-1.4 ..."),
    )
    assert attachment.name == "задачи.pdf" and attachment.size == 12
    with pytest.raises(ValidationError):
        homework_attachment_add(
            acting_user=teacher, homework=homework, file=SimpleUploadedFile("virus.exe", b"MZ")
        )
    with pytest.raises(PermissionDenied):
        homework_attachment_add(
            acting_user=other_teacher(jw), homework=homework, file=SimpleUploadedFile("a.txt", b"a")
        )
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        homework_attachment_remove(acting_user=teacher, attachment=attachment)
    assert not HomeworkAttachment.objects.exists()
    assert not os.path.exists(path)


def test_removing_the_homework_removes_its_files(jw, media, django_capture_on_commit_callbacks):
    teacher = jw.users["teacher"]
    homework = homework_set(
        acting_user=teacher, lesson=jw.lesson, text="Решить задачи", expected_version=0
    )
    path = homework_attachment_add(
        acting_user=teacher, homework=homework, file=SimpleUploadedFile("лист.pdf", b"%PDF")
    ).file.path
    with django_capture_on_commit_callbacks(execute=True):
        homework_set(acting_user=teacher, lesson=jw.lesson, text="", expected_version=1)
    assert not HomeworkAttachment.objects.exists() and not os.path.exists(path)
