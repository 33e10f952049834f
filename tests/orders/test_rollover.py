"""The new academic year end to end: classes, transfer and graduation orders, opening the year."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.classes.models import SchoolClass
from apps.gradebook.models import PeriodMark
from apps.orders import rollover, services
from apps.orders.models import Order, OrderKind
from apps.school.models import AcademicYear
from apps.school.services import ClosedYearError, record_save
from apps.students.models import Enrollment
from apps.students.selectors import class_roster
from tests import factories as f


def _fill(world):
    """A small school: 1А, 5А (world), 9А, 10А, 11А with students; one 5А student in debt."""
    classes = {"5А": world.school_class}
    for grade in (1, 9, 10, 11):
        classes[f"{grade}А"] = f.SchoolClassFactory(
            year=world.year,
            grade=grade,
            letter="А",
            class_teacher=world.users["teacher"] if grade == 1 else None,
        )
        for _ in range(2):
            f.EnrollmentFactory(school_class=classes[f"{grade}А"])
    debtor = f.EnrollmentFactory(school_class=world.school_class).student
    PeriodMark.objects.create(
        school=world.school,
        assignment=world.assignment,
        kind=PeriodMark.Kind.YEAR,
        student=debtor,
        value="2",
        set_by=world.users["teacher"],
        entered_at="2027-05-25T10:00Z",
        set_at="2027-05-25T10:00Z",
    )
    return classes, debtor


def run_rollover(world, deputy, director):
    year = world.year
    nxt = rollover.next_year_ensure(
        acting_user=deputy, year=year, **rollover.suggested_next_year(year)
    )
    assert nxt.name == "2027/2028" and nxt.status == AcademicYear.Status.PLANNED
    assert (
        rollover.next_year_ensure(
            acting_user=deputy,
            year=year,
            name="x",
            starts_on=date(2027, 9, 1),
            ends_on=date(2028, 5, 31),
        )
        == nxt
    )  # repeated: the same year
    plan = rollover.classes_plan(year, nxt)
    assert not SchoolClass.objects.filter(year=nxt).exists()  # the preview writes nothing
    created = rollover.next_year_classes_create(acting_user=deputy, year=year, next_year=nxt)
    assert len(created) == len(plan)
    assert rollover.next_year_classes_create(acting_user=deputy, year=year, next_year=nxt) == []
    state = rollover.rollover_state(year)
    assert state.classes_done and state.blockers
    transfer = rollover.year_transfer_order_ensure(acting_user=deputy, year=year, next_year=nxt)
    again = rollover.year_transfer_order_ensure(acting_user=deputy, year=year, next_year=nxt)
    assert again == transfer and transfer.items.count() == again.items.count()
    graduation = rollover.graduation_order_ensure(acting_user=deputy, year=year)
    with pytest.raises(ValidationError, match="не подписан"):
        rollover.rollover_open(acting_user=deputy, year=year)
    services.order_sign(acting_user=director, order=transfer)
    services.order_sign(acting_user=director, order=graduation)
    assert rollover.rollover_state(year).blockers == []
    rollover.rollover_open(acting_user=deputy, year=year)
    year.refresh_from_db()
    nxt.refresh_from_db()
    return nxt, transfer, graduation


def test_rollover_end_to_end(world):
    deputy, director = world.users["deputy"], world.users["director"]
    classes, debtor = _fill(world)
    nxt, transfer, graduation = run_rollover(world, deputy, director)
    assert (
        world.year.status == AcademicYear.Status.CLOSED and nxt.status == AcademicYear.Status.OPEN
    )
    names = set(SchoolClass.objects.filter(year=nxt).values_list("grade", "letter"))
    assert names == {(1, "А"), (2, "А"), (6, "А"), (10, "А"), (11, "А")}
    two_a = SchoolClass.objects.get(year=nxt, grade=2)
    assert two_a.class_teacher == world.users["teacher"]  # the class teacher goes up with the class
    six_a = SchoolClass.objects.get(year=nxt, grade=6)
    assert world.student in class_roster(school_class=six_a, on=nxt.starts_on)
    assert transfer.items.get(student=debtor).conditional
    assert graduation.items.count() == 4  # two of 9А and two of 11А
    for e in Enrollment.objects.filter(school_class__in=[classes["9А"], classes["11А"]]):
        assert e.ends_on is not None
    # The old year is read-only everywhere.
    with pytest.raises(ClosedYearError):
        record_save(
            acting_user=deputy,
            school=world.school,
            instance=world.school_class,
            changes={"capacity": 30},
        )
    with pytest.raises(ClosedYearError):
        services.order_draft(
            acting_user=world.users["secretary"],
            school=world.school,
            year=world.year,
            kind=OrderKind.LEAVING,
            order_date=date(2027, 5, 1),
        )
    # A summer leaving is entered in the new year (seed 000 item 7): it removes the September enrolment.
    leaving = services.order_draft(
        acting_user=world.users["secretary"],
        school=world.school,
        year=nxt,
        kind=OrderKind.LEAVING,
        order_date=date(2027, 9, 1),
        effective_on=date(2027, 9, 1),
    )
    services.order_item_add(
        acting_user=world.users["secretary"],
        order=leaving,
        student=world.student,
        destination="СОШ № 9",
    )
    assert leaving.items.get().from_class == six_a
    services.order_sign(acting_user=director, order=leaving)
    assert world.student not in class_roster(school_class=six_a, on=nxt.starts_on)
    assert Enrollment.objects.filter(
        student=world.student, school_class=world.school_class
    ).get().ends_on == date(2027, 8, 31)


def test_rollover_page_walks_the_deputy_through(client, world):
    _fill(world)
    client.force_login(world.users["deputy"])
    url = reverse("orders:rollover", args=[world.school.pk])
    page = client.get(url).content.decode()
    assert "Следующий учебный год" in page and "2027/2028" in page
    client.post(
        url,
        {"action": "year", "name": "2027/2028", "starts_on": "2027-09-01", "ends_on": "2028-05-31"},
    )
    page = client.get(url).content.decode()
    assert "будет создан" in page and "6А" in page
    client.post(url, {"action": "classes"})
    client.post(url, {"action": "transfer"})
    client.post(url, {"action": "graduation"})
    client.post(url, {"action": "graduation"})  # repeating a step is safe
    assert Order.objects.filter(kind=OrderKind.GRADUATION).count() == 1
    response = client.post(url, {"action": "open"}, follow=True)
    assert "не подписан" in response.content.decode()
    assert AcademicYear.objects.get(pk=world.year.pk).status == AcademicYear.Status.OPEN
    client.force_login(world.users["secretary"])
    assert client.get(url).status_code == 403


def test_rollover_on_the_demo_school(db):
    from apps.school.demo import build_demo_school

    demo = build_demo_school(scale=0.1)
    deputy = demo.users.get("deputy") or next(u for u in demo.users.values())
    director = demo.users.get("director") or deputy
    year = demo.year
    nxt = rollover.next_year_ensure(
        acting_user=deputy, year=year, **rollover.suggested_next_year(year)
    )
    rollover.next_year_classes_create(acting_user=deputy, year=year, next_year=nxt)
    for order in (
        rollover.year_transfer_order_ensure(acting_user=deputy, year=year, next_year=nxt),
        rollover.graduation_order_ensure(acting_user=deputy, year=year),
    ):
        if order.is_draft and order.items.exists():
            services.order_sign(acting_user=director, order=order)
    rollover.rollover_open(acting_user=deputy, year=year)
    year.refresh_from_db()
    assert year.status == AcademicYear.Status.CLOSED
    with pytest.raises(ClosedYearError):
        record_save(
            acting_user=deputy,
            school=demo.school,
            instance=demo.classes[0],
            changes={"capacity": 30},
        )
