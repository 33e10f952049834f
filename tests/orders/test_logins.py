"""Logins for students and parents: bulk issue, slips, reissue, own class only, the log."""

import re

import pytest
from django.urls import reverse

from apps.accounts.logins import login_base, transliterate
from apps.accounts.models import LoginIssue, RoleGrant, User
from tests import factories as f
from tests.pdf import pdf_text


def log_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_transliteration_follows_the_passport_rules():
    assert transliterate("Щукина") == "shchukina"
    assert transliterate("Юлия Ёлкина-Жукова") == "iuliiaelkinazhukova"
    assert login_base("Иванова", "Анна", "Петровна") == "ivanova.ap"


def test_class_teacher_issues_slips_for_own_class(client, world):
    twin = f.EnrollmentFactory(
        school_class=world.school_class,
        student__last_name="Смирнов",
        student__first_name="Игорь",
        student__patronymic="Сергеевич",
    ).student
    f.EnrollmentFactory(
        school_class=world.school_class,
        student__last_name="Смирнов",
        student__first_name="Иван",
        student__patronymic="Семёнович",
    )
    mother = f.GuardianFactory(
        school=world.school, last_name="Смирнова", first_name="Ольга", patronymic="Викторовна"
    )
    f.GuardianshipFactory(student=twin, guardian=mother)
    client.force_login(world.users["teacher"])
    url = reverse("accounts:logins", args=[world.school.pk])
    assert twin.full_name in client.get(f"{url}?class={world.school_class.pk}").content.decode()
    response = client.post(
        reverse("accounts:logins-issue", args=[world.school.pk]),
        {"class": world.school_class.pk, "students": "on", "parents": "on", "channel": "slip"},
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    twin.refresh_from_db()
    assert twin.user.username in ("smirnov.is", "smirnov.is2") and twin.user.must_change_password
    assert (
        "smirnov.is" in text and "smirnov.is2" in text
    )  # unique logins for the two «Смирнов И. С.»
    assert "smirnova.ov" in text and "Временный пароль" in text and "При первом входе" in text
    assert RoleGrant.objects.filter(user=twin.user, school=world.school, role="student").exists()
    # Every slip is logged; the log never holds a password.
    issues = LoginIssue.objects.filter(school=world.school)
    assert issues.count() == 3 and all(i.issued_by == world.users["teacher"] for i in issues)
    password = re.search(r"smirnova\.ov\s*Временный пароль\s*(\S+)", text).group(1)
    assert not any(password in str(v) for i in issues.values() for v in i.values())
    client.logout()
    assert log_in(client, "smirnova.ov", password).status_code == 302


def test_the_first_login_forces_a_password_change(client, world):
    twin = f.EnrollmentFactory(
        school_class=world.school_class, student__last_name="Фёдоров"
    ).student
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("accounts:logins-issue", args=[world.school.pk]),
        {"class": world.school_class.pk, "students": "on", "channel": "slip"},
    )
    password = re.search(r"Временный пароль\s*(\S+)", pdf_text(response.content)).group(1)
    twin.refresh_from_db()
    client.logout()
    assert log_in(client, twin.user.username, password).status_code == 302
    assert client.get(reverse("school:home", args=[world.school.pk])).url == reverse(
        "accounts:password_change"
    )


def test_class_teacher_cannot_issue_for_another_class(client, world):
    seventh = f.SchoolClassFactory(year=world.year, grade=7)
    f.EnrollmentFactory(school_class=seventh)
    client.force_login(world.users["teacher"])
    assert (
        client.get(
            reverse("accounts:logins", args=[world.school.pk]) + f"?class={seventh.pk}"
        ).status_code
        == 404
    )
    response = client.post(
        reverse("accounts:logins-issue", args=[world.school.pk]),
        {"class": seventh.pk, "students": "on", "channel": "slip"},
    )
    assert response.status_code == 404
    assert (
        client.post(
            reverse("accounts:logins-issue", args=[world.school.pk]),
            {"class": "all", "students": "on"},
        ).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["director", "deputy", "secretary", "parent", "student"])
def test_other_roles_cannot_issue_logins(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("accounts:logins", args=[world.school.pk])).status_code == 403
    plain = f.RoleGrantFactory(school=world.school, role="teacher").user
    client.force_login(plain)
    assert client.get(reverse("accounts:logins", args=[world.school.pk])).status_code == 403


def test_admin_issues_for_the_whole_school(client, world):
    for grade in (6, 7):
        f.EnrollmentFactory(school_class=f.SchoolClassFactory(year=world.year, grade=grade))
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("accounts:logins-issue", args=[world.school.pk]),
        {"class": "all", "students": "on", "channel": "slip"},
    )
    assert response["Content-Type"] == "application/pdf"
    assert (
        LoginIssue.objects.filter(school=world.school, action="created").count() == 2
    )  # world.student has one


def test_reissue_for_one_person(client, world):
    client.force_login(world.users["teacher"])
    old_hash = world.users["student"].password
    response = client.post(
        reverse("accounts:login-reissue", args=[world.school.pk, "student", world.student.pk]),
        {"channel": "slip"},
    )
    text = pdf_text(response.content)
    assert world.users["student"].username in text
    user = User.objects.get(pk=world.users["student"].pk)
    assert user.password != old_hash and user.must_change_password
    assert LoginIssue.objects.get().action == "reissued"
    stranger = f.EnrollmentFactory(
        school_class=f.SchoolClassFactory(year=world.year, grade=8), student__user=f.UserFactory()
    ).student
    assert (
        client.post(
            reverse("accounts:login-reissue", args=[world.school.pk, "student", stranger.pk])
        ).status_code
        == 404
    )


def test_email_needs_an_address(client, world):
    f.EnrollmentFactory(school_class=world.school_class)
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("accounts:logins-issue", args=[world.school.pk]),
        {"class": world.school_class.pk, "students": "on", "channel": "email"},
        follow=True,
    )
    assert "Нет адреса электронной почты" in response.content.decode()
    assert not LoginIssue.objects.exists()


@pytest.mark.parametrize("n", [5, 40])
def test_logins_page_costs_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries, n
):
    for _ in range(n):
        f.GuardianshipFactory(student=f.EnrollmentFactory(school_class=world.school_class).student)
    client.force_login(world.users["teacher"])
    with django_assert_max_num_queries(14):
        assert (
            client.get(
                reverse("accounts:logins", args=[world.school.pk])
                + f"?class={world.school_class.pk}"
            ).status_code
            == 200
        )
