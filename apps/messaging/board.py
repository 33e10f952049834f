"""The announcement board and the events: audiences, who posts where, the reads of each page.

Who may post to which audience is the board table of apps/accounts/mail_policy.py; this
module checks a chosen audience against it and keeps the rows.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.mail_policy import Poster
from apps.accounts.policy import FAMILY_ROLES, STAFF_ROLES, Role
from apps.classes.models import SchoolClass
from apps.messaging.models import Announcement, AnnouncementAttachment, Event
from apps.messaging.recipients import audience_profile, board_reach
from apps.school.clock import school_today

# The reader groups an audience is made of (the roles they stand for).
READER_GROUPS: dict[str, tuple[str, frozenset[str]]] = {
    "staff": (gettext_lazy("сотрудникам"), frozenset(STAFF_ROLES)),
    "parent": (gettext_lazy("родителям"), frozenset({Role.PARENT})),
    "student": (gettext_lazy("ученикам"), frozenset({Role.STUDENT})),
}


@dataclass
class AudienceChoice:
    readers: list[str]  # keys of READER_GROUPS; empty: everyone
    grades: list[int]
    class_ids: list[int]


def _label(choice: AudienceChoice, classes: dict[int, SchoolClass]) -> str:
    if choice.class_ids:
        where = ", ".join(
            sorted((classes[c].name for c in choice.class_ids), key=lambda n: (len(n), n))
        )
    elif choice.grades:
        where = _("%(g)s классы") % {"g": ", ".join(map(str, sorted(choice.grades)))}
    else:
        where = _("вся школа")
    if choice.readers and set(choice.readers) != set(READER_GROUPS):
        who = ", ".join(str(READER_GROUPS[r][0]) for r in choice.readers)
        return f"{where} ({who})"
    return where


def check_audience(*, ctx, choice: AudienceChoice) -> tuple[list[str], str]:
    """Refuse an audience the poster may not address; returns (roles, label)."""
    reach = board_reach(ctx)
    if not reach:
        raise ValidationError(_("Публиковать объявления и мероприятия вам нельзя."))
    classes = {}
    if choice.class_ids:
        year = ctx.open_year
        classes = {
            c.pk: c
            for c in SchoolClass.objects.filter(
                school=ctx.school, year=year, pk__in=choice.class_ids
            )
        }
        if len(classes) != len(set(choice.class_ids)):
            raise ValidationError(_("Выберите классы этого учебного года."))
    broad = reach & {Poster.ANY_AUDIENCE, Poster.SERVED_AUDIENCES}
    if not broad:
        led = {c.pk for c in ctx.led_classes}
        if not choice.class_ids or choice.grades or not set(choice.class_ids) <= led:
            raise ValidationError(
                _("Классный руководитель публикует только для своего класса: выберите его.")
            )
    unknown = set(choice.readers) - set(READER_GROUPS)
    if unknown:
        raise ValidationError(_("Непонятная аудитория."))
    roles: set[str] = set()
    for key in choice.readers:
        roles |= READER_GROUPS[key][1]
    if roles == set(STAFF_ROLES) | set(FAMILY_ROLES):
        roles = set()
    return sorted(roles), _label(choice, classes)


def may_pin(ctx) -> bool:
    return Poster.ANY_AUDIENCE in board_reach(ctx)


def _may_edit(ctx, row) -> bool:
    author_id = getattr(row, "author_id", None) or getattr(row, "created_by_id", None)
    return author_id == ctx.user.pk or Poster.ANY_AUDIENCE in board_reach(ctx)


# --- announcements ----------------------------------------------------------------------------


@transaction.atomic
def announcement_save(
    *,
    ctx,
    announcement: Announcement | None,
    title: str,
    body: str,
    choice: AudienceChoice,
    publish_on: date,
    ends_on: date | None,
    pinned: bool,
    files=(),
    version: int | None = None,
) -> Announcement:
    from apps.messaging.mail import check_attachments

    roles, label = check_audience(ctx=ctx, choice=choice)
    if ends_on is not None and ends_on < publish_on:
        raise ValidationError(_("Дата окончания раньше даты публикации."))
    check_attachments(files)
    values = {
        "title": title.strip(),
        "body": body,
        "roles": roles,
        "grades": sorted(set(choice.grades)) if not choice.class_ids else [],
        "class_ids": sorted(set(choice.class_ids)),
        "audience_label": label,
        "publish_on": publish_on,
        "ends_on": ends_on,
        "pinned": pinned and may_pin(ctx),
    }
    if announcement is None:
        announcement = Announcement.objects.create(school=ctx.school, author=ctx.user, **values)
    else:
        if not _may_edit(ctx, announcement):
            raise Http404
        updated = Announcement.objects.filter(pk=announcement.pk, version=version).update(
            version=F("version") + 1, **values
        )
        if not updated:
            raise ValidationError(
                _("Объявление изменил кто-то другой, пока вы его правили. Откройте его заново.")
            )
        announcement.refresh_from_db()
    for upload in files:
        attachment = AnnouncementAttachment(
            school=ctx.school, announcement=announcement, name=upload.name[:200], size=upload.size
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
    return announcement


@transaction.atomic
def announcement_delete(*, ctx, announcement: Announcement) -> None:
    if not _may_edit(ctx, announcement):
        raise Http404
    announcement.delete()


def board_for(ctx, *, on: date | None = None) -> QuerySet[Announcement]:
    """The announcements this person sees today, pinned first, newest next (one query)."""
    on = on or school_today(ctx.school)
    return (
        Announcement.objects.filter(school=ctx.school, publish_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .visible_to(audience_profile(ctx))
        .select_related("author")
        .order_by("-pinned", "-publish_on", "-created_at", "-pk")
    )


def own_announcements(ctx) -> QuerySet[Announcement]:
    """What this person posted, scheduled and ended ones too."""
    return Announcement.objects.filter(school=ctx.school, author=ctx.user).order_by(
        "-publish_on", "-pk"
    )


def announcement_for(ctx, pk: int, *, edit: bool = False) -> Announcement:
    """An announcement this person may read (or edit); 404 for any other."""
    qs = Announcement.objects.filter(school=ctx.school, pk=pk)
    if edit:
        found = qs.first()
        if found is None or not _may_edit(ctx, found):
            raise Http404
        return found
    found = qs.filter(Q(author=ctx.user) | Q(pk__in=board_for(ctx).values("pk"))).first()
    if found is None:
        raise Http404
    return found


def board_attachment_for(ctx, pk: int) -> AnnouncementAttachment:
    found = (
        AnnouncementAttachment.objects.filter(school=ctx.school, pk=pk)
        .filter(Q(announcement__author=ctx.user) | Q(announcement__in=board_for(ctx).values("pk")))
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- events -----------------------------------------------------------------------------------


@transaction.atomic
def event_save(
    *,
    ctx,
    event: Event | None,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime | None,
    place: str,
    responsible,
    choice: AudienceChoice,
    version: int | None = None,
) -> Event:
    """An event of a class or of the school; its moments are in the school's time zone."""
    roles, label = check_audience(ctx=ctx, choice=choice)
    if ends_at is not None and ends_at < starts_at:
        raise ValidationError(_("Окончание раньше начала."))
    values = {
        "title": title.strip(),
        "description": description,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place.strip(),
        "responsible": responsible,
        "roles": roles,
        "grades": sorted(set(choice.grades)) if not choice.class_ids else [],
        "class_ids": sorted(set(choice.class_ids)),
        "audience_label": label,
    }
    if event is None:
        return Event.objects.create(school=ctx.school, created_by=ctx.user, **values)
    if not _may_edit(ctx, event):
        raise Http404
    updated = Event.objects.filter(pk=event.pk, version=version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise ValidationError(
            _("Мероприятие изменил кто-то другой, пока вы его правили. Откройте его заново.")
        )
    event.refresh_from_db()
    return event


@transaction.atomic
def event_delete(*, ctx, event: Event) -> None:
    if not _may_edit(ctx, event):
        raise Http404
    event.delete()


def events_between(ctx, first: datetime, last: datetime) -> QuerySet[Event]:
    """Events this person sees that start in [first, last) (one query)."""
    return (
        Event.objects.filter(school=ctx.school, starts_at__gte=first, starts_at__lt=last)
        .visible_to(audience_profile(ctx))
        .select_related("responsible")
        .order_by("starts_at", "pk")
    )


def event_for(ctx, pk: int, *, edit: bool = False) -> Event:
    qs = Event.objects.filter(school=ctx.school, pk=pk)
    if edit:
        found = qs.first()
        if found is None or not _may_edit(ctx, found):
            raise Http404
        return found
    found = (
        qs.filter(
            Q(created_by=ctx.user)
            | Q(pk__in=Event.objects.visible_to(audience_profile(ctx)).values("pk"))
        )
        .select_related("responsible")
        .first()
    )
    if found is None:
        raise Http404
    return found


def student_events(*, student, class_ids, grades, reader_roles, first: datetime, last: datetime):
    """Events of a student's classes, grades and school for a reader of their diary (one query)."""
    scope = (
        Q(grades=[], class_ids=[])
        | Q(grades__overlap=sorted(grades))
        | Q(class_ids__overlap=sorted(class_ids))
    )
    roles = Q(roles=[]) | Q(roles__overlap=sorted(reader_roles))
    return (
        Event.objects.filter(school_id=student.school_id, starts_at__gte=first, starts_at__lt=last)
        .filter(scope & roles)
        .order_by("starts_at", "pk")
    )


def month_frame(day: date) -> tuple[date, date, list[list[date]]]:
    """The weeks (Monday first) covering the month of `day`."""
    first = day.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    start = first - timedelta(days=first.weekday())
    weeks, current = [], start
    while current < next_month:
        weeks.append([current + timedelta(days=i) for i in range(7)])
        current += timedelta(days=7)
    return first, next_month, weeks
