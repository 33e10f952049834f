"""Import of the contingent from Excel: template, preview errors, all or nothing, duplicates, size."""

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.orders import imports
from apps.orders.models import ImportBatch, Order, OrderKind
from apps.students.models import Guardian, Guardianship, PersonalDataConsent, Student

HEADER = [str(c.title) for c in imports.COLUMNS]


def row(**values) -> list:
    base = {
        "last_name": "Орлов",
        "first_name": "Пётр",
        "patronymic": "Ильич",
        "birth_date": "01.02.2016",
        "sex": "м",
        "class_name": "5А",
        "consent_on": "01.09.2026",
        "p1_name": "Орлова Вера Павловна",
        "p1_relation": "мать",
        "p1_phone": "+7 912 000-00-01",
        "p1_email": "orlova@example.ru",
    }
    base.update(values)
    return [base.get(c.key, "") for c in imports.COLUMNS]


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_downloads_with_every_column(client, world):
    client.force_login(world.users["secretary"])
    response = client.get(reverse("students:import-template", args=[world.school.pk]))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    assert [c.value.rstrip(" *") for c in ws[1]] == HEADER
    # The filled-in template itself (hint and example rows) imports nothing.
    assert imports.read_rows(response.content) == []


def test_preview_lists_every_error_by_row_and_column(world):
    data = xlsx(
        [
            row(),
            row(last_name="", birth_date="32.13.2015"),
            row(
                last_name="Smith",
                sex="x",
                class_name="9Я",
                snils="123-456-789 00",
                p1_relation="сосед",
            ),
        ]
    )
    batch = imports.import_preview(
        acting_user=world.users["secretary"],
        school=world.school,
        year=world.year,
        file_name="k.xlsx",
        data=data,
    )
    errors = {(e["row"], e["column"].split(" ")[0]): e["message"] for e in batch.errors}
    assert (3, "A") in errors and "не заполнено" in errors[(3, "A")]
    assert (3, "D") in errors and "32.13.2015" in errors[(3, "D")]
    assert (4, "A") in errors and "русские буквы" in errors[(4, "A")]
    assert (4, "E") in errors and (4, "F") in errors and (4, "O") in errors
    assert "Класса 9Я нет" in errors[(4, "L")]
    assert (2, "A") not in errors
    assert (
        Student.objects.filter(school=world.school).count() == 1
    )  # only world.student: nothing imported


def test_the_page_shows_errors_and_imports_nothing(client, world):
    client.force_login(world.users["secretary"])
    upload = SimpleUploadedFile("k.xlsx", xlsx([row(), row(last_name="Иванов", sex="?")]))
    response = client.post(reverse("students:import", args=[world.school.pk]), {"file": upload})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Укажите «м» или «ж»." in page and "ничего не загружено" in page
    batch = ImportBatch.objects.get()
    with pytest.raises(ValidationError):
        imports.import_confirm(
            acting_user=world.users["secretary"],
            batch=batch,
            year=world.year,
            enrol_on=date(2026, 11, 16),
        )
    assert not Student.objects.filter(last_name__in=["Орлов", "Иванов"]).exists()


def test_not_an_excel_file_is_explained(client, world):
    client.force_login(world.users["secretary"])
    upload = SimpleUploadedFile("k.xlsx", b"this is not a spreadsheet")
    response = client.post(reverse("students:import", args=[world.school.pk]), {"file": upload})
    assert "Это не файл Excel" in response.content.decode()


def test_confirm_imports_students_parents_consents_and_drafts_the_enrolment_order(client, world):
    client.force_login(world.users["secretary"])
    data = xlsx(
        [
            row(),
            row(
                first_name="Анна",
                sex="ж",
                birth_date="03.03.2014",
                p2_name="Орлов Илья Петрович",
                p2_relation="отец",
            ),
            row(
                last_name="Без",
                first_name="Класса",
                class_name="",
                p1_name="",
                p1_relation="",
                p1_phone="",
                p1_email="",
            ),
        ]
    )
    response = client.post(
        reverse("students:import", args=[world.school.pk]),
        {"file": SimpleUploadedFile("k.xlsx", data)},
    )
    response = client.post(response.url, {"enrol_on": "2026-11-16"})
    order = Order.objects.get(kind=OrderKind.ENROLMENT)
    assert response.url == reverse("orders:detail", args=[world.school.pk, order.pk])
    assert order.is_draft and order.items.count() == 2
    orlova = Guardian.objects.get(last_name="Орлова")  # one mother for the two siblings
    assert Guardianship.objects.filter(guardian=orlova).count() == 2
    assert PersonalDataConsent.objects.filter(guardian=orlova).count() == 2
    assert Student.objects.filter(last_name="Без").exists()
    # Signing the order puts them in 5А; the import alone did not.
    assert not Student.objects.filter(last_name="Орлов", enrollments__isnull=False).exists()


def test_duplicates_are_refused_against_the_school_and_inside_the_file(world):
    s = Student.objects.create(
        school=world.school,
        last_name="Лебедева",
        first_name="Ксения",
        patronymic="Андреевна",
        birth_date=date(2014, 6, 1),
        sex="f",
    )
    data = xlsx(
        [
            row(
                last_name=s.last_name.upper(),
                first_name=s.first_name,
                patronymic=s.patronymic,
                birth_date=s.birth_date.strftime("%d.%m.%Y"),
            ),
            row(first_name="Олег"),
            row(first_name="Олег "),
        ]
    )
    batch = imports.import_preview(
        acting_user=world.users["secretary"],
        school=world.school,
        year=world.year,
        file_name="k.xlsx",
        data=data,
    )
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert "уже есть" in messages[2] and s.full_name in messages[2]
    assert "строке 3" in messages[4]
    assert 3 not in messages


def test_confirm_rechecks_duplicates_added_since_the_preview(world):
    batch = imports.import_preview(
        acting_user=world.users["secretary"],
        school=world.school,
        year=world.year,
        file_name="k.xlsx",
        data=xlsx([row()]),
    )
    assert batch.errors == []
    Student.objects.create(
        school=world.school,
        last_name="Орлов",
        first_name="Петр",
        patronymic="Ильич",
        birth_date=date(2016, 2, 1),
        sex="m",
    )
    with pytest.raises(ValidationError):
        imports.import_confirm(
            acting_user=world.users["secretary"],
            batch=batch,
            year=world.year,
            enrol_on=date(2026, 11, 16),
        )
    assert Student.objects.filter(last_name="Орлов").count() == 1


def test_two_thousand_rows_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    rows = [
        row(
            last_name=f"Ученик{'абвгдежзиклмнопрстуфхцчшщэюя'[i % 28]}",
            first_name=f"Имя{'абвгд'[i % 5]}",
            patronymic=f"О{'абвгдежзиклмнопрстуфхцчшщэюя'[i // 28 % 28]}{'абв'[i // 784]}",
            p1_name=f"Родитель{'абвгдежзик'[i % 10]} Мать Отчество{'абвгдежзиклмнопрстуфхцчшщэюя'[i // 10 % 28]}{'абвгдежзик'[i // 280 % 10]}",
            p1_phone=f"+7 900 {i:07d}",
            p1_email="",
        )
        for i in range(2000)
    ]
    data = xlsx(rows)
    with django_assert_max_num_queries(8):
        batch = imports.import_preview(
            acting_user=world.users["secretary"],
            school=world.school,
            year=world.year,
            file_name="big.xlsx",
            data=data,
        )
    assert batch.errors == [] and len(batch.rows) == 2000
    with django_assert_max_num_queries(40):
        imports.import_confirm(
            acting_user=world.users["secretary"],
            batch=batch,
            year=world.year,
            enrol_on=date(2026, 11, 16),
        )
    assert Student.objects.filter(school=world.school).count() == 2001
    assert Guardianship.objects.filter(school=world.school).count() == 2001
    assert Order.objects.get(kind=OrderKind.ENROLMENT).items.count() == 2000
