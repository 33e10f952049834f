"""Whom a person reaches, row by row of the mail table (apps/accounts/mail_policy.py), from data.

Everything is a queryset or one query: the people a writer reaches, the groups they may
address («родителям 5А»), and a group's members on the day it is sent, each with its family
key (one thread per family for the answers).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.mail_policy import GROUP_REACHES, Reach, board_reach_of, reaches_of
from apps.accounts.models import RoleGrant, User
from apps.accounts.policy import ADMINISTRATION, STAFF_ROLES, Role
from apps.classes.models import SchoolClass, TeachingAssignment
from apps.school.clock import school_today
from apps.school.models import AcademicYear
from apps.students.models import Enrollment, Guardianship, Student


def reach_of(ctx) -> frozenset[Reach]:
    return reaches_of(ctx.roles, class_teacher=ctx.is_class_teacher)


def _enrolled(on: date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def _students_taught(ctx, on: date) -> QuerySet:
    """Students of the classes and subgroups this teacher teaches in the open year."""
    year = ctx.open_year
    if year is None:
        return Student.objects.none()
    assignments = TeachingAssignment.objects.filter(year=year, teacher=ctx.user)
    whole = Enrollment.objects.filter(_enrolled(on)).filter(
        school_class__in=assignments.filter(subgroup__isnull=True).values("school_class_id")
    )
    return Student.objects.filter(school=ctx.school).filter(
        Q(pk__in=whole.values("student_id"))
        | Q(subgroups__in=assignments.filter(subgroup__isnull=False).values("subgroup_id"))
    )


def _family_students(ctx) -> QuerySet:
    """The reader's own record and their children's, in this school."""
    q = Q(pk__in=[])
    if Role.STUDENT in ctx.roles:
        q |= Q(user=ctx.user)
    if Role.PARENT in ctx.roles:
        q |= Q(guardianships__guardian__user=ctx.user)
    return Student.objects.filter(school=ctx.school).filter(q)


def _family_classes(ctx, on: date) -> QuerySet:
    return Enrollment.objects.filter(_enrolled(on), student__in=_family_students(ctx)).values(
        "school_class_id"
    )


def _families_of(students: QuerySet) -> Q:
    """The accounts of these students and of their parents."""
    return Q(pk__in=students.values("user_id")) | Q(
        pk__in=Guardianship.objects.filter(student__in=students).values("guardian__user_id")
    )


def _with_role(ctx, roles) -> Q:
    return Q(
        pk__in=RoleGrant.objects.filter(school=ctx.school, role__in=list(roles)).values("user_id")
    )


def reachable_people(ctx) -> QuerySet[User]:
    """Everyone this person may write to one by one (without themselves), as one queryset."""
    reach = reach_of(ctx)
    on = school_today(ctx.school)
    year = ctx.open_year
    q = Q(pk__in=[])
    if Reach.ANYONE in reach:
        q |= _with_role(ctx, Role.values)
    if Reach.COLLEAGUES in reach:
        q |= _with_role(ctx, STAFF_ROLES)
    if Reach.ADMINISTRATION in reach:
        q |= _with_role(ctx, ADMINISTRATION)
    if Reach.ALL_PARENTS in reach:
        q |= _with_role(ctx, {Role.PARENT})
    if Reach.TAUGHT_FAMILIES in reach:
        q |= _families_of(_students_taught(ctx, on))
    if year is not None and reach & {Reach.CHILDREN_TEACHERS, Reach.OWN_TEACHERS}:
        q |= Q(
            pk__in=TeachingAssignment.objects.filter(
                year=year, school_class_id__in=_family_classes(ctx, on)
            ).values("teacher_id")
        )
    if year is not None and reach & {Reach.CHILDREN_CLASS_TEACHERS, Reach.OWN_CLASS_TEACHER}:
        q |= Q(
            pk__in=SchoolClass.objects.filter(
                year=year, pk__in=_family_classes(ctx, on), class_teacher__isnull=False
            ).values("class_teacher_id")
        )
    # Only people who still hold a role in this school, never oneself.
    return (
        User.objects.filter(q, is_active=True)
        .filter(_with_role(ctx, Role.values))
        .exclude(pk=ctx.user.pk)
    )


# --- groups -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    code: str  # "class_parents:12", "grade_students:5", "role:teacher"
    label: str
    section: str


def _class_groups(classes) -> list[Group]:
    groups = []
    for c in classes:
        groups.append(
            Group(f"class_parents:{c.pk}", _("родителям %(c)s") % {"c": c.name}, _("Классы"))
        )
        groups.append(
            Group(f"class_students:{c.pk}", _("ученикам %(c)s") % {"c": c.name}, _("Классы"))
        )
    return groups


def reachable_groups(ctx) -> list[Group]:
    """The groups this person may address (at most two queries)."""
    reach = reach_of(ctx)
    if not reach & GROUP_REACHES:
        return []
    if Reach.ANY_GROUP not in reach:
        return _class_groups(ctx.led_classes)
    groups = [
        Group(f"role:{role.value}", _("всем: %(role)s") % {"role": role.label}, _("Роли"))
        for role in Role
    ]
    classes = []
    if ctx.open_year is not None:
        classes = list(ctx.open_year.classes.order_by("grade", "letter"))
    for grade in sorted({c.grade for c in classes}):
        label = _("%(g)s классы") % {"g": grade}
        groups.append(
            Group(f"grade_parents:{grade}", _("родителям: %(g)s") % {"g": label}, _("Параллели"))
        )
        groups.append(
            Group(f"grade_students:{grade}", _("ученикам: %(g)s") % {"g": label}, _("Параллели"))
        )
    return groups + _class_groups(classes)


def group_members(ctx, code: str) -> list[tuple[int, str]]:
    """(user id, family key) of a group's members today: one query. The family key is the
    student for class and grade groups (a parent and their child share a thread), the person
    for a role."""
    kind, _sep, value = code.partition(":")
    on = school_today(ctx.school)
    if kind == "role":
        return [
            (uid, f"u{uid}")
            for uid in RoleGrant.objects.filter(school=ctx.school, role=value, user__is_active=True)
            .values_list("user_id", flat=True)
            .order_by("user_id")
        ]
    enrolments = Enrollment.objects.filter(_enrolled(on), school=ctx.school)
    if kind.startswith("class_"):
        enrolments = enrolments.filter(school_class_id=int(value))
    else:
        enrolments = enrolments.filter(
            school_class__year=ctx.open_year, school_class__grade=int(value)
        )
    students = enrolments.values("student_id")
    if kind.endswith("_students"):
        rows = Student.objects.filter(pk__in=students, user__isnull=False, user__is_active=True)
        pairs = rows.values_list("user_id", "pk").order_by("pk")
    else:
        rows = Guardianship.objects.filter(
            student_id__in=students, guardian__user__isnull=False, guardian__user__is_active=True
        )
        pairs = rows.values_list("guardian__user_id", "student_id").order_by("student_id", "pk")
    return [(uid, f"s{sid}") for uid, sid in pairs]


# --- the audience of the board and of events --------------------------------------------------


@dataclass(frozen=True)
class AudienceProfile:
    """What decides which posts and events a person sees: their roles and the classes they
    belong to (their children's, their own, the ones they teach)."""

    roles: frozenset[str]
    class_ids: frozenset[int]
    grades: frozenset[int]
    sees_every_class: bool


def audience_profile(ctx) -> AudienceProfile:
    """One query: the classes of the family and the classes taught or led."""
    roles = ctx.roles
    sees_all = bool(roles & (ADMINISTRATION | {Role.MEDIC, Role.PSYCHOLOGIST}))
    if sees_all:
        return AudienceProfile(roles, frozenset(), frozenset(), sees_all)
    on = school_today(ctx.school)
    open_years = AcademicYear.objects.filter(school=ctx.school).open()
    taught = Q(pk__in=[])
    if Role.TEACHER in roles:
        taught = Q(class_teacher=ctx.user) | Q(
            pk__in=TeachingAssignment.objects.filter(teacher=ctx.user).values("school_class_id")
        )
    family = (
        Q(pk__in=_family_classes(ctx, on)) if roles & {Role.PARENT, Role.STUDENT} else Q(pk__in=[])
    )
    rows = SchoolClass.objects.filter(year__in=open_years).filter(taught | family)
    pairs = list(rows.values_list("pk", "grade"))
    return AudienceProfile(
        roles,
        frozenset(pk for pk, _grade in pairs),
        frozenset(grade for _pk, grade in pairs),
        False,
    )


def board_reach(ctx):
    return board_reach_of(ctx.roles, class_teacher=ctx.is_class_teacher)


def may_post(ctx) -> bool:
    """The board and the events: may this person post at all (the view's precondition)."""
    return bool(board_reach(ctx))
