"""Thin Celery tasks of the control area: load by id, call a service.

All are idempotent (stored results are unique per school and range, notifications are
unique per key) and acknowledged late: a task lost with a crashed worker is delivered
again and finishes the job without doing anything twice.
"""

from datetime import date

from celery import shared_task

from apps.reports import services
from apps.reports.reminders import reminders_send
from apps.school import clock
from apps.school.models import School
from config.celery import RETRYING


@shared_task(**RETRYING)
def audits_dispatch() -> int:
    """Hourly: queue the monthly audit of every school whose control day has come."""
    due = services.audits_due(now=clock.now())
    for school_id, month in due:
        audit_school_month.delay(school_id, month.isoformat())
    return len(due)


@shared_task(**RETRYING)
def audit_school_month(school_id: int, month: str) -> int | None:
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return None
    run = services.audit_month_store(
        school=school, month=date.fromisoformat(month), send=True, automatic=True
    )
    return run.pk if run else None


@shared_task(**RETRYING)
def activity_dispatch() -> int:
    """Daily: store last month's activity report of every school that has none yet."""
    due = services.activity_reports_due(now=clock.now())
    for school_id, month in due:
        activity_report_month.delay(school_id, month.isoformat())
    return len(due)


@shared_task(**RETRYING)
def activity_report_month(school_id: int, month: str) -> int | None:
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return None
    return services.activity_report_store(school=school, month=date.fromisoformat(month)).pk


@shared_task(**RETRYING)
def reminders_tick() -> int:
    """Every few minutes: the deadline reminders due now, in every school."""
    now = clock.now()
    return sum(reminders_send(school=school, now=now) for school in School.objects.all())


@shared_task(bind=True, **RETRYING)
def export_build(self, job_id: int) -> None:
    services.export_job_build(job_id=job_id, attempt=self.request.id or "")


@shared_task(acks_late=True)
def exports_requeue() -> int:
    """Every few minutes: exports asked for while the broker was down go to a worker."""
    from apps.school import clock

    return services.export_jobs_requeue(now=clock.now())


@shared_task(acks_late=True)
def exports_cleanup() -> int:
    return services.exports_cleanup()
