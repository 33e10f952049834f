"""Each audit rule on a hand-built case at its boundary, in a UTC+5 and a UTC+3 school.

Times are set as the school's wall clock: a school that computed deadlines in UTC or in
Moscow time would put 23:59 and 00:01 on the same side of midnight and fail here.
"""

from datetime import date, datetime, time

from apps.homework.models import Homework
from apps.reports.audit import compute_audit
from apps.schedule.models import Lesson, PlanTopic
from apps.school.models import Holiday, SchoolRules
from tests import factories as f
from tests.reports.conftest import MONDAY


def audit(aw, start=date(2026, 10, 1), end=date(2026, 10, 31), as_of=None, periods_due=None):
    as_of = as_of or datetime.combine(date(2026, 11, 20), time(12, 0), tzinfo=aw.school.tz)
    return compute_audit(
        school=aw.school,
        year=aw.year,
        starts_on=start,
        ends_on=end,
        as_of=as_of,
        periods_due=periods_due,
    )


def line_of(result, assignment, teacher_id=None):
    return next(
        r
        for r in result.lines
        if r.assignment.pk == assignment.pk
        and r.teacher_id == (teacher_id or assignment.teacher_id)
    )


def test_attendance_nine_minutes_after_the_bell_is_on_time_eleven_is_late(aw):
    on_time = aw.lesson(number=1, topic="Дроби")
    late = aw.lesson(number=2, starts=(9, 25), ends=(10, 10), topic="Дроби")
    Lesson.objects.filter(pk=on_time.pk).update(attendance_taken_at=aw.at(MONDAY, 8, 39))
    Lesson.objects.filter(pk=late.pk).update(attendance_taken_at=aw.at(MONDAY, 9, 36))
    line = line_of(audit(aw), aw.assignment)
    assert line.counts["attendance_late"] == 1
    [item] = line.details["attendance_late"]
    assert item["lesson"] == late.pk and item["minutes"] == 11
    assert item["entered"] == "05.10.2026 09:36"  # shown in the school's own time
    assert line.counts["no_attendance"] == 0


def test_a_lesson_without_attendance_or_topic_is_reported_once_its_day_is_over(aw):
    lesson = aw.lesson(number=1)
    line = line_of(audit(aw), aw.assignment)
    assert line.counts["no_attendance"] == 1 and line.counts["no_topic"] == 1
    # Audited at 08:45 of the lesson day: the 10 minutes passed, the day did not.
    during = line_of(audit(aw, as_of=aw.at(MONDAY, 8, 45)), aw.assignment)
    assert during.counts["no_attendance"] == 1 and during.counts["no_topic"] == 0
    started = line_of(audit(aw, as_of=aw.at(MONDAY, 8, 35)), aw.assignment)
    assert started.lessons == 1 and not any(started.counts.values())
    assert audit(aw, as_of=aw.at(MONDAY, 8, 25)).lines == []
    del lesson


def test_a_cancelled_lesson_is_missed_not_unkept(aw):
    aw.lesson(number=1, status=Lesson.Status.CANCELLED, cancel_reason="Карантин")
    line = line_of(audit(aw), aw.assignment)
    assert line.cancelled == 1 and line.lessons == 0 and not any(line.counts.values())
    assert line.details["cancelled"][0]["reason"] == "Карантин"


def test_control_work_marks_three_days_later_are_on_time_four_days_later_are_late(aw):
    lesson = aw.lesson(topic="Контрольная работа № 1")
    first, second, third = aw.students
    aw.mark(lesson, first, "Контрольная работа", aw.at(date(2026, 10, 8), 23, 59))
    aw.mark(lesson, second, "Контрольная работа", aw.at(date(2026, 10, 9), 0, 1))
    aw.mark(lesson, third, "Сочинение", aw.at(date(2026, 10, 12), 23, 59))  # written work: 7 days
    line = line_of(audit(aw), aw.assignment)
    assert line.counts["marks_late"] == 1
    [item] = line.details["marks_late"]
    assert (
        item["student"] == second.pk
        and item["days"] == 1
        and item["work_type"] == "Контрольная работа"
    )


def test_current_marks_are_due_the_same_day_in_school_time(aw):
    lesson = aw.lesson(topic="Дроби")
    first, second, _third = aw.students
    aw.mark(lesson, first, "Ответ на уроке", aw.at(MONDAY, 23, 59))
    aw.mark(lesson, second, "Ответ на уроке", aw.at(date(2026, 10, 6), 0, 1))
    line = line_of(audit(aw), aw.assignment)
    assert [i["student"] for i in line.details["marks_late"]] == [second.pk]


def test_a_school_may_allow_more_days_for_control_work(aw):
    SchoolRules.objects.create(school=aw.school, control_mark_days=4)
    lesson = aw.lesson(topic="Контрольная работа")
    aw.mark(lesson, aw.students[0], "Контрольная работа", aw.at(date(2026, 10, 9), 0, 1))
    assert line_of(audit(aw), aw.assignment).counts["marks_late"] == 0


def _period_mark(aw, student, entered):
    from apps.gradebook.models import PeriodMark

    return PeriodMark.objects.create(
        school=aw.school,
        assignment=aw.assignment,
        kind="period",
        period=aw.q1,
        student=student,
        value="4",
        set_by=aw.teacher,
        entered_at=entered,
        set_at=entered,
    )


def test_period_marks_are_due_five_working_days_after_the_period_a_holiday_inside_moves_it(aw):
    # The first quarter ends on Friday 30 October; 4 November is a public holiday, so the
    # five working days are 2, 3, 5, 6, 9 November and the deadline is the end of the 9th.
    Holiday.objects.create(
        school=aw.school,
        year=aw.year,
        kind=Holiday.Kind.PUBLIC,
        name="День народного единства",
        starts_on=date(2026, 11, 4),
        ends_on=date(2026, 11, 4),
    )
    aw.lesson(topic="Дроби")
    first, second, _third = aw.students
    _period_mark(aw, first, aw.at(date(2026, 11, 9), 23, 59))
    _period_mark(aw, second, aw.at(date(2026, 11, 10), 0, 1))
    line = line_of(audit(aw, periods_due=[aw.q1]), aw.assignment)
    assert [i["student"] for i in line.details["period_marks_late"]] == [second.pk]
    assert line.details["period_marks_late"][0]["deadline"] == "09.11.2026 23:59"
    # The third student has none at all after the deadline.
    assert line.counts["period_marks_missing"] == 1


def test_without_the_holiday_the_ninth_of_november_is_already_late(aw):
    aw.lesson(topic="Дроби")
    _period_mark(aw, aw.students[0], aw.at(date(2026, 11, 9), 23, 59))
    line = line_of(audit(aw, periods_due=[aw.q1]), aw.assignment)
    assert [i["student"] for i in line.details["period_marks_late"]] == [aw.students[0].pk]


def test_the_monthly_audit_checks_period_marks_whose_deadline_fell_in_its_month(aw):
    aw.lesson(day=date(2026, 11, 10), topic="Дроби")
    november = audit(
        aw, start=date(2026, 11, 1), end=date(2026, 11, 30), as_of=aw.at(date(2026, 12, 20), 10, 0)
    )
    assert line_of(november, aw.assignment).counts["period_marks_missing"] == 3
    october = audit(aw)
    assert line_of_or_none(october, aw.assignment) is None


def line_of_or_none(result, assignment):
    return next((r for r in result.lines if r.assignment.pk == assignment.pk), None)


def test_homework_an_hour_after_the_class_last_lesson_is_on_time_later_is_late(aw):
    first = aw.lesson(number=1, topic="Дроби")
    other_subject = f.TeachingAssignmentFactory(
        school_class=aw.school_class,
        subject=f.SubjectFactory(school=aw.school, name="Русский язык"),
        teacher=aw.teacher,
    )
    aw.lesson(number=5, starts=(12, 20), ends=(13, 5), topic="Диктант", assignment=other_subject)
    second = aw.lesson(number=2, starts=(9, 25), ends=(10, 10), topic="Дроби")
    # The class's last lesson ends at 13:05: homework is due by 14:05.
    Homework.objects.create(
        school=aw.school, lesson=first, text="№ 1", set_at=aw.at(MONDAY, 14, 4), set_by=aw.teacher
    )
    Homework.objects.create(
        school=aw.school, lesson=second, text="№ 2", set_at=aw.at(MONDAY, 14, 6), set_by=aw.teacher
    )
    line = line_of(audit(aw), aw.assignment)
    assert [i["lesson"] for i in line.details["homework_late"]] == [second.pk]
    assert line.details["homework_late"][0]["deadline"] == "05.10.2026 14:05"
    assert line_of(audit(aw), other_subject).counts["homework_missing"] == 1


def test_homework_set_in_advance_is_on_time(aw):
    lesson = aw.lesson(day=date(2026, 10, 7), topic="Дроби")
    Homework.objects.create(
        school=aw.school, lesson=lesson, text="№ 5", set_at=aw.at(MONDAY, 16, 0), set_by=aw.teacher
    )
    line = line_of(audit(aw), aw.assignment)
    assert line.counts["homework_late"] == 0 and line.counts["homework_missing"] == 0


def test_homework_load_counts_parallel_subgroups_once(aw):
    # Grade 5: 120 minutes a day (СанПиН 1.2.3685-21 table 6.6).
    def subject_lesson(name, number, minutes, subgroup=None, due=date(2026, 10, 6)):
        assignment = f.TeachingAssignmentFactory(
            school_class=aw.school_class,
            subject=f.SubjectFactory(school=aw.school, name=name)
            if subgroup is None
            else subgroup.subject,
            teacher=aw.teacher,
            subgroup=subgroup,
        )
        lesson = aw.lesson(
            number=number,
            starts=(8 + number, 0),
            ends=(8 + number, 45),
            topic="Тема",
            assignment=assignment,
        )
        Homework.objects.create(
            school=aw.school,
            lesson=lesson,
            text="Задание",
            minutes=minutes,
            due_date=due,
            set_at=aw.at(MONDAY, 9, 0),
            set_by=aw.teacher,
        )
        return assignment

    subject_lesson("Литература", 1, 50)
    subject_lesson("История", 2, 40)
    english = f.SubjectFactory(school=aw.school, name="Английский язык")
    g1 = f.SubgroupFactory(school_class=aw.school_class, subject=english, name="1 группа")
    g2 = f.SubgroupFactory(school_class=aw.school_class, subject=english, name="2 группа")
    subject_lesson(None, 3, 30, subgroup=g1)
    subject_lesson(None, 4, 25, subgroup=g2)
    # 50 + 40 + 30: parallel groups count once (a student does one of them), so 120 — at
    # the norm, not over it. Summing both groups would make 145.
    assert audit(aw).overload == []


def test_homework_load_over_the_norm_is_reported(aw):
    for number, (name, minutes) in enumerate(
        (("Литература", 60), ("История", 40), ("Биология", 30)), start=1
    ):
        assignment = f.TeachingAssignmentFactory(
            school_class=aw.school_class,
            subject=f.SubjectFactory(school=aw.school, name=name),
            teacher=aw.teacher,
        )
        lesson = aw.lesson(
            number=number,
            starts=(8 + number, 0),
            ends=(8 + number, 45),
            topic="Тема",
            assignment=assignment,
        )
        Homework.objects.create(
            school=aw.school,
            lesson=lesson,
            text="Задание",
            minutes=minutes,
            set_at=aw.at(MONDAY, 9, 0),
            set_by=aw.teacher,
        )
    [load] = audit(aw).overload
    assert (load.day, load.minutes, load.norm) == (MONDAY, 130, 120)


def test_students_with_too_few_marks_and_marks_per_student(aw):
    lessons = [aw.lesson(day=date(2026, 10, d), topic="Тема") for d in (5, 6, 7)]
    first, second, third = aw.students
    for lesson in lessons:
        aw.mark(lesson, first, "Ответ на уроке", aw.at(lesson.date, 10, 0))
    aw.mark(lessons[0], second, "Ответ на уроке", aw.at(lessons[0].date, 10, 0))
    aw.mark(lessons[1], second, "Ответ на уроке", aw.at(lessons[1].date, 10, 0))
    line = line_of(audit(aw), aw.assignment)
    assert line.students == 3 and str(line.marks_per_student) == "1.7"
    # The first quarter ended on 30 October: judged on the whole quarter, in October's audit.
    assert [(i["student"], i["marks"], i["period"]) for i in line.details["few_marks"]] == [
        (second.pk, 2, "1 четверть"),
        (third.pk, 0, "1 четверть"),
    ]
    # September's audit: the quarter is not over, nobody is judged yet.
    aw.lesson(day=date(2026, 9, 7), topic="Тема")
    september = line_of(audit(aw, start=date(2026, 9, 1), end=date(2026, 9, 30)), aw.assignment)
    assert september.counts["few_marks"] == 0


def test_ktp_hours_planned_to_date_against_lessons_held(aw):
    for position, (planned_on, hours) in enumerate(
        ((date(2026, 9, 7), 2), (date(2026, 10, 5), 3), (date(2026, 12, 1), 4)), start=1
    ):
        PlanTopic.objects.create(
            school=aw.school,
            assignment=aw.assignment,
            position=position,
            title=f"Тема {position}",
            hours=hours,
            planned_on=planned_on,
        )
    for d in (5, 6, 7):
        aw.lesson(day=date(2026, 10, d), topic="Тема", status=Lesson.Status.HELD)
    aw.lesson(day=date(2026, 10, 8), topic="")  # left planned: not held
    line = line_of(audit(aw), aw.assignment)
    assert (line.ktp_planned, line.ktp_held, line.ktp_missing) == (5, 3, False)


def test_an_assignment_without_ktp_after_15_september_is_reported(aw):
    aw.lesson(topic="Тема")
    line = line_of(audit(aw), aw.assignment)
    assert line.ktp_missing and line.details["ktp"][0]["deadline"] == "15.09.2026 23:59"


def test_substituted_lessons_are_the_substitutes_lines(aw):
    substitute = f.UserFactory(username="sub", last_name="Петров", first_name="Пётр", patronymic="")
    lesson = aw.lesson(topic="", substitute_teacher=substitute)
    result = audit(aw)
    own = line_of(result, aw.assignment)
    theirs = line_of(result, aw.assignment, substitute.pk)
    assert (
        own.substituted == 1
        and own.lessons == 0
        and own.details["substituted"][0]["teacher"] == "Петров Пётр"
    )
    assert theirs.substitute and theirs.lessons == 1 and theirs.counts["no_topic"] == 1
    del lesson
