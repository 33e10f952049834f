"""Files the product sends and takes: one download helper (RFC 6266 names, nosniff,
no-store, the access log), uploads checked by kind, bytes and size and stored under random
names, xlsx uploads checked before parsing, every xlsx text cell written as text."""

import io
import zipfile
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.orders.models import OrderKind
from apps.privacy.downloads import content_disposition
from apps.privacy.models import AccessRecord
from apps.schedule.models import PlanTopic
from apps.school import clock
from apps.students.models import PersonalDataConsent
from tests import factories as f
from tests.orders.conftest import signed

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _name(response) -> str:
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="'), header
    assert "filename*=UTF-8''" in header, header
    ascii_part = header.split('filename="', 1)[1].split('"', 1)[0]
    assert ascii_part.isascii()
    return unquote(header.split("filename*=UTF-8''", 1)[1])


def test_a_cyrillic_name_has_an_ascii_fallback_and_the_utf8_name():
    header = content_disposition("КТП Математика 5А.xlsx")
    assert header == (
        'attachment; filename="KTP Matematika 5A.xlsx"; '
        "filename*=UTF-8''%D0%9A%D0%A2%D0%9F%20%D0%9C%D0%B0%D1%82%D0%B5%D0%BC%D0%B0%D1%82%D0%B8%D0%BA%D0%B0%205%D0%90.xlsx"
    )
    # Quotes, slashes and line breaks never reach the header.
    assert "\n" not in content_disposition('a"b/c\r\nd.pdf')
    assert '"a-b-c-d.pdf"' in content_disposition('a"b/c\r\nd.pdf')


def test_every_download_is_an_attachment_with_its_real_name(client, world):
    """КТП, orders, movement, reports, printouts, slips: one helper, one shape."""
    order = signed(
        world,
        world.users["secretary"],
        world.users["director"],
        OrderKind.LEAVING,
        lines=[{"student": world.student, "destination": "СОШ № 5"}],
    )
    s = world.school.pk
    downloads = [
        (
            "teacher",
            reverse("ktp:export", args=[s, world.assignment.pk]),
            "КТП Математика 5А.xlsx",
            False,
        ),
        ("teacher", reverse("ktp:template", args=[s]), "КТП — шаблон.xlsx", False),
        (
            "secretary",
            reverse("students:import-template", args=[s]),
            "Контингент — шаблон.xlsx",
            False,
        ),
        (
            "secretary",
            reverse("orders:pdf", args=[s, order.pk]),
            "Приказ № 1-о от 16.11.2026.pdf",
            True,
        ),
        (
            "secretary",
            reverse("orders:document-file", args=[s, order.document.pk]),
            "Приказ № 1-о от 16.11.2026.pdf",
            True,
        ),
        (
            "secretary",
            reverse("orders:movement-xlsx", args=[s]) + "?date_from=2026-09-01&date_to=2026-12-31",
            "Движение обучающихся 01.09.2026–31.12.2026.xlsx",
            True,
        ),
        (
            "secretary",
            reverse("orders:movement-pdf", args=[s]) + "?date_from=2026-09-01&date_to=2026-12-31",
            "Движение обучающихся 01.09.2026–31.12.2026.pdf",
            True,
        ),
        ("director", reverse("reports:attendance", args=[s]) + "?format=xlsx", None, True),
        ("director", reverse("reports:attendance", args=[s]) + "?format=pdf", None, True),
    ]
    for role, url, expected, personal in downloads:
        client.force_login(world.users[role])
        response = client.get(url)
        assert response.status_code == 200, url
        name = _name(response)
        if expected:
            assert name == expected, (url, name)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert ("no-store" in response.get("Cache-Control", "")) is personal or personal is False
        if personal:
            assert "no-store" in response["Cache-Control"], url
    logged = list(AccessRecord.objects.values_list("kind", flat=True))
    assert logged.count("order") == 1 and logged.count("document") == 1
    assert logged.count("export") == 4


def test_a_class_printout_and_login_slips_are_logged_downloads(client, world):
    client.force_login(world.users["teacher"])
    url = reverse("diary:printout-pdf", args=[world.school.pk, world.school_class.pk])
    response = client.get(f"{url}?student={world.student.pk}&week=2026-09-07")
    assert response.status_code == 200
    assert _name(response).startswith("Дневник 5А, неделя с 07.09.2026")
    assert "no-store" in response["Cache-Control"]
    assert AccessRecord.objects.filter(kind="printout", people=1).exists()


# --- uploads ------------------------------------------------------------------------------


def _consent_post(client, world, upload):
    return client.post(
        reverse("students:consent-add", args=[world.school.pk, world.student.pk]),
        {
            "guardian": world.guardian.pk,
            "given_on": "2026-09-01",
            "document": "Согласие № 7",
            "scan": upload,
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.svg", b"<svg onload=alert(1)></svg>", "такой тип файла не принимается"),
        ("scan.html", b"<script>alert(1)</script>", "такой тип файла не принимается"),
        ("scan.bin", b"\x00\x01", "такой тип файла не принимается"),
        ("scan.pdf", b"<html><script>alert(1)</script>", "содержимое не совпадает"),
        ("scan.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "больше 10 МБ"),
    ],
    ids=["svg", "html", "bin", "page-named-pdf", "too-big"],
)
def test_a_consent_scan_of_another_kind_or_too_big_is_refused(
    client, world, name, content, message
):
    client.force_login(world.users["secretary"])
    response = _consent_post(client, world, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PersonalDataConsent.objects.exists()


def test_a_consent_scan_is_stored_under_a_random_name_and_sent_only_by_the_checking_view(
    client, world, settings
):
    client.force_login(world.users["secretary"])
    assert (
        _consent_post(client, world, SimpleUploadedFile("Паспорт мамы.pdf", PDF_BYTES)).status_code
        == 302
    )
    consent = PersonalDataConsent.objects.get()
    stored = consent.scan.name
    assert "Паспорт" not in stored and stored.startswith(f"consents/{world.school.pk}/")
    assert len(stored.rsplit("/", 1)[1]) == 36  # 32 random hex characters and ".pdf"
    # /media/ is not served at all.
    assert client.get(settings.MEDIA_URL + stored).status_code == 404
    card = client.get(reverse("students:card", args=[world.school.pk, world.student.pk]))
    url = reverse("students:consent-scan", args=[world.school.pk, consent.pk])
    assert url in card.content.decode()
    response = client.get(url)
    assert response.content == PDF_BYTES
    assert (
        response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    )
    assert _name(response).endswith(".pdf")
    assert AccessRecord.objects.filter(kind="scan", user=world.users["secretary"]).exists()
    for role, status in (("medic", 404), ("teacher", 200), ("technical", 403)):
        client.force_login(world.users[role])
        assert client.get(url).status_code == status, role
    client.force_login(world.other.users["secretary"])
    assert client.get(url).status_code == 404


def test_production_hands_the_bytes_to_the_web_server(client, world, settings):
    client.force_login(world.users["secretary"])
    _consent_post(client, world, SimpleUploadedFile("scan.pdf", PDF_BYTES))
    consent = PersonalDataConsent.objects.get()
    url = reverse("students:consent-scan", args=[world.school.pk, consent.pk])
    settings.DOWNLOAD_OFFLOAD = "nginx"
    response = client.get(url)
    assert response["X-Accel-Redirect"] == "/protected-media/" + consent.scan.name
    assert response.content == b"" and "filename*=UTF-8''" in response["Content-Disposition"]
    settings.DOWNLOAD_OFFLOAD = "sendfile"
    assert client.get(url)["X-Sendfile"] == consent.scan.path


def test_a_homework_file_is_checked_stored_randomly_and_read_by_the_class_only(client, world):
    from django.core.exceptions import ValidationError

    from apps.homework.models import Homework, HomeworkAttachment
    from apps.homework.services import homework_attachment_add

    lesson = f.LessonFactory(assignment=world.assignment, date="2026-09-07")
    hw = Homework.objects.create(
        school=world.school,
        lesson=lesson,
        text="§ 1",
        set_at="2026-09-07T10:00:00+03:00",
        set_by=world.users["teacher"],
    )
    teacher = world.users["teacher"]
    with pytest.raises(ValidationError, match="такой тип файла"):
        homework_attachment_add(
            acting_user=teacher, homework=hw, file=SimpleUploadedFile("x.html", b"<script>")
        )
    with pytest.raises(ValidationError, match="не совпадает"):
        homework_attachment_add(
            acting_user=teacher, homework=hw, file=SimpleUploadedFile("x.png", b"<svg/>")
        )
    attachment = homework_attachment_add(
        acting_user=teacher, homework=hw, file=SimpleUploadedFile("Задание 1.pdf", PDF_BYTES)
    )
    assert "Задание" not in attachment.file.name
    url = reverse("diary:file", args=[world.school.pk, world.student.pk, attachment.pk])
    client.force_login(world.users["parent"])
    week = client.get(
        reverse("diary:week", args=[world.school.pk, world.student.pk]) + "?d=2026-09-07"
    )
    assert url in week.content.decode()
    response = client.get(url)
    assert response.content == PDF_BYTES and _name(response) == "Задание 1.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # A child of another class does not reach it through their own diary.
    other_class = f.SchoolClassFactory(year=world.year, grade=6, letter="Б")
    other = f.EnrollmentFactory(school_class=other_class).student
    other.user = world.users["student"]
    world.student.user = None
    world.student.save()
    other.save()
    client.force_login(world.users["student"])
    assert (
        client.get(
            reverse("diary:file", args=[world.school.pk, other.pk, attachment.pk])
        ).status_code
        == 404
    )
    client.force_login(teacher)
    journal = client.get(reverse("journal:attachment", args=[world.school.pk, attachment.pk]))
    assert journal.status_code == 200 and journal["X-Content-Type-Options"] == "nosniff"
    assert HomeworkAttachment.objects.count() == 1


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, world, settings):
    settings.MAX_REQUEST_MB = 1
    client.force_login(world.users["secretary"])
    response = _consent_post(
        client, world, SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * 1_200_000)
    )
    assert response.status_code == 413
    assert "больше 1 МБ" in response.content.decode()


# --- xlsx uploads ----------------------------------------------------------------------------


def _bomb() -> bytes:
    """A valid-looking .xlsx whose sheet unpacks to about 60 MB of spaces."""
    buffer = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "Фамилия"
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</worksheet>", b"<!--" + b" " * (60 * 1024 * 1024) + b"--></worksheet>"
                )
            target.writestr(item, data)
    return out.getvalue()


def _huge_dimension() -> bytes:
    buffer = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "Фамилия"
    wb.active["XFD1048576"] = "x"
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_bomb, "распаковывается в"),
        (_huge_dimension, "Лист слишком большой"),
        (lambda: b"PK\x03\x04 not really", "Это не файл Excel"),
    ],
    ids=["zip-bomb", "huge-sheet", "not-xlsx"],
)
def test_a_contingent_import_refuses_a_hostile_workbook_with_a_message(
    client, world, content, message
):
    client.force_login(world.users["secretary"])
    data = content()
    assert len(data) < 1_000_000  # small on the wire
    response = client.post(
        reverse("students:import", args=[world.school.pk]),
        {"file": SimpleUploadedFile("kontingent.xlsx", data)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_ktp_import_refuses_a_zip_bomb(client, world):
    client.force_login(world.users["teacher"])
    response = client.post(
        reverse("ktp:import", args=[world.school.pk, world.assignment.pk]),
        {"file": SimpleUploadedFile("ktp.xlsx", _bomb())},
    )
    assert "распаковывается в" in response.content.decode()


# --- every text cell is text -------------------------------------------------------------

HOSTILE_TEXTS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]


def _texts(content: bytes) -> dict:
    wb = load_workbook(io.BytesIO(content))
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in HOSTILE_TEXTS:
                    found[c.value] = c.data_type
    return found


def _starting_hostile(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+-@"
    ]


def test_the_ktp_export_writes_formula_looking_titles_as_text(client, world):
    for n, title in enumerate(HOSTILE_TEXTS, start=1):
        PlanTopic.objects.create(
            assignment=world.assignment, school=world.school, position=n, title=title, hours=1
        )
    client.force_login(world.users["teacher"])
    found = _texts(
        client.get(reverse("ktp:export", args=[world.school.pk, world.assignment.pk])).content
    )
    assert found == {t: "s" for t in HOSTILE_TEXTS}


def test_the_movement_report_writes_formula_looking_names_as_text(client, world):
    students = []
    for text in HOSTILE_TEXTS:
        s = f.EnrollmentFactory(school_class=world.school_class).student
        s.last_name = text
        s.save()
        students.append(s)
    signed(
        world,
        world.users["secretary"],
        world.users["director"],
        OrderKind.LEAVING,
        lines=[{"student": s, "destination": "=cmd|' /C calc'!A0"} for s in students],
    )
    client.force_login(world.users["secretary"])
    url = reverse("orders:movement-xlsx", args=[world.school.pk])
    starts = _starting_hostile(client.get(url + "?date_from=2026-09-01&date_to=2026-12-31").content)
    # Four names and four destinations, each beginning with a formula character.
    assert len(starts) >= 8 and all(c.data_type == "s" for c in starts)


def test_report_exports_and_the_school_year_workbook_write_text_as_text(world):
    from apps.reports.yearbook import school_year_xlsx

    for text in HOSTILE_TEXTS:
        s = f.EnrollmentFactory(school_class=world.school_class).student
        s.last_name = text
        s.save()
    content = school_year_xlsx(year=world.year)
    found = {k: v for k, v in _texts(content).items()}
    # Names are written with the first name after them: each cell begins with the text.
    wb = load_workbook(io.BytesIO(content))
    starts = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+-@"
    ]
    assert starts and all(c.data_type == "s" for c in starts), found


def test_the_progress_report_export_writes_text_as_text(db):

    from apps.reports.exports import report_xlsx
    from apps.reports.tables import Column, Report, Table

    school = f.SchoolFactory()
    report = Report(
        title="=1+1",
        school=school,
        range_label="@x",
        tables=[
            Table(
                "-t",
                [Column("name", "ФИО"), Column("class", "Класс")],
                [{"name": t, "class": "5А"} for t in HOSTILE_TEXTS],
                note="=note",
            )
        ],
        generated_at=clock.now(),
        filename="x",
        formulas=["=SUM(A1:A2)"],
    )
    wb = load_workbook(io.BytesIO(report_xlsx(report)))
    cells = [
        c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    assert {c.value for c in cells} >= {"=1+1", "=note", "=SUM(A1:A2)", *HOSTILE_TEXTS}
    assert all(c.data_type != "f" for c in cells)
