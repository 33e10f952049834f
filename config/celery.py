"""Celery application. Without REDIS_URL the settings make tasks run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("journal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
