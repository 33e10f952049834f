"""The log of reads of personal data and the alert on bulk reads.

The write is one statement (the insert and the reader's total of the last hour together):
it sits on pages opened all day. Only when a reader's last hour crosses the threshold
(PERSONAL_DATA_READS_PER_HOUR people) are the director and the administrator told — a
reminder in the app, not a block, once per reader and hour.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Role
from apps.messaging.services import notify
from apps.privacy.models import AccessRecord
from apps.school import clock

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Access:
    """What a download or a page read: its kind, a description and how many people."""

    kind: str
    what: str
    people: int = 1


def access_record(*, school, user, access: Access) -> int:
    """Log one read; returns the people this user read in the last hour, this one included."""
    now = clock.now()
    table = AccessRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH new AS (
                INSERT INTO {table} (school_id, user_id, at, kind, what, people)
                VALUES (%s, %s, %s, %s, %s, %s) RETURNING people
            )
            SELECT (SELECT people FROM new) + COALESCE(
                (SELECT SUM(people) FROM {table} WHERE user_id = %s AND at > %s), 0)
            """,
            [
                school.pk,
                user.pk,
                now,
                access.kind,
                access.what[:300],
                max(access.people, 0),
                user.pk,
                now - WINDOW,
            ],
        )
        total = cursor.fetchone()[0]
    threshold = settings.PERSONAL_DATA_READS_PER_HOUR
    if total > threshold >= total - access.people:
        bulk_read_alert(school=school, reader=user, people=total, now=now)
    return total


def bulk_read_alert(*, school, reader, people: int, now) -> int:
    """Tell the director and the administrator (not the reader) once per reader and hour."""
    hour = clock.school_now(school).replace(minute=0, second=0, microsecond=0)
    recipients = (
        RoleGrant.objects.filter(school=school, role__in=[Role.DIRECTOR, Role.ADMIN])
        .exclude(user=reader)
        .select_related("user")
    )
    link = reverse("privacy:reads", kwargs={"school_id": school.pk})
    sent = 0
    for user in {grant.user for grant in recipients}:
        created = notify(
            school=school,
            user=user,
            title=_("Массовое обращение к персональным данным: %(name)s")
            % {"name": reader.full_name or reader.username},
            body=_(
                "За последний час %(name)s открыл(а) сведения о %(n)s обучающихся "
                "(порог — %(limit)s). Проверьте, нужно ли это для работы."
            )
            % {
                "name": reader.full_name or reader.username,
                "n": people,
                "limit": settings.PERSONAL_DATA_READS_PER_HOUR,
            },
            link=link,
            dedupe_key=f"bulk-read:{reader.pk}:{hour:%Y%m%d%H}",
        )
        sent += created is not None
    return sent
