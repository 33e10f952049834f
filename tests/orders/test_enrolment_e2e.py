"""In Chromium: the secretary enrols a new student by order, the director signs, the student
appears in the class list and in the teacher's journal from the order's date; the class
teacher downloads login slips with the student's login."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.students.models import Student
from tests import factories as f
from tests.browser import login, screenshot
from tests.pdf import pdf_text

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"


def test_enrolment_by_order_reaches_the_class_and_the_journal(page, live_server, world):
    f.LessonFactory(assignment=world.assignment, date=date(2026, 10, 5))
    f.LessonFactory(assignment=world.assignment, date=date(2026, 10, 19))
    base, sid = live_server.url, world.school.pk
    page.on("dialog", lambda dialog: dialog.accept())

    # The secretary drafts the order and opens the newcomer's personal file from it.
    login(page, base, world.users["secretary"].username, PASSWORD)
    page.goto(f"{base}/s/{sid}/orders/new/?kind=enrolment")
    page.fill("#id_order_date", "2026-10-12")
    page.fill("#id_effective_on", "2026-10-12")
    page.fill("#id_basis", "заявление матери от 09.10.2026")
    screenshot(page, "orders/new-order")
    page.click("input[type=submit]")
    expect(page.get_by_test_id("status")).to_have_text("Проект")
    page.get_by_test_id("new-student").click()
    page.fill("#id_last_name", "Веселова")
    page.fill("#id_first_name", "Полина")
    page.fill("#id_patronymic", "Андреевна")
    page.fill("#id_birth_date", "2015-08-21")
    page.select_option("#id_sex", "f")
    page.fill("#id_document_series", "II-ЕА")
    page.fill("#id_document_number", "654321")
    page.fill("#id_registration_address", "г. Сыктывкар, ул. Коммунистическая, 10")
    screenshot(page, "orders/new-personal-file")
    page.click("input[type=submit]")
    candidate = page.get_by_test_id("candidate")
    expect(candidate).to_contain_text("Веселова Полина Андреевна")
    candidate.locator("select").select_option(label="5А")
    candidate.locator("input[name$=origin]").fill("МБОУ «СОШ № 12», г. Ухта")
    candidate.get_by_test_id("add-item").click()
    expect(page.get_by_test_id("items")).to_contain_text("Веселова Полина Андреевна")
    screenshot(page, "orders/draft-order")
    order_url = page.url.split("?")[0]

    # The director signs.
    page.context.clear_cookies()
    login(page, base, world.users["director"].username, PASSWORD)
    page.goto(order_url)
    page.get_by_test_id("sign").click()
    expect(page.get_by_test_id("status")).to_have_text("Подписан")
    expect(page.get_by_test_id("order-title")).to_contain_text("№ 1-о от 12.10.2026")
    screenshot(page, "orders/signed-order")
    page.goto(f"{base}/s/{sid}/classes/{world.school_class.pk}/roster/")
    expect(page.locator("table")).to_contain_text("Веселова Полина Андреевна")
    screenshot(page, "orders/class-list")

    # The teacher's journal: no cell before 12 October, a cell after.
    page.context.clear_cookies()
    login(page, base, world.users["teacher"].username, PASSWORD)
    period = world.year.periods.get(number=1)
    page.goto(f"{base}/s/{sid}/journal/a/{world.assignment.pk}/?period={period.pk}")
    row = page.locator("tr", has_text="Веселова")
    expect(row.locator("td.jc-off")).to_have_count(1)
    expect(row.locator("td.jc[data-lesson]")).to_have_count(1)
    screenshot(page, "orders/journal-grid")

    # The class teacher issues login slips for the class.
    page.goto(f"{base}/s/{sid}/logins/?class={world.school_class.pk}")
    screenshot(page, "orders/logins")
    with page.expect_download() as download_info:
        page.get_by_test_id("issue").click()
    content = Path(download_info.value.path()).read_bytes()
    text = pdf_text(content)
    newcomer = Student.objects.get(last_name="Веселова")
    assert newcomer.user is not None and newcomer.user.username == "veselova.pa"
    assert "veselova.pa" in text
