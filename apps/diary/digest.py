"""The parent's daily e-mail digest: new and corrected marks, absences, homework set.

A beat task (`digest_dispatch`, every quarter of an hour) finds the subscriptions whose hour
has come in their school's time zone and that have not had today's digest, and queues one
send task per subscription after commit. The send task locks the subscription, sends at
most one digest per school day (a retried or duplicated task sends nothing more), and
records what period the digest covered, so the next one starts where this one ended.
"""

from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.attendance.models import AttendanceMark
from apps.diary.models import DigestSubscription
from apps.diary.services import unsubscribe_token
from apps.gradebook.models import Mark
from apps.homework.models import Homework
from apps.school import clock
from apps.students.selectors import children_of


def due_subscriptions(*, now: datetime) -> list[int]:
    """Subscriptions on whose school-local day the chosen hour has come and no digest went yet."""
    due = []
    for sub in DigestSubscription.objects.filter(enabled=True).select_related("school"):
        local = timezone.localtime(now, sub.school.tz)
        if local.hour >= sub.hour and (sub.last_sent_on is None or sub.last_sent_on < local.date()):
            due.append(sub.pk)
    return due


def digest_dispatch(*, now: datetime | None = None) -> int:
    """Queue a send task for every due subscription, after the surrounding commit."""
    from apps.diary.tasks import send_digest

    now = now or clock.now()
    ids = due_subscriptions(now=now)
    for pk in ids:
        transaction.on_commit(lambda pk=pk: send_digest.delay(pk))
    return len(ids)


def digest_content(*, sub: DigestSubscription, since: datetime, until: datetime) -> dict:
    """What happened to the parent's children in the school between two moments."""
    children = list(
        children_of(user=sub.user_id, school=sub.school_id).order_by("last_name", "first_name")
    )
    mark_events = (
        apps.get_model("gradebook", "MarkEvent")
        .objects.filter(pgh_created_at__gt=since, pgh_created_at__lte=until, pgh_label="update")
        .values("pgh_obj_id")
    )
    marks = (
        Mark.objects.filter(student__in=children)
        .filter(Q(entered_at__gt=since, entered_at__lte=until) | Q(pk__in=mark_events))
        .select_related("lesson__assignment__subject", "work_type")
        .order_by("student_id", "lesson__date", "lesson__lesson_number")
    )
    absences = (
        AttendanceMark.objects.filter(
            student__in=children, entered_at__gt=since, entered_at__lte=until
        )
        .select_related("lesson__assignment__subject")
        .order_by("student_id", "lesson__date", "lesson__lesson_number")
    )
    homework = (
        Homework.objects.filter(
            set_at__gt=since,
            set_at__lte=until,
            lesson__assignment__school_class__enrollments__student__in=children,
            lesson__assignment__school_class__enrollments__ends_on__isnull=True,
        )
        .select_related(
            "lesson__assignment__subject",
            "lesson__assignment__school_class",
            "lesson__assignment__subgroup",
        )
        .prefetch_related("lesson__assignment__subgroup__members")
        .distinct()
        .order_by("due_date", "lesson__date")
    )
    per_child = {
        c.pk: {"student": c, "marks": [], "absences": [], "homework": []} for c in children
    }
    for m in marks:
        per_child[m.student_id]["marks"].append(m)
    for a in absences:
        per_child[a.student_id]["absences"].append(a)
    enrolled_in = {
        c.pk: set(
            c.enrollments.filter(ends_on__isnull=True).values_list("school_class_id", flat=True)
        )
        for c in children
    }
    for hw in homework:
        assignment = hw.lesson.assignment
        for c in children:
            if assignment.school_class_id not in enrolled_in[c.pk]:
                continue
            if assignment.subgroup_id and c not in assignment.subgroup.members.all():
                continue
            per_child[c.pk]["homework"].append(hw)
    sections = [s for s in per_child.values() if s["marks"] or s["absences"] or s["homework"]]
    return {"children": sections}


def send_digest(*, subscription_id: int, now: datetime | None = None) -> bool:
    """Send one subscription's digest for its school day, at most once (idempotent on retry).

    The row stays locked while sending and is marked in the same transaction: a worker that
    dies before commit leaves it unsent (the retry sends), never sent twice. An empty day
    sends nothing but still counts as done.
    """
    now = now or clock.now()
    with transaction.atomic():
        sub = (
            DigestSubscription.objects.select_for_update()
            .select_related("school", "user")
            .filter(pk=subscription_id)
            .first()
        )
        if sub is None or not sub.enabled:
            return False
        today = timezone.localtime(now, sub.school.tz).date()
        if sub.last_sent_on is not None and sub.last_sent_on >= today:
            return False
        since = sub.covered_until or now - timedelta(days=1)
        content = digest_content(sub=sub, since=since, until=now)
        sent = False
        if content["children"]:
            base = settings.SITE_URL.rstrip("/")
            unsubscribe = base + reverse("diary:unsubscribe", args=[unsubscribe_token(sub)])
            context = {
                **content,
                "school": sub.school,
                "day": today,
                "unsubscribe": unsubscribe,
                "base": base,
                "sub": sub,
            }
            message = EmailMultiAlternatives(
                subject=_("Дневник: сводка за %(day)s — %(school)s")
                % {"day": today.strftime("%d.%m.%Y"), "school": sub.school.short_name},
                body=render_to_string("diary/email/digest.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[sub.email],
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            message.attach_alternative(
                render_to_string("diary/email/digest.html", context), "text/html"
            )
            message.send()
            sent = True
        sub.last_sent_on, sub.covered_until = today, now
        sub.save(update_fields=["last_sent_on", "covered_until"])
        return sent
