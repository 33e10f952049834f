"""Who may read and keep which journal, derived from data (SPEC §1, STYLE principle 5).

The assigned teacher keeps the journal of their assignment; a substitute teacher keeps
the lessons they substitute; an explicit django-guardian grant (AssignmentJournalGrant)
covers what data cannot say. The class teacher reads the whole class journal; the
director and the deputy read every journal (policy table: READ_ALL_JOURNALS).
"""

from django.db.models import Q, QuerySet

from apps.accounts.policy import Perm
from apps.classes.models import TeachingAssignment

KEEP_JOURNAL_CODENAME = "keep_journal"
KEEP_JOURNAL_PERM = f"classes.{KEEP_JOURNAL_CODENAME}"


def reads_all_journals(ctx) -> bool:
    """View precondition: administration reads all; teachers reach their own journals."""
    return ctx.may(Perm.READ_ALL_JOURNALS)


def _granted(user) -> Q:
    return Q(journal_grants__user=user, journal_grants__permission__codename=KEEP_JOURNAL_CODENAME)


def assignments_writable_by(ctx) -> QuerySet[TeachingAssignment]:
    return (
        TeachingAssignment.objects.filter(school=ctx.school)
        .filter(Q(teacher=ctx.user) | _granted(ctx.user))
        .distinct()
    )


def assignments_visible_to(ctx) -> QuerySet[TeachingAssignment]:
    """Assignments whose journal this user may open, as one queryset (no per-row checks)."""
    qs = TeachingAssignment.objects.filter(school=ctx.school)
    if ctx.may(Perm.READ_ALL_JOURNALS):
        return qs
    return qs.filter(
        Q(teacher=ctx.user) | Q(school_class__class_teacher=ctx.user) | _granted(ctx.user)
    ).distinct()


def has_journal_grant(user, assignment) -> bool:
    from apps.gradebook.models import AssignmentJournalGrant

    return AssignmentJournalGrant.objects.filter(
        user=user, content_object_id=assignment.pk, permission__codename=KEEP_JOURNAL_CODENAME
    ).exists()


def can_keep_assignment(user, assignment) -> bool:
    """Period marks and the whole grid: the assigned teacher or an explicit grant."""
    return assignment.teacher_id == user.pk or has_journal_grant(user, assignment)


def can_keep_lesson(user, lesson) -> bool:
    """One lesson: its teacher, its substitute, or an explicit grant on the assignment.

    The first two cost no query; only the rare grant case reads the grant table.
    """
    if lesson.substitute_teacher_id == user.pk or lesson.assignment.teacher_id == user.pk:
        return True
    return has_journal_grant(user, lesson.assignment)


def visible_assignment(ctx, pk: int, *related: str) -> TeachingAssignment:
    """One assignment whose journal this user may open, or 404 (missing and not yours alike).

    The same rule as assignments_visible_to, checked on the fetched row: one indexed query
    instead of the DISTINCT over joins a queryset of all visible assignments needs.
    """
    from django.http import Http404

    assignment = (
        TeachingAssignment.objects.filter(school=ctx.school, pk=pk)
        .select_related("school_class", *related)
        .first()
    )
    if assignment is None:
        raise Http404
    user = ctx.user
    if (
        ctx.may(Perm.READ_ALL_JOURNALS)
        or assignment.teacher_id == user.pk
        or assignment.school_class.class_teacher_id == user.pk
        or has_journal_grant(user, assignment)
    ):
        return assignment
    raise Http404
