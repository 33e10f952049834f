"""Celery application. Without REDIS_URL the settings make tasks run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("journal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks are idempotent and acknowledged late: a failed delivery (SMTP, storage, a broker
# hiccup) is retried, and a task lost with a crashed worker is delivered again.
RETRYING = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}
