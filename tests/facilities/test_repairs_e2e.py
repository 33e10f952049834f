"""In Chromium: a teacher files a repair request with a photo, the caretaker finds it on the
landing page and in the queue and moves it to «выполнено», the teacher sees the change in
the notifications and on the request. Screenshots (desktop and phone) in test-artifacts/."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.facilities.models import RepairRequest
from tests.browser import login, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _phone(browser, base, user, path, name):
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    login(phone, base, user.username, PASSWORD)
    phone.goto(f"{base}{path}")
    screenshot(phone, name)
    context.close()


def test_a_teacher_files_the_caretaker_closes_the_teacher_sees(
    live_server, page, browser, world, tmp_path
):
    base, school = live_server.url, world.school.pk
    teacher, caretaker = world.users["teacher"], world.users["technical"]
    photo = tmp_path / "proektor.png"
    photo.write_bytes(PNG)

    login(page, base, teacher.username, PASSWORD)
    page.goto(f"{base}{reverse('facilities:create', args=[school])}")
    page.fill("#id_room", "каб. 204")
    page.fill("#id_problem", "Проектор не включается, индикатор мигает красным")
    page.select_option("#id_urgency", "urgent")
    page.set_input_files("#id_photo", str(photo))
    screenshot(page, "repairs-form")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("status")).to_have_text("новая")
    repair = RepairRequest.objects.get()
    page.context.clear_cookies()

    login(page, base, caretaker.username, PASSWORD)
    expect(page.get_by_test_id("open-repairs")).to_contain_text("каб. 204")
    screenshot(page, "repairs-landing-caretaker")
    page.goto(f"{base}{reverse('facilities:index', args=[school])}")
    expect(page.get_by_test_id("repair-row")).to_have_count(1)
    screenshot(page, "repairs-queue")
    page.get_by_role("link", name="Проектор не включается").click()
    page.select_option("#id_status", "done")
    page.fill("#id_comment", "Заменили лампу проектора")
    screenshot(page, "repairs-detail-caretaker")
    page.get_by_test_id("move").click()
    expect(page.get_by_test_id("status")).to_have_text("выполнено")
    _phone(
        browser,
        base,
        caretaker,
        reverse("facilities:index", args=[school]) + "?status=",
        "repairs-queue-phone",
    )
    page.context.clear_cookies()

    login(page, base, teacher.username, PASSWORD)
    page.goto(f"{base}{reverse('messaging:notifications', args=[school])}")
    expect(page.get_by_text("Заявка «каб. 204»: выполнено")).to_be_visible()
    page.get_by_text("Заявка «каб. 204»: выполнено").click()
    expect(page.get_by_test_id("status")).to_have_text("выполнено")
    expect(page.get_by_test_id("comment")).to_have_text("Заменили лампу проектора")
    screenshot(page, "repairs-detail-author")
    page.goto(f"{base}{reverse('facilities:index', args=[school])}")
    expect(page.get_by_test_id("repair-row")).to_contain_text("выполнено")
    screenshot(page, "repairs-mine")
    _phone(
        browser,
        base,
        teacher,
        reverse("facilities:detail", args=[school, repair.pk]),
        "repairs-detail-phone",
    )
    _phone(
        browser, base, teacher, reverse("facilities:create", args=[school]), "repairs-form-phone"
    )
