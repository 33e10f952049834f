from django.urls import reverse

from apps.messaging.models import Notification
from apps.messaging.services import notify


def test_a_reminder_is_created_once_per_key(world):
    teacher = world.users["teacher"]
    first = notify(school=world.school, user=teacher, title="Заполните КТП", dedupe_key="ktp:2026")
    again = notify(school=world.school, user=teacher, title="Заполните КТП", dedupe_key="ktp:2026")
    assert first is not None and again is None
    assert Notification.objects.filter(user=teacher).count() == 1


def test_users_see_only_their_own_notifications_and_the_unread_count(client, world):
    notify(school=world.school, user=world.users["teacher"], title="Для учителя", dedupe_key="a")
    notify(school=world.school, user=world.users["deputy"], title="Для завуча", dedupe_key="b")
    notify(
        school=world.other.school,
        user=world.users["teacher"],
        title="Из другой школы",
        dedupe_key="c",
    )
    client.force_login(world.users["teacher"])
    page = client.get(reverse("messaging:notifications", args=[world.school.pk])).content.decode()
    assert "Для учителя" in page and "Для завуча" not in page and "Из другой школы" not in page
    assert 'rounded-pill text-bg-warning">1<' in page
    client.post(reverse("messaging:notifications-read", args=[world.school.pk]))
    page = client.get(reverse("messaging:notifications", args=[world.school.pk])).content.decode()
    assert "rounded-pill text-bg-warning" not in page


def test_the_policy_table_is_readable_by_the_administrator(client, world):
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:users", args=[world.school.pk])).content.decode()
    assert "Что может каждая роль" in page and "Подписание приказов" in page
