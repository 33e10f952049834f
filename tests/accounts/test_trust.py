"""Accounts and sessions under attack: lockouts by login and address, the administrator's
lockout page, passwords that are the login or the name, «чужой компьютер», reissues."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import LoginIssue, RoleGrant
from apps.messaging.models import Notification
from apps.school import clock
from tests import factories as f

PASSWORD = "пароль-для-тестов"


def _login(client, username, password, ip="10.0.0.1", **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password, **extra},
        REMOTE_ADDR=ip,
    )


def test_failures_from_elsewhere_do_not_lock_a_teacher_out(client, world, settings):
    teacher = world.users["teacher"].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, teacher, "подбор", ip="203.0.113.7")
    assert _login(client, teacher, PASSWORD, ip="203.0.113.7").status_code == 429
    # The teacher at school, from the school's address, still gets in.
    assert _login(client, teacher, PASSWORD, ip="10.0.0.1").status_code == 302


def test_a_password_spray_from_one_address_is_throttled(client, world, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    users = [f.UserFactory(username=f"spray{i}") for i in range(6)]
    for user in users:
        _login(client, user.username, "Qwerty123", ip="198.51.100.9")
    refused = _login(client, world.users["deputy"].username, PASSWORD, ip="198.51.100.9")
    assert refused.status_code == 429
    assert "С этого адреса было слишком много" in refused.content.decode()
    assert (
        _login(client, world.users["deputy"].username, PASSWORD, ip="10.0.0.2").status_code == 302
    )


def test_the_administrator_sees_and_lifts_lockouts(client, world, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    teacher = world.users["teacher"].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, teacher, "подбор", ip="203.0.113.7")
    for i in range(8):
        _login(client, f"nobody{i}", "x", ip="203.0.113.7")
    page_url = reverse("accounts:lockouts", args=[world.school.pk])
    client.force_login(world.users["admin"])
    page = client.get(page_url).content.decode()
    assert teacher in page and "203.0.113.7" in page
    # Another school's administrator does not see this school's teacher.
    client.force_login(world.other.users["admin"])
    assert (
        teacher
        not in client.get(
            reverse("accounts:lockouts", args=[world.other.school.pk])
        ).content.decode()
    )
    client.force_login(world.users["admin"])
    client.post(page_url, {"username": teacher})
    client.post(page_url, {"ip_address": "203.0.113.7"})
    client.logout()
    assert _login(client, teacher, PASSWORD, ip="203.0.113.7").status_code == 302
    # The failures stay on record after the lift and after a success.
    assert AccessFailureLog.objects.filter(username=teacher).count() == settings.AXES_FAILURE_LIMIT
    assert not AccessAttempt.objects.filter(username=teacher).exists()


@pytest.fixture
def issued(world):
    user, password = services.user_create(
        acting_user=world.users["admin"],
        username="novikova.ma",
        last_name="Новикова",
        first_name="Мария",
        patronymic="Андреевна",
    )
    RoleGrant.objects.create(user=user, school=world.school, role="teacher")
    return user, password


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("SAME", "должен отличаться"),
        ("novikova.ma2026", "логином"),
        ("Novikova.MA!", "логином"),
        ("Новикова-2026!", "фамилию, имя или отчество"),
        ("мария-весна-26", "фамилию, имя или отчество"),
    ],
    ids=["temporary", "login", "login-case", "surname", "first-name"],
)
def test_the_new_password_is_not_the_issued_one_the_login_or_the_name(client, issued, new, message):
    user, password = issued
    _login(client, "novikova.ma", password)
    new = password if new == "SAME" else new
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200 and message in response.content.decode()
    user.refresh_from_db()
    assert user.must_change_password


def test_a_shared_computer_session_ends_with_the_browser_and_after_idle(client, world, settings):
    response = _login(client, world.users["teacher"].username, PASSWORD, shared_computer="1")
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close()
    home = reverse("school:home", args=[world.school.pk])
    assert client.get(home).status_code == 200
    session = client.session
    session["seen_at"] = (
        int(clock.now().timestamp()) - settings.SHARED_COMPUTER_IDLE_MINUTES * 60 - 5
    )
    session.save()
    idle = client.get(home)
    assert idle.status_code == 302 and idle.url.startswith(reverse("accounts:login"))
    assert client.get(home).status_code == 302  # logged out for good
    # An ordinary login lasts the working day.
    _login(client, world.users["teacher"].username, PASSWORD)
    assert not client.session.get_expire_at_browser_close()
    assert client.get(home)["Cache-Control"].count("no-store") == 1


def test_a_class_teacher_cannot_reissue_for_a_parent_with_a_child_elsewhere(client, world):
    other_class = f.SchoolClassFactory(year=world.year, grade=2, letter="В", shift=world.shift)
    sibling = f.EnrollmentFactory(school_class=other_class).student
    f.GuardianshipFactory(student=sibling, guardian=world.guardian)
    client.force_login(world.users["teacher"])
    url = reverse("accounts:login-reissue", args=[world.school.pk, "guardian", world.guardian.pk])
    response = client.post(url, {"channel": "slip"}, follow=True)
    assert "дети в других классах" in response.content.decode()
    assert not LoginIssue.objects.exists()
    # The administrator may, and the parent is told.
    client.force_login(world.users["admin"])
    response = client.post(url, {"channel": "slip"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    issue = LoginIssue.objects.get()
    assert issue.issued_by == world.users["admin"] and issue.action == "reissued"
    note = Notification.objects.get(user=world.users["parent"])
    assert note.title == "Вам выдан новый временный пароль"
    assert (
        world.users["admin"].full_name in note.body and world.users["parent"].username in note.body
    )


def test_a_class_teacher_reissues_for_a_parent_of_their_class_only_and_the_parent_is_told(
    client, world
):
    client.force_login(world.users["teacher"])
    url = reverse("accounts:login-reissue", args=[world.school.pk, "guardian", world.guardian.pk])
    assert client.post(url, {"channel": "slip"}).status_code == 200
    assert Notification.objects.filter(
        user=world.users["parent"], title="Вам выдан новый временный пароль"
    ).exists()


def test_a_forbidden_page_is_logged_as_one_line_with_user_and_url(client, world, caplog):
    client.force_login(world.users["technical"])
    url = reverse("orders:register", args=[world.school.pk])
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get(url).status_code == 403
    import logging

    from config.logging import OneLineRefusals, RedactSecrets

    records = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert records
    record = records[0]
    OneLineRefusals().filter(record)
    RedactSecrets().filter(record)
    line = logging.Formatter().format(record)
    assert line == f"Forbidden: GET {url} user={world.users['technical'].username}"
