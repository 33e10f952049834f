"""In Chromium (issue 12): dangerous actions ask before they act, the substitutions page
loads a lesson's forms when it is opened. Screenshots go to test-artifacts/."""

from datetime import date

import pytest
from playwright.sync_api import expect

from apps.accounts.models import RoleGrant
from apps.schedule.models import Lesson, TimetableEntry
from tests import factories as f
from tests.browser import login, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"
MONDAY = date(2026, 9, 7)


def test_removing_roles_asks_in_the_browser_and_on_a_page_for_the_last_one(
    page, live_server, world
):
    teacher, medic = world.users["teacher"], world.users["medic"]
    RoleGrant.objects.create(user=teacher, school=world.school, role="dispatcher")
    login(page, live_server.url, world.users["admin"].username, PASSWORD)
    users = f"{live_server.url}/s/{world.school.pk}/users/"

    # One of two roles: the browser asks; «Отмена» keeps it, «OK» removes it.
    page.goto(f"{users}?q={teacher.username}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_title("Снять роль").nth(1).click()
    expect(page.get_by_title("Снять роль")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_title("Снять роль").nth(1).click()
    expect(page.get_by_title("Снять роль")).to_have_count(1)

    # The last role: a page that names the consequence; the person stays findable.
    page.goto(f"{users}?q={medic.username}")
    page.get_by_title("Снять роль").click()
    expect(page.get_by_test_id("confirm-consequences")).to_contain_text("войти в журнал")
    screenshot(page, "everyday-last-role-confirm")
    page.get_by_test_id("confirm-yes").click()
    page.goto(f"{users}?q={medic.username}")
    expect(page.get_by_test_id("no-roles")).to_be_visible()
    screenshot(page, "everyday-users-without-roles")
    page.goto(f"{users}?q=Никого-такого")
    expect(page.get_by_test_id("nothing-found")).to_have_text("Ничего не найдено.")


def test_timetable_remove_asks_first(page, live_server, world):
    entry = f.TimetableEntryFactory(assignment=world.assignment)
    login(page, live_server.url, world.users["dispatcher"].username, PASSWORD)
    page.goto(f"{live_server.url}/s/{world.school.pk}/timetable/?class={world.school_class.pk}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_label("Убрать").click()
    expect(page.get_by_test_id("timetable-entry")).to_have_count(1)
    assert TimetableEntry.objects.filter(pk=entry.pk).exists()


def test_a_lessons_forms_load_when_opened_with_free_teachers_first(page, live_server, world):
    lesson = f.LessonFactory(assignment=world.assignment, date=MONDAY)
    free = f.UserFactory(username="free-teacher", last_name="Свободнова", first_name="Ольга")
    RoleGrant.objects.create(user=free, school=world.school, role="teacher")
    login(page, live_server.url, world.users["dispatcher"].username, PASSWORD)
    page.goto(f"{live_server.url}/s/{world.school.pk}/timetable/changes/?day={MONDAY}")
    expect(page.get_by_test_id("substitute-form")).to_have_count(0)
    page.locator(f"#l{lesson.pk} summary").click()
    form = page.get_by_test_id("substitute-form")
    expect(form).to_be_visible()
    expect(form.locator("optgroup").first).to_have_attribute("label", "Свободны на этом уроке")
    screenshot(page, "everyday-substitution-forms")
    form.locator("select").select_option(label=free.full_name)
    with page.expect_navigation():
        form.get_by_role("button", name="Сохранить замену").click()
    assert Lesson.objects.get(pk=lesson.pk).substitute_teacher == free
