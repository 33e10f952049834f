"""Writes of repair requests: filing one, and moving it along new → in work → done / refused.

The author is told of every change through the product's notifications (and their e-mail,
where they asked for it), after the change commits.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.facilities.models import RepairRequest
from apps.messaging.services import notify
from apps.school import clock
from apps.school.uploads import check_upload

PHOTO_KINDS = frozenset({"jpg", "jpeg", "png"})
PHOTO_MAX_MB = 10


class StaleRequestError(Exception):
    """The request changed since the caretaker opened it; nothing was written."""

    def __init__(self, current: RepairRequest):
        self.current = current
        super().__init__(
            _(
                "Заявку уже изменил другой сотрудник: сейчас она «%(status)s». Проверьте и повторите."
            )
            % {"status": current.get_status_display()}
        )


def repair_request_file(
    *,
    acting_user,
    school,
    room: str,
    problem: str,
    urgency: str = RepairRequest.Urgency.NORMAL,
    photo=None,
) -> RepairRequest:
    """A member of staff reports what is broken and where; a photo (JPEG or PNG) helps the
    caretaker bring the right part."""
    room, problem = (room or "").strip(), (problem or "").strip()
    errors = {}
    if not room:
        errors["room"] = _("Укажите помещение: кабинет, этаж, коридор.")
    if not problem:
        errors["problem"] = _("Опишите, что сломалось.")
    if urgency not in RepairRequest.Urgency.values:
        errors["urgency"] = _("Выберите срочность из списка.")
    if photo is not None:
        try:
            check_upload(photo, kinds=PHOTO_KINDS, max_mb=PHOTO_MAX_MB)
        except ValidationError as error:
            errors["photo"] = error.messages
    if errors:
        raise ValidationError(errors)
    moment = clock.now()
    with transaction.atomic():
        request = RepairRequest(
            school=school,
            author=acting_user,
            room=room[:100],
            problem=problem,
            urgency=urgency,
            created_at=moment,
            changed_at=moment,
        )
        if photo is not None:
            request.photo_name = (photo.name or "photo")[-200:]
            request.photo.save(request.photo_name, photo, save=False)
        request.save()
    return request


def repair_request_move(
    *,
    acting_user,
    repair: RepairRequest,
    status: str,
    comment: str = "",
    expected_version: int,
) -> RepairRequest:
    """Take a request into work, or close it as done or refused. A refusal says why (the
    author must know what to do next); a closed request is not reopened — a fault that comes
    back is a new request. A change made meanwhile by someone else refuses this one."""
    comment = (comment or "").strip()
    with transaction.atomic():
        current = RepairRequest.objects.select_for_update().get(pk=repair.pk)
        if current.version != expected_version:
            raise StaleRequestError(current)
        allowed = RepairRequest.TRANSITIONS[RepairRequest.Status(current.status)]
        if status not in allowed:
            raise ValidationError(
                {
                    "status": _("Заявку в статусе «%(status)s» так изменить нельзя.")
                    % {"status": current.get_status_display()}
                }
            )
        if status == RepairRequest.Status.REFUSED and not comment:
            raise ValidationError({"comment": _("Напишите, почему заявка отклонена.")})
        moment = clock.now()
        current.status = status
        current.comment = comment or current.comment
        current.handled_by = acting_user
        current.changed_at = moment
        current.closed_at = None if status in RepairRequest.OPEN_STATUSES else moment
        current.version += 1
        current.save(
            update_fields=["status", "comment", "handled_by", "changed_at", "closed_at", "version"]
        )
        if current.author_id != acting_user.pk:
            _notify_author(current)
    return current


def _notify_author(repair: RepairRequest) -> None:
    title = _("Заявка «%(room)s»: %(status)s") % {
        "room": repair.room,
        "status": repair.get_status_display(),
    }
    notify(
        school=repair.school,
        user=repair.author,
        title=title[:200],
        body=repair.comment,
        link=reverse("facilities:detail", kwargs={"school_id": repair.school_id, "pk": repair.pk}),
        dedupe_key=f"repair:{repair.pk}:v{repair.version}",
        email=True,
    )
