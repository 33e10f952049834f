"""In Chromium: the secretary uploads a public document and a new version of it; anyone
reads it on the school's open page without logging in; a teacher adds a material to the
catalogue and gives it as homework from the lesson page. Screenshots (desktop and phone)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.homework.models import Homework
from apps.homework.services import homework_set
from tests.browser import login, screenshot
from tests.journal.conftest import jw  # noqa: F401  (the journal's fixture)

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"


def _phone(browser, base, user, path, name):
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    if user is not None:
        login(phone, base, user.username, PASSWORD)
    phone.goto(f"{base}{path}")
    screenshot(phone, name)
    context.close()


def test_the_store_from_upload_to_the_open_page(live_server, page, browser, world, tmp_path):
    base, school = live_server.url, world.school.pk
    secretary = world.users["secretary"]
    first, second = tmp_path / "ustav.pdf", tmp_path / "ustav-2.pdf"
    first.write_bytes(b"%PDF-1.4 first")
    second.write_bytes(b"%PDF-1.4 second")

    login(page, base, secretary.username, PASSWORD)
    page.goto(f"{base}{reverse('documents:upload', args=[school])}")
    page.fill("#id_title", "Устав МБОУ «СОШ № 1»")
    page.select_option("#id_category", "public")
    page.check("input[name=visibility][value=public]")
    page.set_input_files("#id_file", str(first))
    screenshot(page, "documents-upload")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("title")).to_have_text("Устав МБОУ «СОШ № 1»")
    page.set_input_files("#id_file", str(second))
    page.fill("#id_note", "изменения 2026 года")
    page.get_by_test_id("add-version").click()
    expect(page.get_by_test_id("version-row")).to_have_count(2)
    screenshot(page, "documents-detail")
    page.goto(f"{base}{reverse('documents:index', args=[school])}")
    expect(page.get_by_test_id("document-row")).to_have_count(1)
    screenshot(page, "documents-index")
    _phone(
        browser, base, secretary, reverse("documents:index", args=[school]), "documents-index-phone"
    )
    page.context.clear_cookies()

    public = reverse("documents:public", args=[school])
    page.goto(f"{base}{public}")
    expect(page.get_by_test_id("public-documents")).to_contain_text("Устав МБОУ «СОШ № 1»")
    screenshot(page, "documents-public")
    with page.expect_download() as download:
        page.get_by_role("link", name="Устав МБОУ «СОШ № 1»").click()
    assert download.value.suggested_filename == "Устав МБОУ «СОШ № 1».pdf"
    _phone(browser, base, None, public, "documents-public-phone")


def test_a_teacher_gives_a_catalogue_item_as_homework(live_server, page, browser, jw, tmp_path):  # noqa: F811
    base, school = live_server.url, jw.school.pk
    teacher = jw.users["teacher"]
    cards = tmp_path / "kartochki.pdf"
    cards.write_bytes(b"%PDF-1.4 cards")
    homework_set(acting_user=teacher, lesson=jw.lesson, text="№ 245, 246", expected_version=0)

    login(page, base, teacher.username, PASSWORD)
    page.goto(f"{base}{reverse('documents:resource-add', args=[school])}")
    page.fill("#id_title", "Карточки: сложение дробей")
    page.select_option("#id_subject", str(jw.subject.pk))
    page.check("input[name=grades][value='5']")
    page.fill("#id_topic", "Обыкновенные дроби")
    page.set_input_files("#id_file", str(cards))
    page.check("#id_shared")
    screenshot(page, "resources-form")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("resource-row")).to_have_count(1)
    screenshot(page, "resources-index")
    _phone(
        browser,
        base,
        teacher,
        reverse("documents:resources", args=[school]),
        "resources-index-phone",
    )

    page.goto(f"{base}{reverse('journal:lesson', args=[school, jw.lesson.pk])}")
    catalogue = page.get_by_test_id("from-catalogue")
    catalogue.get_by_role("button").click()
    expect(page.get_by_test_id("attachments")).to_contain_text("kartochki.pdf")
    page.get_by_test_id("homework-form").scroll_into_view_if_needed()
    screenshot(page, "resources-lesson-homework")
    assert Homework.objects.get(lesson=jw.lesson).attachments.get().name == "kartochki.pdf"
