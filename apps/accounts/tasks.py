from celery import shared_task

from apps.accounts.logins import login_email_send


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_login_email(self, issue_id: int) -> bool:
    return login_email_send(issue_id=issue_id)
