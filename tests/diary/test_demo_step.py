"""The diary's demo step: some parents with the digest on, one parent on paper."""

import random

from apps.diary.demo import populate
from apps.diary.models import DigestSubscription, PaperReportRequest
from apps.school.clock import school_today
from apps.school.demo import DEMO_STEPS, DemoSchool


def test_demo_step_is_registered_and_fills_its_data(dw):
    assert "apps.diary.demo.populate" in DEMO_STEPS
    demo = DemoSchool(
        school=dw.school,
        year=dw.year,
        last_year=None,
        today=school_today(dw.school),
        rng=random.Random(1),
        students=[dw.student, dw.sibling, dw.stranger],
        classes=[dw.school_class],
    )
    populate(demo)
    populate(demo)  # idempotent
    assert DigestSubscription.objects.filter(school=dw.school, enabled=True).count() >= 1
    assert PaperReportRequest.objects.filter(school=dw.school).count() == 1
