"""The student's portfolio: who adds, who confirms, who sees; files; the teacher's portfolio."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.portfolio.models import Achievement, Portrait, TeacherCategory, TeacherEntry
from tests.pdf import pdf_text
from tests.portfolio.conftest import PDF_BYTES, achievement_post

pytestmark = pytest.mark.usefixtures("clock_morning")


def url(world, name, **kwargs):
    return reverse(f"portfolio:{name}", kwargs={"school_id": world.school.pk, **kwargs})


def student_url(world, name="student", student=None, **kwargs):
    return url(world, name, student_id=(student or world.student).pk, **kwargs)


def test_student_adds_a_diploma_that_waits_for_the_class_teacher(client, world):
    client.force_login(world.users["student"])
    diploma = SimpleUploadedFile("диплом.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        student_url(world, "achievement-add"), {**achievement_post(), "diploma": diploma}
    )
    assert response.status_code == 302
    achievement = Achievement.objects.get()
    assert achievement.confirmed_at is None and achievement.added_by == world.users["student"]
    assert achievement.year == world.year
    page = client.get(student_url(world)).content.decode()
    assert "ждёт подтверждения" in page

    # The student may not confirm their own entry, even by posting the form directly.
    response = client.post(
        student_url(world, "achievement-confirm", achievement_id=achievement.pk), {"version": 1}
    )
    assert response.status_code == 403
    achievement.refresh_from_db()
    assert achievement.confirmed_at is None

    client.force_login(world.users["teacher"])  # the class teacher of 5А
    response = client.post(
        student_url(world, "achievement-confirm", achievement_id=achievement.pk), {"version": 1}
    )
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert achievement.confirmed_by == world.users["teacher"]

    response = client.get(student_url(world, "diploma", achievement_id=achievement.pk))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        "filename*=UTF-8''%D0%B4%D0%B8%D0%BF%D0%BB%D0%BE%D0%BC.pdf"
        in response["Content-Disposition"]
    )


def test_a_confirmation_on_a_stale_page_is_refused(client, world):
    client.force_login(world.users["student"])
    client.post(student_url(world, "achievement-add"), achievement_post())
    achievement = Achievement.objects.get()
    Achievement.objects.filter(pk=achievement.pk).update(version=2, event="Изменено")
    client.force_login(world.users["teacher"])
    response = client.post(
        student_url(world, "achievement-confirm", achievement_id=achievement.pk),
        {"version": 1},
        follow=True,
    )
    assert "изменил другой пользователь" in response.content.decode()
    achievement.refresh_from_db()
    assert achievement.confirmed_at is None


def test_a_page_renamed_to_pdf_is_refused_and_the_form_keeps_the_input(client, world):
    client.force_login(world.users["student"])
    fake = SimpleUploadedFile(
        "диплом.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    response = client.post(
        student_url(world, "achievement-add"), {**achievement_post(), "diploma": fake}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "не является файлом PDF" in page
    assert "Муниципальный этап ВсОШ по математике" in page
    assert not Achievement.objects.exists()


def test_a_future_date_is_refused_with_a_message(client, world):
    client.force_login(world.users["student"])
    response = client.post(
        student_url(world, "achievement-add"), achievement_post(happened_on="2026-12-01")
    )
    assert response.status_code == 400
    assert "ещё не наступила" in response.content.decode()


def test_a_teacher_adds_a_confirmed_olympiad_result_for_a_student_they_teach(client, world):
    client.force_login(world.users["teacher"])
    response = client.post(student_url(world, "achievement-add"), achievement_post(result="winner"))
    assert response.status_code == 302
    achievement = Achievement.objects.get()
    assert achievement.is_confirmed and achievement.teacher == world.users["teacher"]
    page = client.get(url(world, "teacher", teacher_id=world.users["teacher"].pk)).content.decode()
    assert "Муниципальный этап ВсОШ по математике" in page  # «results of their students»


def test_a_teacher_of_another_class_does_not_see_the_portfolio(client, world, other_teacher):
    client.force_login(other_teacher)
    assert client.get(student_url(world)).status_code == 404
    assert client.post(student_url(world, "achievement-add"), achievement_post()).status_code == 404


def test_a_parent_sees_their_own_child_only(client, world, family_b):
    other_student, other_parent = family_b
    client.force_login(world.users["parent"])
    assert client.get(student_url(world)).status_code == 200
    assert client.get(student_url(world, student=other_student)).status_code == 404
    client.force_login(other_parent)
    assert client.get(student_url(world)).status_code == 404
    assert client.get(student_url(world, "student-pdf")).status_code == 404
    index = client.get(url(world, "index")).content.decode()
    assert other_student.last_name in index and world.student.last_name not in index


def test_a_parent_adds_for_a_younger_child_only(client, world):
    client.force_login(world.users["parent"])
    # 5А is older than the school's rule (parents add up to grade 4).
    assert client.post(student_url(world, "achievement-add"), achievement_post()).status_code == 403
    world.school_class.grade = 3
    world.school_class.save(update_fields=["grade"])
    response = client.post(student_url(world, "achievement-add"), achievement_post())
    assert response.status_code == 302
    assert not Achievement.objects.get().is_confirmed


def test_another_school_answers_404(client, world):
    client.force_login(world.other.users["deputy"])
    assert client.get(student_url(world)).status_code == 404


def test_portrait_and_characteristic(client, world):
    client.force_login(world.users["student"])
    response = client.post(student_url(world, "portrait"), {"essay": "Люблю математику и шахматы."})
    assert response.status_code == 302
    # Only the class teacher writes the characteristic.
    assert (
        client.post(
            student_url(world, "characteristic"), {"characteristic": "Я хороший"}
        ).status_code
        == 403
    )
    client.force_login(world.users["teacher"])
    client.post(
        student_url(world, "characteristic"),
        {"characteristic": "Ответственный ученик.", "version": 2},
    )
    portrait = Portrait.objects.get()
    assert portrait.essay.startswith("Люблю") and portrait.characteristic == "Ответственный ученик."
    # A photo that is not an image is refused.
    client.force_login(world.users["student"])
    bad = SimpleUploadedFile("me.png", b"MZ\x90\x00", content_type="image/png")
    response = client.post(
        student_url(world, "portrait"), {"essay": "x", "photo": bad, "version": 3}
    )
    assert response.status_code == 400
    assert "не является файлом PNG" in response.content.decode()


def test_the_students_pdf_for_a_year_holds_confirmed_entries_only(client, world):
    client.force_login(world.users["teacher"])
    client.post(student_url(world, "achievement-add"), achievement_post(event="Олимпиада Эйлера"))
    client.force_login(world.users["student"])
    client.post(
        student_url(world, "achievement-add"), achievement_post(event="Неподтверждённый конкурс")
    )
    response = client.get(student_url(world, "student-pdf"), {"year": world.year.pk})
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Олимпиада Эйлера" in text and "Неподтверждённый конкурс" not in text
    assert world.student.last_name in text


def test_teacher_portfolio_category_and_entries(client, world):
    teacher = world.users["teacher"]
    client.force_login(teacher)
    response = client.post(
        url(world, "teacher-category", teacher_id=teacher.pk),
        {"category": "first", "assigned_on": "2022-04-15", "expires_on": "2027-04-15"},
    )
    assert response.status_code == 302
    assert TeacherCategory.objects.get().expires_on == date(2027, 4, 15)
    response = client.post(
        url(world, "teacher-entry", teacher_id=teacher.pk),
        {"kind": "course", "title": "Обновлённые ФГОС", "happened_on": "2026-10-01"},
    )
    assert response.status_code == 400
    assert "количество часов" in response.content.decode()
    response = client.post(
        url(world, "teacher-entry", teacher_id=teacher.pk),
        {
            "kind": "course",
            "title": "Обновлённые ФГОС",
            "hours": "36",
            "organisation": "ИРО",
            "happened_on": "2026-10-01",
        },
    )
    assert response.status_code == 302
    assert TeacherEntry.objects.get().hours == 36
    # Another teacher's portfolio is not theirs; the deputy reads every one.
    assert client.get(url(world, "teacher", teacher_id=world.users["deputy"].pk)).status_code == 404
    client.force_login(world.users["deputy"])
    page = client.get(url(world, "teacher", teacher_id=teacher.pk)).content.decode()
    assert "Обновлённые ФГОС" in page and "15.04.2027" in page
