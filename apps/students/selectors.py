from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from apps.classes.models import SchoolClass
from apps.students.models import Enrollment, Guardianship, Student


def class_roster(*, school_class: SchoolClass, on: date) -> QuerySet[Student]:
    """The students of a class on a date, in journal order."""
    return (
        Student.objects.filter(
            Q(enrollments__school_class=school_class, enrollments__starts_on__lte=on)
            & (Q(enrollments__ends_on__isnull=True) | Q(enrollments__ends_on__gte=on))
        )
        .order_by("last_name", "first_name", "patronymic")
        .distinct()
    )


def class_enrolments(*, school_class: SchoolClass) -> QuerySet[Enrollment]:
    """Everyone who was in the class at any time of the year, with dates."""
    return (
        Enrollment.objects.filter(school_class=school_class)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "starts_on")
    )


def student_card(*, school, student_id: int) -> Student:
    """A student of this school with class history and parents; 404-friendly lookup."""
    return (
        Student.objects.filter(school=school)
        .prefetch_related(
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.select_related("school_class__year").order_by("starts_on"),
            ),
            Prefetch("guardianships", queryset=Guardianship.objects.select_related("guardian__user")),
        )
        .get(pk=student_id)
    )


def current_class_of(students: list[Student], on: date) -> dict[int, SchoolClass]:
    rows = Enrollment.objects.filter(student__in=students, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    ).select_related("school_class")
    return {e.student_id: e.school_class for e in rows}
