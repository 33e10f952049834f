"""Writes of orders on movement: drafting, signing (numbering + applying), cancelling.

Rules (SPEC §5; seed 000 items 5–8, 19; seed 002 «Делопроизводитель»):
- the secretary drafts, the director signs;
- signing numbers the order in the school's year and applies every line to the class
  history in the same transaction: all lines or none;
- a signed order is never edited; a cancellation order, once signed, reverses its effect;
- a leaving line names the school the student goes to (seed 000 item 7).
"""

import logging
from dataclasses import dataclass
from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.classes.models import SchoolClass
from apps.orders.models import (
    KIND_TITLES,
    Order,
    OrderCounter,
    OrderItem,
    OrderKind,
    OrderSettings,
    SchoolDocument,
)
from apps.school import clock
from apps.school.models import AcademicYear, School
from apps.school.services import ensure_year_writable
from apps.school.uploads import RandomName
from apps.students.models import Student
from apps.students.movement import Move, MoveResult, Undo, moves_apply, moves_revert

logger = logging.getLogger(__name__)

# Which classes a line of each kind names.
NEEDS_TO_CLASS = {OrderKind.ENROLMENT, OrderKind.TRANSFER, OrderKind.YEAR_TRANSFER}
NEEDS_DESTINATION = {OrderKind.LEAVING}
GRADUATING_GRADES = (9, 11)


class OrderFrozenError(ValidationError):
    pass


def ensure_draft(order: Order) -> None:
    if order.status != Order.Status.DRAFT:
        raise OrderFrozenError(
            _(
                "Приказ %(order)s подписан и не может быть изменён. Чтобы отменить его действие, издайте приказ об отмене."
            )
            % {"order": order}
        )


def _d(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


# --- drafting ------------------------------------------------------------------------------


@transaction.atomic
def order_draft(
    *,
    acting_user,
    school: School,
    year: AcademicYear,
    kind: str,
    order_date: date,
    effective_on: date | None = None,
    title: str = "",
    basis: str = "",
) -> Order:
    """A new draft order of the given kind in a year of the school."""
    if year.school_id != school.pk:
        raise ValidationError(_("Учебный год другой школы."))
    if kind == OrderKind.CANCELLATION:
        raise ValidationError(_("Приказ об отмене создаётся со страницы отменяемого приказа."))
    ensure_year_writable(year)
    order = Order(
        school=school,
        year=year,
        kind=kind,
        order_date=order_date,
        effective_on=effective_on or order_date,
        title=title.strip() or str(KIND_TITLES[kind]),
        basis=basis.strip(),
        drafted_by=acting_user,
    )
    order.full_clean(exclude=["number"])
    with pghistory.context(user=acting_user.pk):
        order.save()
    return order


def _locked_draft(order: Order, expected_version: int | None = None) -> Order:
    stored = Order.objects.select_for_update().select_related("year").get(pk=order.pk)
    ensure_draft(stored)
    ensure_year_writable(stored.year)
    if expected_version is not None and stored.version != expected_version:
        raise ValidationError(_("Проект приказа изменил другой пользователь. Обновите страницу."))
    return stored


@transaction.atomic
def order_update(
    *, acting_user, order: Order, changes: dict, expected_version: int | None = None
) -> Order:
    """Change a draft's dates, title or basis. Signed orders are refused."""
    order = _locked_draft(order, expected_version)
    for name in ("title", "order_date", "effective_on", "basis"):
        if name in changes:
            setattr(order, name, changes[name])
    order.version += 1
    order.full_clean(exclude=["number"])
    with pghistory.context(user=acting_user.pk):
        order.save()
    return order


@transaction.atomic
def order_delete(*, acting_user, order: Order) -> None:
    """A draft may be thrown away; a signed order stays in the register for ever."""
    order = _locked_draft(order)
    with pghistory.context(user=acting_user.pk):
        order.items.all().delete()
        order.delete()


def _item_errors(order: Order, item: OrderItem) -> list[str]:
    """What is wrong with a line for its order's kind (checked on adding and on signing)."""
    errors = []
    kind = order.kind
    if kind in NEEDS_TO_CLASS and item.to_class_id is None:
        errors.append(_("Укажите класс, в который зачисляется (переводится) обучающийся."))
    if kind in NEEDS_DESTINATION and not item.destination.strip():
        errors.append(_("Укажите образовательную организацию, в которую выбывает обучающийся."))
    if item.to_class_id and item.to_class.school_id != order.school_id:
        errors.append(_("Класс другой школы."))
    if (
        kind == OrderKind.YEAR_TRANSFER
        and item.to_class_id
        and item.from_class_id
        and item.to_class.grade != item.from_class.grade + 1
    ):
        errors.append(
            _("Перевод возможен только в следующую параллель (из %(a)s в %(b)s).")
            % {"a": item.from_class.name, "b": item.to_class.name}
        )
    if (
        kind == OrderKind.GRADUATION
        and item.from_class_id
        and item.from_class.grade not in GRADUATING_GRADES
    ):
        errors.append(_("Выпускаются только обучающиеся 9 и 11 классов."))
    if kind == OrderKind.TRANSFER and item.to_class_id and item.from_class_id == item.to_class_id:
        errors.append(_("Обучающийся уже в этом классе."))
    return errors


@transaction.atomic
def order_item_add(
    *,
    acting_user,
    order: Order,
    student: Student,
    to_class: SchoolClass | None = None,
    destination: str = "",
    origin: str = "",
    reason: str = "",
    conditional: bool = False,
) -> OrderItem:
    """Add a student to a draft; the line is checked against the order's kind at once."""
    order = _locked_draft(order)
    if student.school_id != order.school_id:
        raise ValidationError(_("Обучающийся другой школы."))
    if order.items.filter(student=student).exists():
        raise ValidationError({"student": _("Обучающийся уже есть в этом приказе.")})
    from apps.students.selectors import current_class_of

    from_class = current_class_of([student], order.effective_on).get(student.pk)
    if from_class is None and order.kind != OrderKind.ENROLMENT:
        # A student moved in summer is in the class where the next year starts them.
        from_class = _next_class_of(student, order.effective_on)
    item = OrderItem(
        school_id=order.school_id,
        order=order,
        student=student,
        from_class=from_class,
        to_class=to_class,
        destination=destination.strip(),
        origin=origin.strip(),
        reason=reason.strip(),
        conditional=conditional,
        position=(order.items.aggregate(m=Max("position"))["m"] or 0) + 1,
    )
    errors = _item_errors(order, item)
    if errors:
        field = (
            "destination"
            if order.kind in NEEDS_DESTINATION and not item.destination
            else ("to_class" if order.kind in NEEDS_TO_CLASS and item.to_class_id is None else None)
        )
        raise ValidationError({field: errors} if field else errors)
    with pghistory.context(user=acting_user.pk):
        item.save()
        order.version += 1
        order.save(update_fields=["version"])
    return item


def _next_class_of(student: Student, on: date) -> SchoolClass | None:
    from apps.students.models import Enrollment

    e = (
        Enrollment.objects.filter(student=student, starts_on__gte=on)
        .select_related("school_class")
        .order_by("starts_on")
        .first()
    )
    return e.school_class if e else None


@transaction.atomic
def order_items_bulk_add(*, acting_user, order: Order, lines: list[dict]) -> list[OrderItem]:
    """Add many lines at once (the bulk year transfer, graduation, an import): one insert."""
    order = _locked_draft(order)
    present = set(order.items.values_list("student_id", flat=True))
    start = (order.items.aggregate(m=Max("position"))["m"] or 0) + 1
    items, errors = [], []
    for n, line in enumerate(lines):
        if line["student"].pk in present:
            continue
        item = OrderItem(school_id=order.school_id, order=order, position=start + n, **line)
        for message in _item_errors(order, item):
            errors.append(f"{line['student'].full_name}: {message}")
        items.append(item)
        present.add(line["student"].pk)
    if errors:
        raise ValidationError(errors)
    with pghistory.context(user=acting_user.pk):
        created = OrderItem.objects.bulk_create(items)
        order.version += 1
        order.save(update_fields=["version"])
    return created


@transaction.atomic
def order_item_remove(*, acting_user, item: OrderItem) -> None:
    _locked_draft(item.order)
    with pghistory.context(user=acting_user.pk):
        item.delete()


# --- numbering -----------------------------------------------------------------------------


def number_format(pattern: str, *, n: int, year: AcademicYear) -> str:
    """«{n}-о» → «45-о»; «{year}/{n}» → «2026/45». A pattern without {n} gets it in front."""
    if "{n}" not in pattern:
        pattern = "{n}" + pattern
    return pattern.replace("{n}", str(n)).replace("{year}", str(year.starts_on.year))


def order_settings(school: School) -> OrderSettings:
    return OrderSettings.objects.filter(school=school).first() or OrderSettings(school=school)


@transaction.atomic
def order_settings_save(
    *, acting_user, school: School, number_pattern: str, city: str = ""
) -> OrderSettings:
    pattern = number_pattern.strip()
    if "{n}" not in pattern:
        raise ValidationError({"number_pattern": _("В шаблоне должен быть порядковый номер {n}.")})
    unknown = pattern.replace("{n}", "").replace("{year}", "")
    if "{" in unknown or "}" in unknown:
        raise ValidationError({"number_pattern": _("Допустимы только подстановки {n} и {year}.")})
    settings, _created = OrderSettings.objects.update_or_create(
        school=school, defaults={"number_pattern": pattern, "city": city.strip()}
    )
    return settings


def _next_number(order: Order) -> tuple[int, str]:
    """The next number of the school's year. The counter row is locked until the signing
    transaction ends, so two directors signing at once get different numbers."""
    OrderCounter.objects.bulk_create(
        [OrderCounter(school_id=order.school_id, year_id=order.year_id)], ignore_conflicts=True
    )
    counter = OrderCounter.objects.select_for_update().get(
        school_id=order.school_id, year_id=order.year_id
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    pattern = order_settings(order.school).number_pattern
    return counter.last, number_format(pattern, n=counter.last, year=order.year)


# --- signing and cancelling ----------------------------------------------------------------


def _moves_for(order: Order, items: list[OrderItem]) -> list[Move]:
    note = _("Приказ № %(n)s от %(d)s") % {"n": order.number, "d": _d(order.order_date)}
    moves = []
    for i, item in enumerate(items, start=1):
        kind = order.kind
        moves.append(
            Move(
                student=item.student,
                on=order.effective_on,
                to_class=item.to_class if kind in NEEDS_TO_CLASS else None,
                leaving=kind
                in (
                    OrderKind.LEAVING,
                    OrderKind.GRADUATION,
                    OrderKind.TRANSFER,
                    OrderKind.YEAR_TRANSFER,
                ),
                entering=kind == OrderKind.ENROLMENT,
                note=note,
                label=_("%(i)s. %(name)s") % {"i": i, "name": item.student.full_name},
            )
        )
    return moves


def _store_results(items: list[OrderItem], results: list[MoveResult]) -> None:
    for item, r in zip(items, results, strict=True):
        item.created_enrollment = r.created
        item.closed_enrollment = r.closed
        item.closed_previous_end = r.closed_previous_end
        item.removed_class_id = r.removed_class_id
        item.removed_starts_on = r.removed_starts_on
        item.removed_ends_on = r.removed_ends_on
        item.removed_note = r.removed_note
    OrderItem.objects.bulk_update(
        items,
        [
            "created_enrollment",
            "closed_enrollment",
            "closed_previous_end",
            "removed_class",
            "removed_starts_on",
            "removed_ends_on",
            "removed_note",
        ],
    )


def _result_of(item: OrderItem) -> MoveResult:
    return MoveResult(
        created=item.created_enrollment,
        closed=item.closed_enrollment,
        closed_previous_end=item.closed_previous_end,
        removed_class_id=item.removed_class_id,
        removed_starts_on=item.removed_starts_on,
        removed_ends_on=item.removed_ends_on,
        removed_note=item.removed_note,
    )


def _items(order: Order) -> list[OrderItem]:
    return list(
        order.items.select_related(
            "student",
            "from_class__year",
            "to_class__year",
            "created_enrollment",
            "closed_enrollment",
        ).order_by("position", "pk")
    )


@transaction.atomic
def order_sign(*, acting_user, order: Order, expected_version: int | None = None) -> Order:
    """Sign a draft: number it and apply every line to the class history, atomically.

    Any line that cannot be applied (a leaving without the destination school, a student
    not in a class on the date, a closed year…) refuses the whole order with the list of
    what is wrong; nothing of it is applied and no number is used up.
    """
    order = _locked_draft(order, expected_version)
    items = _items(order)
    if not items and order.kind != OrderKind.CANCELLATION:
        raise ValidationError(_("В приказе нет ни одного обучающегося."))
    errors = [
        f"{i}. {item.student.full_name}: {message}"
        for i, item in enumerate(items, start=1)
        for message in _item_errors(order, item)
    ]
    if errors:
        raise ValidationError(errors)
    order.sequence, order.number = _next_number(order)
    with pghistory.context(user=acting_user.pk, order=order.pk):
        if order.kind == OrderKind.CANCELLATION:
            _reverse(acting_user, order)
        else:
            results = moves_apply(acting_user=acting_user, moves=_moves_for(order, items))
            _store_results(items, results)
            if order.kind == OrderKind.ENROLMENT:
                _note_origins(items)
        order.status = Order.Status.SIGNED
        order.signed_by = acting_user
        order.signed_at = clock.now()
        order.version += 1
        order.save(
            update_fields=["sequence", "number", "status", "signed_by", "signed_at", "version"]
        )
        document = SchoolDocument.objects.create(
            school_id=order.school_id,
            category=SchoolDocument.Category.ORDERS,
            order=order,
            title=_("Приказ № %(n)s от %(d)s «%(t)s»")
            % {"n": order.number, "d": _d(order.order_date), "t": order.title},
            dated=order.order_date,
            added_by=acting_user,
        )
        transaction.on_commit(lambda: _queue_signed_copy(document.pk), robust=True)
    return order


def _queue_signed_copy(document_id: int) -> None:
    from apps.orders.tasks import signed_copy_keep

    try:
        signed_copy_keep.delay(document_id)
    except Exception:  # the broker is down: the first download keeps the copy instead
        logger.warning("document %s: broker unavailable, signed copy left for later", document_id)


def signed_copy_keep(*, document_id: int) -> SchoolDocument | None:
    """Keep the PDF of a signed order as it was signed: a later change of a student's name,
    the school's card or its director must not change a signed document. Idempotent: the
    first copy kept stays; a second run (a retried task, a download) changes nothing."""
    from apps.orders import exports, selectors

    document = SchoolDocument.objects.filter(pk=document_id, order__isnull=False).first()
    if document is None or document.file:
        return document
    order = selectors.order_detail(school=document.school_id, order_id=document.order_id)
    name = default_storage.save(
        RandomName("documents")(document, "prikaz.pdf"),
        ContentFile(exports.order_pdf(order)),
    )
    if not SchoolDocument.objects.filter(pk=document.pk, file="").update(file=name):
        default_storage.delete(name)  # another run kept its copy first
    document.refresh_from_db()
    return document


def _note_origins(items: list[OrderItem]) -> None:
    """«Откуда прибыл» of an enrolment line goes into the personal file when it is empty there."""
    changed = []
    for item in items:
        if item.origin and not item.student.arrived_from:
            item.student.arrived_from = item.origin[:300]
            changed.append(item.student)
    if changed:
        Student.objects.bulk_update(changed, ["arrived_from"])


def _reverse(acting_user, order: Order) -> None:
    target = Order.objects.select_for_update().get(pk=order.cancels_id)
    if target.status != Order.Status.SIGNED:
        raise ValidationError(_("Отменить можно только действующий подписанный приказ."))
    items = _items(target)
    undos = [
        Undo(
            student=item.student,
            result=_result_of(item),
            label=_("%(i)s. %(name)s") % {"i": i, "name": item.student.full_name},
        )
        for i, item in enumerate(items, start=1)
    ]
    # Later lines first, the way they would be undone by hand.
    moves_revert(acting_user=acting_user, undos=list(reversed(undos)))
    target.status = Order.Status.CANCELLED
    target.save(update_fields=["status"])


@transaction.atomic
def order_cancellation_draft(
    *, acting_user, order: Order, order_date: date, basis: str = ""
) -> Order:
    """A draft order cancelling a signed one; signing it reverses the cancelled order's effect."""
    target = Order.objects.select_for_update().get(pk=order.pk)
    if target.status != Order.Status.SIGNED:
        raise ValidationError(_("Отменить можно только действующий подписанный приказ."))
    if target.kind == OrderKind.CANCELLATION:
        raise ValidationError(_("Приказ об отмене не отменяется: издайте новый приказ о движении."))
    existing = Order.objects.filter(cancels=target).first()
    if existing is not None:
        return existing
    year = AcademicYear.objects.filter(school_id=target.school_id).open().first() or target.year
    ensure_year_writable(year)
    cancellation = Order(
        school_id=target.school_id,
        year=year,
        kind=OrderKind.CANCELLATION,
        cancels=target,
        order_date=order_date,
        effective_on=target.effective_on,
        title=_("Об отмене приказа № %(n)s от %(d)s «%(t)s»")
        % {"n": target.number, "d": _d(target.order_date), "t": target.title},
        basis=basis.strip(),
        drafted_by=acting_user,
    )
    cancellation.full_clean(exclude=["number", "cancels"])
    with pghistory.context(user=acting_user.pk):
        cancellation.save()
    return cancellation


# --- helpers for the pages -----------------------------------------------------------------


@dataclass
class DeadlineNote:
    text: str
    late: bool


def enrolment_deadline_note(order: Order) -> DeadlineNote | None:
    """Enrolment into grades 1 and 10 is ordered by 5 September (seed 000 item 5)."""
    from apps.school.policy import enrolment_order_deadline, school_policy

    if order.kind != OrderKind.ENROLMENT:
        return None
    due = enrolment_order_deadline(school_policy(order.school), year_starts_on=order.year.starts_on)
    if not any(i.to_class and i.to_class.grade in (1, 10) for i in order.items.all()):
        return None
    return DeadlineNote(
        text=_("Приказы о зачислении в 1 и 10 классы — до %(d)s.") % {"d": _d(due)},
        late=order.order_date > due,
    )
