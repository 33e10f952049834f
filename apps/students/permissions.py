"""Who may read and change personal files, derived from the policy table and from data.

The secretary and the administrator keep every file (MANAGE_STUDENTS); the administration,
the medic and the psychologist read them (VIEW_STUDENTS). A class teacher fills the cards
of their own class (seed 002: «ведение электронных личных дел учащихся закрепленного
класса»), and sees nobody else's: another class's card answers 404.
"""

from django.db.models import Q, QuerySet

from apps.accounts.policy import CLASS_TEACHER_FIELD_GROUPS, FieldGroup, Perm, field_groups_of
from apps.students.models import Enrollment, Guardian, Student

# Which fields of a personal file belong to which group of the policy table. Fields not
# listed (ФИО, date of birth, sex, class, file number, where from) are read by everyone who
# may open the file.
STUDENT_FIELD_GROUPS: dict[FieldGroup, tuple[str, ...]] = {
    FieldGroup.IDENTITY: (
        "snils",
        "document_type",
        "document_series",
        "document_number",
        "document_issued_on",
        "document_issued_by",
    ),
    FieldGroup.CONTACTS: ("registration_address", "residence_address"),
    # Special categories (meals benefits, health, social data) live in apps/care, with its own
    # rules and read log; the personal file itself holds none.
    FieldGroup.SPECIAL: (),
}
GUARDIAN_FIELD_GROUPS: dict[FieldGroup, tuple[str, ...]] = {
    FieldGroup.IDENTITY: ("document",),
    FieldGroup.CONTACTS: ("phone", "email", "address"),
    FieldGroup.FAMILY: ("last_name", "first_name", "patronymic", "work_place"),
}


def hidden_fields(field_groups: dict, groups: frozenset) -> set[str]:
    return {name for group, names in field_groups.items() if group not in groups for name in names}


def field_groups_for(ctx, student: Student | None = None) -> frozenset[FieldGroup]:
    """The groups of a personal file this user reads: by role (the policy table), and a
    class teacher's own class by data. One query, only for a class teacher lacking some."""
    groups = field_groups_of(ctx.roles)
    if (
        student is not None
        and not groups >= CLASS_TEACHER_FIELD_GROUPS
        and ctx.is_class_teacher
        and Enrollment.objects.filter(
            student=student, school_class_id__in=own_class_ids(ctx)
        ).exists()
    ):
        groups |= CLASS_TEACHER_FIELD_GROUPS
    return groups


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
    if ctx.may(Perm.READ_FAMILY):
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
