"""A teacher's lesson in Chromium: today's lesson from the day page, attendance and marks by
keyboard, homework, a reload that shows everything, a second browser refused with the
current value, and a correction of an old mark that asks for its reason."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.attendance.models import AttendanceMark
from apps.gradebook.models import Mark
from apps.homework.models import Homework
from apps.schedule.models import Lesson
from apps.school import clock
from apps.school.clock import school_today
from tests import factories as f
from tests.browser import login, screenshot
from tests.journal.conftest import make_students

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"


def press_cyrillic(page, key: str) -> None:
    """Playwright types Cyrillic as text without a keydown; a Russian layout sends one."""
    page.evaluate(
        "key => document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}))",
        key,
    )


@pytest.fixture
def today_lesson(jw):
    today = school_today(jw.school)
    f.StudyPeriodFactory(
        year=jw.year,
        number=2,
        name="2 четверть",
        starts_on=jw.period.ends_on + timedelta(days=1),
        ends_on=jw.year.ends_on,
    )
    make_students(jw.school_class, 2)  # three students: Смирнов…, Ученик000, Ученик001
    return f.LessonFactory(
        assignment=jw.assignment,
        date=today,
        lesson_number=1,
        starts_at=time(0, 5),
        ends_at=time(0, 50),
    )


def test_teacher_fills_todays_lesson_by_keyboard_and_sees_it_after_reload(
    browser, page, live_server, jw, today_lesson
):
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('journal:index', args=[jw.school.pk])}")
    screenshot(page, "journal-day")
    page.get_by_test_id("today-lessons").get_by_role("link").first.click()
    expect(page.get_by_test_id("lesson-meta")).to_contain_text("1 урок")
    lesson_url = page.url

    # A second tab of the same teacher opened the lesson before anything was entered.
    other = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 900}).new_page()
    login(other, live_server.url, jw.users["teacher"].username, PASSWORD)
    other.goto(lesson_url)

    cells = page.locator("td.jc[data-lesson]")
    expect(cells).to_have_count(3)
    cells.nth(0).click()  # the only mouse action: into the grid; the rest is the keyboard
    press_cyrillic(page, "н")
    page.keyboard.press("Enter")  # saved, the cursor goes down
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    expect(cells.nth(0)).to_contain_text("н")
    expect(cells.nth(1)).to_contain_text("5")
    expect(cells.nth(2)).to_contain_text("4")
    page.keyboard.press("ArrowUp")
    press_cyrillic(page, "к")  # the comment of the mark in the focused cell
    comment = page.get_by_test_id("mark-comment")
    expect(comment).to_be_focused()
    comment.type("Хороший ответ у доски")
    comment.press("Enter")
    expect(page.locator('span.jc-mark[data-comment="Хороший ответ у доски"]')).to_have_count(1)

    page.fill("#id_text", "§ 12, № 5, 6")
    page.fill("#id_minutes", "20")
    page.get_by_test_id("lesson-save").click()
    expect(
        page.get_by_text("Домашнее задание сохранено.")
    ).to_be_visible()  # the post-redirect page
    page.reload()
    cells = page.locator("td.jc[data-lesson]")
    expect(cells.nth(0)).to_contain_text("н")
    expect(cells.nth(1)).to_contain_text("5")
    expect(cells.nth(2)).to_contain_text("4")
    expect(page.locator("#id_text")).to_have_value("§ 12, № 5, 6")
    expect(page.get_by_test_id("attendance-taken")).to_be_visible()
    screenshot(page, "journal-lesson-filled")
    assert AttendanceMark.objects.get().kind == "н"
    assert sorted(Mark.objects.values_list("value", flat=True)) == ["4", "5"]
    assert Homework.objects.get().minutes == 20
    assert Lesson.objects.get(pk=today_lesson.pk).status == Lesson.Status.HELD

    # The second tab still shows the empty cell: its save is refused, the current «5» appears.
    stale = other.locator("td.jc[data-lesson]").nth(1)
    stale.click()
    other.keyboard.type("3")
    other.keyboard.press("Enter")
    refused = other.locator("td.jc-conflict")
    expect(refused).to_contain_text("5")
    expect(refused.locator("input")).to_have_value("3")
    expect(refused).to_contain_text("уже изменил")
    screenshot(other, "journal-conflict")
    assert Mark.objects.get(student__last_name="Ученик000").value == "5"
    other.context.close()

    page.goto(f"{live_server.url}{reverse('journal:grid', args=[jw.school.pk, jw.assignment.pk])}")
    expect(page.get_by_test_id("journal-grid")).to_contain_text("5")
    screenshot(page, "journal-grid-after-lesson")


def test_an_old_mark_is_corrected_with_a_reason_from_the_grid(page, live_server, jw):
    mark = Mark.objects.create(
        school=jw.school,
        lesson=jw.lesson,
        student=jw.student,
        work_type=jw.oral,
        value="3",
        entered_at=clock.now() - timedelta(days=10),
        entered_by=jw.users["teacher"],
    )
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(
        f"{live_server.url}{reverse('journal:grid', args=[jw.school.pk, jw.assignment.pk])}?period={jw.period.pk}"
    )
    cell = page.locator(f'td.jc[data-lesson="{jw.lesson.pk}"][data-student="{jw.student.pk}"]')
    cell.click()
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    reason = page.get_by_test_id("correction-reason")
    expect(reason).to_be_focused()
    screenshot(page, "journal-reason-asked")
    reason.type("Работа переписана")
    reason.press("Enter")
    expect(
        page.locator(f'td.jc[data-lesson="{jw.lesson.pk}"][data-student="{jw.student.pk}"]')
    ).to_contain_text("4")
    mark.refresh_from_db()
    assert mark.value == "4"
    event = (
        Mark.pgh_event_model.objects.filter(pgh_obj_id=mark.pk, value="4")
        .select_related("pgh_context")
        .get()
    )
    assert event.pgh_context.metadata["reason"] == "Работа переписана"
