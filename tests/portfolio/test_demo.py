"""The demo school has portfolios, teacher categories and courses, and the ГИА of its 9th
and 11th grades: this year's choices and last year's results."""

from datetime import date

import pytest

from apps.exams.models import Candidate, Exam
from apps.portfolio.models import Achievement, Portrait, TeacherCategory, TeacherEntry


@pytest.mark.django_db(transaction=False)
def test_the_demo_steps_fill_portfolios_and_gia():
    from apps.school.demo import build_demo_school

    demo = build_demo_school(scale=0.2, today=date(2026, 12, 7))
    achievements = Achievement.objects.filter(school=demo.school)
    assert achievements.filter(confirmed_at__isnull=False).count() > 10
    assert achievements.filter(confirmed_at__isnull=True).exists()
    assert achievements.filter(student__user=demo.users["student"]).count() == 3
    assert Portrait.objects.filter(school=demo.school).exists()
    assert TeacherCategory.objects.filter(
        school=demo.school, teacher=demo.users["teacher"]
    ).exists()
    assert TeacherEntry.objects.filter(school=demo.school, kind="course").exists()
    this_year = Candidate.objects.filter(school=demo.school, year=demo.year)
    assert set(this_year.values_list("grade", flat=True)) == {9, 11}
    assert Exam.objects.filter(candidate__year=demo.year).exists()
    last = Exam.objects.filter(candidate__year=demo.last_year)
    assert last.exists() and not last.filter(mark__isnull=True).exists()
    late = [e for e in last if (e.entered_at.date() - e.published_on).days > 10]
    assert late  # the deadline page of last year has a late result to show
