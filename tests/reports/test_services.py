"""Stored audits, their notifications, the monthly schedule and the activity report."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail

from apps.accounts.models import ActivityEvent, RoleGrant
from apps.gradebook.models import Mark
from apps.messaging.models import Notification
from apps.reports.models import AuditLine, AuditRun
from apps.reports.services import activity_report_store, audit_month_store, audits_due
from apps.school.models import SchoolRules
from tests import factories as f
from tests.reports.conftest import MONDAY, build_audit_world

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def school(db):
    aw = build_audit_world("Asia/Yekaterinburg", prefix="sv")
    aw.lesson(number=1)  # no topic, no attendance
    aw.lesson(number=2, starts=(9, 25), ends=(10, 10), topic="Дроби")
    deputy = f.UserFactory(username="sv-deputy", last_name="Завучева", email="deputy@example.org")
    RoleGrant.objects.create(user=deputy, school=aw.school, role="deputy")
    aw.extra["deputy"] = deputy
    return aw


def test_an_audit_is_stored_once_and_read_back_without_recomputing(school):
    run = audit_month_store(
        school=school.school, month=OCTOBER, as_of=school.at(date(2026, 11, 20), 9, 0)
    )
    assert run.starts_on == date(2026, 10, 1) and run.ends_on == date(2026, 10, 31)
    line = AuditLine.objects.get(run=run)
    assert (line.teacher_id, line.class_name, line.subject_name) == (
        school.teacher.pk,
        "5А",
        "Математика",
    )
    assert (line.lessons, line.no_topic, line.no_attendance) == (2, 1, 2)
    assert run.totals["no_attendance"] == 2 and run.teachers[0]["name"] == school.teacher.full_name
    assert run.classes[0]["class_teacher_id"] == school.teacher.pk
    # More facts arrive, the stored result does not move until the audit is run again.
    school.lesson(number=3, starts=(10, 20), ends=(11, 5))
    again = audit_month_store(school=school.school, month=OCTOBER)
    assert (
        again.pk == run.pk
        and again.computed_at == run.computed_at
        and again.totals["no_attendance"] == 2
    )
    redone = audit_month_store(school=school.school, month=OCTOBER, replace=True)
    assert redone.pk == run.pk and redone.totals["no_attendance"] == 3
    assert AuditLine.objects.filter(run=run).count() == 1


def test_each_person_gets_their_part_once_in_the_app_and_by_email(
    school, django_capture_on_commit_callbacks
):
    other = f.UserFactory(username="sv-teacher-2", last_name="Петров", email="petrov@example.org")
    RoleGrant.objects.create(user=other, school=school.school, role="teacher")
    f.TeachingAssignmentFactory(
        school_class=school.school_class,
        teacher=other,
        subject=f.SubjectFactory(school=school.school, name="История"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        audit_month_store(school=school.school, month=OCTOBER, send=True, automatic=True)
    teacher_notes = Notification.objects.filter(user=school.teacher).order_by("dedupe_key")
    # The teacher of mathematics is also the class teacher of 5А: one note for the lines, one for the class.
    assert [n.dedupe_key.rsplit(":", 2)[-2] for n in teacher_notes] == ["class", "teacher"]
    lines_note = teacher_notes.get(dedupe_key__contains=":teacher:")
    # 1 without a topic, 2 without attendance, 2 without homework, no КТП.
    assert lines_note.title == "Контроль журнала за октябрь 2026: замечаний — 6"
    assert (
        lines_note.body
        == "5А, математика: без темы — 1; без посещ. — 2; без д/з — 2; КТП не заполнено"
    )
    assert Notification.objects.filter(user=other).count() == 0  # no lessons of history in October
    assert Notification.objects.filter(user=school.extra["deputy"]).count() == 1
    sent = len(mail.outbox)
    assert sent == 3 and {m.to[0] for m in mail.outbox} == {
        "sv-teacher@example.org",
        "deputy@example.org",
    }
    # The task retried, or run again: nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        audit_month_store(school=school.school, month=OCTOBER, send=True, automatic=True)
        audit_month_store(school=school.school, month=OCTOBER, send=True, replace=True)
    assert Notification.objects.count() == 3 and len(mail.outbox) == sent


def test_the_monthly_audit_is_due_on_the_control_day_in_the_school_time(school):
    moscow = build_audit_world("Europe/Moscow", prefix="mo")
    # 19:30 UTC on 19 November: already the 20th (00:30) in Yekaterinburg, still the 19th in Moscow.
    now = datetime(2026, 11, 19, 19, 30, tzinfo=UTC)
    assert audits_due(now=now) == [(school.school.pk, OCTOBER)]
    assert audits_due(now=datetime(2026, 11, 19, 18, 30, tzinfo=UTC)) == []
    later = datetime(2026, 11, 20, 21, 30, tzinfo=UTC)
    assert set(audits_due(now=later)) == {(school.school.pk, OCTOBER), (moscow.school.pk, OCTOBER)}
    audit_month_store(school=school.school, month=OCTOBER, automatic=True)
    assert audits_due(now=later) == [(moscow.school.pk, OCTOBER)]
    # A day missed while the broker was down is caught up the next day.
    assert audits_due(now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC)) == [(moscow.school.pk, OCTOBER)]


def test_a_school_chooses_its_control_day(school):
    SchoolRules.objects.create(school=school.school, control_day=10)
    assert audits_due(now=datetime(2026, 11, 10, 5, 0, tzinfo=UTC)) == [(school.school.pk, OCTOBER)]


def test_the_control_day_run_replaces_an_earlier_manual_run_once(school):
    manual = audit_month_store(
        school=school.school, month=OCTOBER, acting_user=school.extra["deputy"]
    )
    assert not manual.automatic
    auto = audit_month_store(school=school.school, month=OCTOBER, automatic=True)
    assert auto.pk == manual.pk and auto.automatic and auto.created_by is None
    assert AuditRun.objects.count() == 1


def test_no_audit_outside_every_year(school):
    assert audit_month_store(school=school.school, month=date(2026, 7, 1)) is None


def test_the_activity_report_counts_logins_entries_and_diary_views(school):
    parent = f.UserFactory(username="sv-parent", last_name="Алексеева")
    RoleGrant.objects.create(user=parent, school=school.school, role="parent")
    guardian = f.GuardianFactory(school=school.school, user=parent)
    f.GuardianshipFactory(student=school.students[0], guardian=guardian)
    lesson = school.lesson(number=3, starts=(10, 20), ends=(11, 5), topic="Проценты")
    school.mark(lesson, school.students[0], "Ответ на уроке", school.at(MONDAY, 11, 0))
    school.mark(
        lesson, school.students[1], "Ответ на уроке", school.at(date(2026, 11, 1), 0, 30)
    )  # November

    def event(user, kind, moment, **kw):
        e = ActivityEvent.objects.create(user=user, kind=kind, **kw)
        ActivityEvent.objects.filter(pk=e.pk).update(at=moment)

    event(parent, "login", school.at(MONDAY, 7, 0))
    event(
        parent, "login", school.at(date(2026, 11, 1), 0, 10)
    )  # still 31 October in UTC: November here
    event(
        parent,
        "diary_view",
        school.at(MONDAY, 19, 0),
        school=school.school,
        student=school.students[0],
    )
    event(school.teacher, "login", school.at(date(2026, 9, 30), 23, 0))  # September

    report = activity_report_store(school=school.school, month=OCTOBER)
    rows = {r["id"]: r for r in report.rows}
    assert rows[school.teacher.pk]["marks"] == 1 and rows[school.teacher.pk]["logins"] == 0
    assert rows[school.teacher.pk]["class_names"] == "5А"
    assert Mark.objects.filter(entered_by=school.teacher).count() == 2
    assert (
        rows[parent.pk]["logins"],
        rows[parent.pk]["diary_views"],
        rows[parent.pk]["class_names"],
    ) == (1, 1, "5А")
    by_class = {c["name"]: c for c in report.by_class}
    assert (
        by_class["5А"]["parents"],
        by_class["5А"]["parents_active"],
        by_class["5А"]["parent_views"],
    ) == (1, 1, 1)
    roles = {r["role"]: r for r in report.by_role}
    assert roles["parent"]["logins"] == 1 and roles["teacher"]["entries"] >= 1
    # Stored: asked again, the same row comes back.
    assert activity_report_store(school=school.school, month=OCTOBER).pk == report.pk
