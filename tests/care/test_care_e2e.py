"""In Chromium: the medic fills a student's PE group, the PE teacher sees it in the class
list, the class teacher of another class sees nothing of it; and every care page, looked at
(screenshots in test-artifacts/, the class teacher's morning meals on a phone)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.care.models import HealthRecord, SpecialReadLog
from tests.browser import login, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"


def test_pe_group_from_the_medic_to_the_pe_teacher_and_no_further(live_server, page, cw):
    w = cw.world
    base = live_server.url
    login(page, base, w.users["medic"].username, PASSWORD)
    page.goto(f"{base}{reverse('care:health', kwargs={'school_id': w.school.pk})}")
    page.get_by_test_id("health-class-link").first.click()
    page.get_by_role("link", name=w.student.full_name).click()
    page.select_option("#id_pe_group", "special_a")
    page.fill("#id_pe_decision", "Справка ВК № 312")
    page.fill("#id_pe_decided_on", "2026-09-03")
    page.fill("#id_pe_valid_until", "2027-05-31")
    page.fill("#id_food_allergies", "арахис")
    screenshot(page, "care-health-student-form")
    page.get_by_test_id("save").click()
    expect(page.get_by_text("Лист здоровья сохранён")).to_be_visible()
    assert HealthRecord.objects.get(student=w.student).pe_group == "special_a"
    page.context.clear_cookies()

    login(page, base, cw.pe_teacher.username, PASSWORD)
    page.goto(f"{base}{reverse('care:health', kwargs={'school_id': w.school.pk})}")
    page.get_by_test_id("health-class-link").first.click()
    row = page.locator(f"tr[data-student='{w.student.pk}']")
    expect(row.get_by_test_id("pe-group")).to_contain_text("специальная «А»")
    expect(page.get_by_test_id("health-sheet")).not_to_contain_text("арахис")
    screenshot(page, "care-health-class-pe-teacher")
    page.context.clear_cookies()

    login(page, base, cw.other_class_teacher.username, PASSWORD)
    page.goto(f"{base}{reverse('care:health', kwargs={'school_id': w.school.pk})}")
    expect(page.get_by_test_id("nothing")).to_be_visible()
    response = page.goto(
        f"{base}{reverse('care:health-class', kwargs={'school_id': w.school.pk, 'class_id': w.school_class.pk})}"
    )
    assert response.status == 404
    assert "специальная" not in page.content()
    screenshot(page, "care-health-class-other-class-teacher")
    readers = set(SpecialReadLog.objects.values_list("reader__username", flat=True))
    assert cw.pe_teacher.username in readers and cw.other_class_teacher.username not in readers
