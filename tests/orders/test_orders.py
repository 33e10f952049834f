"""Orders on movement: each kind applied and cancelled, atomic, immutable, numbered."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from apps.orders import services
from apps.orders.models import Order, OrderKind, SchoolDocument
from apps.students.models import Enrollment
from apps.students.selectors import class_roster
from tests import factories as f
from tests.orders.conftest import NOV_16, draft, signed


def history(student):
    return list(
        Enrollment.objects.filter(student=student)
        .order_by("starts_on")
        .values_list("school_class_id", "starts_on", "ends_on")
    )


def test_enrolment_puts_the_student_in_the_class_from_the_order_date(world, secretary, director):
    newcomer = f.StudentFactory(school=world.school, last_name="Кузнецова", first_name="Дарья")
    order = signed(
        world,
        secretary,
        director,
        OrderKind.ENROLMENT,
        lines=[{"student": newcomer, "to_class": world.school_class, "origin": "МБОУ СОШ № 2"}],
    )
    assert order.status == Order.Status.SIGNED and order.number == "1-о"
    assert newcomer not in class_roster(
        school_class=world.school_class, on=NOV_16 - timedelta(days=1)
    )
    assert newcomer in class_roster(school_class=world.school_class, on=NOV_16)
    newcomer.refresh_from_db()
    assert newcomer.arrived_from == "МБОУ СОШ № 2"
    assert SchoolDocument.objects.get(order=order).title.startswith("Приказ № 1-о от 16.11.2026")


def test_enrolment_cancelled_removes_the_student_again(world, secretary, director):
    newcomer = f.StudentFactory(school=world.school)
    order = signed(
        world,
        secretary,
        director,
        OrderKind.ENROLMENT,
        lines=[{"student": newcomer, "to_class": world.school_class}],
    )
    cancellation = services.order_cancellation_draft(
        acting_user=secretary, order=order, order_date=NOV_16 + timedelta(days=2)
    )
    cancellation = services.order_sign(acting_user=director, order=cancellation)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert not Enrollment.objects.filter(student=newcomer).exists()
    assert cancellation.number == "2-о"


def test_leaving_needs_the_destination_school(world, secretary):
    order = draft(world, secretary, OrderKind.LEAVING)
    with pytest.raises(ValidationError) as error:
        services.order_item_add(
            acting_user=secretary, order=order, student=world.student, destination="  "
        )
    assert "образовательную организацию" in str(error.value)
    assert not order.items.exists()


def test_leaving_without_destination_cannot_be_signed_either(world, secretary, director):
    """A line written around the service (an old draft, an import) is still refused at signing."""
    from apps.orders.models import OrderItem

    order = draft(world, secretary, OrderKind.LEAVING)
    OrderItem.objects.create(
        school=world.school, order=order, student=world.student, from_class=world.school_class
    )
    with pytest.raises(ValidationError):
        services.order_sign(acting_user=director, order=order)
    order.refresh_from_db()
    assert order.is_draft and order.number == ""
    assert Enrollment.objects.get(student=world.student).ends_on is None


def test_leaving_applied_and_cancelled(world, secretary, director):
    before = history(world.student)
    order = signed(
        world,
        secretary,
        director,
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "МАОУ «СОШ № 3», г. Мегион"}],
    )
    assert Enrollment.objects.get(student=world.student).ends_on == NOV_16 - timedelta(days=1)
    assert world.student not in class_roster(school_class=world.school_class, on=NOV_16)
    assert world.student in class_roster(
        school_class=world.school_class, on=NOV_16 - timedelta(days=1)
    )
    services.order_sign(
        acting_user=director,
        order=services.order_cancellation_draft(
            acting_user=secretary, order=order, order_date=NOV_16
        ),
    )
    assert history(world.student) == before


def test_transfer_between_classes_applied_and_cancelled(world, secretary, director, class_5b):
    before = history(world.student)
    order = signed(
        world,
        secretary,
        director,
        OrderKind.TRANSFER,
        lines=[{"student": world.student, "to_class": class_5b}],
    )
    assert order.items.get().from_class == world.school_class
    assert world.student in class_roster(school_class=class_5b, on=NOV_16)
    assert world.student not in class_roster(school_class=world.school_class, on=NOV_16)
    services.order_sign(
        acting_user=director,
        order=services.order_cancellation_draft(
            acting_user=secretary, order=order, order_date=NOV_16
        ),
    )
    assert history(world.student) == before


def _next_year(world):
    from apps.school.models import AcademicYear

    return f.AcademicYearFactory(
        school=world.school,
        name="2027/2028",
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 5, 31),
        status=AcademicYear.Status.PLANNED,
    )


def test_year_transfer_applied_conditionally_and_cancelled(world, secretary, director):
    nxt = _next_year(world)
    six_a = f.SchoolClassFactory(year=nxt, grade=6, letter="А")
    before = history(world.student)
    order = services.order_draft(
        acting_user=secretary,
        school=world.school,
        year=world.year,
        kind=OrderKind.YEAR_TRANSFER,
        order_date=date(2027, 5, 28),
        effective_on=nxt.starts_on,
    )
    services.order_item_add(
        acting_user=secretary, order=order, student=world.student, to_class=six_a, conditional=True
    )
    services.order_sign(acting_user=director, order=order)
    assert world.student in class_roster(school_class=six_a, on=date(2027, 9, 1))
    assert world.student in class_roster(school_class=world.school_class, on=date(2027, 5, 31))
    services.order_sign(
        acting_user=director,
        order=services.order_cancellation_draft(
            acting_user=secretary, order=order, order_date=date(2027, 5, 30)
        ),
    )
    assert history(world.student) == before


def test_year_transfer_only_to_the_next_grade(world, secretary):
    nxt = _next_year(world)
    seven = f.SchoolClassFactory(year=nxt, grade=7, letter="А")
    order = services.order_draft(
        acting_user=secretary,
        school=world.school,
        year=world.year,
        kind=OrderKind.YEAR_TRANSFER,
        order_date=date(2027, 5, 28),
        effective_on=nxt.starts_on,
    )
    with pytest.raises(ValidationError, match="следующую параллель"):
        services.order_item_add(
            acting_user=secretary, order=order, student=world.student, to_class=seven
        )


def test_graduation_of_grade_nine_applied_and_cancelled(world, secretary, director):
    nine = f.SchoolClassFactory(year=world.year, grade=9, letter="А")
    graduate = f.EnrollmentFactory(school_class=nine).student
    order = services.order_draft(
        acting_user=secretary,
        school=world.school,
        year=world.year,
        kind=OrderKind.GRADUATION,
        order_date=date(2027, 5, 31),
        effective_on=date(2027, 6, 26),
    )
    services.order_item_add(acting_user=secretary, order=order, student=graduate)
    services.order_sign(acting_user=director, order=order)
    assert Enrollment.objects.get(student=graduate).ends_on == date(2027, 6, 25)
    services.order_sign(
        acting_user=director,
        order=services.order_cancellation_draft(
            acting_user=secretary, order=order, order_date=date(2027, 5, 31)
        ),
    )
    assert Enrollment.objects.get(student=graduate).ends_on is None


def test_graduation_refuses_grade_five(world, secretary):
    order = draft(world, secretary, OrderKind.GRADUATION)
    with pytest.raises(ValidationError, match="9 и 11"):
        services.order_item_add(acting_user=secretary, order=order, student=world.student)


def test_a_failing_line_leaves_the_contingent_and_the_numbering_untouched(
    world, secretary, director, class_5b
):
    """Line 2 cannot be applied (the student is already in a class): nothing of the order happens."""
    newcomer = f.StudentFactory(school=world.school)
    order = draft(
        world,
        secretary,
        OrderKind.ENROLMENT,
        lines=[
            {"student": newcomer, "to_class": class_5b},
            {"student": world.student, "to_class": class_5b},
        ],
    )
    before = history(world.student)
    with pytest.raises(ValidationError) as error:
        services.order_sign(acting_user=director, order=order)
    assert "уже числится в классе 5А" in str(error.value)
    assert not Enrollment.objects.filter(student=newcomer).exists()
    assert history(world.student) == before
    order.refresh_from_db()
    assert order.is_draft and order.sequence is None
    assert not SchoolDocument.objects.exists()
    # The next order signed still gets number 1.
    ok = signed(
        world,
        secretary,
        director,
        OrderKind.ENROLMENT,
        lines=[{"student": newcomer, "to_class": class_5b}],
    )
    assert ok.number == "1-о"


def test_signed_order_cannot_be_edited(world, secretary, director):
    order = signed(
        world,
        secretary,
        director,
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "СОШ № 5"}],
    )
    other = f.StudentFactory(school=world.school)
    for attempt in (
        lambda: services.order_update(
            acting_user=secretary, order=order, changes={"title": "Другое"}
        ),
        lambda: services.order_item_add(
            acting_user=secretary, order=order, student=other, destination="x"
        ),
        lambda: services.order_item_remove(acting_user=secretary, item=order.items.get()),
        lambda: services.order_delete(acting_user=secretary, order=order),
        lambda: services.order_sign(acting_user=director, order=order),
    ):
        with pytest.raises(services.OrderFrozenError):
            attempt()
    order.refresh_from_db()
    assert order.title == "О выбытии обучающихся" and order.items.count() == 1


def test_signed_order_pages_offer_no_editing(client, world, secretary, director):
    order = signed(
        world,
        secretary,
        director,
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "СОШ № 5"}],
    )
    client.force_login(secretary)
    page = client.get(reverse("orders:detail", args=[world.school.pk, order.pk])).content.decode()
    assert reverse("orders:edit", args=[world.school.pk, order.pk]) not in page
    assert reverse("orders:cancel", args=[world.school.pk, order.pk]) in page
    response = client.post(
        reverse("orders:edit", args=[world.school.pk, order.pk]),
        {"title": "Подмена", "order_date": "2026-11-16", "effective_on": "2026-11-16"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.title != "Подмена"


def test_cancelling_an_order_overtaken_by_a_later_one_is_refused(
    world, secretary, director, class_5b
):
    first = signed(
        world,
        secretary,
        director,
        OrderKind.TRANSFER,
        lines=[{"student": world.student, "to_class": class_5b}],
    )
    signed(
        world,
        secretary,
        director,
        OrderKind.LEAVING,
        on=NOV_16 + timedelta(days=7),
        lines=[{"student": world.student, "destination": "СОШ № 5"}],
    )
    cancellation = services.order_cancellation_draft(
        acting_user=secretary, order=first, order_date=NOV_16 + timedelta(days=8)
    )
    with pytest.raises(ValidationError, match="отмените"):
        services.order_sign(acting_user=director, order=cancellation)
    first.refresh_from_db()
    assert first.status == Order.Status.SIGNED


def test_numbering_follows_the_school_pattern_per_year(world, secretary, director):
    services.order_settings_save(
        acting_user=secretary, school=world.school, number_pattern="{year}/{n}-к"
    )
    one = signed(
        world,
        secretary,
        director,
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "x"}],
    )
    assert one.number == "2026/1-к"
    with pytest.raises(ValidationError):
        services.order_settings_save(
            acting_user=secretary, school=world.school, number_pattern="без номера"
        )
    other_school = signed(
        world.other,
        world.other.users["secretary"],
        world.other.users["director"],
        OrderKind.LEAVING,
        lines=[{"student": world.other.student, "destination": "x"}],
    )
    assert other_school.number == "1-о"


@pytest.mark.django_db(transaction=True)
def test_concurrent_signing_gives_distinct_numbers(django_db_blocker):
    """Two directors sign two orders at the same moment, in two real transactions."""
    from tests.conftest import build_school_world

    world = build_school_world("c")
    secretary, director = world.users["secretary"], world.users["director"]
    orders = []
    for i in range(2):
        s = f.StudentFactory(school=world.school, last_name=f"Параллельный{i}")
        orders.append(
            draft(
                world,
                secretary,
                OrderKind.ENROLMENT,
                lines=[{"student": s, "to_class": world.school_class}],
            )
        )
    barrier = threading.Barrier(2)
    errors = []

    def sign(order):
        try:
            barrier.wait(timeout=10)
            services.order_sign(acting_user=director, order=order)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    numbers = sorted(Order.objects.filter(school=world.school).values_list("number", flat=True))
    assert numbers == ["1-о", "2-о"]
    connection.close()


def test_enrolment_into_first_grade_warns_after_5_september(client, world, secretary):
    first = f.SchoolClassFactory(year=world.year, grade=1, letter="А")
    order = draft(
        world,
        secretary,
        OrderKind.ENROLMENT,
        on=date(2026, 9, 10),
        lines=[{"student": f.StudentFactory(school=world.school), "to_class": first}],
    )
    note = services.enrolment_deadline_note(order)
    assert note.late and "05.09.2026" in note.text


@pytest.mark.parametrize("n", [5, 80])
def test_signing_costs_a_fixed_number_of_queries(
    world, secretary, director, django_assert_max_num_queries, n
):
    order = services.order_draft(
        acting_user=secretary,
        school=world.school,
        year=world.year,
        kind=OrderKind.ENROLMENT,
        order_date=NOV_16,
    )
    services.order_items_bulk_add(
        acting_user=secretary,
        order=order,
        lines=[
            {"student": f.StudentFactory(school=world.school), "to_class": world.school_class}
            for _ in range(n)
        ],
    )
    with django_assert_max_num_queries(20):
        services.order_sign(acting_user=director, order=order)
    assert Enrollment.objects.filter(school_class=world.school_class).count() == n + 1


def test_a_draft_of_a_closed_year_cannot_be_signed(world, secretary, director):
    from apps.school.models import AcademicYear
    from apps.school.services import ClosedYearError, academic_year_open

    order = draft(
        world,
        secretary,
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "СОШ № 5"}],
    )
    nxt = f.AcademicYearFactory(
        school=world.school,
        name="2027/2028",
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 5, 31),
        status=AcademicYear.Status.PLANNED,
    )
    academic_year_open(acting_user=world.users["deputy"], year=nxt)
    with pytest.raises(ClosedYearError):
        services.order_sign(acting_user=director, order=order)


def test_unsigned_movement_is_late_after_three_working_days(world, secretary):
    from apps.orders.selectors import movement_drafts_due

    order = draft(world, secretary, OrderKind.LEAVING, on=date(2026, 11, 13))  # a Friday
    [due] = movement_drafts_due(school=world.school, today=date(2026, 11, 18))
    assert due.order == order and due.due == date(2026, 11, 18) and not due.late
    assert movement_drafts_due(school=world.school, today=date(2026, 11, 19))[0].late


def test_the_database_refuses_to_change_or_delete_a_signed_order(world, secretary, director):
    from django.db import DatabaseError, transaction

    order = signed(
        world,
        secretary,
        director,
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "x"}],
    )
    for attempt in (
        lambda: Order.objects.filter(pk=order.pk).update(title="Подмена"),
        lambda: Order.objects.filter(pk=order.pk).update(status="draft"),
        lambda: Order.objects.filter(pk=order.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    order.refresh_from_db()
    assert order.title == "О выбытии обучающихся" and order.status == Order.Status.SIGNED
