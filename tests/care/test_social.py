"""The social passport: the psychologist keeps it, the director reads it, the deputy reads
only the summary without names, the class teacher the categories where the rules allow."""

import pytest
from django.urls import reverse

from apps.care.models import Characteristic, RegisterEntry, SocialCategory, SpecialReadLog
from apps.school.models import SchoolRules

pytestmark = pytest.mark.django_db


def _url(name, w, **kw):
    return reverse(f"care:{name}", kwargs={"school_id": w.school.pk, **kw})


def _fill(client, w):
    client.force_login(w.users["psychologist"])
    url = _url("social-student", w, student_id=w.student.pk)
    large = SocialCategory.objects.get(code="large_family")
    assert (
        client.post(url, {"action": "passport", "version": 0, "categories": [large.pk]}).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                "action": "register",
                "kind": "school",
                "put_on": "2026-10-01",
                "reason": "Систематические пропуски",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                "action": "characteristic",
                "written_on": "2026-10-10",
                "text": "Тревожен, нуждается в поддержке",
            },
        ).status_code
        == 302
    )


def test_psychologist_keeps_the_passport(client, cw):
    w = cw.world
    _fill(client, w)
    body = client.get(_url("social-student", w, student_id=w.student.pk)).content.decode()
    assert "многодетная семья" in body and "Систематические пропуски" in body
    assert "Тревожен" in body
    assert Characteristic.objects.get().author == w.users["psychologist"]


def test_the_deputy_does_not_see_a_characteristic(client, cw):
    w = cw.world
    _fill(client, w)
    client.force_login(w.users["deputy"])
    assert client.get(_url("social-student", w, student_id=w.student.pk)).status_code == 403
    assert client.get(_url("social-class", w, class_id=w.school_class.pk)).status_code == 403
    summary = client.get(_url("social-summary", w)).content.decode()
    assert "Тревожен" not in summary and w.student.full_name not in summary
    assert "многодетная семья" in summary


def test_the_director_reads_and_cannot_write(client, cw):
    w = cw.world
    _fill(client, w)
    client.force_login(w.users["director"])
    assert (
        "Тревожен"
        in client.get(_url("social-student", w, student_id=w.student.pk)).content.decode()
    )
    response = client.post(
        _url("social-student", w, student_id=w.student.pk),
        {"action": "characteristic", "written_on": "2026-10-10", "text": "x"},
    )
    assert response.status_code == 403


def test_class_teacher_sees_categories_of_own_class_where_rules_allow(client, cw):
    w = cw.world
    _fill(client, w)
    client.force_login(w.users["teacher"])
    assert client.get(_url("social-class", w, class_id=w.school_class.pk)).status_code == 404
    SchoolRules.objects.create(school=w.school, class_teacher_sees_social=True)
    body = client.get(_url("social-class", w, class_id=w.school_class.pk)).content.decode()
    assert "многодетная семья" in body
    assert "внутришкольный" not in body and "Тревожен" not in body
    assert client.get(_url("social-class", w, class_id=cw.other_class.pk)).status_code == 404


def test_without_consent_nothing_is_entered(client, cw):
    w = cw.world
    w.student.consents.update(covers=["health"])
    client.force_login(w.users["psychologist"])
    url = _url("social-student", w, student_id=w.student.pk)
    page = client.get(url).content.decode()
    assert "социальное положение, психолого-педагогические сведения" in page
    client.post(url, {"action": "register", "kind": "pdn", "put_on": "2026-10-01", "reason": "x"})
    assert not RegisterEntry.objects.exists()


def test_taking_off_a_register_and_the_read_log(client, cw):
    w = cw.world
    _fill(client, w)
    entry = RegisterEntry.objects.get()
    url = _url("social-student", w, student_id=w.student.pk)
    early = client.post(
        url,
        {
            "action": "takeoff",
            "entry": entry.pk,
            "taken_off": "2026-09-01",
            "taken_off_reason": "x",
        },
    )
    assert "раньше постановки" in early.content.decode()
    client.post(
        url,
        {
            "action": "takeoff",
            "entry": entry.pk,
            "taken_off": "2026-10-13",
            "taken_off_reason": "Исправился",
        },
    )
    entry.refresh_from_db()
    assert entry.taken_off is not None and entry.taken_off_reason == "Исправился"
    SpecialReadLog.objects.all().delete()
    client.get(url)
    assert SpecialReadLog.objects.get().area == "social"
