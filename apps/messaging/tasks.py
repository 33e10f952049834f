from celery import shared_task

from apps.messaging.services import notification_email_send, notification_emails_pending
from config.celery import RETRYING


@shared_task(bind=True, **RETRYING)
def send_notification_email(self, notification_id: int) -> bool:
    return notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    """Every few minutes: mail what the broker could not take when it was committed
    (notifications and login e-mails)."""
    from apps.accounts.logins import login_emails_pending
    from apps.school import clock

    return notification_emails_pending() + login_emails_pending(now=clock.now())


@shared_task(bind=True, **RETRYING)
def send_mail_copies(self, message_id: int) -> int:
    """E-mail copies of a new letter (link only), after its transaction committed."""
    from apps.messaging.mail import mail_copies_send

    return mail_copies_send(message_id=message_id)
