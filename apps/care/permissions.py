"""Who reads which special data of which students: the roles' rows of the policy table and
the relations derived from data (apps/accounts/policy.py, `special_fields_for`).

A class, a student or an object outside what the person may read answers 404, for
«missing» and «not yours» alike; lists are filtered, never checked row by row.
"""

from dataclasses import dataclass, field

from django.http import Http404

from apps.accounts.policy import Perm, Relation, Role, SpecialField, special_fields_for
from apps.classes.models import SchoolClass, TeachingAssignment
from apps.school.policy import school_policy


@dataclass
class ClassAccess:
    """What a person reads of one class: the special fields and, for a PE teacher who
    teaches only a subgroup, which students (None: the whole class)."""

    school_class: SchoolClass
    fields: frozenset = frozenset()
    only_students: set[int] | None = None
    relations: frozenset = field(default_factory=frozenset)

    @property
    def full_health(self) -> bool:
        return SpecialField.HEALTH_SHEET in self.fields

    @property
    def full_social(self) -> bool:
        return SpecialField.SOCIAL_PASSPORT in self.fields

    def sees(self, name: str) -> bool:
        return name in self.fields


def rules_of(ctx):
    """The school's rules, read once per request."""
    if not hasattr(ctx, "_care_rules"):
        ctx._care_rules = school_policy(ctx.school)
    return ctx._care_rules


def _pe_groups(ctx) -> dict[int, set[int] | None]:
    """Classes where this user teaches PE in the open year → subgroup ids (None: whole class)."""
    if not hasattr(ctx, "_care_pe"):
        groups: dict[int, set[int] | None] = {}
        if Role.TEACHER in ctx.roles and ctx.open_year is not None:
            for class_id, subgroup_id in TeachingAssignment.objects.filter(
                year=ctx.open_year, teacher=ctx.user, subject__physical_education=True
            ).values_list("school_class_id", "subgroup_id"):
                if subgroup_id is None:
                    groups[class_id] = None
                elif groups.get(class_id, set()) is not None:
                    groups.setdefault(class_id, set()).add(subgroup_id)
        ctx._care_pe = groups
    return ctx._care_pe


def relations_to_class(ctx, school_class) -> frozenset[str]:
    relations = set()
    if school_class.pk in _pe_groups(ctx):
        relations.add(Relation.PE_TEACHER)
    if school_class.pk in {c.pk for c in ctx.led_classes}:
        relations.add(Relation.CLASS_TEACHER)
        relations.add(Relation.MEALS)
    if ctx.may(Perm.MANAGE_MEALS):
        relations.add(Relation.MEALS)
    return frozenset(relations)


def class_access(ctx, school_class) -> ClassAccess:
    relations = relations_to_class(ctx, school_class)
    fields = special_fields_for(ctx.roles, relations, rules_of(ctx))
    only = None
    if (
        Relation.PE_TEACHER in relations
        and not (fields - {SpecialField.PE_GROUP, SpecialField.FOOD_ALLERGIES})
        and _pe_groups(ctx)[school_class.pk] is not None
    ):
        from apps.classes.models import Subgroup

        only = set(
            Subgroup.members.through.objects.filter(
                subgroup_id__in=_pe_groups(ctx)[school_class.pk]
            ).values_list("student_id", flat=True)
        )
    return ClassAccess(
        school_class=school_class, fields=fields, only_students=only, relations=relations
    )


HEALTH_ON_CLASS_PAGE = {SpecialField.PE_GROUP, SpecialField.OVZ_FLAG, SpecialField.HEALTH_SHEET}
SOCIAL_ON_CLASS_PAGE = {SpecialField.SOCIAL_CATEGORIES, SpecialField.SOCIAL_PASSPORT}


def open_year_class(ctx, class_id: int) -> SchoolClass:
    if ctx.open_year is None:
        raise Http404
    try:
        return SchoolClass.objects.select_related("class_teacher", "shift", "year").get(
            pk=class_id, year=ctx.open_year, school=ctx.school
        )
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def health_class_access(ctx, class_id: int) -> ClassAccess:
    """The class's health sheet as this person may read it; 404 when they read nothing of it."""
    access = class_access(ctx, open_year_class(ctx, class_id))
    if not access.fields & HEALTH_ON_CLASS_PAGE:
        raise Http404
    return access


def social_class_access(ctx, class_id: int) -> ClassAccess:
    access = class_access(ctx, open_year_class(ctx, class_id))
    if not access.fields & SOCIAL_ON_CLASS_PAGE:
        raise Http404
    return access


def meals_class_access(ctx, class_id: int) -> ClassAccess:
    """The class teacher confirms their class; whoever manages meals confirms any class."""
    access = class_access(ctx, open_year_class(ctx, class_id))
    if Relation.MEALS not in access.relations:
        raise Http404
    return access


def classes_with_access(ctx, wanted: set) -> list[ClassAccess]:
    """Classes of the open year of which this person reads some of `wanted` (2–3 queries)."""
    if ctx.open_year is None:
        return []
    classes = list(ctx.open_year.classes.order_by("grade", "letter"))
    out = []
    for c in classes:
        access = class_access(ctx, c) if _may_have_class_relation(ctx, c) else None
        if access and access.fields & wanted:
            out.append(access)
    return out


def _may_have_class_relation(ctx, school_class) -> bool:
    return (
        ctx.may(Perm.READ_HEALTH)
        or ctx.may(Perm.READ_SOCIAL)
        or ctx.may(Perm.MANAGE_MEALS)
        or school_class.pk in _pe_groups(ctx)
        or school_class.class_teacher_id == ctx.user.pk
    )


# Preconditions of the views (`school_view(check=...)`): who may open the pages at all.
def may_open_health(ctx) -> bool:
    return ctx.may(Perm.READ_HEALTH) or Role.TEACHER in ctx.roles


def may_open_social(ctx) -> bool:
    return ctx.may(Perm.READ_SOCIAL) or Role.TEACHER in ctx.roles


def may_open_meals(ctx) -> bool:
    return ctx.may(Perm.MANAGE_MEALS) or ctx.may(Perm.VIEW_MEALS) or Role.TEACHER in ctx.roles


def may_confirm_meals(ctx) -> bool:
    return ctx.may(Perm.MANAGE_MEALS) or Role.TEACHER in ctx.roles
