"""The demo school gives the medic, the psychologist, the secretary and the deputy work on
their first login: health sheets with ОВЗ and ПМПК, the social passport and its registers,
meal benefits and a month of fixed meal orders."""

from datetime import date

import pytest

from apps.care.models import (
    Characteristic,
    HealthRecord,
    MealBenefit,
    MealOrder,
    RegisterEntry,
    SocialPassport,
)


@pytest.mark.django_db(transaction=False)
def test_the_demo_step_fills_care():
    from apps.school.demo import build_demo_school

    demo = build_demo_school(scale=0.2, today=date(2026, 11, 24))
    records = list(HealthRecord.objects.filter(school=demo.school))
    assert len(records) > len(demo.students) * 0.6
    assert {r.health_group for r in records} >= {"1", "2", "3"}
    assert {r.pe_group for r in records} >= {"main", "preparatory"}
    ovz = [r for r in records if r.ovz]
    assert ovz and all(r.pmpk_number and r.pmpk_date and r.pmpk_conditions for r in ovz)
    assert SocialPassport.objects.filter(school=demo.school).count() > 5
    assert RegisterEntry.objects.filter(school=demo.school).exists()
    assert Characteristic.objects.filter(school=demo.school).exists()
    benefits = list(MealBenefit.objects.filter(school=demo.school))
    assert sum(b.category == "disabled" for b in benefits) == len(ovz)  # encrypted: no SQL lookup
    orders = MealOrder.objects.filter(school=demo.school)
    assert orders.count() >= 15 and not orders.filter(day=date(2026, 11, 24)).exists()
    assert all(o.counts for o in orders)
