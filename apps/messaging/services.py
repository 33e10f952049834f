"""Notifications: created once per (user, key), e-mailed after commit by a worker.

The notification row is the record of what must be mailed: if the broker is down when
the transaction commits, the row stays unsent and `notification_emails_pending` queues
it again later, so nothing is lost; the send itself is once-only.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from apps.messaging.models import Notification
from apps.school import clock

logger = logging.getLogger(__name__)
# A notification still unsent this long after it was created is queued again.
RESEND_AFTER = timedelta(minutes=5)


def notify(
    *,
    school,
    user,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str,
    email: bool = False,
) -> Notification | None:
    """Create the notification unless one with this key exists; returns None for a repeat.

    The e-mail is queued only after the surrounding transaction commits, so a rollback
    never sends mail about something that did not happen.
    """
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            school=school,
            user=user,
            dedupe_key=dedupe_key,
            defaults={
                "title": title,
                "body": body,
                "link": link,
                "wants_email": email and bool(user.email),
            },
        )
    if not created:
        return None
    if notification.wants_email:
        transaction.on_commit(lambda: queue_email(notification.pk), robust=True)
    return notification


def queue_email(notification_id: int) -> bool:
    """Hand one e-mail to the worker; a broker that is down leaves it for the next sweep."""
    from apps.messaging.tasks import send_notification_email

    try:
        send_notification_email.delay(notification_id)
    except Exception:  # kombu raises its own OperationalError family when Redis is away
        logger.warning(
            "notification %s: broker unavailable, e-mail left for the next sweep", notification_id
        )
        return False
    return True


def notification_emails_pending(*, now=None, older_than: timedelta = RESEND_AFTER) -> int:
    """Queue again every e-mail that should have gone out and has not (broker down, worker
    lost). Sending stays once-only: the task checks `emailed_at` under a row lock."""
    now = now or clock.now()
    pending = Notification.objects.filter(
        wants_email=True, emailed_at__isnull=True, created_at__lte=now - older_than
    ).values_list("pk", flat=True)[:1000]
    return sum(queue_email(pk) for pk in pending)


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's e-mail at most once, even when the task is retried.

    The row is locked while sending and marked sent in the same transaction: a worker
    that dies before commit leaves it unsent (the retry sends it), never sent twice.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if (
            notification is None
            or notification.emailed_at is not None
            or not notification.wants_email
        ):
            return False
        send_mail(
            subject=notification.title,
            message=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.user.email],
        )
        notification.emailed_at = clock.now()
        notification.save(update_fields=["emailed_at"])
        return True


def notifications_mark_read(*, user, school, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, school=school, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())
