"""Thin Celery tasks of meals: idempotent (one order per school and day, one reminder per
class and day) and acknowledged late, like every task of the product."""

from datetime import date

from celery import shared_task

from apps.care import meals
from apps.school.clock import now as clock_now
from apps.school.models import School
from config.celery import RETRYING


@shared_task(**RETRYING)
def meals_tick() -> int:
    """Every few minutes: remind class teachers before the deadline, fix the orders due."""
    now = clock_now()
    for school in School.objects.all():
        meals.meals_reminders_send(school=school, now=now)
    due = meals.meal_orders_due(now=now)
    for school_id, day in due:
        meal_order_fix.delay(school_id, day.isoformat())
    return len(due)


@shared_task(**RETRYING)
def meal_order_fix(school_id: int, day: str) -> int | None:
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return None
    return meals.meal_order_fix(school=school, day=date.fromisoformat(day)).pk
