"""Diary reads are counted in Redis and written a minute at a time: the monthly activity
report counts exactly the reads it counted when each read was a row (304s included), and
with Redis down every read is still counted. Real Redis (REDIS_URL), a key of this run."""

import os
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.db.models import Sum
from django.test import override_settings
from django.urls import reverse

from apps.accounts import activity
from apps.accounts.models import ActivityEvent
from apps.reports.activity import compute_activity
from apps.school import clock
from apps.school.clock import school_today
from tests import factories as f
from tests.diary.conftest import MONDAY, add_parent

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


def _family_evening(client, dw, readers) -> int:
    """Each parent reads each of their children's pages several times (304s among them)."""
    reads = 0
    for user, children, times in readers:
        client.force_login(user)
        for student in children:
            for page in ("diary:week", "diary:marks"):
                url = reverse(page, args=[dw.school.pk, student.pk])
                etag = None
                for _ in range(times):
                    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
                    response = client.get(url, {"d": MONDAY.isoformat()}, **headers)
                    assert response.status_code in (200, 304)
                    etag = response.get("ETag")
                    reads += 1
    return reads


def _report(dw):
    month = school_today(dw.school).replace(day=1)
    rows, roles, classes = compute_activity(school=dw.school, month=month)
    per_page = sorted(
        ActivityEvent.objects.filter(kind="diary_view")
        .values("user_id", "student_id", "page")
        .annotate(n=Sum("count"))
        .values_list("user_id", "student_id", "page", "n")
    )
    return rows, roles, classes, per_page


def test_many_parents_reading_count_the_same_with_and_without_the_buffer(client, dw):
    """M parents (one with two children), N reads of each page: the whole monthly report — per
    person, per role, per class — and the reads per child and page are the same whether each
    read was a row or the reads were counted in Redis and flushed."""
    third, guardian = add_parent(dw, "a-parent-3")
    f.GuardianshipFactory(student=dw.student, guardian=guardian)
    readers = [
        (dw.users["parent"], [dw.student, dw.sibling], 4),
        (dw.stranger_parent, [dw.stranger], 3),
        (third, [dw.student], 5),
    ]
    direct_reads = _family_evening(client, dw, readers)
    direct = _report(dw)
    assert sum(r["diary_views"] for r in direct[0]) == direct_reads == 2 * (2 * 4 + 3 + 5)

    ActivityEvent.objects.all().delete()  # the same evening again, counted in Redis
    key = f"{settings.ACTIVITY_BUFFER_KEY}-many-{os.getpid()}"
    with override_settings(
        ACTIVITY_BUFFER=True, REDIS_URL=os.environ["REDIS_URL"], ACTIVITY_BUFFER_KEY=key
    ):
        activity._client = None
        try:
            assert _family_evening(client, dw, readers) == direct_reads
            assert not ActivityEvent.objects.filter(kind="diary_view").exists()
            assert activity.activity_flush() == direct_reads
            assert _report(dw) == direct
        finally:
            for leftover in activity._redis().scan_iter(match=key + "*"):
                activity._redis().delete(leftover)
            activity._client = None


def test_a_read_counts_in_the_month_it_was_made_not_the_month_of_the_flush(client, dw, buffered):
    """Read at 23:59 on the last day of a month, flushed after midnight: that month's read."""
    tz = dw.school.tz
    this_month = school_today(dw.school).replace(day=1)
    last_evening = datetime.combine(this_month - timedelta(days=1), time(23, 59, 30), tzinfo=tz)
    parent = dw.users["parent"]
    client.force_login(parent)
    with clock.frozen(last_evening):
        _read(client, dw, 2)
    assert activity.activity_flush() == 2  # now, in the next month
    previous = this_month - timedelta(days=1)
    rows, _roles, _classes = compute_activity(school=dw.school, month=previous.replace(day=1))
    assert next(r["diary_views"] for r in rows if r["id"] == parent.pk) == 2
    assert _diary_views(dw, parent) == 0
