"""The school policy module: defaults from the seeds, a school's own values, deadlines."""

from datetime import UTC, date, datetime, time

from apps.school.models import Holiday, SchoolRules
from apps.school.policy import (
    DEFAULT_POLICY,
    add_working_days,
    attendance_deadline,
    audit_day,
    correction_needs_reason,
    homework_deadline,
    may_remind_at,
    period_mark_deadline,
    public_days_off,
    school_policy,
)
from tests import factories as f


def test_a_school_without_rules_gets_the_seed_defaults(db):
    school = f.SchoolFactory()
    policy = school_policy(school)
    assert policy is DEFAULT_POLICY
    assert (policy.attendance_minutes, policy.control_mark_days, policy.written_mark_days) == (
        10,
        3,
        7,
    )
    assert policy.homework_norm(1) == 60 and policy.homework_norm(9) == 210


def test_a_school_overrides_thresholds_and_norms(db):
    school = f.SchoolFactory()
    SchoolRules.objects.create(school=school, thresholds_key="2.6", homework_norm_minutes=[45] * 11)
    policy = school_policy(school)
    assert policy.thresholds_label == "«3» от 2,6, «4» от 3,6, «5» от 4,6"
    assert policy.homework_norm(5) == 45


def test_period_marks_are_due_five_working_days_after_the_period_skipping_a_public_holiday(db):
    school = f.SchoolFactory(time_zone="Asia/Yekaterinburg")
    year = f.AcademicYearFactory(school=school)
    # The first quarter ends on Friday 30 October; 4 November is a public holiday.
    Holiday.objects.create(
        school=school,
        year=year,
        kind=Holiday.Kind.PUBLIC,
        name="День народного единства",
        starts_on=date(2026, 11, 4),
        ends_on=date(2026, 11, 4),
    )
    days_off = public_days_off(school, date(2026, 10, 1), date(2026, 11, 30))
    assert days_off == {date(2026, 11, 4)}
    assert add_working_days(DEFAULT_POLICY, date(2026, 10, 30), 5, days_off) == date(2026, 11, 9)
    deadline = period_mark_deadline(
        DEFAULT_POLICY, school=school, period_end=date(2026, 10, 30), days_off=days_off
    )
    assert deadline.date() == date(2026, 11, 9) and deadline.utcoffset().total_seconds() == 5 * 3600


def test_attendance_deadline_is_ten_minutes_after_the_bell_in_school_time(db):
    school = f.SchoolFactory(time_zone="Europe/Moscow")
    deadline = attendance_deadline(
        DEFAULT_POLICY, school=school, lesson_date=date(2026, 9, 7), starts_at=time(8, 30)
    )
    assert deadline == datetime(2026, 9, 7, 5, 40, tzinfo=UTC)


def test_homework_is_due_an_hour_after_the_last_lesson_but_on_the_same_day(db):
    school = f.SchoolFactory()
    late = homework_deadline(
        DEFAULT_POLICY, school=school, lesson_date=date(2026, 9, 7), last_lesson_ends=time(23, 30)
    )
    assert late.date() == date(2026, 9, 7)
    usual = homework_deadline(
        DEFAULT_POLICY, school=school, lesson_date=date(2026, 9, 7), last_lesson_ends=time(13, 5)
    )
    assert usual.time() == time(14, 5)


def test_the_control_day_is_clamped_to_a_short_month():
    from dataclasses import replace

    policy = replace(DEFAULT_POLICY, control_day=31)
    assert audit_day(policy, year=2027, month=2) == date(2027, 2, 28)
    assert audit_day(DEFAULT_POLICY, year=2026, month=12) == date(2026, 12, 20)


def test_no_reminders_at_night_in_the_school_time_zone(db):
    school = f.SchoolFactory(time_zone="Asia/Yekaterinburg")  # UTC+5
    assert may_remind_at(
        DEFAULT_POLICY, school=school, moment=datetime(2026, 9, 7, 3, 0, tzinfo=UTC)
    )  # 08:00
    assert not may_remind_at(
        DEFAULT_POLICY, school=school, moment=datetime(2026, 9, 7, 2, 59, tzinfo=UTC)
    )
    assert not may_remind_at(
        DEFAULT_POLICY, school=school, moment=datetime(2026, 9, 7, 16, 0, tzinfo=UTC)
    )  # 21:00


def test_correcting_an_old_mark_needs_a_reason(db):
    school = f.SchoolFactory()
    entered = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)
    assert not correction_needs_reason(
        DEFAULT_POLICY,
        school=school,
        entered_at=entered,
        now=datetime(2026, 9, 10, 9, 0, tzinfo=UTC),
    )
    assert correction_needs_reason(
        DEFAULT_POLICY,
        school=school,
        entered_at=entered,
        now=datetime(2026, 9, 11, 9, 0, tzinfo=UTC),
    )
