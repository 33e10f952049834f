"""Least privilege on personal files, the access log, the bulk-read alert, the director's page."""

import pytest
from django.urls import reverse

from apps.messaging.models import Notification
from apps.privacy.models import AccessRecord
from tests import factories as f


@pytest.fixture
def full_file(world):
    s = world.student
    s.snils, s.document_series, s.document_number = "112-233-445 95", "II-АБ", "777001"
    s.registration_address, s.residence_address = "ул. Ленина, 1", "ул. Мира, 2"
    s.save()
    g = world.guardian
    g.phone, g.email, g.address, g.document = (
        "+7 900 111-22-33",
        "mama@example.org",
        "ул. Мира, 2",
        "паспорт 4500 123456",
    )
    g.save()
    return s


def _card(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("students:card", args=[world.school.pk, world.student.pk]))
    return response.status_code, response.content.decode()


# role: (document and SNILS, addresses and parents' phones, parents)
EXPECTED = {
    "admin": (True, True, True),
    "director": (True, True, True),
    "secretary": (True, True, True),
    "deputy": (False, False, True),
    "medic": (False, False, False),
    "psychologist": (False, False, False),
    # the world's teacher is the class teacher of the student's class: contacts and family
    "teacher": (False, True, True),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_reads_the_part_of_the_file_its_trade_needs(client, world, full_file, role):
    status, page = _card(client, world, role)
    assert status == 200
    identity, contacts, family = EXPECTED[role]
    assert ("777001" in page) is identity and ("112-233-445 95" in page) is identity
    assert ("ул. Ленина, 1" in page) is contacts
    assert ("+7 900 111-22-33" in page) is contacts
    assert (world.guardian.last_name in page) is family
    # Names and the class are everyone's who may open the file.
    assert world.student.last_name in page and "5А" in page


def test_a_teacher_who_does_not_lead_the_class_opens_no_file(client, world, full_file):
    other = f.UserFactory(username="a-teacher-other")
    f.RoleGrantFactory(user=other, school=world.school, role="teacher")
    client.force_login(other)
    url = reverse("students:card", args=[world.school.pk, world.student.pk])
    assert client.get(url).status_code == 403


def test_the_class_teachers_edit_form_has_no_identity_fields(client, world, full_file):
    client.force_login(world.users["teacher"])
    url = reverse("students:edit", args=[world.school.pk, world.student.pk])
    page = client.get(url).content.decode()
    assert 'name="residence_address"' in page and 'name="snils"' not in page
    data = {
        "last_name": world.student.last_name,
        "first_name": world.student.first_name,
        "patronymic": world.student.patronymic,
        "birth_date": "2015-04-12",
        "sex": "m",
        "registration_address": "ул. Ленина, 1",
        "residence_address": "ул. Новая, 5",
        "arrived_from": "",
        "personal_file_number": "",
        "snils": "",  # a field the form does not have is not changed
        "version": world.student.version,
    }
    assert client.post(url, data).status_code == 302
    world.student.refresh_from_db()
    assert world.student.residence_address == "ул. Новая, 5"
    assert world.student.snils == "112-233-445 95"


def test_the_guardians_list_shows_phones_only_to_contact_readers(client, world, full_file):
    url = reverse("students:guardians", args=[world.school.pk])
    client.force_login(world.users["deputy"])
    page = client.get(url).content.decode()
    assert world.guardian.last_name in page and "+7 900 111-22-33" not in page
    client.force_login(world.users["secretary"])
    assert "+7 900 111-22-33" in client.get(url).content.decode()
    client.force_login(world.users["medic"])
    assert client.get(url).status_code == 403


def test_reading_a_file_is_logged_with_who_what_and_how_many(client, world, full_file):
    _card(client, world, "medic")
    record = AccessRecord.objects.get()
    assert record.user == world.users["medic"] and record.school == world.school
    assert record.kind == "personal_file" and record.people == 1
    assert world.student.last_name in record.what


def test_a_bulk_read_is_reported_to_the_director_and_the_administrator_once(
    client, world, settings
):
    settings.PERSONAL_DATA_READS_PER_HOUR = 3
    students = [world.student] + [
        f.EnrollmentFactory(school_class=world.school_class).student for _i in range(5)
    ]
    client.force_login(world.users["secretary"])
    for student in students[:3]:
        client.get(reverse("students:card", args=[world.school.pk, student.pk]))
    assert not Notification.objects.filter(title__startswith="Массовое").exists()
    for student in students[3:]:
        client.get(reverse("students:card", args=[world.school.pk, student.pk]))
    alerts = Notification.objects.filter(title__startswith="Массовое")
    assert sorted(a.user.username for a in alerts) == ["a-admin", "a-director"]
    assert all("4 обучающихся" in a.body for a in alerts)
    # The reader is not told about themselves; nobody in the other school is told.
    assert not alerts.filter(user=world.users["secretary"]).exists()


def test_the_directors_page_lists_the_bulk_reads_of_the_month(
    client, world, settings, django_assert_max_num_queries
):
    settings.PERSONAL_DATA_READS_PER_HOUR = 2
    from apps.orders.models import OrderKind
    from tests.orders.conftest import signed

    leaving = f.EnrollmentFactory(school_class=world.school_class).student
    signed(
        world,
        world.users["secretary"],
        world.users["director"],
        OrderKind.LEAVING,
        lines=[{"student": s, "destination": "СОШ № 5"} for s in (world.student, leaving)],
    )
    client.force_login(world.users["secretary"])
    for _i in range(3):
        client.get(reverse("students:card", args=[world.school.pk, world.student.pk]))
    movement = reverse("orders:movement-xlsx", args=[world.school.pk])
    client.get(movement + "?date_from=2026-09-01&date_to=2027-06-30")
    client.force_login(world.users["director"])
    url = reverse("privacy:reads", args=[world.school.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "Часы с массовыми обращениями" in page
    assert page.count(world.users["secretary"].last_name) >= 2
    assert "выгрузка: Движение обучающихся" in page
    client.force_login(world.users["deputy"])
    assert client.get(url).status_code == 403
    # Another month: nothing yet.
    client.force_login(world.users["director"])
    assert "выгрузка: Движение" not in client.get(url + "?month=2026-01").content.decode()


def test_the_access_log_write_is_one_statement(world, django_assert_num_queries):
    from apps.privacy.services import Access, access_record

    with django_assert_num_queries(1):
        total = access_record(
            school=world.school, user=world.users["secretary"], access=Access("export", "x", 7)
        )
    assert total == 7


def test_reports_and_exports_record_how_many_people_they_cover(client, world):
    client.force_login(world.users["director"])
    client.get(
        reverse("reports:attendance", args=[world.school.pk])
        + f"?class={world.school_class.pk}&format=xlsx"
    )
    record = AccessRecord.objects.get(kind="export")
    # Nobody of the class missed a lesson yet: the file names nobody.
    assert record.people == 0 and "посещаемости" in record.what
    assert record.user == world.users["director"]


def test_dates_of_the_month_choice_are_checked(client, world):
    client.force_login(world.users["director"])
    url = reverse("privacy:reads", args=[world.school.pk])
    assert client.get(url + "?month=9999-12").status_code == 400
    assert client.get(url + "?month=abc").status_code == 200
