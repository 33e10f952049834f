"""Samples for the permission matrix (tests/test_permission_matrix.py) of the journal URLs.

Merged into the shared matrix by tests/permission_samples.py.
"""

from datetime import date, timedelta

from apps.school import clock


def _lesson(w):
    from apps.schedule.models import Lesson

    lesson, _created = Lesson.objects.get_or_create(
        assignment=w.assignment,
        date=date(2026, 9, 7),
        lesson_number=1,
        defaults={"school": w.school},
    )
    return lesson


def _entry(w):
    from apps.schedule.models import TimetableEntry

    return TimetableEntry.objects.filter(
        assignment=w.assignment
    ).first() or TimetableEntry.objects.create(
        school=w.school,
        year=w.year,
        assignment=w.assignment,
        weekday=1,
        lesson_number=1,
        starts_on=w.year.starts_on,
        ends_on=w.year.ends_on,
    )


def _attachment(w):
    from django.core.files.base import ContentFile

    from apps.homework.models import Homework, HomeworkAttachment

    lesson = _lesson(w)
    homework, _created = Homework.objects.get_or_create(
        lesson=lesson,
        defaults={
            "school": w.school,
            "text": "§ 1",
            "set_at": clock.now(),
            "set_by": w.users["teacher"],
        },
    )
    found = HomeworkAttachment.objects.filter(homework=homework).first()
    if found:
        return found
    attachment = HomeworkAttachment(
        school=w.school, homework=homework, name="task.txt", size=4, uploaded_by=w.users["teacher"]
    )
    attachment.file.save("task.txt", ContentFile(b"task"), save=True)
    return attachment


def _topic(w):
    from apps.schedule.models import PlanTopic

    topic, _created = PlanTopic.objects.get_or_create(
        assignment=w.assignment,
        position=1,
        defaults={"school": w.school, "title": "Натуральные числа"},
    )
    return topic


def _period(w):
    return w.year.periods.order_by("number").first()


def _grant(w):

    from apps.gradebook.locks import unlock_permission
    from apps.gradebook.models import PeriodUnlockGrant

    period = _period(w)
    grant, _created = PeriodUnlockGrant.objects.get_or_create(
        user=w.users["teacher"],
        permission=unlock_permission(),
        content_object=period,
        defaults={
            "school": w.school,
            "expires_at": clock.now() + timedelta(days=1),
            "granted_at": clock.now(),
            "granted_by": w.users["deputy"],
            "reason": "Справка",
        },
    )
    return grant


JOURNAL_URL_SAMPLES = {
    "timetable:add": lambda w: {"class_id": w.school_class.pk},
    "timetable:remove": lambda w: {"pk": _entry(w).pk},
    "timetable:substitute": lambda w: {"lesson_id": _lesson(w).pk},
    "timetable:lesson-forms": lambda w: {"lesson_id": _lesson(w).pk},
    "timetable:cancel": lambda w: {"lesson_id": _lesson(w).pk},
    "timetable:move": lambda w: {"lesson_id": _lesson(w).pk},
    "journal:grid": lambda w: {"assignment_id": w.assignment.pk},
    "journal:period-mark": lambda w: {"assignment_id": w.assignment.pk},
    "journal:history-student": lambda w: {
        "assignment_id": w.assignment.pk,
        "student_id": w.student.pk,
    },
    "journal:lesson": lambda w: {"lesson_id": _lesson(w).pk},
    "journal:lesson-present": lambda w: {"lesson_id": _lesson(w).pk},
    "journal:history-lesson": lambda w: {"lesson_id": _lesson(w).pk},
    "journal:attachment": lambda w: {"pk": _attachment(w).pk},
    "journal:attachment-delete": lambda w: {"pk": _attachment(w).pk},
    "journal:lock-toggle": lambda w: {"period_id": _period(w).pk},
    "journal:unlock-revoke": lambda w: {"pk": _grant(w).pk},
    "journal:class": lambda w: {"class_id": w.school_class.pk},
    "journal:register": lambda w: {"class_id": w.school_class.pk},
    "ktp:page": lambda w: {"assignment_id": w.assignment.pk},
    "ktp:import": lambda w: {"assignment_id": w.assignment.pk},
    "ktp:import-confirm": lambda w: {"assignment_id": w.assignment.pk},
    "ktp:export": lambda w: {"assignment_id": w.assignment.pk},
    "ktp:topic": lambda w: {"pk": _topic(w).pk},
    "ktp:topic-delete": lambda w: {"pk": _topic(w).pk},
    "ktp:topic-move": lambda w: {"pk": _topic(w).pk},
}

# The world's teacher teaches 5А and is its class teacher; the director and the deputy
# read every journal. Everyone else — parents and students included — is refused.
_READERS = {"teacher": 200, "director": 200, "deputy": 200}
_KEEPER = {"teacher": 200}  # pages that change the plan: its teacher only
JOURNAL_CHECK_EXPECTATIONS = {
    "journal:index": _READERS,
    "journal:grid": _READERS,
    "journal:period-mark": _READERS,
    "journal:cell": _READERS,
    "journal:cell-comment": _READERS,
    "journal:lesson": _READERS,
    "journal:lesson-present": _READERS,
    "journal:history-lesson": _READERS,
    "journal:history-student": _READERS,
    "journal:attachment": _READERS,
    "journal:attachment-delete": _READERS,
    "journal:class": _READERS,
    "journal:register": _READERS,
    "ktp:page": _READERS,
    "ktp:import": _KEEPER,
    "ktp:import-confirm": _READERS,
    "ktp:export": _READERS,
    "ktp:topic": _KEEPER,
    "ktp:topic-delete": _READERS,
    "ktp:topic-move": _READERS,
    "ktp:template": _READERS,
}
