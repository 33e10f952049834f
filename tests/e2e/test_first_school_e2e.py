"""From an empty database to a school whose teacher logs in, in a real browser: the one-time
first-run link, the administrator's first pages, a teacher's account, the teacher's login."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.school.models import AcademicYear, School
from tests.browser import login, screenshot

pytestmark = pytest.mark.e2e


def test_an_empty_installation_becomes_a_school_whose_teacher_logs_in(
    page, live_server, transactional_db
):
    assert not School.objects.exists()
    out = StringIO()
    call_command("first_run_link", "--base-url", live_server.url, stdout=out)
    link = re.search(r"https?://\S+", out.getvalue()).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Первый запуск")
    page.fill(
        "#id_full_name", "Муниципальное автономное общеобразовательное учреждение «Лицей № 3»"
    )
    page.fill("#id_short_name", "МАОУ «Лицей № 3»")
    page.select_option("#id_time_zone", "Asia/Omsk")
    page.fill("#id_username", "orlova.ev")
    page.fill("#id_last_name", "Орлова")
    page.fill("#id_first_name", "Елена")
    page.fill("#id_password1", "Тихий-берег-2026")
    page.fill("#id_password2", "другой")
    page.click("button[type=submit]")
    # A mistake is explained on the form and nothing typed is lost.
    expect(page.locator(".invalid-feedback")).to_contain_text("Пароли не совпадают")
    expect(page.locator("#id_short_name")).to_have_value("МАОУ «Лицей № 3»")
    screenshot(page, "first-run-error")
    page.fill("#id_password1", "Тихий-берег-2026")
    page.fill("#id_password2", "Тихий-берег-2026")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "first-run-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.click("button[type=submit]")

    school = School.objects.get()
    expect(page).to_have_url(re.compile(rf"/s/{school.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("создана")
    screenshot(page, "first-run-done")
    assert school.time_zone == "Asia/Omsk"

    # The administrator builds the school through its pages: a year, then a teacher.
    page.goto(f"{live_server.url}/s/{school.pk}/years/new/")
    page.fill("#id_name", "2026/2027")
    page.fill("#id_starts_on", "2026-09-01")
    page.fill("#id_ends_on", "2027-08-31")
    page.click("input[type=submit], button[type=submit]")
    expect(page.locator("body")).to_contain_text("2026/2027")
    assert AcademicYear.objects.filter(school=school, name="2026/2027").exists()

    page.goto(f"{live_server.url}/s/{school.pk}/users/")
    # The new-account form (each listed user has a role picker of their own).
    form = page.locator("form").filter(has=page.locator("[name=create]"))
    form.locator("[name=last_name]").fill("Соколов")
    form.locator("[name=first_name]").fill("Андрей")
    form.locator("[name=username]").fill("sokolov.ai")
    form.locator("select[name=role]").select_option("teacher")
    form.locator("[name=create]").click()
    issued = page.get_by_test_id("issued")
    expect(issued).to_contain_text("sokolov.ai")
    temporary = issued.locator("code").inner_text().strip()

    # The teacher logs in with the issued password, sets their own, and is in the school.
    page.context.clear_cookies()
    login(page, live_server.url, "sokolov.ai", temporary)
    expect(page).to_have_url(re.compile(r"/password/$"))
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", "Синее-озеро-2026")
    page.fill("#id_new_password2", "Синее-озеро-2026")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/s/{school.pk}/$"))
    expect(page.get_by_test_id("roles")).to_contain_text("Учитель")
    screenshot(page, "first-school-teacher-home")

    # The link is used up.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Школа уже создана")
