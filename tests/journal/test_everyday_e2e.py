"""Everyday use of the journal in Chromium: nothing typed is lost (leaving a cell saves it, a
failed save stays in the cell as failed, the page warns before unsaved work is left), the
topic and the homework saved together, and a whole lesson filled by taps on a phone."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.attendance.models import AttendanceMark
from apps.gradebook.models import Mark, PeriodMark
from apps.homework.models import Homework
from apps.schedule.models import Lesson
from apps.school.clock import school_today
from tests import factories as f
from tests.browser import ARTIFACTS, login, screenshot
from tests.journal.conftest import make_lessons, make_students

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "ru-RU",
}
ERROR_PAGE = "<!doctype html><html><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1></body></html>"


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
    return f.LessonFactory(
        assignment=jw.assignment,
        date=today,
        lesson_number=1,
        starts_at=time(0, 5),
        ends_at=time(0, 50),
    )


def _lesson_url(live_server, jw, lesson) -> str:
    return f"{live_server.url}{reverse('journal:lesson', args=[jw.school.pk, lesson.pk])}"


def _grid_url(live_server, jw) -> str:
    url = reverse("journal:grid", args=[jw.school.pk, jw.assignment.pk])
    return f"{live_server.url}{url}?period={jw.period.pk}"


def test_a_mark_left_by_a_click_elsewhere_is_saved_on_the_lesson_page(
    page, live_server, jw, today_lesson
):
    make_students(jw.school_class, 1)
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(_lesson_url(live_server, jw, today_lesson))
    cells = page.locator("td.jc[data-lesson]")
    cells.nth(0).click()
    page.keyboard.type("4")
    page.get_by_role("heading", name="Домашнее задание").click()  # not Enter, not Tab
    expect(cells.nth(0).locator(".jc-mark")).to_have_text("4")
    # A second cell left by tapping into another cell of the grid.
    cells.nth(1).click()
    page.keyboard.type("3")
    cells.nth(0).click()
    expect(cells.nth(1).locator(".jc-mark")).to_have_text("3")
    page.reload()
    expect(page.locator("td.jc[data-lesson]").nth(0)).to_contain_text("4")
    expect(page.locator("td.jc[data-lesson]").nth(1)).to_contain_text("3")
    assert sorted(Mark.objects.values_list("value", flat=True)) == ["3", "4"]


def test_a_mark_left_by_a_click_elsewhere_is_saved_on_the_grid(page, live_server, jw):
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(_grid_url(live_server, jw))
    cell = page.locator(f'td.jc[data-lesson="{jw.lesson.pk}"][data-student="{jw.student.pk}"]')
    cell.click()
    page.keyboard.type("5")
    page.locator("h1").click()
    expect(cell.locator(".jc-mark")).to_have_text("5")
    page.reload()
    expect(cell).to_contain_text("5")
    assert Mark.objects.get().value == "5"
    # An arrow out of a typed cell saves it like Enter; out of an empty editor it clears nothing.
    cell.click()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("4")
    page.keyboard.press("ArrowUp")
    expect(cell.locator(".jc-mark")).to_have_text("4")
    assert Mark.objects.get().value == "4"


def test_the_page_warns_before_it_is_left_with_a_mark_typed_and_not_saved(page, live_server, jw):
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(_grid_url(live_server, jw))
    page.locator(f'td.jc[data-lesson="{jw.lesson.pk}"]').first.click()
    page.keyboard.type("5")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]


def test_a_save_meeting_a_server_error_is_shown_failed_and_retried(page, live_server, jw):
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(_grid_url(live_server, jw))
    selector = f'td.jc[data-lesson="{jw.lesson.pk}"][data-student="{jw.student.pk}"]'
    page.route("**/journal/cell/", lambda route: route.fulfill(status=500, body=ERROR_PAGE))
    page.locator(selector).click()
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    failed = page.locator(selector)
    expect(failed).to_have_class("jc jc-error")
    expect(failed.locator("input")).to_have_value("4")
    expect(page.get_by_test_id("cell-error")).to_contain_text("Ошибка на сервере")
    expect(page.get_by_test_id("journal-grid")).not_to_contain_text("Server Error")
    screenshot(page, "journal-save-failed")
    assert not Mark.objects.exists()

    # The connection drops: the same, with its own message.
    page.unroute("**/journal/cell/")
    page.route("**/journal/cell/", lambda route: route.abort())
    failed.locator("input").click()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cell-error")).to_contain_text("Нет связи")
    expect(failed.locator("input")).to_have_value("4")

    # The server is back: Enter in the kept value saves it.
    page.unroute("**/journal/cell/")
    failed.locator("input").click()
    page.keyboard.press("Enter")
    expect(page.locator(selector).locator(".jc-mark")).to_have_text("4")
    expect(page.get_by_test_id("cell-error")).to_be_hidden()
    assert Mark.objects.get().value == "4"


def test_a_period_mark_meeting_a_server_error_keeps_the_row_clean(page, live_server, jw):
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(_grid_url(live_server, jw))
    page.route("**/period-mark/", lambda route: route.fulfill(status=500, body=ERROR_PAGE))
    selector = f'td[data-period-student="{jw.student.pk}"][data-kind="period"]'
    page.locator(selector).click()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(page.locator(selector)).to_have_class("jf jp jp-period jc-error")
    expect(page.locator(selector).locator("input")).to_have_value("5")
    row = page.locator(f'tr[data-student="{jw.student.pk}"]')
    expect(row).not_to_contain_text("Server Error")
    expect(page.get_by_test_id("cell-error")).to_contain_text("Ошибка на сервере")
    # A login page after a lost session is not pasted into the row either.
    page.unroute("**/period-mark/")
    page.route(
        "**/period-mark/",
        lambda route: route.fulfill(status=302, headers={"Location": "/login/"}, body=""),
    )
    page.locator(selector).locator("input").click()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cell-error")).to_contain_text("сеанс")
    expect(row).not_to_contain_text("Вход")
    assert not PeriodMark.objects.exists()


def test_the_error_bubble_covers_no_row_and_closes_with_escape(page, live_server, jw):
    make_students(jw.school_class, 2)
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(_grid_url(live_server, jw))
    cells = page.locator(f'td.jc[data-lesson="{jw.lesson.pk}"]')
    cells.nth(0).click()
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cell-error")).to_contain_text("Отметка")
    # The row below takes its click at once: nothing lies over it.
    cells.nth(1).click()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(cells.nth(1).locator(".jc-mark")).to_have_text("5")
    cells.nth(0).click()
    expect(page.get_by_test_id("cell-error")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("cell-error")).to_be_hidden()
    # «5/4» is answered with how a double mark is entered.
    cells.nth(2).click()
    page.keyboard.type("5/4")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cell-error")).to_contain_text("двумя отметками")


def test_topic_and_homework_are_saved_by_one_button(page, live_server, jw, today_lesson):
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(_lesson_url(live_server, jw, today_lesson))
    page.fill("#id_topic", "Сложение дробей")
    page.fill("#id_text", "§ 14, № 3")
    expect(page.get_by_text("Есть несохранённые изменения")).to_be_visible()
    page.get_by_test_id("lesson-save").click()
    expect(page.get_by_text("Урок сохранён. Домашнее задание сохранено.")).to_be_visible()
    page.reload()
    expect(page.locator("#id_topic")).to_have_value("Сложение дробей")
    expect(page.locator("#id_text")).to_have_value("§ 14, № 3")
    assert Lesson.objects.get(pk=today_lesson.pk).topic == "Сложение дробей"
    assert Homework.objects.get().text == "§ 14, № 3"
    screenshot(page, "journal-lesson-one-save")


def test_a_whole_lesson_of_26_is_filled_by_taps_on_a_phone(browser, live_server, jw, today_lesson):
    make_students(jw.school_class, 25)  # with the world's student: 26
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(_lesson_url(live_server, jw, today_lesson))
    cells = page.locator("td.jc[data-lesson]")
    expect(cells).to_have_count(26)
    screenshot(page, "journal-lesson-phone")
    # What each student gets, in the order of the class list.
    plan = ["н", "5", "4", "б", "3", "5", "уп", "2", "4", "оп"] * 3
    plan = plan[:26]
    cells.nth(0).tap()
    pick = page.get_by_test_id("pick-list")
    expect(pick).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "journal-lesson-phone-pick.png"))
    for value in plan:
        pick.locator(f'button[data-value="{value}"]').tap()
    expect(pick).to_be_hidden()  # past the last student the list closes
    for i, value in enumerate(plan):
        expect(cells.nth(i)).to_contain_text(value)
    page.reload()
    cells = page.locator("td.jc[data-lesson]")
    for i, value in enumerate(plan):
        expect(cells.nth(i)).to_contain_text(value)
    screenshot(page, "journal-lesson-phone-filled")
    assert AttendanceMark.objects.filter(lesson=today_lesson).count() == sum(
        v in "нбупоп" for v in plan
    )
    assert Mark.objects.filter(lesson=today_lesson).count() == sum(v.isdigit() for v in plan)

    # The grid on the phone: names pinned in a narrow column, the lesson columns scroll
    # beside them and open on the latest lesson, which takes taps like the lesson page.
    make_lessons(jw.assignment, 12, start=today_lesson.date - timedelta(days=14))
    page.goto(f"{live_server.url}{reverse('journal:grid', args=[jw.school.pk, jw.assignment.pk])}")
    expect(page.locator(f'th[data-lesson-head="{today_lesson.pk}"]')).to_be_in_viewport()
    name = page.locator("td.js").first.bounding_box()
    assert name["width"] < 140
    page.screenshot(path=str(ARTIFACTS / "journal-grid-phone.png"))
    cell = page.locator(f'td.jc[data-lesson="{today_lesson.pk}"]').nth(2)
    cell.tap()
    expect(pick).to_be_visible()
    expect(pick).to_contain_text(plan[2])
    pick.locator("button[data-pick-close]").tap()
    expect(pick).to_be_hidden()
    context.close()


def test_teacher_taps_from_the_landing_page_into_todays_lesson_on_a_phone(
    browser, live_server, jw, today_lesson
):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('school:home', args=[jw.school.pk])}")
    lesson = page.get_by_test_id("today-lesson").first
    expect(lesson).to_contain_text("нет посещаемости")
    expect(lesson).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "home-teacher-phone.png"))
    lesson.tap()
    expect(page.get_by_test_id("lesson-meta")).to_contain_text("1 урок")
    page.screenshot(path=str(ARTIFACTS / "journal-lesson-phone-top.png"))
    context.close()


def test_landing_and_journal_pages_on_a_desktop(page, live_server, jw, today_lesson):
    make_students(jw.school_class, 4)
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('school:home', args=[jw.school.pk])}")
    expect(page.get_by_test_id("today-lesson")).to_have_count(1)
    screenshot(page, "home-teacher")
    page.goto(_lesson_url(live_server, jw, today_lesson))
    cells = page.locator("td.jc[data-lesson]")
    cells.nth(0).click()
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cell-error")).to_be_visible()
    screenshot(page, "journal-lesson-refused")


def test_all_present_meeting_a_server_error_says_so(page, live_server, jw):
    login(page, live_server.url, jw.users["teacher"].username, PASSWORD)
    page.goto(_grid_url(live_server, jw))
    page.route("**/present/", lambda route: route.fulfill(status=500, body=ERROR_PAGE))
    page.get_by_role("button", name="все").click()
    expect(page.get_by_test_id("cell-error")).to_contain_text("все присутствуют")
    expect(page.get_by_test_id("journal-grid")).not_to_contain_text("Server Error")
    assert Lesson.objects.get(pk=jw.lesson.pk).attendance_taken_at is None
