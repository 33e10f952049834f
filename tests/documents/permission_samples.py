"""Samples for the permission matrix of the document store and the resource catalogue."""

from datetime import date

# The school's open page: no account needed; tested in tests/documents/test_public.py.
DOCUMENTS_PUBLIC_URLS = {"documents:public", "documents:public-file"}


def public_document(w):
    """A public document (every role of the school reads it) with one version."""
    from django.core.files.base import ContentFile

    from apps.documents.services import document_upload
    from apps.orders.models import SchoolDocument

    found = SchoolDocument.objects.filter(school=w.school, visibility="public").first()
    if found:
        return found
    return document_upload(
        acting_user=w.users["secretary"],
        school=w.school,
        title="Устав школы",
        category="public",
        visibility="public",
        dated=date(2026, 9, 1),
        file=ContentFile(b"%PDF-1.4 ustav", name="ustav.pdf"),
    )


def shared_resource(w):
    """A material of the world's teacher shared with the school (every catalogue user sees it)."""
    from django.core.files.base import ContentFile

    from apps.documents.models import Resource
    from apps.documents.services import resource_add

    found = Resource.objects.filter(school=w.school, shared=True).first()
    if found:
        return found
    return resource_add(
        acting_user=w.users["teacher"],
        school=w.school,
        title="Дроби: карточки",
        subject=w.subject,
        grades=[5],
        topic="Обыкновенные дроби",
        file=ContentFile(b"%PDF-1.4 drobi", name="drobi.pdf"),
        shared=True,
    )


DOCUMENTS_URL_SAMPLES = {
    "documents:detail": lambda w: {"pk": public_document(w).pk},
    "documents:settings": lambda w: {"pk": public_document(w).pk},
    "documents:version-add": lambda w: {"pk": public_document(w).pk},
    "documents:file": lambda w: {"pk": public_document(w).pk},
    "documents:version-file": lambda w: {"pk": public_document(w).versions.first().pk},
    "documents:resource-file": lambda w: {"pk": shared_resource(w).pk},
    "documents:resource-share": lambda w: {"pk": shared_resource(w).pk},
    "documents:resource-delete": lambda w: {"pk": shared_resource(w).pk},
}
