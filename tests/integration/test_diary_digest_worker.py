"""The diary digest through a real Celery worker on Redis: queued after commit, sent once."""

from datetime import timedelta

from django.db import transaction

from apps.diary.digest import digest_dispatch
from apps.diary.models import DigestSubscription
from apps.diary.services import digest_save
from apps.diary.tasks import send_digest
from apps.gradebook.services import mark_set, work_types_ensure
from apps.school import clock
from tests import factories as f
from tests.conftest import build_school_world
from tests.integration.conftest import wait_until


def test_worker_sends_each_parent_one_digest_a_day(celery_worker_process):
    world = build_school_world("dg")
    oral = next(wt for wt in work_types_ensure(school=world.school) if wt.name == "Ответ на уроке")
    lesson = f.LessonFactory(
        assignment=world.assignment, date=clock.school_today(world.school) - timedelta(days=1)
    )
    mark_set(
        acting_user=world.users["teacher"],
        lesson=lesson,
        student=world.student,
        work_type=oral,
        value="5",
        expected_version=0,
        comment="Прекрасный ответ",
    )
    sub = digest_save(
        acting_user=world.users["parent"],
        school=world.school,
        enabled=True,
        hour=0,
        email="parent@example.org",
    )
    with transaction.atomic():
        assert digest_dispatch(now=clock.now()) == 1
    assert wait_until(lambda: DigestSubscription.objects.get(pk=sub.pk).last_sent_on, timeout=45)
    mails = celery_worker_process.mails()
    assert len(mails) == 1 and "Прекрасный ответ" in mails[0] and "List-Unsubscribe" in mails[0]
    # A duplicate task (a retry, a second beat) sends nothing more; a marker proves it ran.
    send_digest.delay(sub.pk)
    marker = digest_save(
        acting_user=world.users["director"],
        school=world.school,
        enabled=True,
        hour=0,
        email="marker@example.org",
    )
    send_digest.delay(marker.pk)
    assert wait_until(lambda: DigestSubscription.objects.get(pk=marker.pk).last_sent_on, timeout=45)
    mails = celery_worker_process.mails()
    assert sum("Прекрасный ответ" in m for m in mails) == 1


def test_nothing_is_queued_when_the_dispatch_rolls_back(celery_worker_process):
    world = build_school_world("dr")
    sub = digest_save(
        acting_user=world.users["parent"],
        school=world.school,
        enabled=True,
        hour=0,
        email="parent@example.org",
    )

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            digest_dispatch(now=clock.now())
            raise Rollback
    except Rollback:
        pass
    assert DigestSubscription.objects.get(pk=sub.pk).last_sent_on is None
    send_digest.delay(sub.pk)  # the marker: the worker is alive and handles the queue in order
    assert wait_until(lambda: DigestSubscription.objects.get(pk=sub.pk).last_sent_on, timeout=45)
    assert celery_worker_process.mails() == []  # nothing new for this family: no letter
