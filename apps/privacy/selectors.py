"""The director's view of the access log: the bulk reads of a month."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncHour

from apps.accounts.models import User
from apps.privacy.models import AccessRecord

ROWS_SHOWN = 300


@dataclass
class BusyHour:
    user: User
    hour: datetime
    reads: int
    people: int


@dataclass
class MonthReads:
    busy_hours: list[BusyHour]  # hours in which a person read more people than the threshold
    bulk: list[AccessRecord]  # single reads of more than one person (exports, lists, PDFs)
    by_reader: list[dict]  # every reader of the month: reads and people
    threshold: int


def month_reads(*, school, month_start: date, next_month: date, tz) -> MonthReads:
    """Four queries whatever the month holds; each list is capped at ROWS_SHOWN rows."""
    records = AccessRecord.objects.filter(
        school=school, at__date__gte=month_start, at__date__lt=next_month
    )
    threshold = settings.PERSONAL_DATA_READS_PER_HOUR
    hours = list(
        records.annotate(hour=TruncHour("at", tzinfo=tz))
        .values("user_id", "hour")
        .annotate(reads=Count("pk"), people=Sum("people"))
        .filter(people__gt=threshold)
        .order_by("-hour")[:ROWS_SHOWN]
    )
    readers = list(
        records.values("user_id")
        .annotate(reads=Count("pk"), people=Sum("people"))
        .order_by("-people")[:ROWS_SHOWN]
    )
    bulk = list(records.filter(people__gt=1).select_related("user")[:ROWS_SHOWN])
    users = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={h["user_id"] for h in hours} | {r["user_id"] for r in readers}
        )
    }
    return MonthReads(
        busy_hours=[
            BusyHour(users[h["user_id"]], h["hour"], h["reads"], h["people"]) for h in hours
        ],
        bulk=bulk,
        by_reader=[{**r, "user": users[r["user_id"]]} for r in readers],
        threshold=threshold,
    )
