"""The monthly audit on a real worker and Redis: end to end, retried, killed mid-task, and
e-mail committed while Redis was down. Nothing is lost and nothing is sent twice."""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction

from apps.accounts.models import RoleGrant
from apps.messaging.models import Notification
from apps.messaging.services import notify
from apps.messaging.tasks import send_pending_emails
from apps.reports.models import AuditLine, AuditRun
from apps.reports.periods import previous_month
from apps.reports.tasks import audit_school_month, audits_dispatch
from apps.school import clock
from apps.school.clock import school_today
from apps.school.models import SchoolRules
from tests import factories as f
from tests.integration.conftest import VISIBILITY_TIMEOUT, run_django, wait_until
from tests.reports.conftest import build_audit_world


def _school_due_now():
    """A school whose monthly audit of last month is due today (control day: the 1st)."""
    aw = build_audit_world("Asia/Yekaterinburg", prefix="iw")
    SchoolRules.objects.create(school=aw.school, control_day=1)
    month = previous_month(school_today(aw.school))
    monday = month + timedelta(days=(7 - month.weekday()) % 7)
    aw.lesson(day=monday, number=1)  # no topic, no attendance, no homework
    deputy = f.UserFactory(username="iw-deputy", last_name="Завучева", email="deputy@example.org")
    RoleGrant.objects.create(user=deputy, school=aw.school, role="deputy")
    return aw, month


def _emailed() -> int:
    return Notification.objects.filter(emailed_at__isnull=False).count()


def _marker(worker, school, user) -> None:
    """A mail queued after everything else: once it is out, the queue before it was handled."""
    with transaction.atomic():
        marker = notify(
            school=school,
            user=user,
            title="Маркер",
            body="marker",
            dedupe_key=f"marker:{time.time()}",
            email=True,
        )
    assert wait_until(lambda: Notification.objects.get(pk=marker.pk).emailed_at, timeout=60)


def test_beat_schedules_the_jobs_and_the_worker_knows_them():
    from config.celery import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {
        "deadline-reminders",
        "monthly-journal-audit",
        "monthly-activity-report",
        "pending-emails",
    } <= set(schedule)
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_the_monthly_audit_runs_by_itself_and_a_retry_sends_nothing_twice(celery_worker_process):
    aw, month = _school_due_now()
    audits_dispatch.delay()
    assert wait_until(lambda: _emailed() == 3, timeout=90), list(
        Notification.objects.values("title", "emailed_at")
    )
    run = AuditRun.objects.get()
    assert run.automatic and run.starts_on == month and run.notified_at is not None
    assert AuditLine.objects.get(run=run).no_topic == 1
    mails = celery_worker_process.mails()
    assert len(mails) == 3 and sum("5А, математика: без темы — 1" in m for m in mails) == 1
    # The task delivered again (a retry, a second beat tick): no new run, note or mail.
    audit_school_month.delay(aw.school.pk, month.isoformat())
    audits_dispatch.delay()
    _marker(celery_worker_process, aw.school, aw.teacher)
    assert AuditRun.objects.count() == 1
    assert Notification.objects.exclude(title="Маркер").count() == 3
    assert len(celery_worker_process.mails()) == 4


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_in_the_middle_of_the_audit_loses_nothing_and_sends_once(
    celery_worker_process,
):
    aw, month = _school_due_now()
    # Hold the notifications table: the worker computes and writes the run and its lines,
    # then waits here, inside its transaction, to create the first notification.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE messaging_notification IN ACCESS EXCLUSIVE MODE")
        audit_school_month.delay(aw.school.pk, month.isoformat())
        assert wait_until(_waiting_on_a_lock, timeout=60)
        celery_worker_process.kill()
    # Its transaction died with it: no half-written run, no note, no mail.
    time.sleep(1)
    assert not AuditRun.objects.exists() and not Notification.objects.exists()
    assert celery_worker_process.mails() == []
    # A new worker takes the unacknowledged task over once its visibility timeout passes.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    celery_worker_process.start()
    assert wait_until(lambda: _emailed() == 3, timeout=90)
    assert AuditRun.objects.count() == 1 and AuditLine.objects.count() == 1
    _marker(celery_worker_process, aw.school, aw.teacher)
    assert Notification.objects.exclude(title="Маркер").count() == 3
    assert len(celery_worker_process.mails()) == 4


def test_mail_committed_while_redis_was_down_goes_out_later_once(celery_worker_process):
    school = f.SchoolFactory()
    user = f.UserFactory(username="iw-parent", email="parent@example.org")
    result = run_django(
        "from django.db import transaction\n"
        "from apps.accounts.models import User\n"
        "from apps.messaging.services import notify\n"
        "from apps.school.models import School\n"
        f"with transaction.atomic():\n"
        f"    notify(school=School.objects.get(pk={school.pk}), user=User.objects.get(pk={user.pk}),"
        f" title='Итоговые отметки', body='Выставьте до пятницы', dedupe_key='down', email=True)\n",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    assert result.returncode == 0, result.stderr
    assert "broker unavailable" in result.stderr
    note = Notification.objects.get(dedupe_key="down")
    assert note.emailed_at is None  # stored, not lost
    Notification.objects.filter(pk=note.pk).update(created_at=clock.now() - timedelta(minutes=10))
    send_pending_emails.delay()
    send_pending_emails.delay()  # two sweeps racing
    assert wait_until(lambda: Notification.objects.get(pk=note.pk).emailed_at, timeout=60)
    _marker(celery_worker_process, school, user)
    mails = celery_worker_process.mails()
    assert sum("Выставьте до пятницы" in m for m in mails) == 1
