"""Who is in a class on a date: every care page asks here, so the product's one definition
of «enrolled on a date» is called from one place (a switch to `Enrollment.objects.active_on`
and `roster_of` is one edit)."""

from datetime import date

from apps.students.models import Enrollment, Student
from apps.students.selectors import roster_of


def _enrolled_on(day: date):
    return Enrollment.objects.active_on(day)


def class_roster(school_class, day: date) -> list[Student]:
    """Students of the class on `day`, in alphabetical order (one query)."""
    return list(
        Student.objects.filter(
            pk__in=_enrolled_on(day).filter(school_class=school_class).values("student_id")
        ).order_by("last_name", "first_name", "patronymic", "pk")
    )


def rosters(classes, day: date) -> dict[int, list[Student]]:
    """Students of several classes on `day`, by class id (one query)."""
    out: dict[int, list[Student]] = {c.pk: [] for c in classes}
    for e in (
        _enrolled_on(day)
        .filter(school_class__in=list(out))
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__patronymic", "pk")
    ):
        out[e.school_class_id].append(e.student)
    return out


def class_of_students(student_ids, day: date) -> dict[int, object]:
    """The class each student is in on `day` (one query)."""
    return {
        e.student_id: e.school_class
        for e in _enrolled_on(day)
        .filter(student_id__in=list(student_ids))
        .select_related("school_class")
    }


def enrolled_ids_in_range(school_class, first: date, last: date) -> dict[int, list[tuple]]:
    """(starts_on, ends_on) spans of each student enrolled in the class at some day of the range."""
    spans: dict[int, list[tuple]] = {}
    for student_id, starts, ends in roster_of(school_class, (first, last)).values_list(
        "student_id", "starts_on", "ends_on"
    ):
        spans.setdefault(student_id, []).append((starts, ends))
    return spans
