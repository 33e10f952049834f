"""The journal grid in a real browser: keyboard entry, moving down, refusals kept."""

import pytest
from playwright.sync_api import expect

from apps.attendance.models import AttendanceMark
from apps.gradebook.models import Mark
from tests.browser import login, screenshot
from tests.journal.conftest import make_students

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"


def test_teacher_types_marks_and_absences_with_the_keyboard(page, live_server, jw):
    make_students(jw.school_class, 2)
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(
        f"{live_server.url}/s/{jw.school.pk}/journal/a/{jw.assignment.pk}/?period={jw.period.pk}"
    )
    cells = page.locator("td.jc[data-lesson]")
    expect(cells).to_have_count(3)
    cells.nth(0).click()
    page.keyboard.type("5")
    page.keyboard.press("Enter")  # saves and moves down
    # Playwright types Cyrillic as text input without a keydown; a Russian layout sends one.
    page.evaluate(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'н', bubbles: true}))"
    )
    page.keyboard.press("Enter")
    expect(page.locator("td.jc[data-lesson]").nth(0)).to_contain_text("5")
    expect(page.locator("td.jc[data-lesson]").nth(1)).to_contain_text("н")
    page.keyboard.type("7")  # not a mark: refused, and the typed text stays in the cell
    page.keyboard.press("Enter")
    refused = page.locator("td.jc-error")
    expect(refused).to_contain_text("Отметка")
    expect(refused.locator("input")).to_have_value("7")
    screenshot(page, "journal-grid")
    assert Mark.objects.get().value == "5"
    assert AttendanceMark.objects.get().kind == "н"
