from celery import shared_task

from apps.diary import digest


@shared_task
def digest_dispatch() -> int:
    """Every quarter of an hour (Celery beat): queue the digests whose hour has come."""
    return digest.digest_dispatch()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_digest(self, subscription_id: int) -> bool:
    return digest.send_digest(subscription_id=subscription_id)
