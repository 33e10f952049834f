"""Grade 1 is taught without marks (СанПиН 2.4.3648-20): no period, year or final marks in
any path — the grid, a direct POST, the service, the progress report (issue 12, item 16)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.gradebook.models import PeriodMark
from apps.gradebook.services import period_mark_set
from apps.reports.periods import spans_of_year
from apps.reports.progress import SOURCE_MARKS, progress
from apps.school.policy import DEFAULT_POLICY
from tests import factories as f


@pytest.fixture
def first_grade(world):
    school_class = f.SchoolClassFactory(
        year=world.year, grade=1, letter="Б", class_teacher=world.users["teacher"]
    )
    assignment = f.TeachingAssignmentFactory(
        school_class=school_class, subject=world.subject, teacher=world.users["teacher"]
    )
    pupil = f.StudentFactory(school=world.school, last_name="Первоклассник")
    f.EnrollmentFactory(school_class=school_class, student=pupil)
    f.LessonFactory(assignment=assignment, date=date(2026, 9, 7))
    return assignment, pupil


def test_the_grid_of_grade_one_offers_no_attestation_cells(client, world, first_grade):
    assignment, _pupil = first_grade
    period = world.year.periods.get(number=1)
    client.force_login(world.users["teacher"])
    page = client.get(
        reverse("journal:grid", args=[world.school.pk, assignment.pk]), {"period": period.pk}
    ).content.decode()
    assert "Безотметочное обучение" in page
    assert "data-period-student" not in page


def test_a_posted_period_mark_in_grade_one_is_refused_and_not_stored(client, world, first_grade):
    assignment, pupil = first_grade
    period = world.year.periods.get(number=1)
    client.force_login(world.users["teacher"])
    url = reverse("journal:period-mark", args=[world.school.pk, assignment.pk])
    for kind in ("period", "year", "final"):
        response = client.post(
            url,
            {"student": pupil.pk, "period": period.pk, "kind": kind, "value": "5", "version": 0},
        )
        assert response.status_code == 422
    assert not PeriodMark.objects.exists()
    with pytest.raises(ValidationError, match="безотметочное"):
        period_mark_set(
            acting_user=world.users["teacher"],
            assignment=assignment,
            student=pupil,
            value="5",
            period=period,
            expected_version=0,
        )


def test_the_progress_report_does_not_count_a_stray_grade_one_mark(world, first_grade):
    assignment, pupil = first_grade
    period = world.year.periods.get(number=1)
    now = timezone.now()
    PeriodMark.objects.create(  # written before the rule, or by hand in the database
        school=world.school,
        assignment=assignment,
        kind="period",
        period=period,
        student=pupil,
        value="5",
        set_by=world.users["teacher"],
        entered_at=now,
        set_at=now,
    )
    span = next(s for s in spans_of_year(world.year, [period]) if s.key == f"p{period.pk}")
    data = progress(
        year=world.year,
        span=span,
        source=SOURCE_MARKS,
        policy=DEFAULT_POLICY,
        today=date(2026, 11, 20),
    )
    assert assignment.school_class.pk not in data.by_class
    assert data.school.counted == 0
