"""Celery application. Without REDIS_URL the settings make tasks run in-process (eager)."""

import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("journal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks are idempotent and acknowledged late: a failed delivery (SMTP, storage, a broker
# hiccup) is retried, and a task lost with a crashed worker is delivered again.
RETRYING = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's scheduler that touches a file on every tick (CELERY_BEAT_HEARTBEAT).

    Beat answers no ping: the container's health check reads the file's age instead, so a
    beat that hangs, and not only one that exits, is reported unhealthy.
    """

    def tick(self, *args, **kwargs):
        heartbeat = Path(os.environ.get("CELERY_BEAT_HEARTBEAT", "var/beat/heartbeat"))
        heartbeat.parent.mkdir(parents=True, exist_ok=True)
        heartbeat.touch()
        return super().tick(*args, **kwargs)
