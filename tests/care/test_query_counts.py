"""Every care page answers in a constant number of queries, whatever the size of the class
(or of the school's log): measured with a few students, then locked with many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.care import meals
from apps.care.models import MealBenefit, SocialCategory
from apps.school import clock
from apps.school.clock import frozen
from tests.care.conftest import TODAY, at, consent, make_students

pytestmark = pytest.mark.django_db

# (url name, role or "pe"/"ct", kwargs builder, query string, queries measured)
PAGES = [
    ("health", "medic", lambda w: {}, "", 11),
    ("health-class", "medic", lambda w: {"class_id": w.school_class.pk}, "", 11),
    ("health-class", "pe", lambda w: {"class_id": w.school_class.pk}, "", 13),
    ("health-class-export", "medic", lambda w: {"class_id": w.school_class.pk}, "?format=xlsx", 11),
    ("health-student", "medic", lambda w: {"student_id": w.student.pk}, "", 9),
    ("social", "psychologist", lambda w: {}, "", 10),
    ("social-class", "psychologist", lambda w: {"class_id": w.school_class.pk}, "", 14),
    (
        "social-class-export",
        "psychologist",
        lambda w: {"class_id": w.school_class.pk},
        "?format=xlsx",
        14,
    ),
    ("social-student", "psychologist", lambda w: {"student_id": w.student.pk}, "", 11),
    ("social-summary", "deputy", lambda w: {}, "", 10),
    ("meals", "secretary", lambda w: {}, "", 17),
    ("meals-class", "ct", lambda w: {"class_id": w.school_class.pk}, "", 16),
    ("meals-order", "director", lambda w: {}, "", 14),
    ("meals-benefits", "secretary", lambda w: {}, "", 9),
    ("meals-tabel", "director", lambda w: {}, "?month=2026-10", 10),
    ("meals-summary", "director", lambda w: {}, "?month=2026-10", 6),
    ("read-log", "director", lambda w: {}, "", 5),
    ("read-log-student", "secretary", lambda w: {"student_id": w.student.pk}, "", 6),
]


def _grow(cw, n: int):
    """n more students in 5А with consents, health records, passports, benefits, a month of meals."""
    from apps.care.models import HealthRecord, SocialPassport

    w = cw.world
    students = make_students(w.school_class, n)
    for s in students:
        consent(s)
    now = clock.now()
    large = SocialCategory.objects.get(code="large_family")
    HealthRecord.objects.bulk_create(
        HealthRecord(
            school=w.school,
            year=w.year,
            student=s,
            health_group="2",
            pe_group="main",
            food_allergies="цитрусовые",
            updated_at=now,
        )
        for s in students
    )
    SocialPassport.objects.bulk_create(
        SocialPassport(school=w.school, student=s, categories=[str(large.pk)], updated_at=now)
        for s in students
    )
    MealBenefit.objects.bulk_create(
        MealBenefit(
            school=w.school,
            student=s,
            category="low_income",
            basis="Справка",
            valid_from=w.year.starts_on,
            recorded_at=now,
        )
        for s in students
    )
    for day in (TODAY.replace(day=12), TODAY.replace(day=13)):
        with frozen(at(9, 0, day)):
            meals.meal_order_fix(school=w.school, day=day)


def _user(cw, who):
    return {"pe": cw.pe_teacher, "ct": cw.world.users["teacher"]}.get(who) or cw.world.users[who]


def _count(client, cw, name, who, kwargs, query) -> int:
    w = cw.world
    client.force_login(_user(cw, who))
    url = reverse(f"care:{name}", kwargs={"school_id": w.school.pk, **kwargs(w)}) + query
    client.get(url)  # warm the session and the caches of the first request
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "who", "kwargs", "query", "limit"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES]
)
def test_page_queries_do_not_grow_with_the_class(
    client, cw, name, who, kwargs, query, limit, django_assert_max_num_queries
):
    _grow(cw, 2)
    small = _count(client, cw, name, who, kwargs, query)
    _grow(cw, 25)
    w = cw.world
    client.force_login(_user(cw, who))
    url = reverse(f"care:{name}", kwargs={"school_id": w.school.pk, **kwargs(w)}) + query
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200
    assert _count(client, cw, name, who, kwargs, query) == small
