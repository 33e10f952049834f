"""Reads of repair requests: the queue, one person's requests, a month's list, the open ones."""

from datetime import date, datetime, time

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from apps.facilities.models import RepairRequest

LANDING_OPEN = 5  # the caretaker's landing page shows the most pressing few; the queue has all

_URGENCY_RANK = Case(
    When(urgency=RepairRequest.Urgency.URGENT, then=Value(0)),
    When(urgency=RepairRequest.Urgency.NORMAL, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
_STATUS_RANK = Case(
    When(status=RepairRequest.Status.NEW, then=Value(0)),
    When(status=RepairRequest.Status.IN_WORK, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def repair_queue(*, school, status: str = "", query: str = "") -> QuerySet[RepairRequest]:
    """The technical staff's queue: open requests first, the urgent on top, then the oldest
    (first come, first served); closed ones after, the latest first."""
    qs = RepairRequest.objects.filter(school=school).for_list()
    if status == "open":
        qs = qs.open()
    elif status in RepairRequest.Status.values:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(room__icontains=query) | Q(problem__icontains=query))
    return qs.annotate(status_rank=_STATUS_RANK, urgency_rank=_URGENCY_RANK).order_by(
        "status_rank", "urgency_rank", "created_at", "pk"
    )


def repairs_of(*, school, author) -> QuerySet[RepairRequest]:
    return RepairRequest.objects.filter(school=school, author=author).for_list()


def repairs_open_for_landing(*, school) -> tuple[list[RepairRequest], int]:
    """The few most pressing open requests and how many are open in all (two queries)."""
    open_ = repair_queue(school=school, status="open")
    return list(open_[:LANDING_OPEN]), open_.count()


def repairs_of_month(*, school, month: date) -> QuerySet[RepairRequest]:
    """Requests filed in the month (school time), in the order they came."""
    start = datetime.combine(month, time.min, tzinfo=school.tz)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    end = datetime.combine(following, time.min, tzinfo=school.tz)
    return (
        RepairRequest.objects.filter(school=school, created_at__gte=start, created_at__lt=end)
        .for_list()
        .order_by("created_at", "pk")
    )
