import pytest
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import RoleGrant


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def issued(world):
    user, password = services.user_create(
        acting_user=world.users["admin"],
        username="novikova.ma",
        last_name="Новикова",
        first_name="Мария",
        patronymic="Андреевна",
    )
    RoleGrant.objects.create(user=user, school=world.school, role="teacher")
    return user, password


def test_a_school_issued_password_must_be_changed_first(client, world, issued):
    user, password = issued
    response = _login(client, "novikova.ma", password)
    assert response.status_code == 302
    # Any page sends the user to the password change first.
    home = client.get(reverse("school:home", args=[world.school.pk]))
    assert home.status_code == 302 and home.url == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change"))
    assert "Пароль выдан школой" in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "Синяя-птица-2026",
            "new_password2": "Синяя-птица-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("school:home", args=[world.school.pk])).status_code == 200


def test_a_weak_new_password_is_refused_in_russian(client, world, issued):
    user, password = issued
    _login(client, "novikova.ma", password)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert "Введённый пароль слишком широко распространён." in response.content.decode()
    user.refresh_from_db()
    assert user.must_change_password


def test_wrong_password_says_so_in_russian(client, world):
    response = _login(client, world.users["teacher"].username, "не тот пароль")
    assert response.status_code == 200
    assert "Неверный логин или пароль" in response.content.decode()


def test_repeated_failures_lock_the_account_not_the_building(client, world, settings):
    teacher = world.users["teacher"].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, teacher, "подбор")
    locked = _login(client, teacher, "пароль-для-тестов")
    assert locked.status_code == 429
    assert "Вход временно заблокирован" in locked.content.decode()
    # A colleague on the same school network still logs in.
    ok = _login(client, world.users["deputy"].username, "пароль-для-тестов")
    assert ok.status_code == 302


def test_a_user_with_one_school_lands_in_it(client, world):
    client.force_login(world.users["teacher"])
    response = client.get(reverse("school:choose"))
    assert response.status_code == 302
    assert response.url == reverse("school:home", args=[world.school.pk])


def test_a_user_in_two_schools_chooses_and_switches(client, world):
    teacher = world.users["teacher"]
    RoleGrant.objects.create(user=teacher, school=world.other.school, role="teacher")
    client.force_login(teacher)
    page = client.get(reverse("school:choose")).content.decode()
    assert world.school.full_name in page and world.other.school.full_name in page
    home = client.get(reverse("school:home", args=[world.school.pk])).content.decode()
    assert reverse("school:home", args=[world.other.school.pk]) in home
