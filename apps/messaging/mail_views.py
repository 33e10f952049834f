"""Pages of the internal mail, the board and the events. HTTP only: access, input, one service."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from apps.accounts.mail_policy import Poster
from apps.accounts.models import RoleGrant, User
from apps.accounts.policy import ADMINISTRATION, STAFF_ROLES, Perm, Role
from apps.messaging import board as board_service
from apps.messaging import mail
from apps.messaging.forms import AnnouncementForm, EventForm, LetterForm, ReplyForm
from apps.messaging.models import MailPreference, Message
from apps.messaging.recipients import board_reach, may_post, reachable_groups, reachable_people
from apps.privacy.downloads import download
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import int_param, month_param
from apps.students.models import Guardianship

PAGE_SIZE = 30
MAX_PAGE = 10_000  # an offset the database can take
_mail_view = school_view(Perm.USE_MESSAGES)
_poster_view = school_view(check=may_post)


def _errors(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


# --- mail -------------------------------------------------------------------------------------


@_mail_view
def mailbox(request):
    ctx = request.school_ctx
    folder = request.GET.get("folder", "inbox")
    if folder not in mail.FOLDERS:
        folder = "inbox"
    query = request.GET.get("q", "").strip()[:100]
    page = min(max(int_param(request.GET.get("page")) or 1, 1), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        mail.folder_rows(ctx=ctx, folder=folder, query=query)[start : start + PAGE_SIZE + 1]
    )
    return render(
        request,
        "messaging/mailbox.html",
        {
            "folder": folder,
            "query": query,
            "rows": rows[:PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > PAGE_SIZE,
            "folders": [
                ("inbox", _("Входящие"), "bi-inbox"),
                ("sent", _("Отправленные"), "bi-send"),
                ("drafts", _("Черновики"), "bi-pencil"),
                ("archive", _("Архив"), "bi-archive"),
            ],
        },
    )


PEOPLE_SECTIONS = (
    (frozenset(ADMINISTRATION), _lazy("Администрация")),
    (frozenset({Role.TEACHER}), _lazy("Учителя")),
    (frozenset(STAFF_ROLES), _lazy("Сотрудники")),
    (frozenset({Role.PARENT}), _lazy("Родители")),
    (frozenset({Role.STUDENT}), _lazy("Обучающиеся")),
)


def _compose_context(ctx, *, chosen: list[str]):
    """The people and groups of the writer's row of the mail table, grouped by role; a parent
    is shown with their children's names (three queries)."""
    people = list(
        reachable_people(ctx)
        .order_by("last_name", "first_name", "patronymic")
        .values_list("pk", "last_name", "first_name", "patronymic")
    )
    ids = [pk for pk, *_names in people]
    roles: dict[int, set[str]] = {}
    for uid, role in RoleGrant.objects.filter(school=ctx.school, user_id__in=ids).values_list(
        "user_id", "role"
    ):
        roles.setdefault(uid, set()).add(role)
    children: dict[int, list[str]] = {}
    for uid, last, first in Guardianship.objects.filter(
        school=ctx.school, guardian__user_id__in=ids
    ).values_list("guardian__user_id", "student__last_name", "student__first_name"):
        children.setdefault(uid, []).append(f"{first} {last}")
    sections: dict[str, list] = {str(title): [] for _roles, title in PEOPLE_SECTIONS}
    for pk, last, first, middle in people:
        name = " ".join(p for p in (last, first, middle) if p)
        held = roles.get(pk, set())
        title = next((str(t) for r, t in PEOPLE_SECTIONS if held & r), str(PEOPLE_SECTIONS[-1][1]))
        if pk in children and Role.PARENT in held and title == str(PEOPLE_SECTIONS[3][1]):
            name += " — " + ", ".join(children[pk])
        sections[title].append((f"u:{pk}", name))
    groups = reachable_groups(ctx)
    return {
        "people": [(title, rows) for title, rows in sections.items() if rows],
        "groups": [(f"g:{g.code}", g.label, g.section) for g in groups],
        "chosen": set(chosen),
    }


@_mail_view
def compose(request):
    ctx = request.school_ctx
    draft = None
    draft_id = int_param(request.GET.get("draft") or request.POST.get("draft"))
    if draft_id:
        draft = Message.objects.filter(
            pk=draft_id, school=ctx.school, author=ctx.user, sent_at__isnull=True
        ).first()
        if draft is None:
            raise Http404
    if request.method == "POST":
        form = LetterForm(request.POST)
        addresses = request.POST.getlist("to")
        files = request.FILES.getlist("files")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if "save_draft" in request.POST:
                    saved = mail.draft_save(
                        ctx=ctx,
                        draft=draft,
                        subject=data["subject"],
                        body=data["body"],
                        addresses=addresses,
                        files=files,
                        version=data["version"],
                    )
                    messages.success(request, _("Черновик сохранён."))
                    return redirect(
                        reverse("messaging:mail-compose", args=[ctx.school.pk])
                        + f"?draft={saved.pk}"
                    )
                sent = mail.message_send(
                    ctx=ctx,
                    subject=data["subject"],
                    body=data["body"],
                    addresses=addresses,
                    files=files,
                    draft=draft,
                    version=data["version"],
                )
            except mail.FloodLimit as error:
                _errors(request, error)
                # Nothing typed is lost: a letter refused for the hourly limit stays as a draft.
                if draft is None:
                    draft = mail.draft_save(
                        ctx=ctx,
                        draft=None,
                        subject=data["subject"],
                        body=data["body"],
                        addresses=addresses,
                    )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(
                    request,
                    _("Сообщение отправлено: %(n)s получателей.") % {"n": sent.recipient_count},
                )
                return redirect("messaging:mail-message", school_id=ctx.school.pk, pk=sent.pk)
    else:
        initial = {}
        if draft is not None:
            initial = {"subject": draft.subject, "body": draft.body, "version": draft.version}
            addresses = draft.draft_to
        else:
            addresses = request.GET.getlist("to")
            initial["subject"] = request.GET.get("subject", "")[:200]
        form = LetterForm(initial=initial)
    return render(
        request,
        "messaging/compose.html",
        {
            "form": form,
            "draft": draft,
            "draft_files": list(draft.attachments.all()) if draft is not None else [],
            **_compose_context(ctx, chosen=addresses),
        },
    )


@_mail_view
def message(request, pk: int):
    ctx = request.school_ctx
    found = mail.message_for(ctx=ctx, pk=pk)
    if found.sent_at is None:
        return redirect(
            reverse("messaging:mail-compose", args=[ctx.school.pk]) + f"?draft={found.pk}"
        )
    family = request.GET.get("family") or request.POST.get("family") or None
    thread = mail.thread_of(ctx=ctx, message=found, family=family)
    form = ReplyForm()
    if request.method == "POST":
        if thread.family_key is None:
            raise Http404
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                reply = mail.reply_send(
                    ctx=ctx,
                    thread=thread,
                    body=form.cleaned_data["body"],
                    files=request.FILES.getlist("files"),
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, _("Ответ отправлен."))
                return redirect("messaging:mail-message", school_id=ctx.school.pk, pk=reply.pk)
    mail.mark_read(ctx=ctx, message_ids=[m.pk for m in thread.messages])
    overview = thread.is_author and thread.family_key is None
    files = mail.attachments_of(thread.messages)
    for letter in thread.messages:
        letter.files = files.get(letter.pk, [])
    context = {
        "thread": thread,
        "form": form,
        "overview": overview,
        "archived": False,
    }
    if thread.is_author:
        context["receipts"] = mail.receipts(root=thread.root)
    if overview:
        context["families"] = mail.replies_by_family(root=thread.root)
    return render(request, "messaging/thread.html", context)


@_mail_view
@require_POST
def archive(request, pk: int):
    ctx = request.school_ctx
    found = mail.message_for(ctx=ctx, pk=pk)
    restore = request.POST.get("restore") == "1"
    mail.delivery_archive(ctx=ctx, message_id=found.thread_root_id, archived=not restore)
    messages.success(
        request,
        _("Переписка возвращена во входящие.") if restore else _("Переписка перенесена в архив."),
    )
    return redirect(
        reverse("messaging:mail", args=[ctx.school.pk]) + ("?folder=archive" if restore else "")
    )


@_mail_view
@require_POST
def draft_delete(request, pk: int):
    ctx = request.school_ctx
    draft = Message.objects.filter(
        pk=pk, school=ctx.school, author=ctx.user, sent_at__isnull=True
    ).first()
    if draft is None:
        raise Http404
    mail.draft_delete(ctx=ctx, draft=draft)
    messages.success(request, _("Черновик удалён."))
    return redirect(reverse("messaging:mail", args=[ctx.school.pk]) + "?folder=drafts")


@_mail_view
def attachment(request, pk: int):
    found = mail.attachment_for(ctx=request.school_ctx, pk=pk)
    # Whatever the file claims to be, it goes out as a download: never shown in our origin.
    return download(
        request, file=found.file, filename=found.name, content_type="application/octet-stream"
    )


@_mail_view
def mail_settings(request):
    ctx = request.school_ctx
    if request.method == "POST":
        mail.mail_preference_set(
            user=ctx.user, email_copies=request.POST.get("email_copies") == "on"
        )
        messages.success(request, _("Настройки почты сохранены."))
        return redirect("messaging:mail-settings", school_id=ctx.school.pk)
    preference = MailPreference.objects.filter(user=ctx.user).first()
    return render(
        request,
        "messaging/mail_settings.html",
        {"email_copies": preference.email_copies if preference else True},
    )


# --- the board ----------------------------------------------------------------------------------


@_mail_view
def board(request):
    ctx = request.school_ctx
    return render(
        request,
        "messaging/board.html",
        {
            "items": list(board_service.board_for(ctx)[:100]),
            "may_post": may_post(ctx),
            "own": list(board_service.own_announcements(ctx)[:20]) if may_post(ctx) else [],
            "today": school_today(ctx.school),
        },
    )


@_mail_view
def board_item(request, pk: int):
    ctx = request.school_ctx
    item = board_service.announcement_for(ctx, pk)
    return render(
        request,
        "messaging/board_item.html",
        {
            "item": item,
            "files": list(item.attachments.all()),
            "may_edit": board_service._may_edit(ctx, item),
        },
    )


def _classes(ctx):
    """The classes a poster may choose: all of the year, or a class teacher's own."""
    if ctx.open_year is None:
        return []
    if not board_reach(ctx) & {Poster.ANY_AUDIENCE, Poster.SERVED_AUDIENCES}:
        return list(ctx.led_classes)
    return list(ctx.open_year.classes.order_by("grade", "letter"))


def _audience_initial(row) -> dict:
    readers = []
    roles = set(row.roles)
    for key, (_label, group) in board_service.READER_GROUPS.items():
        if roles and group <= roles:
            readers.append(key)
    return {
        "readers": readers,
        "grades": row.grades,
        "class_ids": row.class_ids,
        "version": row.version,
    }


@_poster_view
def board_edit(request, pk: int | None = None):
    ctx = request.school_ctx
    item = board_service.announcement_for(ctx, pk, edit=True) if pk else None
    classes = _classes(ctx)
    if request.method == "POST":
        form = AnnouncementForm(request.POST, classes=classes)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = board_service.announcement_save(
                    ctx=ctx,
                    announcement=item,
                    title=data["title"],
                    body=data["body"],
                    choice=form.choice(),
                    publish_on=data["publish_on"],
                    ends_on=data["ends_on"],
                    pinned=data["pinned"],
                    files=request.FILES.getlist("files"),
                    version=data["version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Объявление сохранено."))
                return redirect("messaging:board-item", school_id=ctx.school.pk, pk=saved.pk)
    elif item is not None:
        form = AnnouncementForm(
            classes=classes,
            initial={
                "title": item.title,
                "body": item.body,
                "publish_on": item.publish_on,
                "ends_on": item.ends_on,
                "pinned": item.pinned,
                **_audience_initial(item),
            },
        )
    else:
        led = [c.pk for c in ctx.led_classes] if not board_service.may_pin(ctx) else []
        form = AnnouncementForm(
            classes=classes, initial={"publish_on": school_today(ctx.school), "class_ids": led}
        )
    return render(
        request,
        "messaging/board_edit.html",
        {"form": form, "item": item, "may_pin": board_service.may_pin(ctx)},
    )


@_poster_view
@require_POST
def board_delete(request, pk: int):
    ctx = request.school_ctx
    item = board_service.announcement_for(ctx, pk, edit=True)
    board_service.announcement_delete(ctx=ctx, announcement=item)
    messages.success(request, _("Объявление удалено."))
    return redirect("messaging:board", school_id=ctx.school.pk)


@_mail_view
def board_file(request, pk: int):
    found = board_service.board_attachment_for(request.school_ctx, pk)
    return download(
        request, file=found.file, filename=found.name, content_type="application/octet-stream"
    )


# --- events -----------------------------------------------------------------------------------


@_mail_view
def events(request):
    ctx = request.school_ctx
    today = school_today(ctx.school)
    tz = ctx.school.tz
    as_list = request.GET.get("view") == "list"
    if as_list:
        first = datetime.combine(today, time.min, tzinfo=tz)
        rows = list(board_service.events_between(ctx, first, first + timedelta(days=92))[:200])
        context = {"rows": rows, "as_list": True}
    else:
        month = month_param(request.GET.get("m"), today)
        start_day, next_month, weeks = board_service.month_frame(month)
        first = datetime.combine(weeks[0][0], time.min, tzinfo=tz)
        last = datetime.combine(weeks[-1][-1] + timedelta(days=1), time.min, tzinfo=tz)
        by_day: dict = {}
        for event in board_service.events_between(ctx, first, last):
            by_day.setdefault(event.starts_at.astimezone(tz).date(), []).append(event)
        previous = (start_day - timedelta(days=1)).replace(day=1)
        context = {
            "as_list": False,
            "month": start_day,
            "weeks": [[(d, by_day.get(d, [])) for d in week] for week in weeks],
            "previous": f"{previous:%Y-%m}",
            "next": f"{next_month:%Y-%m}",
        }
    return render(
        request,
        "messaging/events.html",
        {**context, "today": today, "may_post": may_post(ctx)},
    )


@_mail_view
def event(request, pk: int):
    ctx = request.school_ctx
    found = board_service.event_for(ctx, pk)
    return render(
        request,
        "messaging/event.html",
        {"event": found, "may_edit": board_service._may_edit(ctx, found)},
    )


def _staff(ctx):
    return list(
        User.objects.filter(
            pk__in=RoleGrant.objects.filter(school=ctx.school, role__in=list(STAFF_ROLES)).values(
                "user_id"
            ),
            is_active=True,
        ).order_by("last_name", "first_name")
    )


@_poster_view
def event_edit(request, pk: int | None = None):
    ctx = request.school_ctx
    found = board_service.event_for(ctx, pk, edit=True) if pk else None
    classes, staff = _classes(ctx), _staff(ctx)
    if request.method == "POST":
        form = EventForm(request.POST, classes=classes, staff=staff)
        if form.is_valid():
            data = form.cleaned_data
            starts, ends = form.moments(ctx.school.tz)
            responsible = next((u for u in staff if u.pk == data["responsible"]), None)
            try:
                saved = board_service.event_save(
                    ctx=ctx,
                    event=found,
                    title=data["title"],
                    description=data["description"],
                    starts_at=starts,
                    ends_at=ends,
                    place=data["place"],
                    responsible=responsible,
                    choice=form.choice(),
                    version=data["version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Мероприятие сохранено."))
                return redirect("messaging:event", school_id=ctx.school.pk, pk=saved.pk)
    elif found is not None:
        local = found.starts_at.astimezone(ctx.school.tz)
        form = EventForm(
            classes=classes,
            staff=staff,
            initial={
                "title": found.title,
                "description": found.description,
                "day": local.date(),
                "starts": local.time(),
                "ends": found.ends_at.astimezone(ctx.school.tz).time() if found.ends_at else None,
                "place": found.place,
                "responsible": found.responsible_id,
                **_audience_initial(found),
            },
        )
    else:
        led = [c.pk for c in ctx.led_classes] if not board_service.may_pin(ctx) else []
        form = EventForm(
            classes=classes,
            staff=staff,
            initial={
                "day": school_today(ctx.school),
                "starts": time(15, 0),
                "responsible": ctx.user.pk,
                "class_ids": led,
            },
        )
    return render(request, "messaging/event_edit.html", {"form": form, "event": found})


@_poster_view
@require_POST
def event_delete(request, pk: int):
    ctx = request.school_ctx
    found = board_service.event_for(ctx, pk, edit=True)
    board_service.event_delete(ctx=ctx, event=found)
    messages.success(request, _("Мероприятие удалено."))
    return redirect("messaging:events", school_id=ctx.school.pk)
