"""The health sheet: who reads which part of it, consents, concurrent edits, the read log,
the export and encryption at rest."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from apps.care.models import HealthRecord, SpecialReadLog
from apps.school.models import SchoolRules
from tests.care.conftest import consent, make_students

pytestmark = pytest.mark.django_db


def _url(name, w, **kw):
    return reverse(f"care:{name}", kwargs={"school_id": w.school.pk, **kw})


def _fill(client, w, **data):
    client.force_login(w.users["medic"])
    payload = {
        "version": 0,
        "health_group": "2",
        "pe_group": "preparatory",
        "diseases": "бронхиальная астма, лёгкое течение",
        "food_allergies": "орехи, мёд",
        **data,
    }
    return client.post(_url("health-student", w, student_id=w.student.pk), payload)


def test_medic_fills_the_sheet_and_who_when_is_kept(client, cw):
    w = cw.world
    response = _fill(client, w)
    assert response.status_code == 302
    record = HealthRecord.objects.get(student=w.student)
    assert record.pe_group == "preparatory" and record.food_allergies == "орехи, мёд"
    assert record.updated_by == w.users["medic"]
    page = client.get(_url("health-student", w, student_id=w.student.pk))
    assert "Изменено:" in page.content.decode() and record.events.count() == 1
    assert 'data-testid="history"' in page.content.decode()


def test_special_group_needs_its_document(client, cw):
    w = cw.world
    response = _fill(client, w, pe_group="special_a")
    assert response.status_code == 200
    assert "справку или заключение ВК" in response.content.decode()
    assert not HealthRecord.objects.exists()


def test_without_a_consent_naming_health_the_form_says_which_is_missing(client, cw):
    w = cw.world
    w.student.consents.update(covers=["social"])
    response = _fill(client, w)
    assert response.status_code == 200
    assert "сведения о состоянии здоровья" in response.content.decode()
    assert not HealthRecord.objects.exists()


def test_a_save_over_a_newer_one_is_refused_and_the_input_stays(client, cw):
    w = cw.world
    _fill(client, w)
    response = _fill(client, w, diseases="сколиоз")  # opened at version 0, now 1
    assert response.status_code == 200
    body = response.content.decode()
    assert "изменил другой пользователь" in body and "сколиоз" in body
    assert HealthRecord.objects.get().diseases == "бронхиальная астма, лёгкое течение"


def test_pe_teacher_sees_only_the_pe_group(client, cw):
    w = cw.world
    _fill(client, w)
    client.force_login(cw.pe_teacher)
    page = client.get(_url("health-class", w, class_id=w.school_class.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "подготовительная" in body
    assert "астма" not in body and "орехи" not in body and "Группа здоровья" not in body
    assert client.get(_url("health-student", w, student_id=w.student.pk)).status_code == 403
    # and it is in their list of classes
    assert w.school_class.name in client.get(_url("health", w)).content.decode()


def test_a_teacher_who_is_not_the_pe_teacher_gets_404(client, cw):
    w = cw.world
    _fill(client, w)
    client.force_login(w.users["teacher"])  # class teacher of 5А, teaches mathematics
    assert client.get(_url("health-class", w, class_id=w.school_class.pk)).status_code == 404
    client.force_login(cw.other_class_teacher)
    assert client.get(_url("health-class", w, class_id=w.school_class.pk)).status_code == 404
    assert client.get(_url("health-class", w, class_id=cw.other_class.pk)).status_code == 404


def test_class_teacher_sees_pe_group_and_ovz_where_the_rules_allow(client, cw):
    w = cw.world
    _fill(client, w, ovz="on", pmpk_number="17-П", pmpk_date="2026-05-20")
    SchoolRules.objects.create(school=w.school, class_teacher_sees_health=True)
    client.force_login(w.users["teacher"])
    body = client.get(_url("health-class", w, class_id=w.school_class.pk)).content.decode()
    assert "подготовительная" in body and "ОВЗ" in body
    assert "17-П" not in body and "астма" not in body
    # another class stays closed to them
    assert client.get(_url("health-class", w, class_id=cw.other_class.pk)).status_code == 404


def test_deputy_reads_no_health_data(client, cw):
    w = cw.world
    _fill(client, w)
    client.force_login(w.users["deputy"])
    assert client.get(_url("health-class", w, class_id=w.school_class.pk)).status_code == 403
    assert client.get(_url("health-student", w, student_id=w.student.pk)).status_code == 403


def test_director_reads_but_does_not_write(client, cw):
    w = cw.world
    _fill(client, w)
    client.force_login(w.users["director"])
    assert (
        "астма" in client.get(_url("health-class", w, class_id=w.school_class.pk)).content.decode()
    )
    response = client.post(
        _url("health-student", w, student_id=w.student.pk), {"version": 1, "health_group": "1"}
    )
    assert response.status_code == 403


def test_a_read_creates_exactly_one_log_row_and_an_export_one_more(client, cw):
    w = cw.world
    _fill(client, w)
    SpecialReadLog.objects.all().delete()
    client.force_login(w.users["medic"])
    client.get(_url("health-student", w, student_id=w.student.pk))
    assert SpecialReadLog.objects.count() == 1
    response = client.get(
        _url("health-class-export", w, class_id=w.school_class.pk) + "?format=xlsx"
    )
    assert response.status_code == 200
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''list-zdorovya-5%D0%90" in response["Content-Disposition"]
    assert SpecialReadLog.objects.count() == 2
    export = SpecialReadLog.objects.get(export=True)
    assert export.student_ids == [w.student.pk] and export.what.endswith(".xlsx")
    assert export.reader == w.users["medic"]

    client.force_login(w.users["director"])
    page = client.get(_url("read-log", w)).content.decode()
    assert page.count(w.student.full_name) == 2 and export.what in page
    assert "Лист здоровья обучающегося" in page


def test_the_export_footer_names_the_reader(client, cw):
    from io import BytesIO

    from openpyxl import load_workbook
    from pypdf import PdfReader

    w = cw.world
    _fill(client, w, disease_categories=["respiratory"])
    url = _url("health-class-export", w, class_id=w.school_class.pk)
    xlsx = load_workbook(BytesIO(client.get(url + "?format=xlsx").content))
    cells = [c for row in xlsx.active.iter_rows(values_only=True) for c in row if c]
    medic = w.users["medic"].full_name
    assert any(medic in str(c) and "Выгрузил" in str(c) for c in cells)
    assert "астма" in " ".join(map(str, cells)) and "органы дыхания" in " ".join(map(str, cells))
    pdf = PdfReader(BytesIO(client.get(url + "?format=pdf").content))
    assert medic in pdf.pages[0].extract_text()


def test_parent_request_list_of_readers_printed_by_the_secretary(client, cw):
    w = cw.world
    _fill(client, w)
    client.force_login(w.users["director"])
    client.get(_url("health-class", w, class_id=w.school_class.pk))
    client.force_login(w.users["secretary"])
    page = client.get(_url("read-log-student", w, student_id=w.student.pk))
    assert w.users["director"].full_name in page.content.decode()
    pdf = client.get(_url("read-log-student", w, student_id=w.student.pk) + "?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # the secretary cannot open the health data itself
    assert client.get(_url("health-student", w, student_id=w.student.pk)).status_code == 403


def test_the_raw_column_holds_no_plain_text(client, cw):
    w = cw.world
    _fill(client, w, diseases="эпилепсия", food_allergies="арахис")
    with connection.cursor() as cursor:
        cursor.execute("SELECT diseases, food_allergies, pe_group FROM care_healthrecord")
        raw = cursor.fetchone()
        cursor.execute("SELECT diseases FROM care_healthrecordevent")
        history = [r[0] for r in cursor.fetchall()]
    assert "эпилепсия" not in raw[0] and "арахис" not in raw[1] and "preparatory" not in raw[2]
    assert all(raw_value.startswith("gAAAA") for raw_value in raw)
    assert history and all("эпилепсия" not in h for h in history)
    assert HealthRecord.objects.get().diseases == "эпилепсия"


def test_key_rotation_re_encrypts_with_the_new_key(client, cw, settings):
    from cryptography.fernet import Fernet

    w = cw.world
    _fill(client, w, diseases="сахарный диабет")
    old = list(settings.SPECIAL_DATA_KEYS)
    new_key = Fernet.generate_key().decode()
    with override_settings(SPECIAL_DATA_KEYS=[new_key, *old]):
        call_command("care_rotate_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
        with override_settings(SPECIAL_DATA_KEYS=[new_key]):
            record = HealthRecord.objects.get()
            assert record.diseases == "сахарный диабет"
            assert record.events.get().diseases == "сахарный диабет"
    assert record.events.count() == 1  # rotation is not a change in the history


def test_ovz_status_of_for_the_final_attestation(client, cw):
    from apps.care.health import ovz_status_of

    w = cw.world
    _fill(
        client,
        w,
        ovz="on",
        pmpk_number="17-П",
        pmpk_date="2026-05-20",
        pmpk_conditions="увеличение продолжительности экзамена на 1,5 часа",
    )
    other = make_students(w.school_class, 1)[0]
    consent(other)
    status = ovz_status_of([w.student, other])
    assert status[w.student.pk].ovz and status[w.student.pk].pmpk_date == date(2026, 5, 20)
    assert "1,5 часа" in status[w.student.pk].conditions
    assert other.pk not in status


def test_a_consent_naming_health_recorded_on_the_personal_file_opens_the_form(client, cw):
    w = cw.world
    w.student.consents.all().delete()
    client.force_login(w.users["medic"])
    page = client.get(_url("health-student", w, student_id=w.student.pk)).content.decode()
    assert 'data-testid="missing-consent"' in page and 'data-testid="save"' not in page
    client.force_login(w.users["secretary"])
    client.post(
        reverse("students:consent-add", args=[w.school.pk, w.student.pk]),
        {
            "guardian": w.guardian.pk,
            "given_on": "2026-09-02",
            "document": "Согласие № 9",
            "covers": ["health"],
        },
    )
    card = client.get(reverse("students:card", args=[w.school.pk, w.student.pk])).content.decode()
    assert "сведения о состоянии здоровья" in card
    assert _fill(client, w).status_code == 302
    assert HealthRecord.objects.filter(student=w.student).exists()
