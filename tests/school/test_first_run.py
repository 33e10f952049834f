"""A new installation without the demo: the first school and its administrator, by the
one-time first-run link or by `manage.py create_school`."""

import re
from io import StringIO

import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.accounts.models import RoleGrant, User
from apps.school.first_run import FIRST_RUN_SALT
from apps.school.models import School
from tests import factories as f

CARD = {
    "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Школа № 5»",
    "short_name": "МБОУ «Школа № 5»",
    "time_zone": "Asia/Yekaterinburg",
    "address": "620000, г. Екатеринбург, ул. Ленина, д. 5",
    "inn": "6660012345",
    "kpp": "",
    "ogrn": "",
}
ADMIN = {
    "username": "petrova.in",
    "last_name": "Петрова",
    "first_name": "Ирина",
    "patronymic": "Николаевна",
    "admin_email": "petrova@example.org",
    "password1": "Зелёный-клён-2026",
    "password2": "Зелёный-клён-2026",
}


def _link() -> str:
    out = StringIO()
    call_command("first_run_link", stdout=out)
    return re.search(r"https?://\S+", out.getvalue()).group(0)


def _logs_in(client, username: str, password: str) -> bool:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code == 302


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_the_link_creates_the_school_and_logs_its_administrator_in(client, db):
    url = _path(_link())
    page = client.get(url)
    assert page.status_code == 200
    assert "Карточка школы" in page.content.decode()
    response = client.post(url, {**CARD, **ADMIN})
    school = School.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("school:home", args=[school.pk])
    assert school.time_zone == "Asia/Yekaterinburg" and school.inn == "6660012345"
    admin = User.objects.get(username="petrova.in")
    assert not admin.must_change_password  # the administrator chose the password
    assert list(RoleGrant.objects.filter(user=admin).values_list("school", "role")) == [
        (school.pk, "admin")
    ]
    home = client.get(response.url)
    assert home.status_code == 200 and "МБОУ «Школа № 5»" in home.content.decode()
    # The administrator can now create staff through the product's own page.
    users = client.get(reverse("accounts:users", args=[school.pk]))
    assert users.status_code == 200
    # The same link is used up: it never makes a second school.
    client.logout()
    again = client.get(url)
    assert again.status_code == 410 and "Школа уже создана" in again.content.decode()
    client.post(url, {**CARD, **ADMIN, "username": "other", "short_name": "Другая"})
    assert School.objects.count() == 1 and not User.objects.filter(username="other").exists()
    # And the administrator logs in with the chosen password.
    assert _logs_in(client, "petrova.in", "Зелёный-клён-2026")


def test_bad_input_is_explained_on_the_form_and_nothing_is_created(client, db):
    url = _path(_link())
    f.UserFactory(username="busy")
    response = client.post(
        url,
        {**CARD, **ADMIN, "inn": "12", "username": "busy", "password2": "другой-пароль-1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "ИНН — 10 или 12 цифр." in page
    assert "Такой логин уже занят." in page
    assert "Пароли не совпадают." in page
    assert CARD["address"] in page  # what was typed is kept
    assert not School.objects.exists()
    weak = client.post(url, {**CARD, **ADMIN, "password1": "12345678", "password2": "12345678"})
    assert "Введённый пароль" in weak.content.decode() and not School.objects.exists()


def test_a_forged_or_expired_link_is_not_found(client, db):
    forged = signing.TimestampSigner(salt="another-purpose").sign("x")
    assert client.get(reverse("school:first-run", args=[forged])).status_code == 404
    assert client.get(reverse("school:first-run", args=["nonsense"])).status_code == 404
    # A genuine link signed two days ago: it expires after a day.
    signer = signing.TimestampSigner(salt=FIRST_RUN_SALT)
    value, stamp, _signature = signer.sign("x").split(":")
    dated = f"{value}:{signing.b62_encode(signing.b62_decode(stamp) - 2 * 86400)}"
    expired = f"{dated}:{signer.signature(dated)}"
    url = reverse("school:first-run", args=[expired])
    assert client.get(url).status_code == 404
    assert client.post(url, {**CARD, **ADMIN}).status_code == 404
    assert not School.objects.exists()


def test_no_link_once_a_school_exists(db):
    f.SchoolFactory()
    with pytest.raises(CommandError, match="уже есть школа"):
        call_command("first_run_link", stdout=StringIO())
    out = StringIO()
    call_command("first_run_link", "--if-empty", stdout=out)
    assert out.getvalue() == ""


def test_create_school_issues_a_temporary_password(client, db):
    out = StringIO()
    call_command(
        "create_school",
        "--full-name",
        CARD["full_name"],
        "--short-name",
        CARD["short_name"],
        "--time-zone",
        "Asia/Krasnoyarsk",
        "--admin-login",
        "sidorov.pp",
        "--admin-last-name",
        "Сидоров",
        "--admin-first-name",
        "Пётр",
        stdout=out,
    )
    password = re.search(r"Временный пароль: (\S+)", out.getvalue()).group(1)
    school = School.objects.get()
    assert school.time_zone == "Asia/Krasnoyarsk"
    admin = User.objects.get(username="sidorov.pp")
    assert admin.must_change_password
    assert RoleGrant.objects.filter(user=admin, school=school, role="admin").exists()
    assert _logs_in(client, "sidorov.pp", password)
    # The forced change comes first, then the school.
    assert client.get(reverse("school:choose")).url == reverse("accounts:password_change")


def test_create_school_refuses_bad_input_in_russian(db):
    f.UserFactory(username="taken")
    base = ["--full-name", "Школа", "--short-name", "Школа", "--admin-last-name", "А"]
    with pytest.raises(CommandError, match="Такой логин уже занят"):
        call_command("create_school", *base, "--admin-first-name", "Б", "--admin-login", "taken")
    with pytest.raises(CommandError, match="ИНН — 10 или 12 цифр"):
        call_command(
            "create_school",
            *base,
            "--admin-first-name",
            "Б",
            "--admin-login",
            "free",
            "--inn",
            "123",
        )
    assert not School.objects.exists() and not User.objects.filter(username="free").exists()


def test_an_account_made_by_createsuperuser_becomes_the_administrator(client, db):
    User.objects.create_superuser(username="root", password="Длинный-пароль-2026")
    call_command(
        "create_school",
        "--full-name",
        "Школа № 1",
        "--short-name",
        "Школа № 1",
        "--admin-login",
        "root",
        "--existing-user",
        stdout=StringIO(),
    )
    school = School.objects.get()
    assert _logs_in(client, "root", "Длинный-пароль-2026")
    response = client.get(reverse("school:choose"))
    assert response.status_code == 302
    assert response.url == reverse("school:home", args=[school.pk])
