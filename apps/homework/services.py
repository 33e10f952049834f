"""Homework of a lesson (seed 003 item 2.2: the same day, may be set in advance)."""

import os
from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.gradebook.core import check_version, ensure_may_keep_lesson
from apps.gradebook.errors import ConflictError
from apps.homework.models import Homework, HomeworkAttachment
from apps.schedule.models import Lesson
from apps.school import clock
from apps.school.uploads import check_upload


def homework_set(
    *,
    acting_user,
    lesson: Lesson,
    text: str,
    expected_version: int,
    minutes: int | None = None,
    due_date: date | None = None,
    reason: str = "",
) -> Homework | None:
    """Set or correct a lesson's homework; an empty text removes it.

    `minutes` is the estimated time, so the deputy can check the daily load against
    the hygienic norms for the grade. Homework may be set in advance for a future lesson
    (seed 003 item 2.3); nothing changes in a locked period.
    """
    text = (text or "").strip()
    limit = Homework._meta.get_field("text").max_length
    if len(text) > limit:
        raise ValidationError(
            {
                "text": _("Задание длиннее %(n)s знаков: сократите его или приложите файл.")
                % {"n": limit}
            }
        )
    if due_date is not None and due_date < lesson.date:
        raise ValidationError({"due_date": _("Срок не может быть раньше дня урока.")})
    if minutes is not None and not 0 < minutes <= 300:
        raise ValidationError({"minutes": _("Время на выполнение — от 1 до 300 минут.")})
    ensure_may_keep_lesson(acting_user, lesson)
    try:
        with transaction.atomic(), pghistory.context(user=acting_user.pk, reason=reason):
            current = Homework.objects.select_for_update().filter(lesson=lesson).first()
            check_version(current, expected_version)
            if not text:
                if current is not None:
                    files = [(a.file.storage, a.file.name) for a in current.attachments.all()]
                    current.delete()  # its files' rows go with it; the files once committed
                    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
                return None
            if current is None:
                return Homework.objects.create(
                    school_id=lesson.school_id,
                    lesson=lesson,
                    text=text,
                    minutes=minutes,
                    due_date=due_date,
                    set_at=clock.now(),
                    set_by=acting_user,
                )
            if (current.text, current.minutes, current.due_date) != (text, minutes, due_date):
                current.text, current.minutes, current.due_date = text, minutes, due_date
                current.version += 1
                current.save(update_fields=["text", "minutes", "due_date", "version"])
            return current
    except IntegrityError as exc:
        raise ConflictError(Homework.objects.filter(lesson=lesson).first()) from exc


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "rtf",
        "txt",
        "jpg",
        "jpeg",
        "png",
        "gif",
    }
)


def homework_attachment_add(*, acting_user, homework: Homework, file) -> HomeworkAttachment:
    """Attach a file to a lesson's homework (a worksheet, a photo of the page).

    The homework text must exist first; files are limited in size and kind so that
    families can open them on any phone.
    """
    name = os.path.basename(file.name or "")[:200]
    try:
        check_upload(file, kinds=ATTACHMENT_EXTENSIONS, max_mb=ATTACHMENT_MAX_BYTES // 2**20)
    except ValidationError as error:
        raise ValidationError({"files": error.messages}) from error
    lesson = homework.lesson
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        ensure_may_keep_lesson(acting_user, lesson)
        attachment = HomeworkAttachment(
            school_id=homework.school_id,
            homework=homework,
            name=name,
            size=file.size,
            uploaded_by=acting_user,
        )
        attachment.file.save(name, file, save=False)
        attachment.save()
        return attachment


def homework_attachment_remove(*, acting_user, attachment: HomeworkAttachment) -> None:
    """Remove a file from the homework; the file itself goes once the removal is committed."""
    lesson = attachment.homework.lesson
    with transaction.atomic(), pghistory.context(user=acting_user.pk):
        ensure_may_keep_lesson(acting_user, lesson)
        storage, path = attachment.file.storage, attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))
