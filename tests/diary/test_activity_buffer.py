"""Diary reads are counted in Redis and written a minute at a time: the monthly activity
report counts exactly the reads it counted when each read was a row (304s included), and
with Redis down every read is still counted. Real Redis (REDIS_URL), a key of this run."""

import os

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from apps.accounts import activity
from apps.accounts.models import ActivityEvent
from apps.reports.activity import compute_activity
from apps.school.clock import school_today
from tests.diary.conftest import MONDAY

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis")


@pytest.fixture
def buffered():
    key = f"{settings.ACTIVITY_BUFFER_KEY}-{os.getpid()}"
    with override_settings(
        ACTIVITY_BUFFER=True, REDIS_URL=os.environ["REDIS_URL"], ACTIVITY_BUFFER_KEY=key
    ):
        activity._client = None
        client = activity._redis()
        yield client
        for leftover in client.scan_iter(match=key + "*"):
            client.delete(leftover)
    activity._client = None


def _read(client, dw, times: int, etag=None) -> str:
    url = reverse("diary:week", args=[dw.school.pk, dw.student.pk])
    for _ in range(times):
        headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
        response = client.get(url, {"d": MONDAY.isoformat()}, **headers)
        assert response.status_code in (200, 304)
    return response["ETag"]


def _diary_views(dw, user) -> int:
    month = school_today(dw.school).replace(day=1)
    rows, _roles, _classes = compute_activity(school=dw.school, month=month)
    return next(r["diary_views"] for r in rows if r["id"] == user.pk)


def test_the_report_counts_buffered_reads_as_it_counted_rows(client, dw, buffered):
    parent = dw.users["parent"]
    client.force_login(parent)
    etag = _read(client, dw, 3)
    _read(client, dw, 2, etag=etag)  # 304s are reads too
    assert not ActivityEvent.objects.filter(kind="diary_view").exists()  # nothing on the request
    assert _diary_views(dw, parent) == 0
    assert activity.activity_flush() == 5
    assert _diary_views(dw, parent) == 5
    _read(client, dw, 1)
    assert activity.activity_flush() == 1
    assert _diary_views(dw, parent) == 6
    assert activity.activity_flush() == 0


def test_the_same_reads_written_directly_count_the_same(client, dw):
    parent = dw.users["parent"]
    client.force_login(parent)
    etag = _read(client, dw, 3)
    _read(client, dw, 2, etag=etag)
    assert _diary_views(dw, parent) == 5


def test_a_batch_left_by_a_dead_worker_is_written_once(client, dw, buffered):
    client.force_login(dw.users["parent"])
    _read(client, dw, 2)
    buffered.rename(activity._pending(), activity._flushing("left-behind"))
    assert activity.activity_flush() == 2
    # The worker died after the commit, before deleting the batch: it comes back once more.
    buffered.hset(activity._flushing("left-behind"), "x", 1)
    assert activity.activity_flush() == 0
    assert _diary_views(dw, dw.users["parent"]) == 2


def test_with_redis_down_every_read_is_written_at_once(client, dw):
    with override_settings(ACTIVITY_BUFFER=True, REDIS_URL="redis://127.0.0.1:1/0"):
        activity._client = None
        client.force_login(dw.users["parent"])
        _read(client, dw, 3)
    activity._client = None
    assert _diary_views(dw, dw.users["parent"]) == 3
