"""The demo step stores the audits the monthly task would have stored, so a trend shows."""

import random
from datetime import date

from apps.messaging.models import Notification
from apps.reports.demo import populate
from apps.reports.models import ActivityReport, AuditRun
from apps.school.demo import DEMO_STEPS, DemoSchool
from tests.reports.sample_school import build_sample_school


def test_the_demo_step_stores_past_months_audits(db):
    data = build_sample_school(students_per_class=4)
    demo = DemoSchool(
        school=data["school"],
        year=data["year"],
        last_year=None,
        today=date(2026, 11, 24),
        rng=random.Random(1),
    )
    populate(demo)
    runs = list(AuditRun.objects.filter(school=demo.school).order_by("starts_on"))
    assert [(r.starts_on, r.automatic) for r in runs] == [
        (date(2026, 9, 1), True),
        (date(2026, 10, 1), True),
    ]
    assert runs[1].computed_at.astimezone(demo.school.tz).date() == date(2026, 11, 20)
    assert all(r.totals["lessons"] > 0 for r in runs)
    assert ActivityReport.objects.filter(school=demo.school).count() == 2
    # Teachers find October's results among their notifications; no mail is queued.
    notes = Notification.objects.filter(school=demo.school, title__contains="октябрь 2026")
    assert (
        notes.filter(user=data["users"]["t-hist"]).exists()
        and not notes.filter(wants_email=True).exists()
    )
    # Before the control day of November the October audit is not due yet.
    AuditRun.objects.all().delete()
    populate(
        DemoSchool(
            school=demo.school,
            year=demo.year,
            last_year=None,
            today=date(2026, 11, 12),
            rng=demo.rng,
        )
    )
    assert list(AuditRun.objects.values_list("starts_on", flat=True)) == [date(2026, 9, 1)]
    assert "apps.reports.demo.populate" in DEMO_STEPS
