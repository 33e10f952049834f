"""The mail, the board and the events in a real browser: the class teacher of 5А writes to the
parents of 5А, a parent reads and answers, the teacher sees the receipt and the answer, a
parent of 5Б sees nothing. Every page is photographed on a desktop and on a phone."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from apps.messaging.board import AudienceChoice, announcement_save, event_save
from tests.browser import login, screenshot
from tests.messaging.conftest import MORNING, family

pytestmark = pytest.mark.e2e

PASSWORD = "пароль-для-тестов"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def test_class_teacher_writes_to_the_parents_and_a_parent_answers(page, browser, live_server, mw):
    base, w = live_server.url, mw.w
    school = w.school.pk
    family(w, w.school_class, "А2")  # a second family of 5А: «прочитали 1 из 2»

    login(page, base, w.users["teacher"].username, PASSWORD)
    page.goto(f"{base}/s/{school}/mail/new/")
    page.get_by_label("родителям 5А").check()
    page.fill("input[name=subject]", "Родительское собрание")
    page.fill("textarea[name=body]", "Собрание в четверг в 18:00, кабинет 204.")
    screenshot(page, "mail-compose-desktop")
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("receipt")).to_contain_text("прочитали 0 из 2")

    parent = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 900}).new_page()
    login(parent, base, w.users["parent"].username, PASSWORD)
    parent.goto(f"{base}/s/{school}/mail/")
    expect(parent.get_by_test_id("unread-mail")).to_have_text("1")
    screenshot(parent, "mail-inbox-desktop")
    parent.get_by_test_id("mail-row").first.click()
    expect(parent.get_by_test_id("letter").first).to_contain_text("кабинет 204")
    parent.fill("#reply-body", "Спасибо, придём вдвоём.")
    parent.get_by_test_id("reply").click()
    expect(parent.get_by_test_id("letter")).to_have_count(2)
    screenshot(parent, "mail-thread-desktop")
    parent.context.close()

    page.reload()
    expect(page.get_by_test_id("receipt")).to_contain_text("прочитали 1 из 2")
    expect(page.get_by_test_id("family-replies")).to_contain_text("Спасибо, придём вдвоём.")
    expect(page.get_by_test_id("unread-mail")).to_have_text("1")
    screenshot(page, "mail-sent-overview-desktop")

    other = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 900}).new_page()
    login(other, base, mw.parent_b.username, PASSWORD)
    other.goto(f"{base}/s/{school}/mail/")
    expect(other.get_by_test_id("mail-list")).to_contain_text("Писем нет.")
    expect(other.get_by_test_id("unread-mail")).to_have_count(0)
    other.context.close()


def test_every_page_on_a_desktop_and_a_phone(browser, live_server, mw):
    from apps.messaging.mail import message_send, reply_send, thread_of

    base, w = live_server.url, mw.w
    school = w.school.pk
    teacher_ctx = mw.ctx(w.users["teacher"])
    letter = message_send(
        ctx=teacher_ctx,
        subject="Экскурсия в музей",
        body="Планируем экскурсию в краеведческий музей в субботу.\nСбор в 9:00.",
        addresses=[f"g:class_parents:{w.school_class.pk}"],
    )
    parent_ctx = mw.ctx(w.users["parent"])
    reply_send(ctx=parent_ctx, thread=thread_of(ctx=parent_ctx, message=letter), body="Поедем!")
    deputy = mw.ctx(w.users["deputy"])
    today = MORNING.date()
    item = announcement_save(
        ctx=deputy,
        announcement=None,
        title="Сокращённые уроки во вторник",
        body="Во вторник все уроки по 40 минут.",
        choice=AudienceChoice([], [], []),
        publish_on=today,
        ends_on=today + timedelta(days=7),
        pinned=True,
    )
    announcement_save(
        ctx=teacher_ctx,
        announcement=None,
        title="5А: сбор на экскурсию",
        body="У главного входа.",
        choice=AudienceChoice([], [], [w.school_class.pk]),
        publish_on=today,
        ends_on=None,
        pinned=False,
    )
    event = event_save(
        ctx=deputy,
        event=None,
        title="Осенний концерт",
        description="Выступают 1–11 классы.",
        starts_at=MORNING.replace(hour=15) + timedelta(days=2),
        ends_at=None,
        place="Актовый зал",
        responsible=w.users["deputy"],
        choice=AudienceChoice([], [], []),
    )
    pages = {
        "teacher": [
            ("home", f"/s/{school}/"),
            ("mail-inbox", f"/s/{school}/mail/"),
            ("mail-sent", f"/s/{school}/mail/?folder=sent"),
            ("mail-compose", f"/s/{school}/mail/new/"),
            ("mail-overview", f"/s/{school}/mail/{letter.pk}/"),
            ("board", f"/s/{school}/board/"),
            ("board-new", f"/s/{school}/board/new/"),
            ("events", f"/s/{school}/events/?m=2026-10"),
            ("event-new", f"/s/{school}/events/new/"),
        ],
        "parent": [
            ("parent-home", f"/s/{school}/"),
            ("parent-thread", f"/s/{school}/mail/{letter.pk}/"),
            ("parent-board-item", f"/s/{school}/board/{item.pk}/"),
            ("parent-events-list", f"/s/{school}/events/?view=list"),
            ("parent-event", f"/s/{school}/events/{event.pk}/"),
            ("parent-diary-week", f"/s/{school}/diary/{w.student.pk}/"),
            ("mail-settings", f"/s/{school}/mail/settings/"),
        ],
        "director": [("director-compose", f"/s/{school}/mail/new/")],
    }
    for device, options in (
        ("desktop", {"viewport": {"width": 1366, "height": 768}}),
        ("phone", PHONE),
    ):
        for role, visits in pages.items():
            context = browser.new_context(locale="ru-RU", **options)
            page = context.new_page()
            login(page, base, w.users[role].username, PASSWORD)
            for name, path in visits:
                response = page.goto(base + path)
                assert response.status == 200, path
                screenshot(page, f"messaging-{name}-{device}")
            context.close()
