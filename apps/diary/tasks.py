from celery import shared_task

from apps.diary import digest
from config.celery import RETRYING


@shared_task
def digest_dispatch() -> int:
    """Every quarter of an hour (Celery beat): queue the digests whose hour has come."""
    return digest.digest_dispatch()


@shared_task(bind=True, **RETRYING)
def send_digest(self, subscription_id: int) -> bool:
    return digest.send_digest(subscription_id=subscription_id)
