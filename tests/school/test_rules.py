"""«Правила школы»: staff read the school's rules, the administration changes them."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.policy import POLICY, Perm, Role
from apps.school import services
from apps.school.models import SchoolRules
from apps.school.policy import DEFAULT_POLICY, school_policy

RULES_PAGE_QUERIES = 10


def _form_data(rules: SchoolRules, **overrides) -> dict:
    data = {
        f.name: getattr(rules, f.attname)
        for f in SchoolRules._meta.concrete_fields
        if f.name not in ("id", "school")
    }
    for i, minutes in enumerate(data.pop("homework_norm_minutes")):
        data[f"homework_norm_minutes_{i}"] = minutes
    data["reminders_from"] = data["reminders_from"].strftime("%H:%M")
    data["reminders_until"] = data["reminders_until"].strftime("%H:%M")
    data = {k: v for k, v in data.items() if v is not False}  # an unchecked box is not sent
    data["fingerprint"] = services.rules_fingerprint(rules)
    data.update(overrides)
    return data


def _url(world):
    return reverse("school:rules", args=[world.school.pk])


def test_deputy_changes_the_attendance_deadline(client, world):
    client.force_login(world.users["deputy"])
    data = _form_data(
        SchoolRules(school=world.school), attendance_minutes=15, homework_norm_minutes_8=240
    )
    response = client.post(_url(world), data)
    assert response.status_code == 302
    policy = school_policy(world.school)
    assert policy.attendance_minutes == 15
    assert policy.homework_norm(9) == 240
    assert "Правила школы сохранены." in client.get(_url(world)).content.decode()
    # The other school keeps its own rules.
    assert school_policy(world.other.school) == DEFAULT_POLICY


def test_the_page_groups_the_rules_and_names_their_sources(client, world):
    client.force_login(world.users["director"])
    page = client.get(_url(world)).content.decode()
    for group in ("Журнал", "Контроль", "Контингент", "Уведомления"):
        assert f"<legend>{group}</legend>" in page
    assert "СанПиН 1.2.3685-21" in page and "СанПиН 2.4.3648-20" in page
    # A default names a regulation or the typical regulation, never another school's order.
    assert "типовое положение о ведении электронного журнала" in page
    for other_school in ("приказ №", "Мегион", "Кропоткин", "Путилов", "Краноборск"):
        assert other_school not in page, other_school
    assert "Сохранить правила" in page


def test_a_teacher_reads_the_rules_but_cannot_change_them(client, world):
    client.force_login(world.users["teacher"])
    page = client.get(_url(world)).content.decode()
    assert 'data-testid="rules-read-only"' in page
    assert "Сохранить правила" not in page
    assert 'name="attendance_minutes" value="10"' in page and "disabled" in page
    data = _form_data(SchoolRules(school=world.school), attendance_minutes=60)
    assert client.post(_url(world), data).status_code == 403
    assert school_policy(world.school).attendance_minutes == 10


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_may_do_what_the_policy_table_says(client, world, role):
    client.force_login(world.users[role])
    reading = client.get(_url(world)).status_code
    assert reading == (200 if role in POLICY[Perm.VIEW_SCHOOL_CARD] else 403)
    response = client.post(
        _url(world), _form_data(SchoolRules(school=world.school), control_day=25)
    )
    may_edit = role in POLICY[Perm.MANAGE_RULES]
    assert response.status_code == (302 if may_edit else 403)
    assert school_policy(world.school).control_day == (25 if may_edit else 20)


def test_another_schools_rules_are_not_found(client, world):
    client.force_login(world.users["deputy"])
    url = reverse("school:rules", args=[world.other.school.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, _form_data(SchoolRules(school=world.other.school), control_day=5)
        ).status_code
        == 404
    )
    assert school_policy(world.other.school).control_day == 20


def test_an_impossible_date_is_explained_next_to_the_field_and_the_input_is_kept(client, world):
    client.force_login(world.users["deputy"])
    data = _form_data(
        SchoolRules(school=world.school), ktp_due_month=2, ktp_due_day=30, attendance_minutes=17
    )
    response = client.post(_url(world), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "В выбранном месяце нет такого числа." in page
    assert 'name="attendance_minutes" value="17"' in page
    assert 'name="ktp_due_day" value="30"' in page
    assert not SchoolRules.objects.filter(school=world.school).exists()


def test_reminders_need_a_daytime_window(client, world):
    client.force_login(world.users["admin"])
    data = _form_data(
        SchoolRules(school=world.school), reminders_from="22:00", reminders_until="07:00"
    )
    response = client.post(_url(world), data)
    assert response.status_code == 200
    assert "Окончание окна напоминаний должно быть позже начала." in response.content.decode()


def test_bad_numbers_are_refused_in_russian(client, world):
    client.force_login(world.users["deputy"])
    data = _form_data(
        SchoolRules(school=world.school), control_day=45, homework_norm_minutes_0="много"
    )
    page = client.post(_url(world), data).content.decode()
    assert "Убедитесь, что это значение меньше либо равно 31." in page
    assert "Введите целое число." in page


def test_a_concurrent_edit_is_not_overwritten(client, world):
    """Two deputies open the page; the second save does not silently undo the first."""
    client.force_login(world.users["deputy"])
    opened = _form_data(SchoolRules(school=world.school))
    services.school_rules_update(
        acting_user=world.users["director"], school=world.school, changes={"control_mark_days": 5}
    )
    response = client.post(_url(world), {**opened, "written_mark_days": 10})
    assert response.status_code == 200
    assert "изменил другой пользователь" in response.content.decode()
    policy = school_policy(world.school)
    assert (policy.control_mark_days, policy.written_mark_days) == (5, 7)


def test_the_service_refuses_what_the_form_would(world):
    with pytest.raises(ValidationError) as refused:
        services.school_rules_update(
            acting_user=world.users["deputy"],
            school=world.school,
            changes={
                "reminders_from": time(21, 0),
                "reminders_until": time(8, 0),
                "enrolment_due_day": 31,
                "enrolment_due_month": 9,
            },
        )
    assert set(refused.value.error_dict) == {"reminders_until", "enrolment_due_day"}
    assert school_policy(world.school) == DEFAULT_POLICY


def test_the_rules_page_is_in_the_menu_for_staff_only(client, world):
    client.force_login(world.users["secretary"])
    assert (
        _url(world) in client.get(reverse("school:home", args=[world.school.pk])).content.decode()
    )
    client.force_login(world.users["parent"])
    assert (
        _url(world)
        not in client.get(reverse("school:home", args=[world.school.pk])).content.decode()
    )


def test_the_rules_page_query_count(client, world, django_assert_max_num_queries):
    client.force_login(world.users["deputy"])
    services.school_rules_update(acting_user=world.users["deputy"], school=world.school, changes={})
    with django_assert_max_num_queries(RULES_PAGE_QUERIES):
        assert client.get(_url(world)).status_code == 200
