from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.policy import Role
from apps.messaging.models import Notification
from apps.orders import services as orders
from apps.orders.models import OrderKind


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_landing_page_renders_for_every_role(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("school:home", args=[world.school.pk]))
    assert response.status_code == 200
    assert str(Role(role).label) in response.content.decode()


def test_the_landing_page_shows_what_waits_for_this_person_only(client, world):
    """The director sees the drafts to sign and their unread reminders; nobody else's."""
    orders.order_draft(
        acting_user=world.users["secretary"],
        school=world.school,
        year=world.year,
        kind=OrderKind.LEAVING,
        order_date=date(2026, 11, 16),
    )
    for user, school, title in (
        (world.users["director"], world.school, "Подпишите приказ о выбытии"),
        (world.users["director"], world.other.school, "Напоминание другой школы"),
        (world.users["teacher"], world.school, "Отметьте посещаемость 5А"),
    ):
        Notification.objects.create(school=school, user=user, title=title, dedupe_key=title)
    Notification.objects.create(
        school=world.school,
        user=world.users["director"],
        title="Прочитанное",
        dedupe_key="read",
        read_at=timezone.now(),
    )
    home = reverse("school:home", args=[world.school.pk])

    client.force_login(world.users["director"])
    page = client.get(home).content.decode()
    assert "Приказы на подпись: 1" in page and "Подпишите приказ о выбытии" in page
    for absent in ("Напоминание другой школы", "Отметьте посещаемость 5А", "Прочитанное"):
        assert absent not in page

    client.force_login(world.users["secretary"])  # drafts orders, does not sign them
    page = client.get(home).content.decode()
    assert "Приказы на подпись" not in page and 'data-testid="attention"' not in page
