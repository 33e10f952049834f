from celery import shared_task

from apps.accounts import activity
from apps.accounts.logins import login_email_send
from config.celery import RETRYING


@shared_task(bind=True, **RETRYING)
def send_login_email(self, issue_id: int) -> bool:
    return login_email_send(issue_id=issue_id)


@shared_task
def activity_flush() -> int:
    """Every minute (Celery beat): the diary reads counted in Redis become report rows."""
    return activity.activity_flush()
