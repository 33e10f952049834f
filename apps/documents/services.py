"""Writes of the document store and the resource catalogue.

A document's file is never replaced in place: each upload is a version, the newest is the
document's file, the older ones stay readable. Signed orders are filed by apps/orders when
signed and are frozen there: they take no new versions here.
"""

import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.policy import Role
from apps.documents.models import DocumentVersion, Resource
from apps.orders.models import SchoolDocument
from apps.school import clock
from apps.school.uploads import DOCUMENT_KINDS, check_upload

DOCUMENT_MAX_MB = 20
# Teaching materials: documents, presentations, pictures and plain text.
RESOURCE_KINDS = DOCUMENT_KINDS | frozenset({"ppt", "pptx", "odp", "txt", "jpg", "jpeg", "png"})
RESOURCE_MAX_MB = 20
UPLOADABLE_CATEGORIES = [c for c in SchoolDocument.Category if c != SchoolDocument.Category.ORDERS]


class StaleDocumentError(Exception):
    def __init__(self, current: SchoolDocument):
        self.current = current
        super().__init__(
            _(
                "Пока вы готовили файл, загрузили версию %(n)s. Откройте документ заново и проверьте её."
            )
            % {"n": current.version}
        )


def _check_visibility(visibility: str, roles: list[str]) -> list[str]:
    if visibility not in (
        v for v in SchoolDocument.Visibility if v != SchoolDocument.Visibility.ORDERS
    ):
        raise ValidationError({"visibility": _("Выберите, кому виден документ.")})
    if visibility != SchoolDocument.Visibility.ROLES:
        return []
    roles = sorted(set(roles) & set(Role.values))
    if not roles:
        raise ValidationError({"roles": _("Отметьте роли, которым виден документ.")})
    return roles


def _file_name(file) -> str:
    return os.path.basename(file.name or "")[:200] or "file"


def document_upload(
    *,
    acting_user,
    school,
    title: str,
    category: str,
    visibility: str,
    roles: list[str] | None = None,
    dated,
    file,
) -> SchoolDocument:
    """File a new document in the store as its version 1."""
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Введите название документа.")
    if category not in UPLOADABLE_CATEGORIES:
        errors["category"] = _(
            "Выберите раздел. Приказы по контингенту попадают сюда сами при подписании."
        )
    try:
        roles = _check_visibility(visibility, roles or [])
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        check_upload(file, kinds=DOCUMENT_KINDS, max_mb=DOCUMENT_MAX_MB)
    except ValidationError as error:
        errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        document = SchoolDocument(
            school=school,
            title=title[:500],
            category=category,
            visibility=visibility,
            roles=roles,
            dated=dated,
            added_by=acting_user,
            version=1,
        )
        document.save()
        version = _version(document, acting_user=acting_user, number=1, file=file, note="")
        version.save()
        document.file = version.file.name
        document.save(update_fields=["file"])
    return document


def _version(document, *, acting_user, number: int, file, note: str) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        file_name=_file_name(file),
        size=file.size,
        note=note[:300],
        uploaded_by=acting_user,
        uploaded_at=clock.now(),
    )
    # A file of its own per version: the next upload never overwrites this one.
    version.file.save(version.file_name, file, save=False)
    return version


def document_new_version(
    *, acting_user, document: SchoolDocument, file, note: str = "", expected_version: int
) -> DocumentVersion:
    """A new edition of a document: it becomes the current file; the previous stays in the
    history. Uploaded against an older version than the current one, it is refused."""
    if document.order_id:
        raise PermissionDenied(_("Подписанный приказ не изменяется: издайте новый приказ."))
    try:
        check_upload(file, kinds=DOCUMENT_KINDS, max_mb=DOCUMENT_MAX_MB)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    with transaction.atomic():
        current = SchoolDocument.objects.select_for_update().get(pk=document.pk)
        if current.version != expected_version:
            raise StaleDocumentError(current)
        if current.file and not current.versions.exists():
            # A document filed before versions were kept: its file becomes version 1.
            DocumentVersion.objects.create(
                document=current,
                number=current.version,
                file=current.file.name,
                file_name=f"{current.title[:190]}.{current.file.name.rsplit('.', 1)[-1]}",
                size=current.file.size,
                uploaded_by=current.added_by,
                uploaded_at=current.added_at,
            )
        current.version += 1
        version = _version(
            current, acting_user=acting_user, number=current.version, file=file, note=note
        )
        version.save()
        current.file = version.file.name
        current.save(update_fields=["version", "file"])
    return version


def document_settings_change(
    *,
    acting_user,
    document: SchoolDocument,
    title: str,
    category: str,
    visibility: str,
    roles: list[str] | None = None,
    expected_version: int,
) -> SchoolDocument:
    """Rename, move to another section, or change who reads it."""
    if document.order_id:
        raise PermissionDenied(_("Подписанный приказ не изменяется: издайте новый приказ."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Введите название документа.")})
    if category not in UPLOADABLE_CATEGORIES:
        raise ValidationError({"category": _("Выберите раздел.")})
    roles = _check_visibility(visibility, roles or [])
    with transaction.atomic():
        current = SchoolDocument.objects.select_for_update().get(pk=document.pk)
        if current.version != expected_version:
            raise StaleDocumentError(current)
        current.title, current.category = title[:500], category
        current.visibility, current.roles = visibility, roles
        current.save(update_fields=["title", "category", "visibility", "roles"])
    return current


# --- the resource catalogue ----------------------------------------------------------------


def resource_add(
    *,
    acting_user,
    school,
    title: str,
    subject,
    grades: list[int],
    topic: str = "",
    file=None,
    url: str = "",
    shared: bool = False,
) -> Resource:
    """A teacher adds a material: a file, or a link to one elsewhere (a video, a test)."""
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Введите название материала.")
    if subject is None or subject.school_id != school.pk:
        errors["subject"] = _("Выберите предмет.")
    grades = sorted({g for g in grades if 1 <= g <= 11})
    if not grades:
        errors["grades"] = _("Отметьте хотя бы один класс (параллель).")
    if (file is None) == (not url):
        errors["file"] = _("Загрузите файл или укажите ссылку — что-то одно.")
    elif file is not None:
        try:
            check_upload(file, kinds=RESOURCE_KINDS, max_mb=RESOURCE_MAX_MB)
        except ValidationError as error:
            errors["file"] = error.messages
    elif not url.startswith(("https://", "http://")):
        errors["url"] = _("Ссылка должна начинаться с https:// или http://.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        resource = Resource(
            school=school,
            owner=acting_user,
            title=title[:300],
            subject=subject,
            grades=grades,
            topic=(topic or "").strip()[:300],
            kind=Resource.Kind.FILE if file is not None else Resource.Kind.LINK,
            url=url if file is None else "",
            shared=shared,
            created_at=clock.now(),
        )
        if file is not None:
            resource.file_name = _file_name(file)
            resource.size = file.size
            resource.file.save(resource.file_name, file, save=False)
        resource.save()
    return resource


def _own(acting_user, resource: Resource) -> None:
    if resource.owner_id != acting_user.pk:
        raise PermissionDenied(_("Изменять материал может только его автор."))


def resource_share(*, acting_user, resource: Resource, shared: bool) -> Resource:
    _own(acting_user, resource)
    Resource.objects.filter(pk=resource.pk).update(shared=shared)
    resource.shared = shared
    return resource


def resource_delete(*, acting_user, resource: Resource) -> None:
    """Remove one's material. Homework it was attached to keeps its own copy."""
    _own(acting_user, resource)
    with transaction.atomic():
        storage, name = resource.file.storage, resource.file.name
        resource.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def resource_attach_to_homework(*, acting_user, resource: Resource, lesson):
    """Give a catalogue item as (part of) a lesson's homework without uploading it again.

    A file is copied into the homework's attachments: the homework keeps what the class was
    given even if the author later edits or removes the catalogue item. A link is added to
    the homework's text. The lesson's keeping rules (apps/homework) apply as to any upload.
    """
    from apps.homework.models import Homework
    from apps.homework.services import homework_attachment_add, homework_set

    homework = Homework.objects.filter(lesson=lesson).first()
    if resource.kind == Resource.Kind.LINK:
        line = f"{resource.title}: {resource.url}"
        text = f"{homework.text}\n{line}" if homework else line
        if homework and line in homework.text:
            return homework
        return homework_set(
            acting_user=acting_user,
            lesson=lesson,
            text=text,
            minutes=homework.minutes if homework else None,
            due_date=homework.due_date if homework else None,
            expected_version=homework.version if homework else 0,
        )
    if homework is None:
        raise ValidationError(_("Сначала напишите текст задания, затем приложите материал."))
    with resource.file.open("rb") as fh:
        homework_attachment_add(
            acting_user=acting_user, homework=homework, file=File(fh, name=resource.file_name)
        )
    return homework
