"""Repair requests: any member of staff files one; the technical staff move it along
new → in work → done / refused with a comment; the author is told of each change."""

import io
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from apps.facilities import services
from apps.facilities.models import RepairRequest
from apps.messaging.models import Notification
from apps.school.clock import frozen
from tests.facilities.permission_samples import repair

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def _url(name, w, **kwargs):
    return reverse(f"facilities:{name}", kwargs={"school_id": w.school.pk, **kwargs})


def _file(client, w, **extra):
    data = {"room": "каб. 204", "problem": "Не включается проектор", "urgency": "urgent", **extra}
    return client.post(_url("create", w), data)


def test_a_teacher_files_a_request_with_a_photo(client, world):
    client.force_login(world.users["teacher"])
    photo = SimpleUploadedFile("proektor.png", PNG, content_type="image/png")
    response = _file(client, world, photo=photo)
    assert response.status_code == 302
    filed = RepairRequest.objects.get()
    assert (filed.room, filed.status, filed.urgency) == ("каб. 204", "new", "urgent")
    assert filed.author == world.users["teacher"]
    photo_response = client.get(_url("photo", world, pk=filed.pk))
    assert photo_response["Content-Disposition"].startswith("attachment;")
    assert photo_response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "такой тип файла не принимается"),
        ("fake.png", b"<svg onload=alert(1)>", "не является файлом PNG"),
        ("big.jpg", b"\xff\xd8\xff" + b"0" * (11 * 1024 * 1024), "больше 10 МБ"),
    ],
)
def test_a_photo_of_another_kind_or_too_big_is_refused_and_the_text_stays(
    client, world, name, content, message
):
    client.force_login(world.users["medic"])
    response = _file(client, world, photo=SimpleUploadedFile(name, content))
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "Не включается проектор" in page  # nothing typed is lost
    assert not RepairRequest.objects.exists()


def test_a_request_needs_a_room_and_a_problem(client, world):
    client.force_login(world.users["teacher"])
    response = _file(client, world, room=" ", problem="")
    assert response.status_code == 422
    assert not RepairRequest.objects.exists()


def test_the_caretaker_moves_it_and_the_author_is_told_each_time(client, world):
    filed = repair(world)
    client.force_login(world.users["technical"])
    move = _url("move", world, pk=filed.pk)
    assert client.post(move, {"status": "in_work", "version": 1}).status_code == 302
    response = client.post(move, {"status": "done", "comment": "Заменили лампу", "version": 2})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.comment, filed.handled_by) == (
        "done",
        "Заменили лампу",
        world.users["technical"],
    )
    assert filed.closed_at is not None
    told = Notification.objects.filter(user=world.users["teacher"]).order_by("created_at")
    assert [n.title for n in told] == [
        "Заявка «каб. 204»: в работе",
        "Заявка «каб. 204»: выполнено",
    ]
    assert told[1].body == "Заменили лампу"
    assert told[1].link == _url("detail", world, pk=filed.pk)
    client.force_login(world.users["teacher"])
    page = client.get(_url("detail", world, pk=filed.pk)).content.decode()
    assert "выполнено" in page and "Заменили лампу" in page


def test_a_refusal_says_why(client, world):
    filed = repair(world)
    client.force_login(world.users["technical"])
    response = client.post(_url("move", world, pk=filed.pk), {"status": "refused", "version": 1})
    assert response.status_code == 422
    assert "почему заявка отклонена" in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == "new"


def test_a_closed_request_is_not_reopened(world):
    filed = repair(world)
    caretaker = world.users["technical"]
    services.repair_request_move(
        acting_user=caretaker, repair=filed, status="done", expected_version=1
    )
    with pytest.raises(ValidationError):
        services.repair_request_move(
            acting_user=caretaker, repair=filed, status="in_work", expected_version=2
        )


def test_two_caretakers_at_once_the_second_is_refused(client, world):
    filed = repair(world)
    client.force_login(world.users["technical"])
    move = _url("move", world, pk=filed.pk)
    client.post(move, {"status": "in_work", "version": 1})
    response = client.post(move, {"status": "refused", "comment": "нет", "version": 1})
    assert response.status_code == 422
    assert "уже изменил другой сотрудник" in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == "in_work"


def test_only_the_technical_staff_move_requests(client, world):
    filed = repair(world)
    for role in ("teacher", "director", "secretary"):
        client.force_login(world.users[role])
        response = client.post(_url("move", world, pk=filed.pk), {"status": "done", "version": 1})
        assert response.status_code == 403, role
    client.force_login(world.users["parent"])
    assert client.get(_url("index", world)).status_code == 403
    filed.refresh_from_db()
    assert filed.status == "new"


def test_another_schools_request_is_not_found(client, world):
    foreign = repair(world.other)
    client.force_login(world.users["technical"])
    for name in ("detail", "photo"):
        assert client.get(_url(name, world, pk=foreign.pk)).status_code == 404
    response = client.post(_url("move", world, pk=foreign.pk), {"status": "done", "version": 1})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "new"


def test_staff_see_their_own_and_on_asking_the_schools(client, world):
    mine = repair(world)
    with frozen(datetime(2026, 11, 17, 9, 0, tzinfo=world.school.tz)):
        other = services.repair_request_file(
            acting_user=world.users["medic"],
            school=world.school,
            room="медкабинет",
            problem="Течёт кран",
        )
    client.force_login(world.users["medic"])
    own = client.get(_url("index", world)).content.decode()
    assert "Течёт кран" in own and mine.problem not in own
    everyone = client.get(_url("index", world) + "?scope=all").content.decode()
    assert "Течёт кран" in everyone and mine.problem in everyone
    assert other.pk


def test_the_queue_puts_open_urgent_first(client, world):
    school, teacher = world.school, world.users["teacher"]
    tz = school.tz
    with frozen(datetime(2026, 11, 2, 9, 0, tzinfo=tz)):
        normal = services.repair_request_file(
            acting_user=teacher, school=school, room="каб. 1", problem="Скрипит дверь"
        )
    with frozen(datetime(2026, 11, 3, 9, 0, tzinfo=tz)):
        urgent = services.repair_request_file(
            acting_user=teacher,
            school=school,
            room="каб. 2",
            problem="Разбито стекло",
            urgency="urgent",
        )
    client.force_login(world.users["technical"])
    page = client.get(_url("index", world)).content.decode()
    assert page.index(urgent.problem) < page.index(normal.problem)


def test_the_caretakers_landing_page_shows_open_requests(client, world):
    filed = repair(world)
    client.force_login(world.users["technical"])
    home = client.get(reverse("school:home", args=[world.school.pk])).content.decode()
    assert 'data-testid="open-repairs"' in home and filed.problem in home
    client.force_login(world.users["teacher"])
    home = client.get(reverse("school:home", args=[world.school.pk])).content.decode()
    assert 'data-testid="open-repairs"' not in home


def test_the_months_list_in_excel(client, world):
    tz = world.school.tz
    with frozen(datetime(2026, 10, 31, 23, 30, tzinfo=tz)):
        services.repair_request_file(
            acting_user=world.users["teacher"], school=world.school, room="октябрь", problem="=1+1"
        )
    with frozen(datetime(2026, 11, 1, 0, 10, tzinfo=tz)):
        services.repair_request_file(
            acting_user=world.users["teacher"],
            school=world.school,
            room="спортзал",
            problem="Сетка порвана",
        )
    client.force_login(world.users["technical"])
    response = client.get(_url("month-xlsx", world) + "?month=2026-11")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert [r[2] for r in rows] == ["спортзал"]
    assert "ноябрь 2026" in sheet["A2"].value
    october = client.get(_url("month-xlsx", world) + "?month=2026-10")
    row = next(
        load_workbook(io.BytesIO(october.content)).active.iter_rows(min_row=5, values_only=True)
    )
    assert row[3] == "=1+1"  # a formula typed by a user stays text
