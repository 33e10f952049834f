"""The new academic year, step by step, for the deputy (seed 000 items 3, 5, 6, 10).

1. next year's classes from this year's (grade + 1, same letter; new first grades),
   with capacity, vacancies and class teachers;
2. the bulk transfer order (conditional for students with academic debt) and the
   graduation order of grades 9 and 11 — drafted here, signed by the director;
3. opening the new year: from then on the old year is read-only everywhere.

Every step can be previewed (the `*_plan` functions write nothing) and repeated: it
creates only what is missing and never a second order.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.classes.models import SchoolClass
from apps.orders import services
from apps.orders.models import Order, OrderKind
from apps.school.models import AcademicYear
from apps.school.services import academic_year_open, ensure_year_writable
from apps.students.models import Enrollment
from apps.students.selectors import roster_day

LAST_GRADE = 11


def next_year_of(year: AcademicYear) -> AcademicYear | None:
    return (
        AcademicYear.objects.filter(school_id=year.school_id, starts_on__gt=year.starts_on)
        .order_by("starts_on")
        .first()
    )


def suggested_next_year(year: AcademicYear) -> dict:
    """2026/2027 → 2027/2028, the same days one year later."""
    start, end = year.starts_on.year + 1, year.ends_on.year + 1
    return {
        "name": f"{start}/{end}",
        "starts_on": date(start, year.starts_on.month, year.starts_on.day),
        "ends_on": date(
            end, year.ends_on.month, min(year.ends_on.day, 30 if year.ends_on.month != 2 else 28)
        ),
    }


@transaction.atomic
def next_year_ensure(
    *, acting_user, year: AcademicYear, name: str, starts_on: date, ends_on: date
) -> AcademicYear:
    """Create next year (planned, not open) unless it exists."""
    existing = next_year_of(year)
    if existing is not None:
        return existing
    if starts_on <= year.ends_on:
        raise ValidationError(
            {"starts_on": _("Новый учебный год начинается после окончания текущего.")}
        )
    new = AcademicYear(
        school_id=year.school_id,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        status=AcademicYear.Status.PLANNED,
        half_year_grades=list(year.half_year_grades),
    )
    new.full_clean()
    with pghistory.context(user=acting_user.pk):
        new.save()
    return new


@dataclass
class PlannedClass:
    grade: int
    letter: str
    capacity: int
    class_teacher: object
    source: SchoolClass | None
    existing: SchoolClass | None
    moving_in: int = 0

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def vacancies(self) -> int:
        return max(self.capacity - self.moving_in, 0)


def classes_plan(year: AcademicYear, next_year: AcademicYear) -> list[PlannedClass]:
    """Next year's classes: each class of grades 1–10 one grade up, plus new first grades."""
    day = roster_day(year)
    current = list(
        SchoolClass.objects.filter(year=year)
        .select_related("class_teacher", "shift")
        .with_roster_size(day)
        .order_by("grade", "letter")
    )
    existing = {
        (c.grade, c.letter): c
        for c in SchoolClass.objects.filter(year=next_year).select_related("class_teacher")
    }
    plan: dict[tuple[int, str], PlannedClass] = {}
    for c in current:
        if c.grade < LAST_GRADE and c.grade != 9:
            key = (c.grade + 1, c.letter)
            plan[key] = PlannedClass(
                grade=key[0],
                letter=c.letter,
                capacity=c.capacity,
                class_teacher=c.class_teacher,
                source=c,
                existing=existing.get(key),
                moving_in=c.roster_size,
            )
        if c.grade in (1, 10):  # new first and tenth grades keep this year's letters
            key = (c.grade, c.letter)
            plan.setdefault(
                key,
                PlannedClass(
                    grade=c.grade,
                    letter=c.letter,
                    capacity=c.capacity,
                    class_teacher=None,
                    source=None,
                    existing=existing.get(key),
                ),
            )
    for key, cls in existing.items():
        plan.setdefault(
            key,
            PlannedClass(
                grade=cls.grade,
                letter=cls.letter,
                capacity=cls.capacity,
                class_teacher=cls.class_teacher,
                source=None,
                existing=cls,
            ),
        )
    return [plan[k] for k in sorted(plan)]


@transaction.atomic
def next_year_classes_create(
    *, acting_user, year: AcademicYear, next_year: AcademicYear
) -> list[SchoolClass]:
    """Create next year's classes that are missing; the ones already there are left as they are."""
    ensure_year_writable(next_year)
    created = []
    same = {(c.grade, c.letter): c for c in SchoolClass.objects.filter(year=year)}
    with pghistory.context(user=acting_user.pk):
        for planned in classes_plan(year, next_year):
            if planned.existing is not None:
                continue
            source = planned.source or same.get((planned.grade, planned.letter))
            cls = SchoolClass(
                school_id=year.school_id,
                year=next_year,
                grade=planned.grade,
                letter=planned.letter,
                capacity=planned.capacity,
                class_teacher=planned.class_teacher,
                shift=source.shift if source else None,
                programme=source.programme if source else "",
            )
            cls.full_clean()
            cls.save()
            created.append(cls)
    return created


@dataclass
class Line:
    student: object
    from_class: SchoolClass
    to_class: SchoolClass | None = None
    conditional: bool = False


def _enrolled(year: AcademicYear, grades) -> list[Enrollment]:
    day = roster_day(year)
    return list(
        Enrollment.objects.filter(school_class__year=year, school_class__grade__in=grades)
        .active_on(day)
        .select_related("student", "school_class")
        .order_by(
            "school_class__grade",
            "school_class__letter",
            "student__last_name",
            "student__first_name",
        )
    )


def students_with_debt(year: AcademicYear) -> set[int]:
    """Students whose year mark in some subject is «2» or «не аттестован» (academic debt)."""
    from apps.gradebook.models import PeriodMark

    return set(
        PeriodMark.objects.filter(
            assignment__year=year, kind=PeriodMark.Kind.YEAR, value__in=["2", "1", "н/а"]
        ).values_list("student_id", flat=True)
    )


def transfer_plan(year: AcademicYear, next_year: AcademicYear) -> list[Line]:
    """Who moves to which class: grades 1–8 and 10, one grade up, same letter."""
    targets = {(c.grade, c.letter): c for c in SchoolClass.objects.filter(year=next_year)}
    debt = students_with_debt(year)
    grades = [g for g in range(1, LAST_GRADE) if g != 9]
    return [
        Line(
            student=e.student,
            from_class=e.school_class,
            to_class=targets.get((e.school_class.grade + 1, e.school_class.letter)),
            conditional=e.student_id in debt,
        )
        for e in _enrolled(year, grades)
    ]


def graduation_plan(year: AcademicYear) -> list[Line]:
    return [Line(student=e.student, from_class=e.school_class) for e in _enrolled(year, [9, 11])]


def _rollover_order(year: AcademicYear, kind: str) -> Order | None:
    return (
        Order.objects.filter(year=year, kind=kind)
        .exclude(status=Order.Status.CANCELLED)
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def year_transfer_order_ensure(
    *, acting_user, year: AcademicYear, next_year: AcademicYear
) -> Order:
    """The bulk transfer order (seed 000 item 5): drafted once, completed with students
    added since; a signed one is returned as it is."""
    missing = [line for line in transfer_plan(year, next_year) if line.to_class is None]
    if missing:
        raise ValidationError(
            _("Сначала создайте классы следующего года: нет класса для %(cls)s.")
            % {
                "cls": ", ".join(
                    sorted({f"{m.from_class.grade + 1}{m.from_class.letter}" for m in missing})
                )
            }
        )
    order = _rollover_order(year, OrderKind.YEAR_TRANSFER)
    if order is None:
        order = services.order_draft(
            acting_user=acting_user,
            school=year.school,
            year=year,
            kind=OrderKind.YEAR_TRANSFER,
            order_date=roster_day(year),
            effective_on=next_year.starts_on,
            basis=_("решение педагогического совета"),
        )
    if order.is_draft:
        services.order_items_bulk_add(
            acting_user=acting_user,
            order=order,
            lines=[
                {
                    "student": line.student,
                    "from_class": line.from_class,
                    "to_class": line.to_class,
                    "conditional": line.conditional,
                    "reason": _("условно, с академической задолженностью")
                    if line.conditional
                    else "",
                }
                for line in transfer_plan(year, next_year)
            ],
        )
    return order


@transaction.atomic
def graduation_order_ensure(*, acting_user, year: AcademicYear) -> Order:
    """The graduation order of grades 9 and 11 (seed 000 item 6), once."""
    order = _rollover_order(year, OrderKind.GRADUATION)
    if order is None:
        last_day = roster_day(year)
        order = services.order_draft(
            acting_user=acting_user,
            school=year.school,
            year=year,
            kind=OrderKind.GRADUATION,
            order_date=last_day,
            effective_on=max(last_day, year.ends_on) + timedelta(days=1),
            basis=_(
                "решение педагогического совета, результаты государственной итоговой аттестации"
            ),
        )
    if order.is_draft:
        services.order_items_bulk_add(
            acting_user=acting_user,
            order=order,
            lines=[
                {"student": line.student, "from_class": line.from_class}
                for line in graduation_plan(year)
            ],
        )
    return order


@dataclass
class RolloverState:
    year: AcademicYear
    next_year: AcademicYear | None
    classes: list[PlannedClass] = field(default_factory=list)
    transfer: list[Line] = field(default_factory=list)
    graduates: list[Line] = field(default_factory=list)
    transfer_order: Order | None = None
    graduation_order: Order | None = None

    @property
    def classes_done(self) -> bool:
        return bool(self.classes) and all(c.existing for c in self.classes)

    @property
    def blockers(self) -> list[str]:
        """Why the new year cannot be opened yet."""
        out = []
        if self.next_year is None:
            return [_("Нет следующего учебного года.")]
        if not self.classes_done:
            out.append(_("Не все классы следующего года созданы."))
        for order, people, what in (
            (self.transfer_order, self.transfer, _("о переводе")),
            (self.graduation_order, self.graduates, _("о выпуске")),
        ):
            if people and (order is None or order.status != Order.Status.SIGNED):
                out.append(_("Приказ %(what)s не подписан.") % {"what": what})
        return out


def rollover_state(year: AcademicYear) -> RolloverState:
    next_year = next_year_of(year)
    state = RolloverState(year=year, next_year=next_year)
    if next_year is None:
        return state
    state.classes = classes_plan(year, next_year)
    state.transfer_order = _rollover_order(year, OrderKind.YEAR_TRANSFER)
    state.graduation_order = _rollover_order(year, OrderKind.GRADUATION)
    signed = {Order.Status.SIGNED}
    if state.transfer_order is None or state.transfer_order.status not in signed:
        state.transfer = transfer_plan(year, next_year)
    if state.graduation_order is None or state.graduation_order.status not in signed:
        state.graduates = graduation_plan(year)
    return state


@transaction.atomic
def rollover_open(*, acting_user, year: AcademicYear) -> AcademicYear:
    """Open next year once its classes exist and the orders are signed (seed 000 item 10)."""
    state = rollover_state(year)
    if state.blockers:
        raise ValidationError(state.blockers)
    return academic_year_open(acting_user=acting_user, year=state.next_year)
