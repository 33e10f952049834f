"""Who may read and change personal files, derived from the policy table and from data.

The secretary and the administrator keep every file (MANAGE_STUDENTS); the administration,
the medic and the psychologist read them (VIEW_STUDENTS). A class teacher fills the cards
of their own class (seed 002: «ведение электронных личных дел учащихся закрепленного
класса»), and sees nobody else's: another class's card answers 404.
"""

from django.db.models import Q, QuerySet

from apps.accounts.policy import Perm
from apps.students.models import Enrollment, Guardian, Student


def may_open_cards(ctx) -> bool:
    return ctx.may(Perm.VIEW_STUDENTS) or ctx.is_class_teacher


def own_class_ids(ctx) -> list[int]:
    return [c.pk for c in ctx.led_classes]


def students_visible_to(ctx) -> QuerySet[Student]:
    qs = Student.objects.filter(school=ctx.school)
    if ctx.may(Perm.VIEW_STUDENTS):
        return qs
    return qs.filter(
        pk__in=Enrollment.objects.filter(school_class_id__in=own_class_ids(ctx)).values(
            "student_id"
        )
    )


def students_editable_by(ctx) -> QuerySet[Student]:
    if ctx.may(Perm.MANAGE_STUDENTS):
        return Student.objects.filter(school=ctx.school)
    if ctx.is_class_teacher:
        return Student.objects.filter(school=ctx.school).filter(
            pk__in=Enrollment.objects.filter(school_class_id__in=own_class_ids(ctx)).values(
                "student_id"
            )
        )
    return Student.objects.none()


def guardians_visible_to(ctx) -> QuerySet[Guardian]:
    if ctx.may(Perm.VIEW_STUDENTS):
        return Guardian.objects.filter(school=ctx.school)
    return Guardian.objects.filter(
        school=ctx.school, guardianships__student__in=students_visible_to(ctx)
    ).distinct()


def guardians_editable_by(ctx) -> QuerySet[Guardian]:
    if ctx.may(Perm.MANAGE_STUDENTS):
        return Guardian.objects.filter(school=ctx.school)
    return (
        Guardian.objects.filter(school=ctx.school)
        .filter(Q(guardianships__student__in=students_editable_by(ctx)))
        .distinct()
    )
