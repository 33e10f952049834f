"""Writes of the e-diary: the reader's own settings and the class teacher's paper-report list.

The diary never writes the journal. Every function here is atomic and takes `acting_user`.
"""

import secrets
from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.diary.models import CalendarFeed, DigestSubscription, HomeworkDone, PaperReportRequest
from apps.homework.models import Homework
from apps.school import clock
from apps.students.models import Guardian, Student

UNSUBSCRIBE_SALT = "diary.digest.unsubscribe"
# A calendar address works one school year from its issue unless renewed.
FEED_LIFETIME = timedelta(days=365)


# --- the personal calendar feed ---------------------------------------------------------------


def _token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_issue(*, acting_user, student: Student) -> CalendarFeed:
    """Issue (or re-issue) the secret address of a student's calendar for this user.

    Re-issuing replaces the token: a calendar subscribed with the old address stops
    receiving anything, which is how a leaked address is made useless.
    """
    expires = clock.now() + FEED_LIFETIME
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
        user=acting_user,
        student=student,
        defaults={"school_id": student.school_id, "token": _token(), "expires_at": expires},
    )
    if not _created:
        feed.token, feed.expires_at = _token(), expires
        feed.save(update_fields=["token", "expires_at"])
    return feed


@transaction.atomic
def calendar_feed_renew(*, acting_user, student: Student) -> CalendarFeed | None:
    """Keep the same address for another school year (a phone's subscription goes on)."""
    feed = (
        CalendarFeed.objects.select_for_update().filter(user=acting_user, student=student).first()
    )
    if feed is not None:
        feed.expires_at = clock.now() + FEED_LIFETIME
        feed.save(update_fields=["expires_at"])
    return feed


def calendar_feeds_of_link_revoke(*, guardianship) -> int:
    """The link between a parent and a child ended: the parent's feeds of that child stop."""
    user_id = guardianship.guardian.user_id
    if user_id is None:
        return 0
    deleted, _details = CalendarFeed.objects.filter(
        user_id=user_id, student_id=guardianship.student_id
    ).delete()
    return deleted


@transaction.atomic
def calendar_feed_revoke(*, acting_user, student: Student) -> None:
    """Turn the calendar address off: it answers «not found» from now on."""
    CalendarFeed.objects.filter(user=acting_user, student=student).delete()


# --- the daily digest ----------------------------------------------------------------------------


@transaction.atomic
def digest_save(*, acting_user, school, enabled: bool, hour: int, email: str) -> DigestSubscription:
    """A parent's choice of the daily digest: on or off, the hour (school time) and the address.

    Off by default: nothing is sent until the parent turns it on.
    """
    if not 0 <= hour <= 23:
        raise ValidationError({"hour": _("Час — от 0 до 23.")})
    if enabled and not email:
        raise ValidationError({"email": _("Укажите адрес, на который присылать сводку.")})
    sub, _created = DigestSubscription.objects.select_for_update().get_or_create(
        school=school,
        user=acting_user,
        defaults={"email": email, "hour": hour, "enabled": enabled},
    )
    if not _created:
        sub.email, sub.hour, sub.enabled = email, hour, enabled
        sub.full_clean()
        sub.save(update_fields=["email", "hour", "enabled"])
    return sub


def unsubscribe_token(subscription: DigestSubscription) -> str:
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)


def digest_unsubscribe(*, token: str) -> DigestSubscription | None:
    """Turn a digest off from the signed link in its e-mail (no login needed). None: bad link."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    with transaction.atomic():
        sub = DigestSubscription.objects.select_for_update().filter(pk=pk).first()
        if sub is not None and sub.enabled:
            sub.enabled = False
            sub.save(update_fields=["enabled"])
        return sub


# --- homework ticked done ---------------------------------------------------------------------------


@transaction.atomic
def homework_done_set(*, acting_user, student: Student, homework: Homework, done: bool) -> None:
    """The student or a parent ticks a homework done (or not): done homework is never «overdue»."""
    if homework.school_id != student.school_id:
        raise ValidationError(_("Задание другой школы."))
    if done:
        HomeworkDone.objects.get_or_create(
            student=student,
            homework=homework,
            defaults={"school_id": student.school_id, "marked_by": acting_user},
        )
    else:
        HomeworkDone.objects.filter(student=student, homework=homework).delete()


# --- parents who read a printout instead ------------------------------------------------------------


@transaction.atomic
def paper_report_set(
    *, acting_user, school_class, guardian: Guardian, wanted: bool, declared_on: date | None = None
) -> None:
    """The class teacher records that a parent declared they cannot use the e-diary (or no longer).

    Such parents get a printed weekly report (seed 003, appendix 3 item 3). Only the class
    teacher of a class of the student may record it.
    """
    if school_class.class_teacher_id != acting_user.pk:
        raise PermissionDenied(_("Это может сделать только классный руководитель."))
    if not guardian.guardianships.filter(student__enrollments__school_class=school_class).exists():
        raise ValidationError(_("Этот родитель не связан с обучающимися класса."))
    if wanted:
        PaperReportRequest.objects.get_or_create(
            guardian=guardian,
            defaults={
                "school_id": guardian.school_id,
                "declared_on": declared_on or clock.school_today(school_class.school),
                "recorded_by": acting_user,
            },
        )
    else:
        PaperReportRequest.objects.filter(guardian=guardian).delete()
