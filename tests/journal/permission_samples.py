"""Samples for the permission matrix (tests/test_permission_matrix.py) of the journal URLs.

Merged into the shared matrix by tests/permission_samples.py.
"""

from datetime import date


def _lesson(w):
    from apps.schedule.models import Lesson

    lesson, _created = Lesson.objects.get_or_create(
        assignment=w.assignment, date=date(2026, 9, 7), lesson_number=1, defaults={"school": w.school}
    )
    return lesson


def _entry(w):
    from apps.schedule.models import TimetableEntry

    return TimetableEntry.objects.filter(assignment=w.assignment).first() or TimetableEntry.objects.create(
        school=w.school, year=w.year, assignment=w.assignment, weekday=1, lesson_number=1,
        starts_on=w.year.starts_on, ends_on=w.year.ends_on,
    )


JOURNAL_URL_SAMPLES = {
    "timetable:add": lambda w: {"class_id": w.school_class.pk},
    "timetable:remove": lambda w: {"pk": _entry(w).pk},
    "journal:grid": lambda w: {"assignment_id": w.assignment.pk},
    "journal:period-mark": lambda w: {"assignment_id": w.assignment.pk},
    "journal:lesson": lambda w: {"lesson_id": _lesson(w).pk},
}

# The world's teacher teaches 5А and is its class teacher; the director and the deputy
# read every journal. Everyone else — parents and students included — is refused.
_READERS = {"teacher": 200, "director": 200, "deputy": 200}
JOURNAL_CHECK_EXPECTATIONS = {
    "journal:index": _READERS,
    "journal:grid": _READERS,
    "journal:period-mark": _READERS,
    "journal:cell": _READERS,
    "journal:lesson": _READERS,
}
