"""Thin Celery task of the ГИА: reminders about results before their deadline."""

from celery import shared_task

from apps.exams.services import results_reminders_send
from apps.school.clock import now as clock_now
from apps.school.models import School
from config.celery import RETRYING


@shared_task(**RETRYING)
def results_reminders_tick() -> int:
    now = clock_now()
    return sum(results_reminders_send(school=school, now=now) for school in School.objects.all())
