import re

import pytest
from playwright.sync_api import expect

from apps.accounts import services
from apps.accounts.models import RoleGrant
from apps.accounts.policy import Role
from tests.browser import login, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"


def test_every_role_logs_in_and_reaches_its_landing_page(page, live_server, world):
    for role in Role:
        user = world.users[role.value]
        page.context.clear_cookies()
        login(page, live_server.url, user.username, PASSWORD)
        expect(page).to_have_url(re.compile(rf"/s/{world.school.pk}/$"))
        expect(page.get_by_test_id("roles")).to_contain_text(str(role.label))
        screenshot(page, f"landing-{role.value}")
    # The parent's landing shows their child.
    page.context.clear_cookies()
    login(page, live_server.url, world.users["parent"].username, PASSWORD)
    expect(page.get_by_test_id("child-card")).to_contain_text(world.student.full_name)


def test_first_login_forces_a_password_change(page, live_server, world):
    user, temporary = services.user_create(
        acting_user=world.users["admin"],
        username="belova.ts",
        last_name="Белова",
        first_name="Татьяна",
        patronymic="Сергеевна",
    )
    RoleGrant.objects.create(user=user, school=world.school, role="teacher")
    login(page, live_server.url, "belova.ts", temporary)
    expect(page.get_by_test_id("forced-change")).to_be_visible()
    # Trying to go elsewhere brings the user back.
    page.goto(f"{live_server.url}/s/{world.school.pk}/")
    expect(page).to_have_url(re.compile(r"/password/$"))
    screenshot(page, "password-forced")
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", "Зелёный-клён-2026")
    page.fill("#id_new_password2", "Зелёный-клён-2026")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/s/{world.school.pk}/$"))
    expect(page.get_by_test_id("roles")).to_contain_text("Учитель")


def test_wrong_password_is_explained(page, live_server, world):
    login(page, live_server.url, world.users["teacher"].username, "не тот")
    expect(page.locator(".alert-danger")).to_contain_text("Неверный логин или пароль")
    screenshot(page, "login-error")


def test_deputy_creates_a_class_through_the_menu(page, live_server, world):
    login(page, live_server.url, world.users["deputy"].username, PASSWORD)
    page.get_by_role("button", name="Учебный процесс").or_(
        page.get_by_text("Учебный процесс", exact=True)
    ).first.click()
    page.get_by_role("link", name="Классы").first.click()
    screenshot(page, "classes-list")
    page.get_by_test_id("create").click()
    page.select_option("#id_grade", "7") if page.locator("select#id_grade").count() else page.fill(
        "#id_grade", "7"
    )
    page.fill("#id_letter", "в")
    page.fill("#id_capacity", "26")
    page.click("input[type=submit], button[type=submit]")
    expect(page.locator("table")).to_contain_text("7В")
