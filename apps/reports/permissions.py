"""Who sees which report, derived from data (SPEC §1, STYLE principle 5).

The deputy and the director see everything (policy table: AUDIT_JOURNALS, VIEW_REPORTS).
A teacher sees their own audit lines; a class teacher also the lines and the reports of
the class they lead. Parents and students see none of it. Lists are querysets, never a
check per row.
"""

from django.db.models import Q, QuerySet

from apps.accounts.policy import Perm, Role
from apps.classes.models import SchoolClass
from apps.reports.models import AuditLine, ExportJob


def audits_visible(ctx) -> bool:
    """View precondition of the audit pages: the administration, or a teacher (own lines)."""
    return ctx.may(Perm.AUDIT_JOURNALS) or Role.TEACHER in ctx.roles


def reports_visible(ctx) -> bool:
    """View precondition of the class reports: the administration, or a class teacher."""
    return ctx.may(Perm.VIEW_REPORTS) or (Role.TEACHER in ctx.roles and ctx.is_class_teacher)


def index_visible(ctx) -> bool:
    return ctx.may(Perm.VIEW_REPORTS) or ctx.may(Perm.AUDIT_JOURNALS) or Role.TEACHER in ctx.roles


def audit_lines_visible(ctx, run_id: int | None = None) -> QuerySet[AuditLine]:
    qs = AuditLine.objects.filter(school=ctx.school)
    if run_id is not None:
        qs = qs.filter(run_id=run_id)
    if ctx.may(Perm.AUDIT_JOURNALS):
        return qs
    return qs.filter(Q(teacher=ctx.user) | Q(school_class__class_teacher=ctx.user))


def report_class_ids(ctx, year) -> list[int] | None:
    """None: every class of the year; otherwise the classes this class teacher led that year."""
    if ctx.may(Perm.VIEW_REPORTS):
        return None
    return list(
        SchoolClass.objects.filter(
            school=ctx.school, year=year, class_teacher=ctx.user
        ).values_list("pk", flat=True)
    )


def exports_visible(ctx) -> QuerySet[ExportJob]:
    """The administration sees the school's exports; anyone else their own."""
    qs = ExportJob.objects.filter(school=ctx.school)
    if ctx.may(Perm.VIEW_REPORTS):
        return qs
    return qs.filter(created_by=ctx.user)
