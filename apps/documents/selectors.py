"""Who reads which document of the store, and which catalogue items: querysets, never a
per-row check. One definition each, used by the lists, the downloads and the public page."""

from django.db.models import Q, QuerySet

from apps.accounts.policy import Perm
from apps.documents.models import Resource
from apps.orders.models import SchoolDocument

V = SchoolDocument.Visibility
# Which row of the policy table opens a document of each visibility; ROLES is read from the
# document itself, PUBLIC by anyone (the school's open page needs no login).
VISIBILITY_PERMS = {
    V.ORDERS: Perm.VIEW_ORDERS,
    V.STAFF: Perm.VIEW_SCHOOL_CARD,
    V.PUBLIC: Perm.READ_DOCUMENTS,
}


def documents_visible_to(ctx) -> QuerySet[SchoolDocument]:
    """The school's documents this user may list and open."""
    qs = SchoolDocument.objects.filter(school=ctx.school)
    if ctx.may(Perm.MANAGE_DOCUMENTS) and ctx.may(Perm.VIEW_ORDERS):
        return qs
    allowed = [v for v, perm in VISIBILITY_PERMS.items() if ctx.may(perm)]
    return qs.filter(
        Q(visibility__in=allowed) | Q(visibility=V.ROLES, roles__overlap=sorted(ctx.roles))
    )


def public_documents(*, school) -> QuerySet[SchoolDocument]:
    """What anyone reads on the school's open page, without an account."""
    return SchoolDocument.objects.filter(school=school, visibility=V.PUBLIC).exclude(file="")


def document_list(qs: QuerySet[SchoolDocument], *, category: str = "", query: str = ""):
    """Filter by category and search the title (every word must appear)."""
    if category in SchoolDocument.Category.values:
        qs = qs.filter(category=category)
    for word in query.split()[:5]:
        qs = qs.filter(title__icontains=word)
    return qs.select_related("order", "added_by")


def resources_visible_to(ctx) -> QuerySet[Resource]:
    """One's own materials and those the school's teachers shared."""
    return Resource.objects.filter(school=ctx.school).filter(Q(owner=ctx.user) | Q(shared=True))


def resource_search(
    qs: QuerySet[Resource],
    *,
    subject_id: int = 0,
    grade: int = 0,
    query: str = "",
    mine: bool = False,
    user=None,
) -> QuerySet[Resource]:
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if grade:
        qs = qs.filter(grades__contains=[grade])
    if mine and user is not None:
        qs = qs.filter(owner=user)
    for word in query.split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(topic__icontains=word))
    return qs.for_list()


def resources_for_lesson(ctx, lesson, *, limit: int = 100) -> list[Resource]:
    """What the lesson's teacher may give from the catalogue: the lesson's subject and grade."""
    assignment = lesson.assignment
    return list(
        resources_visible_to(ctx)
        .filter(subject_id=assignment.subject_id, grades__contains=[assignment.school_class.grade])
        .order_by("topic", "title")[:limit]
    )
