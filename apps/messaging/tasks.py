from celery import shared_task

from apps.messaging.services import notification_email_send


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_notification_email(self, notification_id: int) -> bool:
    return notification_email_send(notification_id=notification_id)
