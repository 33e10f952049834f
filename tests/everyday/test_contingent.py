"""The contingent without surprises (issue 12, item 20): a duplicate refused once with the
personal-file number the card shows; the leaving-order form keeps the search and marks the
refused row; a left pupil's card says «выбыл» with the order, and its history has the order."""

from datetime import date

from django.urls import reverse

from apps.orders import services
from apps.orders.models import OrderKind
from apps.students import services as services_students
from apps.students.models import Student
from tests import factories as f
from tests.orders.conftest import NOV_16, signed
from tests.orders.test_personal_files import CARD


def _new_file(client, world, *, number=""):
    services_students.student_create(
        acting_user=world.users["secretary"],
        school=world.school,
        data={**CARD, "personal_file_number": number},
    )
    client.force_login(world.users["secretary"])
    return client.post(
        reverse("students:create", args=[world.school.pk]),
        {**CARD, "birth_date": "2015-03-14", "first_name": "АЛЁНА"},
    ).content.decode()


def test_a_duplicate_is_refused_once_naming_the_file_number_of_the_card(client, world):
    page = _new_file(client, world, number="К-117")
    assert page.count("Такой обучающийся уже есть") == 1
    assert "личное дело № К-117" in page
    assert 'data-testid="duplicate-link"' in page


def test_a_duplicate_without_a_file_number_does_not_show_an_internal_id(client, world):
    page = _new_file(client, world)
    existing = Student.objects.get(last_name="Соколова")
    assert "личное дело без номера" in page and page.count("Такой обучающийся уже есть") == 1
    assert f"личное дело № {existing.pk}" not in page


def _leaving_draft(world):
    return services.order_draft(
        acting_user=world.users["secretary"],
        school=world.school,
        year=world.year,
        kind=OrderKind.LEAVING,
        order_date=NOV_16,
    )


def test_a_refused_leaving_line_keeps_the_search_and_marks_the_row(client, world):
    order = _leaving_draft(world)
    other = f.StudentFactory(school=world.school, last_name=world.student.last_name + "ов")
    f.EnrollmentFactory(school_class=world.school_class, student=other)
    client.force_login(world.users["secretary"])
    search = world.student.last_name[:4]
    s = world.student.pk
    response = client.post(
        reverse("orders:item-add", args=[world.school.pk, order.pk]),
        {"student_id": s, f"s{s}-student": s, "q": search},  # no destination
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert f'value="{search}"' in page and 'data-testid="student-search"' in page
    assert page.count('data-refused="1"') == 1 and 'data-testid="candidate-error"' in page
    assert other.full_name in page  # the rest of the search results are still there
    assert not order.items.exists()


def test_a_left_pupil_card_says_left_with_the_order_and_the_history_has_it(client, world):
    order = signed(
        world,
        world.users["secretary"],
        world.users["director"],
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "СОШ № 5 г. Тулы"}],
    )
    client.force_login(world.users["secretary"])
    page = client.get(
        reverse("students:card", args=[world.school.pk, world.student.pk])
    ).content.decode()
    assert 'data-testid="left-badge"' in page and "выбыл" in page
    assert f"приказ № {order.number} от {order.order_date:%d.%m.%Y}" in page
    assert 'data-testid="history-order"' in page and order.title in page
    assert order.effective_on <= date(2026, 12, 31)


def test_the_movement_report_opens_on_the_current_month(client, world):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from apps.school import clock

    client.force_login(world.users["secretary"])
    with clock.frozen(datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))):
        page = client.get(reverse("orders:movement", args=[world.school.pk])).content.decode()
    assert 'value="2026-11-01"' in page and 'value="2026-11-20"' in page
