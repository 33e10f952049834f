"""Samples for the permission matrix (tests/test_permission_matrix.py) of the diary URLs.

Merged into the shared matrix by tests/permission_samples.py. The world's student is linked
to both the world's student account and its parent: both read that diary (200).
"""


def _homework(w):
    from datetime import date

    from apps.homework.models import Homework
    from apps.schedule.models import Lesson

    lesson, _created = Lesson.objects.get_or_create(
        assignment=w.assignment,
        date=date(2026, 9, 7),
        lesson_number=1,
        defaults={"school": w.school},
    )
    hw, _created = Homework.objects.get_or_create(
        lesson=lesson,
        defaults={
            "school": w.school,
            "text": "§ 1",
            "set_at": "2026-09-07T10:00:00+03:00",
            "set_by": w.users["teacher"],
        },
    )
    return hw


def _attachment(w):
    from django.core.files.base import ContentFile

    from apps.homework.models import HomeworkAttachment

    hw = _homework(w)
    found = HomeworkAttachment.objects.filter(homework=hw).first()
    if found is None:
        found = HomeworkAttachment(
            school=w.school, homework=hw, name="Задание.pdf", size=9, uploaded_by=w.users["teacher"]
        )
        found.file.save("zadanie.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return found


def _student(w):
    return {"student_id": w.student.pk}


DIARY_URL_SAMPLES = {
    "diary:week": _student,
    "diary:week-pdf": _student,
    "diary:marks": _student,
    "diary:year": _student,
    "diary:homework": _student,
    "diary:timetable": _student,
    "diary:stats": _student,
    "diary:calendar": _student,
    "diary:file": lambda w: {"student_id": w.student.pk, "attachment_id": _attachment(w).pk},
    "diary:homework-done": lambda w: {"student_id": w.student.pk, "homework_id": _homework(w).pk},
    "diary:printout-class": lambda w: {"class_id": w.school_class.pk},
    "diary:printout-pdf": lambda w: {"class_id": w.school_class.pk},
}

# The world's teacher is the class teacher of 5А; the world's parent is a parent.
DIARY_CHECK_EXPECTATIONS = {
    "diary:digest": {"parent": 200},
    "diary:printouts": {"teacher": 200},
    "diary:printout-class": {"teacher": 200},
    # No parent of 5А asked for a printout yet: the class PDF finds nobody.
    "diary:printout-pdf": {"teacher": 404},
}

# Outside any school, without login: the secret token or the signature is the key.
DIARY_PUBLIC_URLS = {"diary:ical-feed", "diary:unsubscribe"}
