"""In a real browser: the school rules page, and the demo school's logins."""

from datetime import date

import pytest
from django.urls import reverse

from apps.school.demo import DEMO_PASSWORD
from apps.school.demo.structure import build_structure
from apps.school.policy import school_policy
from tests.browser import login, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"


def test_deputy_changes_a_rule_and_a_teacher_reads_it(page, live_server, world):
    url = live_server.url + reverse("school:rules", args=[world.school.pk])
    login(page, live_server.url, world.users["deputy"].username, PASSWORD)
    page.goto(url)
    assert page.locator("legend", has_text="Контингент").count() == 1
    page.fill("#id_attendance_minutes", "15")
    page.fill("#id_ktp_due_day", "31")
    page.select_option("#id_ktp_due_month", "9")
    page.click("text=Сохранить правила")
    # 31 September does not exist: the error sits next to the field, the input is kept.
    assert page.locator("#id_ktp_due_day").input_value() == "31"
    assert page.locator("text=В выбранном месяце нет такого числа.").is_visible()
    assert page.locator("#id_attendance_minutes").input_value() == "15"
    screenshot(page, "school-rules-error")
    page.fill("#id_ktp_due_day", "30")
    page.click("text=Сохранить правила")
    assert page.locator("text=Правила школы сохранены.").is_visible()
    screenshot(page, "school-rules-deputy")
    assert school_policy(world.school).attendance_minutes == 15

    page.context.clear_cookies()
    login(page, live_server.url, world.users["teacher"].username, PASSWORD)
    page.goto(url)
    assert page.locator("#id_attendance_minutes").is_disabled()
    assert page.locator("#id_attendance_minutes").input_value() == "15"
    assert page.locator("text=Сохранить правила").count() == 0
    screenshot(page, "school-rules-teacher")


def test_the_demo_parent_and_teacher_log_in(page, live_server, db):
    build_structure(seed=2026, today=date(2026, 11, 24), scale=0.1)
    login(page, live_server.url, "parent", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid=child-card]")
    assert page.locator("[data-testid=child-card]").count() == 2
    screenshot(page, "demo-parent-home")
    page.context.clear_cookies()
    login(page, live_server.url, "teacher", DEMO_PASSWORD)
    page.wait_for_selector("[data-testid=assignment-card]")
    assert page.locator("text=Классное руководство").is_visible()
    screenshot(page, "demo-teacher-home")
