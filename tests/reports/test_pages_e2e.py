"""The control pages in Chromium on a school with three months of journal: each page
opens without a browser error, shows its figures, and is photographed for review
(test-artifacts/reports/)."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.reports.models import AuditRun, ExportJob
from apps.reports.services import audit_month_store, audit_store
from tests.browser import login, screenshot
from tests.reports.sample_school import PASSWORD, build_sample_school

pytestmark = pytest.mark.e2e


@pytest.fixture
def sample(transactional_db):
    data = build_sample_school()
    school = data["school"]
    as_of = datetime.combine(date(2026, 11, 20), time(9, 0), tzinfo=school.tz)
    for month in (date(2026, 9, 1), date(2026, 10, 1)):
        audit_month_store(school=school, month=month, automatic=True, as_of=as_of)
    q1 = data["q1"]
    audit_store(
        school=school,
        kind=AuditRun.Kind.PERIOD,
        starts_on=q1.starts_on,
        ends_on=q1.ends_on,
        period=q1,
        as_of=as_of,
    )
    return data


# Builds a class year PDF inside the request (tasks run in-process): minutes on a busy machine.
@pytest.mark.timeout(600)
def test_the_deputy_and_a_teacher_use_the_control_pages(page, live_server, sample):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    school = sample["school"]
    base = live_server.url

    def url(name, **kw):
        return base + reverse(name, kwargs={"school_id": school.pk, **kw})

    login(page, base, "deputy", PASSWORD)
    page.goto(url("reports:index"))
    screenshot(page, "reports/index-deputy")
    page.goto(url("reports:audit"))
    assert page.locator("[data-testid=teachers] tbody tr").count() == 4
    assert page.locator("svg.chart").count() == 1  # the month-to-month trend
    screenshot(page, "reports/audit-summary")
    page.locator("[data-testid=teachers] a", has_text="Петров").click()
    expect(page.locator("[data-testid=line]")).to_have_count(3)
    screenshot(page, "reports/audit-teacher")
    page.locator("[data-testid=line] a", has_text="подробно").first.click()
    expect(page.locator("[data-testid=rule-no_topic]")).to_have_count(1)
    screenshot(page, "reports/audit-line")
    page.goto(url("reports:audit-new"))
    screenshot(page, "reports/audit-new")
    page.goto(url("reports:progress") + f"?span=p{sample['q1'].pk}")
    assert (
        page.locator("[data-testid=totals]").count() == 1 and page.locator("svg.chart").count() == 2
    )
    screenshot(page, "reports/progress-school")
    page.goto(
        url("reports:progress")
        + f"?span=p{sample['q1'].pk}&source=forecast&class={sample['classes'][0].pk}"
    )
    assert page.get_by_text("Прогноз отметок").count() == 1
    screenshot(page, "reports/progress-forecast-5a")
    page.goto(url("reports:progress") + f"?span=p{sample['q1'].pk}&by=teacher")
    screenshot(page, "reports/progress-by-teacher")
    page.goto(url("reports:attendance") + "?span=year")
    screenshot(page, "reports/attendance-school")
    page.goto(url("reports:attendance") + f"?span=year&class={sample['classes'][0].pk}")
    assert page.get_by_text("По обучающимся").count() == 1
    screenshot(page, "reports/attendance-class")
    page.goto(url("reports:activity") + "?month=2026-10")
    screenshot(page, "reports/activity")
    page.goto(url("reports:archive"))
    screenshot(page, "reports/archive")
    # Tests run tasks in-process: the answer to the click comes once the class's whole year
    # is a PDF, which takes minutes on a busy machine.
    page.locator("[data-testid=archive-classes] button").first.click(no_wait_after=True)
    page.wait_for_selector("[data-testid=download]", timeout=180_000)
    screenshot(page, "reports/export-ready")
    with page.expect_download() as download:
        page.click("[data-testid=download]")
    assert download.value.suggested_filename.endswith(".pdf")
    running = ExportJob.objects.create(
        school=school,
        kind=ExportJob.Kind.SCHOOL_YEAR,
        params={"year": sample["year"].pk},
        status=ExportJob.Status.RUNNING,
        progress=40,
        created_by=sample["users"]["deputy"],
    )
    page.goto(url("reports:export", job_id=running.pk))
    assert page.locator(".progress-bar").inner_text() == "40%"
    ExportJob.objects.filter(pk=running.pk).update(progress=75)
    expect(page.locator(".progress-bar")).to_have_text("75%", timeout=10_000)  # htmx polling
    screenshot(page, "reports/export-progress")

    page.context.clear_cookies()
    login(page, base, "t-hist", PASSWORD)
    page.goto(url("reports:audit"))
    assert page.locator("[data-testid=line]").count() >= 3
    screenshot(page, "reports/audit-own-lines")
    page.goto(url("reports:index"))
    screenshot(page, "reports/index-teacher")
    assert not errors, errors
