import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.policy import Role
from apps.messaging.models import Notification
from apps.orders.models import OrderKind
from tests import factories as f
from tests.orders.conftest import draft


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_landing_page_renders_for_every_role(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("school:home", args=[world.school.pk]))
    assert response.status_code == 200
    assert str(Role(role).label) in response.content.decode()


def test_the_landing_page_shows_what_waits_for_this_person_only(client, world):
    """The director sees the drafts to sign and their unread reminders; nobody else's."""
    draft(world, world.users["secretary"], OrderKind.LEAVING)
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


# 10 today: session, user, grants, unread counts, what waits, the cards, and the board (the
# reader's classes, the newest three announcements).
LANDING_QUERIES = 11


def test_the_landing_page_costs_the_same_for_a_busy_teacher_and_a_big_family(
    client, world, django_assert_max_num_queries
):
    """Every teacher opens it at 8 a.m.: no query per assignment, reminder or child."""
    teacher, parent = world.users["teacher"], world.users["parent"]
    for i in range(8):
        f.TeachingAssignmentFactory(
            school_class=f.SchoolClassFactory(year=world.year, school=world.school, grade=6),
            teacher=teacher,
        )
        Notification.objects.create(
            school=world.school, user=teacher, title=f"Напоминание {i}", dedupe_key=str(i)
        )
    guardian = world.student.guardianships.first().guardian
    for _ in range(3):
        child = f.EnrollmentFactory(school_class=world.school_class).student
        f.GuardianshipFactory(student=child, guardian=guardian)
    home = reverse("school:home", args=[world.school.pk])
    for user, expected in ((teacher, "Напоминание 7"), (parent, world.student.last_name)):
        client.force_login(user)
        with django_assert_max_num_queries(LANDING_QUERIES):
            assert expected in client.get(home).content.decode()


def test_refusals_are_pages_of_the_product_in_russian(client, world):
    """A page the role may not open, or another school's id: the menu stays, a way back."""
    client.force_login(world.users["teacher"])
    forbidden = client.get(reverse("orders:register", args=[world.school.pk]))
    page = forbidden.content.decode()
    assert forbidden.status_code == 403 and "Нет доступа" in page
    assert reverse("school:home", args=[world.school.pk]) in page
    missing = client.get(reverse("journal:grid", args=[world.school.pk, world.other.assignment.pk]))
    assert missing.status_code == 404 and "Страница не найдена" in missing.content.decode()
