"""Internal mail: drafts, sending, replies, reading and the archive (services), and the reads
that cross relations (selectors). Every write takes `ctx` (the writer in their school).

Sending expands groups to people on the day it is sent and writes every recipient's copy
in one INSERT (700 parents: one statement). E-mail copies go after commit, link only.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.messaging.models import Delivery, MailPreference, Message, MessageAttachment
from apps.messaging.recipients import group_members, reachable_groups, reachable_people
from apps.school import clock
from apps.school.policy import (
    MAIL_ATTACHMENT_KINDS,
    MAIL_ATTACHMENT_MAX_MB,
    MAIL_ATTACHMENTS_PER_MESSAGE,
    MAIL_MESSAGES_PER_HOUR,
)
from apps.school.uploads import check_upload

logger = logging.getLogger(__name__)


# --- addressing ---------------------------------------------------------------------------------


@dataclass
class Addressed:
    """Recipients resolved for sending: (user id, family key) in order, and how it reads."""

    people: list[tuple[int, str]] = field(default_factory=list)
    label: str = ""


def resolve_addresses(*, ctx, addresses: list[str]) -> Addressed:
    """Check every address against the writer's row of the mail table and expand the groups.

    "u:<id>" is a person, "g:<code>" a group. An address the writer may not use is refused
    as a whole, with its name when it is a group.
    """
    person_ids = set()
    codes = []
    for address in dict.fromkeys(a.strip() for a in addresses if a and a.strip()):
        kind, _sep, value = address.partition(":")
        if kind == "u" and value.isdigit():
            person_ids.add(int(value))
        elif kind == "g":
            codes.append(value)
        else:
            raise ValidationError(_("Непонятный адресат: %(a)s.") % {"a": address})
    if not person_ids and not codes:
        raise ValidationError(_("Выберите, кому отправить сообщение."))
    labels = []
    people: dict[int, str] = {}
    if codes:
        allowed = {g.code: g for g in reachable_groups(ctx)}
        refused = [c for c in codes if c not in allowed]
        if refused:
            raise ValidationError(
                _("Писать этой группе вам нельзя: %(g)s.") % {"g": ", ".join(refused)}
            )
        for code in codes:
            labels.append(allowed[code].label)
            for uid, key in group_members(ctx, code):
                if uid != ctx.user.pk:
                    people.setdefault(uid, key)
    if person_ids:
        found = list(
            reachable_people(ctx)
            .filter(pk__in=person_ids)
            .order_by("last_name", "first_name")
            .values_list("pk", "last_name", "first_name", "patronymic")
        )
        if len(found) != len(person_ids):
            raise ValidationError(_("Писать этому адресату вам нельзя (или его нет в школе)."))
        for pk, last, first, middle in found:
            people.setdefault(pk, f"u{pk}")
            labels.append(" ".join(p for p in (last, first, middle) if p))
    if not people:
        raise ValidationError(_("В выбранных группах сейчас никого нет."))
    label = ", ".join(labels)
    if len(label) > 480:
        label = label[:477] + "…"
    return Addressed(people=list(people.items()), label=label)


# --- checks -----------------------------------------------------------------------------------


def check_attachments(files) -> None:
    if len(files) > MAIL_ATTACHMENTS_PER_MESSAGE:
        raise ValidationError(
            _("Не больше %(n)s файлов в одном сообщении.") % {"n": MAIL_ATTACHMENTS_PER_MESSAGE}
        )
    for upload in files:
        check_upload(upload, kinds=MAIL_ATTACHMENT_KINDS, max_mb=MAIL_ATTACHMENT_MAX_MB)


class FloodLimit(ValidationError):
    """The writer reached the hourly limit of letters."""


def check_flood(*, ctx, now) -> None:
    """A per-person limit of letters an hour (a letter to a whole class counts once)."""
    since = now - timedelta(hours=1)
    recent = list(
        Message.objects.filter(author=ctx.user, school=ctx.school, sent_at__gte=since)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)[:MAIL_MESSAGES_PER_HOUR]
    )
    if len(recent) >= MAIL_MESSAGES_PER_HOUR:
        free_at = clock.school_now(ctx.school) + (recent[0] + timedelta(hours=1) - now)
        raise FloodLimit(
            _(
                "Вы отправили %(n)s сообщений за последний час — это предел. "
                "Следующее можно будет отправить в %(time)s. Черновик сохранён."
            )
            % {"n": MAIL_MESSAGES_PER_HOUR, "time": free_at.strftime("%H:%M")}
        )


def _store_attachments(*, ctx, message: Message, files) -> None:
    for upload in files:
        attachment = MessageAttachment(
            school=ctx.school, message=message, name=upload.name[:200], size=upload.size
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def draft_save(
    *,
    ctx,
    draft: Message | None,
    subject: str,
    body: str,
    addresses: list[str],
    files=(),
    version: int | None = None,
) -> Message:
    """Keep a draft (new or edited). An edit made from an older copy of the draft is refused."""
    check_attachments(files)
    if draft is None:
        draft = Message.objects.create(
            school=ctx.school,
            author=ctx.user,
            subject=subject or _("(без темы)"),
            body=body,
            draft_to=list(addresses),
        )
    else:
        updated = Message.objects.filter(
            pk=draft.pk, author=ctx.user, sent_at__isnull=True, version=version
        ).update(
            subject=subject or _("(без темы)"),
            body=body,
            draft_to=list(addresses),
            version=F("version") + 1,
            updated_at=clock.now(),
        )
        if not updated:
            raise ValidationError(
                _("Черновик изменён в другом окне или уже отправлен. Откройте его заново.")
            )
        draft.refresh_from_db()
    _store_attachments(ctx=ctx, message=draft, files=files)
    return draft


@transaction.atomic
def message_send(
    *,
    ctx,
    subject: str,
    body: str,
    addresses: list[str],
    files=(),
    draft: Message | None = None,
    version: int | None = None,
) -> Message:
    """Send a letter to people and groups the writer may reach (mail table); a draft, when
    given, becomes the sent letter with its attachments."""
    now = clock.now()
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError(_("Укажите тему сообщения."))
    check_attachments(files)
    addressed = resolve_addresses(ctx=ctx, addresses=addresses)
    check_flood(ctx=ctx, now=now)
    if draft is not None:
        updated = Message.objects.filter(
            pk=draft.pk, author=ctx.user, sent_at__isnull=True, version=version
        ).update(version=F("version") + 1)
        if not updated:
            raise ValidationError(
                _("Черновик изменён в другом окне или уже отправлен. Откройте его заново.")
            )
        message = draft
        message.subject, message.body, message.draft_to = subject, body, []
    else:
        message = Message(school=ctx.school, author=ctx.user)
        message.subject, message.body = subject, body
    message.sent_at = now
    message.audience_label = addressed.label
    message.recipient_count = len(addressed.people)
    message.save()
    _store_attachments(ctx=ctx, message=message, files=files)
    _deliver(message=message, people=addressed.people)
    return message


def _deliver(*, message: Message, people: list[tuple[int, str]]) -> None:
    """Every recipient's copy in one INSERT; e-mail copies after commit."""
    Delivery.objects.bulk_create(
        [
            Delivery(school_id=message.school_id, message=message, recipient_id=uid, family_key=key)
            for uid, key in people
        ]
    )
    message_id = message.pk
    transaction.on_commit(lambda: queue_mail_copies(message_id), robust=True)


def thread_people(*, root: Message, family_key: str) -> list[int]:
    """The people of one family's thread: the author of the first letter and its recipients
    of that family (one query)."""
    ids = list(
        Delivery.objects.filter(message=root, family_key=family_key).values_list(
            "recipient_id", flat=True
        )
    )
    return [root.author_id, *ids]


@transaction.atomic
def reply_send(*, ctx, thread: "Thread", body: str, files=()) -> Message:
    """Answer inside a thread: to its people only, whatever the mail table says of them."""
    now = clock.now()
    body = (body or "").strip()
    if not body and not files:
        raise ValidationError(_("Напишите текст ответа."))
    check_attachments(files)
    check_flood(ctx=ctx, now=now)
    root = thread.root
    people = [
        p
        for p in dict.fromkeys(thread_people(root=root, family_key=thread.family_key))
        if p != ctx.user.pk
    ]
    if not people:
        raise ValidationError(_("В этой переписке больше некому ответить."))
    names = list(
        User.objects.filter(pk__in=people[:4]).values_list("last_name", "first_name", "patronymic")
    )
    label = ", ".join(" ".join(p for p in name if p) for name in names)
    if len(people) > 4:
        label += "…"
    subject = root.subject if root.subject.lower().startswith("re:") else f"Re: {root.subject}"
    message = Message.objects.create(
        school=ctx.school,
        author=ctx.user,
        subject=subject[:200],
        body=body,
        root=root,
        family_key=thread.family_key,
        sent_at=now,
        audience_label=label,
        recipient_count=len(people),
    )
    _store_attachments(ctx=ctx, message=message, files=files)
    _deliver(message=message, people=[(uid, thread.family_key) for uid in people])
    return message


def mark_read(*, ctx, message_ids: list[int]) -> int:
    """Mark this reader's copies read and count each first reading on its letter (the receipt)."""
    with transaction.atomic():
        newly = list(
            Delivery.objects.select_for_update()
            .filter(recipient=ctx.user, message_id__in=message_ids, read_at__isnull=True)
            .values_list("pk", "message_id")
        )
        if not newly:
            return 0
        Delivery.objects.filter(pk__in=[pk for pk, _m in newly]).update(read_at=clock.now())
        Message.objects.filter(pk__in=[m for _pk, m in newly]).update(
            read_count=F("read_count") + 1
        )
        return len(newly)


def delivery_archive(*, ctx, message_id: int, archived: bool) -> int:
    return Delivery.objects.filter(
        recipient=ctx.user,
        school=ctx.school,
        message__in=Message.objects.filter(Q(pk=message_id) | Q(root_id=message_id)),
    ).update(archived=archived)


@transaction.atomic
def draft_delete(*, ctx, draft: Message) -> None:
    Message.objects.filter(pk=draft.pk, author=ctx.user, sent_at__isnull=True).delete()


def mail_preference_set(*, user, email_copies: bool) -> None:
    MailPreference.objects.update_or_create(user=user, defaults={"email_copies": email_copies})


# --- e-mail copies ------------------------------------------------------------------------------


def queue_mail_copies(message_id: int) -> bool:
    from apps.messaging.tasks import send_mail_copies

    try:
        send_mail_copies.delay(message_id)
    except Exception:  # the broker is away: the letters are in the product anyway
        logger.warning("message %s: broker unavailable, e-mail copies not queued", message_id)
        return False
    return True


def mail_copies_send(*, message_id: int, batch: int = 200) -> int:
    """E-mail every recipient who has an address and did not turn copies off: the subject,
    who wrote and a link to the letter; never the text's attachments. Each copy once."""
    message = Message.objects.select_related("author", "school").filter(pk=message_id).first()
    if message is None or message.sent_at is None:
        return 0
    opted_out = MailPreference.objects.filter(email_copies=False).values("user_id")
    pending = (
        Delivery.objects.filter(message=message, emailed_at__isnull=True, read_at__isnull=True)
        .exclude(recipient__email="")
        .exclude(recipient_id__in=opted_out)
        .values_list("pk", "recipient__email")
    )
    link = settings.SITE_URL.rstrip("/") + reverse(
        "messaging:mail-message", kwargs={"school_id": message.school_id, "pk": message.pk}
    )
    text = _(
        "%(author)s написал(а) вам во внутренней почте школы «%(school)s».\n\n"
        "Тема: %(subject)s\n\nПрочитать и ответить: %(link)s\n\n"
        "Копии писем можно отключить в настройках почты."
    ) % {
        "author": message.author.full_name or message.author.username,
        "school": message.school.short_name,
        "subject": message.subject,
        "link": link,
    }
    sent = 0
    rows = list(pending)
    connection = get_connection()
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        emails = [
            EmailMessage(
                subject=_("Новое сообщение: %(s)s") % {"s": message.subject},
                body=text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
            )
            for _pk, address in chunk
        ]
        connection.send_messages(emails)
        Delivery.objects.filter(pk__in=[pk for pk, _a in chunk]).update(emailed_at=clock.now())
        sent += len(chunk)
    return sent


# --- selectors ----------------------------------------------------------------------------------


FOLDERS = ("inbox", "sent", "drafts", "archive")


def _search(qs: QuerySet, query: str, prefix: str = "") -> QuerySet:
    for word in query.split()[:5]:
        qs = qs.filter(
            Q(**{f"{prefix}subject__icontains": word})
            | Q(**{f"{prefix}body__icontains": word})
            | Q(**{f"{prefix}author__last_name__icontains": word})
            | Q(**{f"{prefix}author__first_name__icontains": word})
        )
    return qs


def folder_rows(*, ctx, folder: str, query: str = "") -> QuerySet:
    """A folder's letters, newest first: one query whatever the mailbox holds (paged by the view)."""
    if folder in ("inbox", "archive"):
        qs = Delivery.objects.filter(
            recipient=ctx.user, school=ctx.school, archived=(folder == "archive")
        ).select_related("message__author")
        return _search(qs, query, "message__").order_by("-message__sent_at", "-pk")
    qs = Message.objects.filter(author=ctx.user, school=ctx.school)
    if folder == "sent":
        qs = qs.filter(sent_at__isnull=False).order_by("-sent_at", "-pk")
    else:
        qs = qs.filter(sent_at__isnull=True).order_by("-updated_at", "-pk")
    return _search(qs, query)


def unread_counts(*, user, school) -> tuple[int, int]:
    """(unread notifications, unread letters) for the menu, in one query; each count reads
    only the unread part of its index, so it does not grow with the mailbox."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM messaging_notification "
            "         WHERE user_id = %s AND school_id = %s AND read_at IS NULL), "
            "       (SELECT count(*) FROM messaging_delivery "
            "         WHERE recipient_id = %s AND school_id = %s AND read_at IS NULL AND NOT archived)",
            [user.pk, school.pk, user.pk, school.pk],
        )
        notifications, letters = cursor.fetchone()
    return notifications, letters


@dataclass
class Thread:
    """What one reader sees of a thread: the first letter and the replies of one family.

    For the author of a group letter without a chosen family, `family_key` is None: they see
    the receipts and every family's replies instead (`overview`).
    """

    root: Message
    family_key: str | None
    messages: list[Message] = field(default_factory=list)
    label: str = ""
    is_author: bool = False


def message_for(*, ctx, pk: int) -> Message:
    """A letter this person wrote or received, in this school; 404 for anything else (one query)."""
    from django.http import Http404

    found = (
        Message.objects.filter(school=ctx.school, pk=pk)
        .filter(Q(author=ctx.user) | Q(deliveries__recipient=ctx.user))
        .select_related("author", "root__author")
        .distinct()
        .first()
    )
    if found is None or found.sent_at is None and found.author_id != ctx.user.pk:
        raise Http404
    return found


def thread_of(*, ctx, message: Message, family: str | None = None) -> Thread:
    """The thread of a letter for this reader (a constant number of queries)."""
    from django.http import Http404

    root = message.root or message
    is_author = root.author_id == ctx.user.pk
    if message.root_id is not None:
        key = message.family_key
    elif is_author:
        key = family
        if key is None and root.recipient_count == 1:
            key = Delivery.objects.filter(message=root).values_list("family_key", flat=True).first()
    else:
        key = (
            Delivery.objects.filter(message=root, recipient=ctx.user)
            .values_list("family_key", flat=True)
            .first()
        )
        if key is None:
            raise Http404
    if (
        key is not None
        and is_author
        and family is not None
        and not Delivery.objects.filter(message=root, family_key=key).exists()
    ):
        raise Http404
    messages = [root]
    if key is not None:
        messages += list(
            Message.objects.filter(root=root, family_key=key, sent_at__isnull=False)
            .select_related("author")
            .order_by("sent_at", "pk")
        )
    thread = Thread(root=root, family_key=key, messages=messages, is_author=is_author)
    if not is_author:  # the reader sees who wrote and to whom
        author = root.author.full_name or root.author.username
        thread.label = f"{author} → {root.audience_label}" if root.audience_label else author
    else:
        thread.label = root.audience_label if key is None else _family_label(root, key)
    return thread


def _family_label(root: Message, key: str) -> str:
    names = list(
        User.objects.filter(
            pk__in=Delivery.objects.filter(message=root, family_key=key).values("recipient_id")
        ).values_list("last_name", "first_name")[:4]
    )
    return ", ".join(f"{last} {first}".strip() for last, first in names)


def attachments_of(messages: list[Message]) -> dict[int, list[MessageAttachment]]:
    found: dict[int, list[MessageAttachment]] = {}
    for a in MessageAttachment.objects.filter(message__in=[m.pk for m in messages]):
        found.setdefault(a.message_id, []).append(a)
    return found


def receipts(*, root: Message) -> list[Delivery]:
    """Who got the letter and when they read it (one query)."""
    return list(
        Delivery.objects.filter(message=root)
        .select_related("recipient")
        .order_by(
            F("read_at").desc(nulls_last=True), "recipient__last_name", "recipient__first_name"
        )
    )


def replies_by_family(*, root: Message) -> list[dict]:
    """Each family's answers to a group letter, newest family first (one query)."""
    families: dict[str, dict] = {}
    for reply in (
        Message.objects.filter(root=root, sent_at__isnull=False)
        .select_related("author")
        .order_by("-sent_at", "-pk")
    ):
        entry = families.setdefault(reply.family_key, {"key": reply.family_key, "replies": []})
        entry["replies"].append(reply)
    return list(families.values())


def attachment_for(*, ctx, pk: int) -> MessageAttachment:
    """An attachment of a letter this person wrote or received; 404 for anyone else."""
    from django.http import Http404

    found = (
        MessageAttachment.objects.filter(school=ctx.school, pk=pk)
        .filter(
            Q(message__author=ctx.user, message__school=ctx.school)
            | Q(message__deliveries__recipient=ctx.user)
        )
        .distinct()
        .first()
    )
    if found is None:
        raise Http404
    return found
