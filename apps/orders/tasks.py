"""Thin Celery tasks of the orders area: load by id, call a service (idempotent, late ack)."""

from celery import shared_task

from apps.orders import services
from config.celery import RETRYING


@shared_task(**RETRYING)
def signed_copy_keep(document_id: int) -> bool:
    document = services.signed_copy_keep(document_id=document_id)
    return bool(document and document.file)
