"""Thin Celery task of the portfolios: the qualification-category reminders, idempotent."""

from celery import shared_task

from apps.portfolio.services import category_reminders_send
from apps.school.clock import now as clock_now
from apps.school.models import School
from config.celery import RETRYING


@shared_task(**RETRYING)
def category_reminders_tick() -> int:
    """Hourly: each school decides in its own time zone whether a reminder is due today."""
    now = clock_now()
    return sum(category_reminders_send(school=school, now=now) for school in School.objects.all())
