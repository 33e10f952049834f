"""What a reader would misread (issue 12, item 19): the audit trend on a time axis with a
partial month marked, «Позже N рабочих дней» with the school's N, no empty «Экзамен» column
and no empty «Комментарии учителей» in the diary."""

import re
from datetime import date

from django.urls import reverse
from django.utils import timezone

from apps.gradebook.services import mark_set
from apps.reports.audit import RULE_KEYS, rules_for
from apps.reports.charts import line_chart
from apps.reports.models import AuditRun
from apps.school.models import SchoolRules
from apps.school.policy import school_policy
from tests.diary.conftest import MONDAY
from tests.reports.conftest import build_audit_world


def _xs(svg: str) -> list[float]:
    return [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]


def test_a_missing_month_keeps_its_place_and_breaks_the_line():
    svg = line_chart(
        ["10.26", "12.26"],
        [("Замечаний", [40, 6])],
        title="t",
        maximum=None,
        positions=[2026 * 12 + 10, 2026 * 12 + 12],
        partial=[False, True],
        partial_note="неполный месяц",
    )
    assert "<polyline" not in svg  # no line drawn across the missing November
    assert "12.26*" in svg and 'data-partial="1"' in svg and "* неполный месяц" in svg
    evenly = line_chart(["09", "10", "11"], [("a", [1, 2, 3])], title="t", positions=[9, 10, 11])
    xs = _xs(evenly)
    assert abs((xs[1] - xs[0]) - (xs[2] - xs[1])) < 0.5


def _month_run(aw, start, end, issues):
    return AuditRun.objects.create(
        school=aw.school,
        year=aw.year,
        kind=AuditRun.Kind.MONTH,
        starts_on=start,
        ends_on=end,
        computed_at=timezone.now(),
        totals={**dict.fromkeys(RULE_KEYS, 0), "issues": issues},
    )


def test_the_audit_trend_marks_the_partial_month(client, db):
    aw = build_audit_world("Europe/Moscow", prefix="tr")
    from apps.accounts.models import RoleGrant
    from tests import factories as f

    deputy = f.UserFactory(username="tr-deputy")
    RoleGrant.objects.create(user=deputy, school=aw.school, role="deputy")
    _month_run(aw, date(2026, 10, 1), date(2026, 10, 31), 40)
    _month_run(aw, date(2026, 12, 1), date(2026, 12, 7), 6)
    client.force_login(deputy)
    page = client.get(reverse("reports:audit", args=[aw.school.pk])).content.decode()
    assert "12.26*" in page and "неполный месяц: проверка по 07.12" in page


def test_the_late_period_marks_rule_names_the_schools_number(db):
    aw = build_audit_world("Europe/Moscow", prefix="pl")
    SchoolRules.objects.create(school=aw.school, period_mark_working_days=4)
    helps = {r.key: str(r.help) for r in rules_for(school_policy(aw.school))}
    assert helps["period_marks_late"].startswith("Позже 4-го рабочего дня после окончания периода.")
    assert "N" not in helps["period_marks_late"]


def test_the_diary_year_has_no_exam_column_without_exams(client, dw):
    client.force_login(dw.users["parent"])
    page = client.get(reverse("diary:year", args=[dw.school.pk, dw.student.pk])).content.decode()
    assert 'data-testid="year-table"' in page and "Экзамен" not in page


def test_teachers_comments_appear_only_when_there_are_some(client, dw):
    client.force_login(dw.users["parent"])
    url = reverse("diary:marks", args=[dw.school.pk, dw.student.pk])
    assert "Комментарии учителей" not in client.get(url).content.decode()
    mark_set(
        acting_user=dw.teacher,
        lesson=dw.math_mon,
        student=dw.student,
        work_type=dw.control,
        value="4",
        expected_version=0,
        comment="Аккуратно оформлено",
    )
    page = client.get(url, {"d": MONDAY.isoformat()}).content.decode()
    assert "Комментарии учителей" in page and "Аккуратно оформлено" in page
