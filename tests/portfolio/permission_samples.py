"""Samples for the permission matrix (tests/test_permission_matrix.py) of the portfolio URLs.

In the `world` fixture the teacher leads 5А, where the student is; the parent is the
student's guardian. A student's portfolio is open to the student, the parent, the teacher
and the administration; the other trades get 403 (they read no portfolios at all).
"""

from datetime import date

from django.core.files.base import ContentFile

PDF_BYTES = b"%PDF-1.4\n%test\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def _achievement(w):
    from django.utils import timezone

    from apps.portfolio.models import Achievement

    found = Achievement.objects.filter(student=w.student).first()
    if found:
        return found
    a = Achievement(
        school=w.school,
        student=w.student,
        year=w.year,
        event="Школьный этап ВсОШ по математике",
        level="school",
        result="winner",
        happened_on=w.year.starts_on,
        added_by=w.users["student"],
        added_at=timezone.now(),
        diploma_name="диплом.pdf",
    )
    a.diploma.save("diploma.pdf", ContentFile(PDF_BYTES), save=False)
    a.save()
    return a


def _portrait_with_photo(w):
    from apps.portfolio.models import Portrait

    portrait, created = Portrait.objects.get_or_create(
        student=w.student, defaults={"school": w.school}
    )
    if not portrait.photo:
        portrait.photo.save("photo.png", ContentFile(PNG_BYTES))
    return w.student


def _entry(w):
    from django.utils import timezone

    from apps.portfolio.models import TeacherEntry

    found = TeacherEntry.objects.filter(school=w.school).first()
    if found:
        return found
    e = TeacherEntry(
        school=w.school,
        teacher=w.users["teacher"],
        kind="course",
        title="Обновлённые ФГОС",
        hours=36,
        happened_on=date(2026, 10, 1),
        added_at=timezone.now(),
        file_name="удостоверение.pdf",
    )
    e.file.save("c.pdf", ContentFile(PDF_BYTES), save=False)
    e.save()
    return e


def _student(w):
    return {"student_id": w.student.pk}


def _student_achievement(w):
    return {"student_id": w.student.pk, "achievement_id": _achievement(w).pk}


PORTFOLIO_URL_SAMPLES = {
    "portfolio:student": _student,
    "portfolio:achievement-add": _student,
    "portfolio:achievement-confirm": _student_achievement,
    "portfolio:achievement-delete": _student_achievement,
    "portfolio:diploma": _student_achievement,
    "portfolio:portrait": _student,
    "portfolio:characteristic": _student,
    "portfolio:photo": lambda w: {"student_id": _portrait_with_photo(w).pk},
    "portfolio:student-pdf": _student,
    "portfolio:teacher": lambda w: {"teacher_id": w.users["teacher"].pk},
    "portfolio:teacher-category": lambda w: {"teacher_id": w.users["teacher"].pk},
    "portfolio:teacher-entry": lambda w: {"teacher_id": w.users["teacher"].pk},
    "portfolio:teacher-file": lambda w: {
        "teacher_id": w.users["teacher"].pk,
        "entry_id": _entry(w).pk,
    },
}

_FAMILY_AND_TEACHERS = {
    "admin": 200,
    "director": 200,
    "deputy": 200,
    "teacher": 200,
    "student": 200,
    "parent": 200,
}
_TEACHERS = {"admin": 200, "director": 200, "deputy": 200, "teacher": 200}
PORTFOLIO_CHECK_EXPECTATIONS = {
    **{
        name: _FAMILY_AND_TEACHERS
        for name in (
            "portfolio:index",
            "portfolio:student",
            "portfolio:achievement-add",
            "portfolio:achievement-confirm",
            "portfolio:achievement-delete",
            "portfolio:diploma",
            "portfolio:portrait",
            "portfolio:characteristic",
            "portfolio:photo",
            "portfolio:student-pdf",
        )
    },
    **{
        name: _TEACHERS
        for name in (
            "portfolio:teacher",
            "portfolio:teacher-category",
            "portfolio:teacher-entry",
            "portfolio:teacher-file",
        )
    },
}
# A teacher's «portfolio of teachers» is their own: the list sends them there.
PORTFOLIO_CHECK_EXPECTATIONS["portfolio:teachers"] = {**_TEACHERS, "teacher": 302}
