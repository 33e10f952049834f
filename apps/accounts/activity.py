"""Diary reads for the monthly activity report, counted off the request path.

Every diary page read (a 304 too) is one read in the report. Writing a row per read put an
INSERT and a commit on every request of the evening peak; instead each read increments a
counter in Redis (one round trip, no database) under its minute, reader, child and page,
and `activity_flush` (Celery beat, every minute) writes the counters as rows of
`ActivityEvent` with their `count`. The report sums `count`: it counts what it counted.

Without Redis, or when Redis fails, a read is written at once as before: the report never
loses a read because the cache is down. A flush moves the pending counters aside under a
batch name first (RENAME is atomic: reads arriving meanwhile start a new hash); a batch whose
rows are already in the database (the worker died before deleting it) is not written twice.
"""

import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction

from apps.accounts.models import ActivityEvent
from apps.school.clock import now as clock_now

log = logging.getLogger(__name__)

_client = None


def _redis():
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5
        )
    return _client


def _pending() -> str:
    return f"{settings.ACTIVITY_BUFFER_KEY}:pending"


def _flushing(batch: str) -> str:
    return f"{settings.ACTIVITY_BUFFER_KEY}:flushing:{batch}"


def diary_read_record(*, user, school, student, page: str) -> None:
    """Count one diary read (see the module docstring)."""
    if settings.ACTIVITY_BUFFER and settings.REDIS_URL:
        minute = clock_now().replace(second=0, microsecond=0)
        field = f"{minute.isoformat()}|{user.pk}|{school.pk}|{student.pk}|{page}"
        try:
            _redis().hincrby(_pending(), field, 1)
            return
        except Exception:  # Redis down: the read is written at once, never lost
            log.warning("activity buffer unavailable, writing the read directly", exc_info=True)
    ActivityEvent.objects.create(
        user=user, kind=ActivityEvent.Kind.DIARY_VIEW, school=school, student=student, page=page
    )


def _rows(batch: str, counters: dict) -> list[ActivityEvent]:
    rows = []
    for field, n in counters.items():
        minute, user_id, school_id, student_id, page = field.decode().split("|", 4)
        rows.append(
            ActivityEvent(
                user_id=int(user_id),
                school_id=int(school_id),
                student_id=int(student_id),
                kind=ActivityEvent.Kind.DIARY_VIEW,
                page=page,
                count=int(n),
                batch=batch,
                at=datetime.fromisoformat(minute),
            )
        )
    return rows


def _write_batch(client, batch: str) -> int:
    key = _flushing(batch)
    counters = client.hgetall(key)
    written = 0
    if counters and not ActivityEvent.objects.filter(batch=batch).exists():
        rows = _rows(batch, counters)
        # auto_now_add stamps the flush time on these very objects: the report needs the
        # minute of the read (a read at 23:59 on the 31st, flushed after midnight, is May's).
        minutes = [row.at for row in rows]
        with transaction.atomic():
            created = ActivityEvent.objects.bulk_create(rows)
            for made, minute in zip(created, minutes, strict=True):
                made.at = minute
            ActivityEvent.objects.bulk_update(created, ["at"])
        written = sum(r.count for r in rows)
    client.delete(key)
    return written


def activity_flush() -> int:
    """Write the counted diary reads to the database; returns how many reads were written."""
    if not (settings.ACTIVITY_BUFFER and settings.REDIS_URL):
        return 0
    client = _redis()
    written = 0
    prefix = _flushing("")
    for key in client.scan_iter(match=prefix + "*"):  # a batch a dead worker left
        written += _write_batch(client, key.decode()[len(prefix) :])
    batch = uuid.uuid4().hex
    try:
        client.rename(_pending(), _flushing(batch))
    except Exception as error:  # nothing pending
        if "no such key" not in str(error).lower():
            raise
        return written
    return written + _write_batch(client, batch)
