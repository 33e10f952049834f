"""Reads of orders: the register, one order with its lines, the movement report."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext

from apps.classes.models import SchoolClass
from apps.orders.models import Order, OrderItem, OrderKind
from apps.school.spans import active_on_q
from apps.students.models import Enrollment


def order_register(
    *,
    school,
    year=None,
    kind: str = "",
    status: str = "",
    query: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Order]:
    """The register of orders (реестр приказов) with its filters; counts lines in the same query."""
    qs = Order.objects.filter(school=school).select_related(
        "year", "signed_by", "drafted_by", "cancels"
    )
    if year is not None:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(order_date__gte=date_from)
    if date_to:
        qs = qs.filter(order_date__lte=date_to)
    for word in query.split():
        qs = qs.filter(
            Q(number__icontains=word)
            | Q(title__icontains=word)
            | Q(items__student__last_name__icontains=word)
        )
    if query:
        qs = qs.distinct()
    return qs.annotate(item_count=Count("items", distinct=True)).order_by(
        "-order_date", "-sequence", "-pk"
    )


def order_detail(*, school, order_id: int) -> Order:
    """One order of the school with its lines, students and classes (raises DoesNotExist)."""
    return (
        Order.objects.filter(school=school)
        .select_related("year", "school", "signed_by", "drafted_by", "cancels", "cancelled_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=OrderItem.objects.select_related(
                    "student", "from_class", "to_class"
                ).order_by("position", "pk"),
            )
        )
        .get(pk=order_id)
    )


# --- movement report (движение обучающихся за период) ------------------------------------

# The year transfer is not movement: the class history carries a class into the next
# year, and the school's arrivals and departures do not change by it.
_INTO_CLASS = (OrderKind.ENROLMENT, OrderKind.TRANSFER)
_OUT_OF_CLASS = (OrderKind.LEAVING, OrderKind.TRANSFER, OrderKind.GRADUATION)
MOVEMENT_KINDS = tuple(dict.fromkeys(_INTO_CLASS + _OUT_OF_CLASS))


@dataclass
class MovementLine:
    order: Order
    item: OrderItem
    direction: str  # "in" or "out"
    other: str  # where from / where to


@dataclass
class ClassMovement:
    school_class: SchoolClass
    at_start: int = 0
    at_end: int = 0
    came: list[MovementLine] = field(default_factory=list)
    left: list[MovementLine] = field(default_factory=list)


@dataclass
class MovementReport:
    date_from: date
    date_to: date
    classes: list[ClassMovement]

    @property
    def totals(self) -> dict:
        return {
            "at_start": sum(c.at_start for c in self.classes),
            "came": sum(len(c.came) for c in self.classes),
            "left": sum(len(c.left) for c in self.classes),
            "at_end": sum(c.at_end for c in self.classes),
        }


def movement_report(*, school, date_from: date, date_to: date) -> MovementReport:
    """Who came and who left each class between two dates, from where and to where.

    Lines come from signed orders in force (cancelled ones changed nothing); the class
    counts at the start and the end come from the class history. "At the start" is before
    the first day's movements, so for every class start + came − left = end whenever the
    class history changed only by orders. Four queries.
    """
    items = list(
        OrderItem.objects.filter(
            order__school=school,
            order__status=Order.Status.SIGNED,
            order__kind__in=MOVEMENT_KINDS,
            order__effective_on__range=(date_from, date_to),
        )
        .select_related("order", "student", "from_class", "to_class")
        .order_by("order__effective_on", "order__sequence", "position")
    )
    classes = {
        c.pk: ClassMovement(school_class=c)
        for c in SchoolClass.objects.filter(
            school=school, year__starts_on__lte=date_to, year__ends_on__gte=date_from
        )
        .select_related("year")
        .order_by("year__starts_on", "grade", "letter")
    }
    counts: dict[tuple[int, str], int] = defaultdict(int)
    start_q, end_q = active_on_q(date_from), active_on_q(date_to)
    for class_id, at_start, at_end in (
        Enrollment.objects.filter(school_class_id__in=list(classes))
        .values("school_class_id")
        .annotate(a=Count("pk", filter=start_q), b=Count("pk", filter=end_q))
        .values_list("school_class_id", "a", "b")
    ):
        counts[(class_id, "start")] = at_start
        counts[(class_id, "end")] = at_end
    for class_id, movement in classes.items():
        movement.at_start = counts[(class_id, "start")]
        movement.at_end = counts[(class_id, "end")]
    for item in items:
        kind = item.order.kind
        first_day = item.order.effective_on == date_from
        if item.to_class_id in classes and kind in _INTO_CLASS:
            other = item.origin if kind == OrderKind.ENROLMENT else _class_name(item.from_class)
            movement = classes[item.to_class_id]
            movement.came.append(MovementLine(item.order, item, "in", other))
            if first_day:  # in the class on the first day, not before it
                movement.at_start -= 1
        if item.from_class_id in classes and kind in _OUT_OF_CLASS:
            if kind == OrderKind.LEAVING:
                other = item.destination
            elif kind == OrderKind.GRADUATION:
                other = gettext("выпуск")
            else:
                other = _class_name(item.to_class)
            movement = classes[item.from_class_id]
            movement.left.append(MovementLine(item.order, item, "out", other))
            if first_day:  # gone on the first day, there before it
                movement.at_start += 1
    shown = [c for c in classes.values() if c.at_start or c.at_end or c.came or c.left]
    return MovementReport(date_from=date_from, date_to=date_to, classes=shown)


def _class_name(school_class) -> str:
    return school_class.name if school_class else ""


@dataclass
class LateDraft:
    order: Order
    due: date
    late: bool


def movement_drafts_due(*, school, today: date) -> list[LateDraft]:
    """Unsigned orders with the day their movement must be entered by (seed 000 item 19:
    3 working days after the movement; seed 000 item 5: enrolment into grades 1 and 10 by
    5 September). For reminders: the reports area calls this from its daily task."""
    from datetime import timedelta

    from apps.school.policy import (
        enrolment_order_deadline,
        movement_due_day,
        public_days_off,
        school_policy,
    )

    drafts = list(
        Order.objects.filter(school=school, status=Order.Status.DRAFT)
        .select_related("year", "drafted_by")
        .prefetch_related(Prefetch("items", queryset=OrderItem.objects.select_related("to_class")))
        .order_by("effective_on", "pk")
    )
    if not drafts:
        return []
    policy = school_policy(school)
    first = min(o.effective_on for o in drafts)
    days_off = public_days_off(school, first, max(today, first) + timedelta(days=60))
    out = []
    for order in drafts:
        due = movement_due_day(policy, order_date=order.effective_on, days_off=days_off)
        if order.kind == OrderKind.ENROLMENT and any(
            i.to_class and i.to_class.grade in (1, 10) for i in order.items.all()
        ):
            due = min(due, enrolment_order_deadline(policy, year_starts_on=order.year.starts_on))
        out.append(LateDraft(order=order, due=due, late=today > due))
    return out
