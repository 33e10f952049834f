"""The diary in a real browser: a teacher's mark reaches the parent's phone, the parent switches
children; every diary page is photographed on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from apps.attendance.services import attendance_set
from apps.gradebook.models import Mark
from apps.gradebook.services import mark_set
from apps.homework.services import homework_set
from tests.browser import login, screenshot
from tests.diary.conftest import MONDAY, PASSWORD, THURSDAY

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def test_teacher_enters_a_mark_and_the_parent_reads_it_then_switches_child(
    page, browser, live_server, dw
):
    base = live_server.url
    # The teacher types «5» into the student's Monday cell of the journal grid.
    login(page, base, dw.teacher.username, PASSWORD)
    page.goto(f"{base}/s/{dw.school.pk}/journal/a/{dw.assignment.pk}/?period={dw.period.pk}")
    cell = page.locator(f'td.jc[data-lesson="{dw.math_mon.pk}"][data-student="{dw.student.pk}"]')
    cell.click()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(
        page.locator(f'td.jc[data-lesson="{dw.math_mon.pk}"][data-student="{dw.student.pk}"]')
    ).to_contain_text("5")
    mark = Mark.objects.get(student=dw.student, lesson=dw.math_mon)
    # The grid on main has no comment entry yet: the teacher's comment goes through the same service.
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=mark.work_type,
        value="5",
        expected_version=mark.version,
        comment="Отличный ответ у доски",
    )
    homework_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        text="№ 12, 14 (с. 31)",
        expected_version=0,
        due_date=THURSDAY,
        minutes=25,
    )
    attendance_set(
        acting_user=dw.teacher,
        lesson=dw.russian_mon,
        student=dw.student,
        kind="оп",
        expected_version=0,
    )
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_b_mon,
        student=dw.sibling,
        work_type=mark.work_type,
        value="4",
        expected_version=0,
        comment="Старайся аккуратнее",
    )

    # The parent, on a phone: logs in, opens the diary from the landing page, sees the mark with the comment.
    phone = browser.new_context(locale="ru-RU", **PHONE)
    ppage = phone.new_page()
    ppage.set_default_timeout(15_000)
    login(ppage, base, dw.users["parent"].username, PASSWORD)
    ppage.goto(f"{base}/s/{dw.school.pk}/")
    screenshot(ppage, "diary-phone-00-parent-home")
    ppage.locator('[data-testid="child-card"]', has_text=dw.student.last_name).locator(
        '[data-testid="open-diary"]'
    ).click()
    week_url = f"{base}/s/{dw.school.pk}/diary/{dw.student.pk}/"
    ppage.wait_for_url(week_url)  # the link led to this child's week, not elsewhere
    ppage.goto(f"{week_url}?d={MONDAY.isoformat()}")
    monday = ppage.locator(f'[data-testid="diary-day"][data-date="{MONDAY.isoformat()}"]')
    expect(monday.locator('[data-testid="diary-mark"]')).to_contain_text("5")
    expect(monday.locator('[data-testid="mark-comment"]')).to_contain_text("Отличный ответ у доски")
    expect(monday.locator('[data-testid="homework-set"]')).to_contain_text("№ 12, 14")
    expect(
        ppage.locator(
            f'[data-testid="diary-day"][data-date="{THURSDAY.isoformat()}"] [data-testid="homework-due"]'
        )
    ).to_contain_text("№ 12, 14")
    screenshot(ppage, "diary-phone-01-week")
    # Switch to the second child.
    ppage.click('[data-testid="child-switcher"]')
    ppage.locator('[data-testid="child-link"]', has_text=dw.sibling.first_name).click()
    expect(ppage.locator('[data-testid="diary-student"]')).to_contain_text(dw.sibling.first_name)
    ppage.goto(ppage.url.split("?")[0] + f"?d={MONDAY.isoformat()}")
    expect(ppage.locator('[data-testid="mark-comment"]')).to_contain_text("Старайся аккуратнее")
    expect(ppage.locator("body")).not_to_contain_text("Отличный ответ у доски")
    screenshot(ppage, "diary-phone-02-second-child")
    phone.close()


PAGES = [
    ("week", f"?d={MONDAY.isoformat()}"),
    ("marks", "marks/"),
    ("year", "marks/year/"),
    ("homework", "homework/"),
    ("timetable", "timetable/"),
    ("stats", "stats/"),
    ("calendar", "calendar/"),
]


def _fill(dw):
    from tests import factories as f

    for number, (wd, assignment) in enumerate(
        [(1, dw.russian_a), (1, dw.assignment), (4, dw.assignment)], start=1
    ):
        f.TimetableEntryFactory(
            assignment=assignment, weekday=wd, lesson_number=number, room=str(20 + number)
        )
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.control,
        value="4",
        expected_version=0,
        comment="Ошибка в задаче 3, в остальном хорошо",
    )
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.oral,
        value="5",
        expected_version=0,
    )
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.russian_mon,
        student=dw.student,
        work_type=dw.oral,
        value="3",
        expected_version=0,
    )
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_thu,
        student=dw.student,
        work_type=dw.oral,
        value="5",
        expected_version=0,
    )
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.stranger,
        work_type=dw.oral,
        value="5",
        expected_version=0,
    )
    homework_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        text="№ 101, 102; повторить правило на с. 24",
        expected_version=0,
        due_date=THURSDAY,
        minutes=30,
    )
    attendance_set(
        acting_user=dw.teacher,
        lesson=dw.math_thu,
        student=dw.student,
        kind="оп",
        expected_version=0,
    )


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_diary_page_looks_right(page, browser, live_server, dw, viewport):
    _fill(dw)
    context = browser.new_context(locale="ru-RU", **PHONE) if viewport == "phone" else None
    p = context.new_page() if context else page
    login(p, live_server.url, dw.users["parent"].username, PASSWORD)
    base = f"{live_server.url}/s/{dw.school.pk}/diary/"
    p.goto(base)
    screenshot(p, f"diary-{viewport}-index")
    for name, path in PAGES:
        response = p.goto(f"{base}{dw.student.pk}/{path}")
        assert response.status == 200, name
        expect(p.locator("h1")).to_be_visible()
        # Nothing overflows the screen sideways (tables scroll inside their own box).
        overflow = p.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name} overflows by {overflow}px"
        screenshot(p, f"diary-{viewport}-{name}")
    p.goto(f"{live_server.url}/s/{dw.school.pk}/diary/digest/")
    screenshot(p, f"diary-{viewport}-digest")
    # The class teacher's printout page.
    p.context.clear_cookies()
    login(p, live_server.url, dw.teacher.username, PASSWORD)
    p.goto(
        f"{live_server.url}/s/{dw.school.pk}/diary/printouts/{dw.school_class.pk}/?week={MONDAY.isoformat()}"
    )
    expect(p.locator('[data-testid="printout-roster"]')).to_contain_text(dw.student.last_name)
    screenshot(p, f"diary-{viewport}-printouts")
    if context:
        context.close()
