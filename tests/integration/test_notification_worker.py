from django.db import transaction

from apps.messaging.models import Notification
from apps.messaging.services import notify
from apps.messaging.tasks import send_notification_email
from tests import factories as f
from tests.integration.conftest import wait_until


def test_a_real_worker_sends_the_email_once_after_commit(celery_worker_process):
    school = f.SchoolFactory()
    user = f.UserFactory(email="teacher@example.org")
    with transaction.atomic():
        notification = notify(
            school=school,
            user=user,
            title="Не выставлена посещаемость",
            body="5А, алгебра, 2-й урок",
            dedupe_key="attendance:1",
            email=True,
        )
    assert wait_until(lambda: Notification.objects.get(pk=notification.pk).emailed_at, timeout=45)
    mails = celery_worker_process.mails()
    assert len(mails) == 1 and "5А, алгебра, 2-й урок" in mails[0]
    # A retried task (or a second reminder run) sends nothing more.
    assert (
        notify(school=school, user=user, title="again", dedupe_key="attendance:1", email=True)
        is None
    )
    send_notification_email.delay(notification.pk)
    # A marker task queued after the retry: once its mail exists, the retry has been handled.
    with transaction.atomic():
        marker = notify(school=school, user=user, title="Маркер", dedupe_key="marker", email=True)
    assert wait_until(lambda: Notification.objects.get(pk=marker.pk).emailed_at, timeout=45)
    mails = celery_worker_process.mails()
    assert len(mails) == 2 and sum("5А, алгебра" in m for m in mails) == 1


def test_nothing_is_sent_for_a_rolled_back_transaction(celery_worker_process):
    school = f.SchoolFactory()
    user = f.UserFactory(email="parent@example.org")

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            notify(school=school, user=user, title="Откат", dedupe_key="rollback", email=True)
            raise Rollback
    except Rollback:
        pass
    # A later notification goes through, proving the worker is alive and the first was never queued.
    with transaction.atomic():
        later = notify(
            school=school,
            user=user,
            title="После",
            body="После отката",
            dedupe_key="later",
            email=True,
        )
    assert wait_until(lambda: Notification.objects.get(pk=later.pk).emailed_at, timeout=45)
    mails = celery_worker_process.mails()
    assert len(mails) == 1 and "После отката" in mails[0]
    assert not Notification.objects.filter(dedupe_key="rollback").exists()
