"""Journal writes: marks, attendance, homework, topics, period marks — rules and history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.attendance.models import AttendanceMark
from apps.attendance.services import attendance_set
from apps.gradebook.errors import ConflictError
from apps.gradebook.models import Mark, PeriodMark
from apps.gradebook.services import (
    journal_grant,
    lesson_topic_set,
    mark_delete,
    mark_set,
    period_mark_set,
)
from apps.homework.models import Homework
from apps.homework.services import homework_set
from apps.schedule.models import Lesson
from apps.schedule.services import lesson_cancel, lesson_substitute
from apps.school.models import AcademicYear, SchoolRules
from apps.school.services import ClosedYearError
from tests import factories as f
from tests.journal.conftest import MONDAY, other_teacher, tomorrow


def _set(jw, value="5", version=0, user=None, **kw):
    return mark_set(
        acting_user=user or jw.users["teacher"],
        lesson=kw.pop("lesson", jw.lesson),
        student=kw.pop("student", jw.student),
        work_type=kw.pop("work_type", jw.oral),
        value=value,
        expected_version=version,
        **kw,
    )


def test_assigned_teacher_sets_and_corrects_a_mark(jw):
    mark = _set(jw, "4")
    assert (mark.value, mark.version, mark.entered_by) == ("4", 1, jw.users["teacher"])
    mark = _set(jw, "5", version=1)
    assert (mark.value, mark.version) == ("5", 2)
    jw.lesson.refresh_from_db()
    assert jw.lesson.status == Lesson.Status.HELD


def test_stale_write_is_refused_with_the_current_value(jw):
    _set(jw, "4")
    _set(jw, "3", version=1)  # another tab corrected it meanwhile
    with pytest.raises(ConflictError) as caught:
        _set(jw, "5", version=1)
    assert caught.value.current.value == "3"
    assert Mark.objects.get().value == "3"


def test_creating_a_mark_someone_else_created_is_a_conflict(jw):
    _set(jw, "4")
    with pytest.raises(ConflictError):
        _set(jw, "2", version=0)


def test_several_work_types_make_several_marks(jw):
    _set(jw, "5")
    _set(jw, "3", work_type=jw.control)
    assert Mark.objects.filter(lesson=jw.lesson, student=jw.student).count() == 2


def test_invalid_value_is_refused(jw):
    with pytest.raises(ValidationError):
        _set(jw, "6")
    assert _set(jw, "Н/А").value == "н/а"


def test_other_teacher_cannot_write(jw):
    with pytest.raises(PermissionDenied):
        _set(jw, "5", user=other_teacher(jw))


def test_substitute_writes_only_the_substituted_lesson(jw):
    sub = other_teacher(jw)
    lesson_substitute(acting_user=jw.users["dispatcher"], lesson=jw.lesson, teacher=sub)
    assert _set(jw, "5", user=sub).entered_by == sub
    other_lesson = f.LessonFactory(assignment=jw.assignment, date=date(2026, 9, 8))
    with pytest.raises(PermissionDenied):
        _set(jw, "5", user=sub, lesson=other_lesson)


def test_explicit_grant_lets_a_colleague_keep_the_journal(jw):
    colleague = other_teacher(jw)
    journal_grant(acting_user=jw.users["deputy"], assignment=jw.assignment, user=colleague)
    assert _set(jw, "5", user=colleague).value == "5"


def test_closed_year_is_read_only(jw):
    AcademicYear.objects.filter(pk=jw.year.pk).update(status=AcademicYear.Status.CLOSED)
    jw.lesson.assignment.year.refresh_from_db()
    with pytest.raises(ClosedYearError):
        _set(jw, "5")
    with pytest.raises(ClosedYearError):
        attendance_set(
            acting_user=jw.users["teacher"],
            lesson=jw.lesson,
            student=jw.student,
            kind="н",
            expected_version=0,
        )


def test_student_enrolled_from_november_gets_no_marks_before(jw):
    late = f.StudentFactory(school=jw.school)
    f.EnrollmentFactory(school_class=jw.school_class, student=late, starts_on=date(2026, 11, 5))
    with pytest.raises(ValidationError):
        _set(jw, "5", student=late)
    november = f.LessonFactory(assignment=jw.assignment, date=date(2026, 11, 9))
    assert _set(jw, "5", student=late, lesson=november).value == "5"


def test_subgroup_lesson_takes_only_subgroup_members(jw):
    group_assignment = f.TeachingAssignmentFactory(
        school_class=jw.school_class,
        subgroup=jw.subgroup,
        teacher=jw.users["teacher"],
        subject=f.SubjectFactory(school=jw.school, name="Английский язык"),
    )
    lesson = f.LessonFactory(assignment=group_assignment, date=MONDAY, lesson_number=2)
    with pytest.raises(ValidationError):
        _set(jw, "5", lesson=lesson)
    jw.subgroup.members.add(jw.student)
    assert _set(jw, "5", lesson=lesson).value == "5"


def test_grade_one_has_no_marks_unless_the_school_allows(jw):
    first = f.SchoolClassFactory(year=jw.year, grade=1, letter="А")
    assignment = f.TeachingAssignmentFactory(school_class=first, teacher=jw.users["teacher"])
    pupil = f.StudentFactory(school=jw.school)
    f.EnrollmentFactory(school_class=first, student=pupil)
    lesson = f.LessonFactory(assignment=assignment)
    with pytest.raises(ValidationError):
        _set(jw, "5", lesson=lesson, student=pupil)
    attendance_set(
        acting_user=jw.users["teacher"], lesson=lesson, student=pupil, kind="б", expected_version=0
    )
    SchoolRules.objects.create(school=jw.school, grade_one_marks=True)
    assert _set(jw, "5", lesson=lesson, student=pupil).value == "5"


def test_future_and_cancelled_lessons_take_no_marks(jw):
    future = f.LessonFactory(assignment=jw.assignment, date=tomorrow(jw))
    with pytest.raises(ValidationError):
        _set(jw, "5", lesson=future)
    other = f.LessonFactory(assignment=jw.assignment, date=date(2026, 9, 9))
    lesson_cancel(acting_user=jw.users["dispatcher"], lesson=other, reason="Карантин")
    with pytest.raises(ValidationError):
        _set(jw, "5", lesson=other)


def test_mark_history_keeps_who_old_and_new_value_and_reason(jw):
    teacher = jw.users["teacher"]
    _set(jw, "4")
    _set(jw, "5", version=1, reason="Исправлена ошибка ввода")
    mark_delete(
        acting_user=teacher,
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        expected_version=2,
        reason="Отметка выставлена не тому ученику",
    )
    events = list(Mark.pgh_event_model.objects.order_by("pgh_id").select_related("pgh_context"))
    assert [(e.pgh_label, e.value) for e in events] == [
        ("insert", "4"),
        ("update", "5"),
        ("delete", "5"),
    ]
    assert all(e.pgh_context.metadata["user"] == teacher.pk for e in events)
    assert events[1].pgh_context.metadata["reason"] == "Исправлена ошибка ввода"


def test_mark_delete_refuses_a_stale_version(jw):
    _set(jw, "4")
    with pytest.raises(ConflictError):
        mark_delete(
            acting_user=jw.users["teacher"],
            lesson=jw.lesson,
            student=jw.student,
            work_type=jw.oral,
            expected_version=7,
        )
    assert Mark.objects.count() == 1


def test_attendance_set_change_clear_and_conflict(jw):
    teacher = jw.users["teacher"]
    kw = {"acting_user": teacher, "lesson": jw.lesson, "student": jw.student}
    row = attendance_set(**kw, kind="н", expected_version=0)
    assert (row.kind, row.version) == ("н", 1)
    row = attendance_set(**kw, kind="Б", expected_version=1)
    assert (row.kind, row.version) == ("б", 2)
    with pytest.raises(ConflictError) as caught:
        attendance_set(**kw, kind="оп", expected_version=1)
    assert caught.value.current.kind == "б"
    with pytest.raises(ValidationError):
        attendance_set(**kw, kind="x", expected_version=2)
    assert attendance_set(**kw, kind="", expected_version=2) is None
    assert not AttendanceMark.objects.exists()
    assert AttendanceMark.pgh_event_model.objects.count() == 3


def test_homework_set_correct_and_conflict(jw):
    teacher = jw.users["teacher"]
    hw = homework_set(
        acting_user=teacher, lesson=jw.lesson, text="§ 12, № 3", minutes=20, expected_version=0
    )
    hw = homework_set(
        acting_user=teacher, lesson=jw.lesson, text="§ 12, № 3, 4", minutes=25, expected_version=1
    )
    assert (hw.version, hw.minutes) == (2, 25)
    with pytest.raises(ConflictError):
        homework_set(acting_user=teacher, lesson=jw.lesson, text="другое", expected_version=1)
    with pytest.raises(ValidationError):
        homework_set(
            acting_user=teacher,
            lesson=jw.lesson,
            text="x",
            due_date=date(2026, 9, 1),
            expected_version=2,
        )
    assert Homework.pgh_event_model.objects.count() == 2
    # Homework may be set in advance, unlike marks.
    future = f.LessonFactory(assignment=jw.assignment, date=tomorrow(jw))
    assert homework_set(acting_user=teacher, lesson=future, text="Прочитать", expected_version=0)


def test_lesson_topic_history_and_conflict(jw):
    teacher = jw.users["teacher"]
    lesson_topic_set(
        acting_user=teacher, lesson=jw.lesson, topic="Дроби", lesson_type="new", expected_topic=""
    )
    lesson_topic_set(
        acting_user=teacher, lesson=jw.lesson, topic="Обыкновенные дроби", expected_topic="Дроби"
    )
    with pytest.raises(ConflictError):
        lesson_topic_set(acting_user=teacher, lesson=jw.lesson, topic="x", expected_topic="Дроби")
    topics = list(Lesson.pgh_event_model.objects.order_by("pgh_id").values_list("topic", flat=True))
    assert topics == ["Дроби", "Обыкновенные дроби"]
    with pytest.raises(PermissionDenied):
        lesson_topic_set(acting_user=other_teacher(jw), lesson=jw.lesson, topic="x")


def test_period_mark_set_and_conflict(jw):
    teacher = jw.users["teacher"]
    kw = {
        "acting_user": teacher,
        "assignment": jw.assignment,
        "period": jw.period,
        "student": jw.student,
    }
    pm = period_mark_set(**kw, value="4", expected_version=0)
    assert pm.version == 1
    with pytest.raises(ConflictError):
        period_mark_set(**kw, value="5", expected_version=0)
    assert period_mark_set(**kw, value="5", expected_version=1).value == "5"
    with pytest.raises(PermissionDenied):
        period_mark_set(**{**kw, "acting_user": other_teacher(jw)}, value="3", expected_version=2)
    assert period_mark_set(**kw, value="", expected_version=2) is None
    assert not PeriodMark.objects.exists()


def test_a_retry_after_a_lost_answer_is_not_a_conflict(jw):
    """The page saved, the answer was lost, the teacher presses Enter again with the old token:
    the stored row already holds what they typed, so nothing is overwritten and nothing is refused."""
    teacher = jw.users["teacher"]
    _set(jw, "4")
    assert _set(jw, "4", version=0).version == 1  # same value, stale token: accepted as is
    with pytest.raises(ConflictError):
        _set(jw, "5", version=0)  # a different value with the stale token is still refused
    kw = {"acting_user": teacher, "lesson": jw.lesson, "student": jw.student}
    attendance_set(**kw, kind="н", expected_version=0)
    assert attendance_set(**kw, kind="н", expected_version=0).version == 1
    mark_delete(
        acting_user=teacher,
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        expected_version=1,
    )
    mark_delete(
        acting_user=teacher,
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        expected_version=1,
    )
    assert not Mark.objects.exists()
