"""No dangerous action in one click (issue 12, items 9–12): the last role of a person, the
administrator role, closing a study period, removing a timetable line."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from apps.accounts.models import RoleGrant, User
from apps.gradebook.models import PeriodLock, PeriodUnlockGrant
from apps.gradebook.services import period_lock, period_unlock, period_unlock_grant
from apps.school import clock
from tests import factories as f

MOSCOW = ZoneInfo("Europe/Moscow")


def _users_url(world, **query):
    url = reverse("accounts:users", args=[world.school.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _roles_url(world, user):
    return reverse("accounts:user-roles", args=[world.school.pk, user.pk])


# --- item 9: the last role ------------------------------------------------------------------


def test_removing_the_last_role_asks_first_naming_the_consequence(client, world):
    client.force_login(world.users["admin"])
    medic = world.users["medic"]
    asked = client.post(_roles_url(world, medic), {"role": "medic", "action": "revoke"})
    page = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm"' in page
    assert "не останется ни одной роли" in page and "войти в журнал этой школы будет нельзя" in page
    assert RoleGrant.objects.filter(user=medic, school=world.school).exists()

    client.post(_roles_url(world, medic), {"role": "medic", "action": "revoke", "confirmed": "1"})
    assert not RoleGrant.objects.filter(user=medic, school=world.school).exists()


def test_a_person_without_roles_stays_findable_and_gets_a_role_back(client, world):
    client.force_login(world.users["admin"])
    medic = world.users["medic"]
    client.post(_roles_url(world, medic), {"role": "medic", "action": "revoke", "confirmed": "1"})

    found = client.get(_users_url(world, q=medic.username)).content.decode()
    assert medic.username in found and 'data-testid="no-roles"' in found
    roleless = client.get(_users_url(world, role="none")).content.decode()
    assert medic.username in roleless and world.users["teacher"].username not in roleless

    client.post(_roles_url(world, medic), {"role": "medic"})
    assert RoleGrant.objects.filter(user=medic, school=world.school, role="medic").exists()


def test_another_schools_people_are_not_found_nor_given_roles(client, world):
    client.force_login(world.users["admin"])
    stranger = world.other.users["medic"]
    RoleGrant.objects.filter(user=stranger).delete()  # a former person of the other school
    assert stranger.username not in client.get(_users_url(world, role="none")).content.decode()
    assert client.post(_roles_url(world, stranger), {"role": "medic"}).status_code == 404


def test_an_empty_search_says_nothing_was_found(client, world):
    client.force_login(world.users["admin"])
    page = client.get(_users_url(world, q="Несуществующая")).content.decode()
    assert 'data-testid="nothing-found"' in page and "Ничего не найдено." in page


def test_removing_one_of_several_roles_asks_in_the_browser(client, world):
    teacher = world.users["teacher"]
    RoleGrant.objects.create(user=teacher, school=world.school, role="dispatcher")
    client.force_login(world.users["admin"])
    page = client.get(_users_url(world, q=teacher.username)).content.decode()
    assert 'data-confirm="Снять с' in page
    client.post(_roles_url(world, teacher), {"role": "dispatcher", "action": "revoke"})
    assert list(
        RoleGrant.objects.filter(user=teacher, school=world.school).values_list("role", flat=True)
    ) == ["teacher"]


# --- item 10: the new employee, the administrator role -----------------------------------------


NEW_CLERK = {
    "last_name": "Орлова",
    "first_name": "Вера",
    "patronymic": "",
    "username": "orlova.vi",
    "email": "",
}


def test_new_employee_has_no_role_preselected_and_must_choose_one(client, world):
    client.force_login(world.users["admin"])
    page = client.get(_users_url(world)).content.decode()
    assert '<option value="" selected>выберите роль…</option>' in page
    refused = client.post(_users_url(world), {**NEW_CLERK, "role": ""}).content.decode()
    assert "Выберите роль нового сотрудника." in refused
    assert not User.objects.filter(username="orlova.vi").exists()


def test_a_new_administrator_is_created_only_after_confirmation(client, world):
    client.force_login(world.users["admin"])
    asked = client.post(_users_url(world), {**NEW_CLERK, "role": "admin"}).content.decode()
    assert "Выдать роль «Администратор системы»?" in asked
    assert 'name="username" value="orlova.vi"' in asked  # the typed form is carried along
    assert not User.objects.filter(username="orlova.vi").exists()
    client.post(_users_url(world), {**NEW_CLERK, "role": "admin", "confirmed": "1"})
    assert RoleGrant.objects.filter(user__username="orlova.vi", role="admin").exists()


def test_granting_the_administrator_role_asks_first(client, world):
    client.force_login(world.users["admin"])
    teacher = world.users["teacher"]
    asked = client.post(_roles_url(world, teacher), {"role": "admin"}).content.decode()
    assert "Выдать роль «Администратор системы»?" in asked
    assert not RoleGrant.objects.filter(user=teacher, role="admin").exists()
    client.post(_roles_url(world, teacher), {"role": "admin", "confirmed": "1"})
    assert RoleGrant.objects.filter(user=teacher, role="admin").exists()


# --- item 11: closing a study period --------------------------------------------------------


def _lock_url(world, period):
    return reverse("journal:lock-toggle", args=[world.school.pk, period.pk])


def test_closing_a_running_period_names_its_dates_and_lessons_ahead_and_asks_twice(client, world):
    period = world.year.periods.get(number=1)
    lessons_day = period.ends_on - timedelta(days=1)
    today = lessons_day - timedelta(days=2)
    for number in (1, 2, 3):
        f.LessonFactory(assignment=world.assignment, date=lessons_day, lesson_number=number)
    f.LessonFactory(assignment=world.assignment, date=today - timedelta(days=1))  # already held
    client.force_login(world.users["deputy"])
    with clock.frozen(datetime.combine(today, datetime.min.time().replace(hour=12), MOSCOW)):
        first = client.post(_lock_url(world, period), {"action": "lock"}).content.decode()
        assert period.starts_on.strftime("%d.%m.%Y") in first
        assert period.ends_on.strftime("%d.%m.%Y") in first
        assert "впереди ещё 3 уроков" in first and "Подтверждение 1 из 2" in first
        assert not PeriodLock.objects.exists()
        second = client.post(_lock_url(world, period), {"action": "lock", "confirmed": "1"})
        assert "ещё не закончился" in second.content.decode()
        assert not PeriodLock.objects.exists()
        client.post(_lock_url(world, period), {"action": "lock", "confirmed": "2"})
    assert PeriodLock.objects.filter(period=period).exists()


def test_closing_an_ended_period_asks_once(client, world):
    period = world.year.periods.get(number=1)
    after = period.ends_on + timedelta(days=3)
    client.force_login(world.users["deputy"])
    with clock.frozen(datetime.combine(after, datetime.min.time().replace(hour=12), MOSCOW)):
        first = client.post(_lock_url(world, period), {"action": "lock"}).content.decode()
        assert "Период закончился, уроков впереди нет." in first
        assert "Подтверждение 1 из" not in first
        client.post(_lock_url(world, period), {"action": "lock", "confirmed": "1"})
    assert PeriodLock.objects.filter(period=period).exists()


def test_the_correction_banner_disappears_when_the_period_is_reopened(client, world):
    period = world.year.periods.get(number=1)
    f.LessonFactory(assignment=world.assignment, date=period.starts_on + timedelta(days=7))
    deputy, teacher = world.users["deputy"], world.users["teacher"]
    period_lock(acting_user=deputy, period=period)
    period_unlock_grant(
        acting_user=deputy,
        period=period,
        user=teacher,
        expires_at=clock.now() + timedelta(days=3),
        reason="Справка пришла поздно",
    )
    grid = reverse("journal:grid", args=[world.school.pk, world.assignment.pk])
    client.force_login(teacher)
    assert (
        'data-testid="period-unlocked"' in client.get(grid, {"period": period.pk}).content.decode()
    )
    period_unlock(acting_user=deputy, period=period)
    assert PeriodUnlockGrant.objects.exists()  # the grant remains as a record
    assert (
        'data-testid="period-unlocked"'
        not in client.get(grid, {"period": period.pk}).content.decode()
    )


# --- item 12: the timetable's remove ----------------------------------------------------------


def test_removing_a_timetable_line_asks_first(client, world):
    f.TimetableEntryFactory(assignment=world.assignment)
    client.force_login(world.users["dispatcher"])
    page = client.get(
        reverse("timetable:page", args=[world.school.pk]), {"class": world.school_class.pk}
    ).content.decode()
    assert 'data-confirm="Убрать «Математика»' in page


def test_closing_a_period_that_has_not_begun_says_so(client, world):
    period = world.year.periods.get(number=1)
    before = period.starts_on - timedelta(days=3)
    f.LessonFactory(assignment=world.assignment, date=period.starts_on)
    client.force_login(world.users["deputy"])
    with clock.frozen(datetime.combine(before, datetime.min.time().replace(hour=12), MOSCOW)):
        page = client.post(_lock_url(world, period), {"action": "lock"}).content.decode()
    assert "Период ещё не начался: все его 1 уроков" in page and "Подтверждение 1 из 2" in page
