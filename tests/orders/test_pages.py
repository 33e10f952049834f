"""Order pages: the secretary drafts, the director signs; PDFs, the register, the movement report."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.orders import services
from apps.orders.models import Order, OrderKind, SchoolDocument
from apps.students.models import Student
from apps.students.selectors import class_roster
from tests import factories as f
from tests.orders.conftest import NOV_16, draft, signed
from tests.pdf import pdf_pages, pdf_text


def test_secretary_drafts_and_director_signs_through_the_pages(client, world):
    newcomer = f.StudentFactory(school=world.school, last_name="Новикова", first_name="Ева")
    client.force_login(world.users["secretary"])
    response = client.post(
        reverse("orders:create", args=[world.school.pk]),
        {
            "kind": "enrolment",
            "order_date": "2026-11-16",
            "effective_on": "2026-11-17",
            "title": "",
            "basis": "заявление матери",
        },
    )
    order = Order.objects.get()
    assert response.url == reverse("orders:detail", args=[world.school.pk, order.pk])
    page = client.get(response.url + "?q=Новикова").content.decode()
    assert "Новикова Ева" in page
    client.post(
        reverse("orders:item-add", args=[world.school.pk, order.pk]),
        {
            "student_id": newcomer.pk,
            f"s{newcomer.pk}-student": newcomer.pk,
            f"s{newcomer.pk}-to_class": world.school_class.pk,
            f"s{newcomer.pk}-origin": "СОШ № 7",
        },
    )
    assert order.items.get().origin == "СОШ № 7"
    # The secretary cannot sign; the director can.
    assert client.post(reverse("orders:sign", args=[world.school.pk, order.pk])).status_code == 403
    client.force_login(world.users["director"])
    client.post(
        reverse("orders:sign", args=[world.school.pk, order.pk]), {"version": order.version + 1}
    )
    order.refresh_from_db()
    assert order.status == Order.Status.SIGNED
    assert newcomer in class_roster(school_class=world.school_class, on=date(2026, 11, 17))
    assert newcomer not in class_roster(school_class=world.school_class, on=date(2026, 11, 16))


def test_director_cannot_draft_and_teacher_cannot_do_either(client, world):
    order = services.order_draft(
        acting_user=world.users["secretary"],
        school=world.school,
        year=world.year,
        kind=OrderKind.LEAVING,
        order_date=NOV_16,
    )
    client.force_login(world.users["director"])
    assert client.get(reverse("orders:create", args=[world.school.pk])).status_code == 403
    client.force_login(world.users["teacher"])
    assert client.get(reverse("orders:register", args=[world.school.pk])).status_code == 403
    assert client.post(reverse("orders:sign", args=[world.school.pk, order.pk])).status_code == 403
    assert (
        client.post(
            reverse("orders:create", args=[world.school.pk]), {"kind": "leaving"}
        ).status_code
        == 403
    )


def test_a_refused_signature_is_explained_and_changes_nothing(client, world):
    order = services.order_draft(
        acting_user=world.users["secretary"],
        school=world.school,
        year=world.year,
        kind=OrderKind.ENROLMENT,
        order_date=NOV_16,
    )
    services.order_item_add(
        acting_user=world.users["secretary"],
        order=order,
        student=world.student,
        to_class=world.school_class,
    )
    client.force_login(world.users["director"])
    response = client.post(reverse("orders:sign", args=[world.school.pk, order.pk]), follow=True)
    assert (
        "ничего не изменилось" in response.content.decode()
        and "уже числится" in response.content.decode()
    )
    order.refresh_from_db()
    assert order.is_draft


@pytest.fixture
def leaving_signed(world):
    """A leaving order signed by the school's director."""
    world.school.director = world.users["director"]
    world.school.save()
    return signed(
        world,
        world.users["secretary"],
        world.users["director"],
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "МАОУ «СОШ № 3», г. Мегион"}],
    )


def test_order_pdf_is_the_usual_russian_form(client, world, leaving_signed):
    order = leaving_signed
    client.force_login(world.users["deputy"])
    response = client.get(reverse("orders:pdf", args=[world.school.pk, order.pk]))
    assert response["Content-Type"] == "application/pdf"
    box = pdf_pages(response.content)[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = pdf_text(response.content)
    for expected in (
        "ПРИКАЗ",
        "№ 1-о",
        "16.11.2026",
        "ПРИКАЗЫВАЮ",
        world.school.full_name[:30],
        world.student.full_name,
        "МАОУ «СОШ № 3», г. Мегион",
        "Директор",
        "А.П. Директор",
    ):
        assert expected in text, expected


def test_a_signed_order_keeps_its_signer_after_the_director_changes(client, world, leaving_signed):
    order = leaving_signed
    world.school.director = f.UserFactory(last_name="Новикова", first_name="Елена", patronymic="")
    world.school.save()
    client.force_login(world.users["deputy"])
    text = pdf_text(client.get(reverse("orders:pdf", args=[world.school.pk, order.pk])).content)
    assert "А.П. Директор" in text and "Новикова" not in text
    proposed = draft(world, world.users["secretary"], OrderKind.LEAVING)
    text = pdf_text(client.get(reverse("orders:pdf", args=[world.school.pk, proposed.pk])).content)
    assert "Е. Новикова" in text  # a draft is to be signed by today's director


def test_a_signed_order_stays_as_signed_when_a_name_changes_later(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the worker keeps the copy
        order = signed(
            world,
            world.users["secretary"],
            world.users["director"],
            OrderKind.LEAVING,
            lines=[{"student": world.student, "destination": "МАОУ «СОШ № 3», г. Мегион"}],
        )
    document = SchoolDocument.objects.get(order=order)
    assert document.file
    signed_name = world.student.full_name
    Student.objects.filter(pk=world.student.pk).update(last_name="Переименованная")
    client.force_login(world.users["deputy"])
    for url in (
        reverse("orders:pdf", args=[world.school.pk, order.pk]),
        reverse("orders:document-file", args=[world.school.pk, document.pk]),
    ):
        text = pdf_text(client.get(url).content)
        assert signed_name in text and "Переименованная" not in text
    again = services.signed_copy_keep(document_id=document.pk)
    assert again.file.name == document.file.name  # a retried task keeps the first copy


def test_without_the_worker_the_first_download_keeps_the_signed_copy(client, world, leaving_signed):
    document = SchoolDocument.objects.get(order=leaving_signed)
    assert not document.file  # the commit hook never ran: no worker has kept it
    client.force_login(world.users["secretary"])
    response = client.get(reverse("orders:pdf", args=[world.school.pk, leaving_signed.pk]))
    assert world.student.full_name in pdf_text(response.content)
    document.refresh_from_db()
    assert document.file


def test_signed_orders_land_in_the_document_store(client, world):
    order = signed(
        world,
        world.users["secretary"],
        world.users["director"],
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "СОШ № 5"}],
    )
    doc = order.document
    documents = reverse("documents:index", args=[world.school.pk])
    file_url = reverse("orders:document-file", args=[world.school.pk, doc.pk])
    client.force_login(world.users["secretary"])
    assert "Приказ № 1-о от 16.11.2026" in client.get(documents).content.decode()
    assert "ПРИКАЗЫВАЮ" in pdf_text(client.get(file_url).content)
    # An order names children and where they went: staff who may not read orders neither
    # see it in the store nor open it by its address.
    for role in ("teacher", "technical", "dispatcher", "medic", "psychologist"):
        client.force_login(world.users[role])
        assert "Приказ № 1-о" not in client.get(documents).content.decode(), role
        assert client.get(file_url).status_code == 404, role


def test_register_filters(client, world, django_assert_max_num_queries):
    sec, dire = world.users["secretary"], world.users["director"]
    signed(
        world,
        sec,
        dire,
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "СОШ № 5"}],
    )
    for i in range(15):
        s = f.StudentFactory(school=world.school, last_name=f"Зачисленный{i}")
        signed(
            world,
            sec,
            dire,
            OrderKind.ENROLMENT,
            on=NOV_16 + timedelta(days=1),
            lines=[{"student": s, "to_class": world.school_class}],
        )
    client.force_login(world.users["deputy"])
    url = reverse("orders:register", args=[world.school.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert page.count("О зачислении обучающихся") == 15 and "О выбытии" in page
    page = client.get(url + "?kind=leaving").content.decode()
    assert "О зачислении обучающихся</a>" not in page and "О выбытии обучающихся</a>" in page
    assert (
        "О выбытии обучающихся</a>"
        in client.get(url + f"?q={world.student.last_name}").content.decode()
    )
    assert "Зачисленный" not in client.get(url + "?to=2026-11-16").content.decode()


@pytest.fixture
def moved(world):
    sec, dire = world.users["secretary"], world.users["director"]
    five_b = f.SchoolClassFactory(year=world.year, grade=5, letter="Б")
    newcomer = f.StudentFactory(school=world.school, last_name="Прибывшая")
    signed(
        world,
        sec,
        dire,
        OrderKind.ENROLMENT,
        lines=[{"student": newcomer, "to_class": five_b, "origin": "Лицей № 1"}],
    )
    leaver = f.EnrollmentFactory(school_class=five_b, student__last_name="Выбывший").student
    signed(
        world,
        sec,
        dire,
        OrderKind.LEAVING,
        on=NOV_16 + timedelta(days=3),
        lines=[{"student": leaver, "destination": "Гимназия № 2, г. Ухта"}],
    )
    cancelled = signed(
        world, sec, dire, OrderKind.TRANSFER, lines=[{"student": world.student, "to_class": five_b}]
    )
    services.order_sign(
        acting_user=dire,
        order=services.order_cancellation_draft(
            acting_user=sec, order=cancelled, order_date=NOV_16
        ),
    )
    return five_b


def test_movement_report_page_excel_and_pdf(client, world, moved):
    client.force_login(world.users["deputy"])
    query = "?date_from=2026-11-01&date_to=2026-11-30"
    page = client.get(reverse("orders:movement", args=[world.school.pk]) + query).content.decode()
    assert (
        "Прибывшая" in page
        and "Лицей № 1" in page
        and "Выбывший" in page
        and "Гимназия № 2, г. Ухта" in page
    )
    assert world.student.full_name not in page  # the cancelled transfer moved nobody
    xlsx = client.get(reverse("orders:movement-xlsx", args=[world.school.pk]) + query)
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Гимназия № 2, г. Ухта" in cells and "5Б" in cells
    text = pdf_text(
        client.get(reverse("orders:movement-pdf", args=[world.school.pk]) + query).content
    )
    assert "Движение обучающихся" in text and "Прибывшая" in text and "Гимназия № 2" in text


def test_movement_report_counts_per_class(world, moved):
    from apps.orders.selectors import movement_report

    report = movement_report(
        school=world.school, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)
    )
    five_b = next(c for c in report.classes if c.school_class == moved)
    assert (five_b.at_start, len(five_b.came), len(five_b.left), five_b.at_end) == (1, 1, 1, 1)


@pytest.mark.parametrize(
    ("first_day", "expected"),
    [
        (date(2026, 11, 1), (1, 1, 1, 1)),
        (NOV_16, (1, 1, 1, 1)),  # the newcomer arrives that day: not there at its start
        (NOV_16 + timedelta(days=3), (2, 0, 1, 1)),  # the leaver goes that day: still there
    ],
)
def test_movement_report_balances_when_the_period_starts_on_a_movement_day(
    world, moved, first_day, expected
):
    """At the start + came − left = at the end, as a secretary checks it."""
    from apps.orders.selectors import movement_report

    report = movement_report(school=world.school, date_from=first_day, date_to=date(2026, 11, 30))
    five_b = next(c for c in report.classes if c.school_class == moved)
    counts = (five_b.at_start, len(five_b.came), len(five_b.left), five_b.at_end)
    assert counts == expected
    totals = report.totals
    assert totals["at_start"] + totals["came"] - totals["left"] == totals["at_end"]


def test_order_pages_cost_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    sec = world.users["secretary"]
    for n in (2, 40):
        order = services.order_draft(
            acting_user=sec,
            school=world.school,
            year=world.year,
            kind=OrderKind.ENROLMENT,
            order_date=NOV_16,
        )
        services.order_items_bulk_add(
            acting_user=sec,
            order=order,
            lines=[
                {"student": f.StudentFactory(school=world.school), "to_class": world.school_class}
                for _ in range(n)
            ],
        )
        client.force_login(sec)
        with django_assert_max_num_queries(16):
            assert (
                client.get(
                    reverse("orders:detail", args=[world.school.pk, order.pk]) + "?q=Смирнов"
                ).status_code
                == 200
            )


def test_register_marks_a_draft_whose_movement_is_late(client, world):
    services.order_draft(
        acting_user=world.users["secretary"],
        school=world.school,
        year=world.year,
        kind=OrderKind.LEAVING,
        order_date=date(2026, 9, 14),
    )
    client.force_login(world.users["secretary"])
    page = client.get(reverse("orders:register", args=[world.school.pk])).content.decode()
    assert 'data-testid="late"' in page
