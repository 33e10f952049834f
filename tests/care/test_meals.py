"""Free meals: the right follows from benefits and dates, the morning list from attendance,
the kitchen's order is fixed at the school's deadline, reminders, the табель and summary."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from apps.attendance.models import AttendanceMark
from apps.care import meals
from apps.care.models import MealBenefit, MealLine, MealOrder
from apps.messaging.models import Notification
from apps.school import clock
from apps.school.clock import frozen
from apps.school.models import SchoolRules
from tests import factories as f
from tests.care.conftest import TODAY, at, make_students

pytestmark = pytest.mark.django_db


def _url(name, w, **kw):
    return reverse(f"care:{name}", kwargs={"school_id": w.school.pk, **kw})


def _benefit(student, category="large_family", start=date(2026, 9, 1), end=None):
    return MealBenefit.objects.create(
        school=student.school,
        student=student,
        category=category,
        basis="Удостоверение № 5",
        valid_from=start,
        valid_until=end,
        recorded_at=clock.now(),
    )


def _absent_at_first_lesson(w, student, day=TODAY):
    lesson = f.LessonFactory(
        assignment=w.assignment,
        date=day,
        lesson_number=1,
        starts_at=time(8, 0),
        attendance_taken_at=at(8, 12, day),
        attendance_taken_by=w.users["teacher"],
    )
    AttendanceMark.objects.create(
        school=w.school,
        lesson=lesson,
        student=student,
        kind="н",
        entered_at=at(8, 12, day),
        entered_by=w.users["teacher"],
    )


def test_a_benefit_that_ended_yesterday_is_not_free_today(cw):
    w = cw.world
    ended = _benefit(w.student, end=TODAY - timedelta(days=1))
    assert meals.free_category(grade=5, benefits=[ended], day=TODAY) is None
    assert (
        meals.free_category(grade=5, benefits=[ended], day=TODAY - timedelta(days=1))
        == "large_family"
    )
    assert meals.free_category(grade=3, benefits=[ended], day=TODAY) == "primary"


def test_a_student_absent_at_0840_is_not_in_the_days_order(client, cw):
    w = cw.world
    present = make_students(w.school_class, 1, prefix="Присутствов")[0]
    _benefit(w.student)
    _benefit(present, category="low_income")
    _absent_at_first_lesson(w, w.student)
    with frozen(at(8, 40)):
        client.force_login(w.users["teacher"])
        page = client.get(_url("meals-class", w, class_id=w.school_class.pk)).content.decode()
        assert "отсутствует" in page
    with frozen(at(9, 0)):
        order = meals.meal_order_fix(school=w.school, day=TODAY)
    fed = set(MealLine.objects.filter(day=TODAY).values_list("student_id", flat=True))
    assert present.pk in fed and w.student.pk not in fed
    counts = order.counts[str(w.school_class.pk)]["counts"]["breakfast"]
    assert counts == {"low_income": 1}


def test_a_student_ticked_earlier_but_absent_by_the_deadline_is_dropped(client, cw):
    w = cw.world
    _benefit(w.student)
    with frozen(at(7, 50)):
        client.force_login(w.users["teacher"])
        client.post(
            _url("meals-class", w, class_id=w.school_class.pk),
            {f"m-{w.student.pk}-breakfast": "1"},
        )
    assert MealLine.objects.filter(student=w.student).exists()
    _absent_at_first_lesson(w, w.student)
    with frozen(at(9, 0)):
        meals.meal_order_fix(school=w.school, day=TODAY)
    assert not MealLine.objects.filter(student=w.student).exists()


def test_the_order_is_fixed_at_the_deadline_and_a_later_change_is_refused(client, cw):
    w = cw.world
    _benefit(w.student)
    client.force_login(w.users["teacher"])
    url = _url("meals-class", w, class_id=w.school_class.pk)
    with frozen(at(8, 30)):
        assert client.post(url, {f"m-{w.student.pk}-breakfast": "1"}).status_code == 302
        assert meals.meal_orders_due(now=at(8, 30)) == []
    with frozen(at(9, 0)):
        assert (w.school.pk, TODAY) in meals.meal_orders_due(now=at(9, 0))
        from apps.care.tasks import meals_tick

        meals_tick()  # eager in tests: fixes the order
    order = MealOrder.objects.get(school=w.school, day=TODAY)
    assert order.counts[str(w.school_class.pk)]["confirmed"] is True
    with frozen(at(9, 5)):
        response = client.post(
            url, {f"m-{w.student.pk}-breakfast": "1", f"m-{w.student.pk}-lunch": "1"}
        )
    assert response.status_code == 409
    assert "уже передана на пищеблок" in response.content.decode()
    assert MealLine.objects.filter(student=w.student).count() == 1


def test_where_the_rules_allow_corrections_the_kitchen_gets_the_new_count(client, cw):
    w = cw.world
    SchoolRules.objects.create(school=w.school, meals_corrections_allowed=True)
    _benefit(w.student)
    with frozen(at(9, 0)):
        meals.meal_order_fix(school=w.school, day=TODAY)  # unconfirmed: eats by default
    order = MealOrder.objects.get()
    assert order.counts[str(w.school_class.pk)]["counts"]["breakfast"] == {"large_family": 1}
    client.force_login(w.users["teacher"])
    with frozen(at(9, 20)):
        response = client.post(
            _url("meals-class", w, class_id=w.school_class.pk),
            {f"m-{w.student.pk}-breakfast": "1", f"m-{w.student.pk}-lunch": "1"},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.corrected_at is not None
    assert order.counts[str(w.school_class.pk)]["counts"]["lunch"] == {"large_family": 1}


def test_the_deadline_is_in_the_schools_time_zone(cw):
    w = cw.world
    w.school.time_zone = "Asia/Vladivostok"  # UTC+10: 09:00 there is 02:00 in Moscow
    w.school.save()
    assert meals.meal_orders_due(now=at(1, 59)) == []
    assert (w.school.pk, TODAY) in meals.meal_orders_due(now=at(2, 0))


def test_allergies_are_shown_to_the_class_teacher_and_the_read_is_logged(client, cw):
    from apps.care.models import SpecialReadLog

    w = cw.world
    client.force_login(w.users["medic"])
    client.post(
        reverse(
            "care:health-student", kwargs={"school_id": w.school.pk, "student_id": w.student.pk}
        ),
        {"version": 0, "food_allergies": "арахис"},
    )
    SpecialReadLog.objects.all().delete()
    client.force_login(w.users["teacher"])
    page = client.get(_url("meals-class", w, class_id=w.school_class.pk)).content.decode()
    assert "арахис" in page
    log = SpecialReadLog.objects.get()
    assert log.area == "meals" and log.student_ids == [w.student.pk]
    # another class's teacher may not open this class's list
    client.force_login(cw.other_class_teacher)
    assert client.get(_url("meals-class", w, class_id=w.school_class.pk)).status_code == 404


def test_class_teachers_who_have_not_confirmed_are_reminded_once(client, cw):
    w = cw.world
    assert meals.meals_reminders_send(school=w.school, now=at(8, 20)) == 0  # too early
    assert meals.meals_reminders_send(school=w.school, now=at(8, 35)) == 2  # 5А and 5Б
    assert meals.meals_reminders_send(school=w.school, now=at(8, 45)) == 0  # once
    client.force_login(cw.other_class_teacher)
    with frozen(at(8, 50)):
        client.post(_url("meals-class", w, class_id=cw.other_class.pk), {})
    titles = list(Notification.objects.values_list("user_id", "title"))
    assert (w.users["teacher"].pk, "Подтвердите питание 5А до 09:00") in titles


def test_no_order_on_a_sunday(cw):
    sunday = TODAY + timedelta(days=4)
    assert meals.meal_orders_due(now=at(10, 0, sunday)) == []


def test_tabel_and_summary(client, cw):
    w = cw.world
    _benefit(w.student)
    for d in (TODAY - timedelta(days=1), TODAY):
        with frozen(at(9, 0, d)):
            meals.meal_order_fix(school=w.school, day=d)
    client.force_login(w.users["teacher"])
    page = client.get(_url("meals-tabel", w) + f"?class={w.school_class.pk}&month=2026-10")
    assert page.status_code == 200 and w.student.full_name in page.content.decode()
    xlsx = client.get(
        _url("meals-tabel", w) + f"?class={w.school_class.pk}&month=2026-10&format=xlsx"
    )
    assert xlsx.status_code == 200 and "tabel-pitaniya" in xlsx["Content-Disposition"]
    client.force_login(w.users["deputy"])
    summary = client.get(_url("meals-summary", w) + "?month=2026-10").content.decode()
    assert "из многодетной семьи" in summary and w.student.full_name not in summary
    pdf = client.get(_url("meals-summary", w) + "?month=2026-10&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    # a class teacher's табель of another class: 404
    client.force_login(cw.other_class_teacher)
    assert client.get(_url("meals-tabel", w) + f"?class={w.school_class.pk}").status_code == 404


def test_secretary_records_a_benefit_and_overlaps_are_refused(client, cw):
    w = cw.world
    client.force_login(w.users["secretary"])
    data = {
        "student": w.student.pk,
        "category": "low_income",
        "basis": "Справка УСЗН № 12",
        "valid_from": "2026-09-01",
        "valid_until": "2026-12-31",
    }
    assert client.post(_url("meals-benefits", w), data).status_code == 302
    again = client.post(_url("meals-benefits", w), {**data, "valid_from": "2026-10-01"})
    assert "уже есть эта льгота" in again.content.decode()
    backwards = client.post(
        _url("meals-benefits", w), {**data, "category": "svo", "valid_until": "2026-08-01"}
    )
    assert "раньше, чем началась" in backwards.content.decode()
    assert MealBenefit.objects.count() == 1


def test_before_the_deadline_the_kitchen_sees_a_forecast_and_after_it_the_page_fixes_a_missed_order(
    client, cw
):
    w = cw.world
    _benefit(w.student)
    client.force_login(w.users["director"])
    with frozen(at(8, 30)):
        page = client.get(_url("meals-order", w)).content.decode()
    assert "Прогноз" in page and not MealOrder.objects.exists()
    with frozen(at(10, 0)):  # the beat was down at 09:00
        page = client.get(_url("meals-order", w)).content.decode()
    order = MealOrder.objects.get()
    assert "Зафиксирована" in page
    assert order.counts[str(w.school_class.pk)]["counts"]["breakfast"] == {"large_family": 1}
