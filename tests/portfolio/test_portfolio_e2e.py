"""In Chromium: a student adds an olympiad diploma, the class teacher confirms it, and it is
counted in the deputy's fill report and printed in the student's PDF."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.portfolio.models import Achievement
from tests.browser import login, screenshot
from tests.pdf import pdf_text
from tests.portfolio.conftest import PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("clock_morning")]
PASSWORD = "пароль-для-тестов"
EVENT = "Муниципальный этап ВсОШ по математике"


def test_a_diploma_from_the_student_to_the_report_and_the_pdf(live_server, page, world):
    base = live_server.url
    school = world.school.pk
    student_page = f"{base}{reverse('portfolio:student', kwargs={'school_id': school, 'student_id': world.student.pk})}"

    login(page, base, world.users["student"].username, PASSWORD)
    page.goto(f"{base}{reverse('portfolio:index', kwargs={'school_id': school})}")
    page.get_by_test_id("student-link").click()
    page.select_option("#id_kind", "olympiad")
    page.fill("#id_event", EVENT)
    page.fill("#id_subject", "математика")
    page.select_option("#id_level", "municipal")
    page.select_option("#id_result", "winner")
    page.fill("#id_happened_on", "2026-10-02")
    page.set_input_files(
        "#id_diploma",
        files=[{"name": "диплом.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.get_by_test_id("achievement-submit").click()
    expect(page.get_by_text("его подтвердит классный руководитель")).to_be_visible()
    expect(page.get_by_test_id("achievement").first.get_by_test_id("pending")).to_be_visible()
    expect(page.get_by_test_id("confirm")).to_have_count(0)  # never their own
    screenshot(page, "portfolio-student-pending")
    page.context.clear_cookies()

    login(page, base, world.users["teacher"].username, PASSWORD)
    page.goto(student_page)
    page.get_by_test_id("confirm").click()
    expect(page.get_by_text("Достижение подтверждено.")).to_be_visible()
    expect(page.get_by_test_id("achievement").first.get_by_test_id("confirmed")).to_be_visible()
    screenshot(page, "portfolio-student-confirmed")
    assert Achievement.objects.get().confirmed_by == world.users["teacher"]
    page.context.clear_cookies()

    login(page, base, world.users["deputy"].username, PASSWORD)
    page.goto(f"{base}{reverse('reports:portfolio-fill', kwargs={'school_id': school})}")
    by_class = page.get_by_test_id("report-table").first
    row = by_class.locator("tbody tr", has_text="5А")
    cells = row.locator("td")
    # Класс, руководитель, учащихся, с портретом, %, с достижениями, then the levels.
    expect(cells.nth(5)).to_have_text("1")
    expect(cells.nth(7)).to_have_text("1")  # Муниц.
    screenshot(page, "portfolio-fill-report")
    winners = page.request.get(
        f"{base}{reverse('reports:portfolio-honours', kwargs={'school_id': school})}"
    )
    assert EVENT in winners.text()
    pdf = page.request.get(f"{student_page}pdf/?year={world.year.pk}")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    text = pdf_text(pdf.body())
    assert EVENT in text and "победитель" in text
