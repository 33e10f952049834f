"""Who reads and keeps the ГИА: rows of the policy table (VIEW_GIA, MANAGE_GIA,
READ_GIA_DOCUMENT). A candidate of another school or year answers 404."""

from django.http import Http404

from apps.accounts.policy import FieldGroup, Perm, field_groups_of
from apps.exams.models import Candidate


def candidate_of(ctx, candidate_id: int) -> Candidate:
    candidate = (
        Candidate.objects.filter(school=ctx.school, pk=candidate_id)
        .select_related("student", "year")
        .first()
    )
    if candidate is None:
        raise Http404
    return candidate


def reads_document(ctx) -> bool:
    return FieldGroup.GIA_DOCUMENT in field_groups_of(ctx.roles)


def may_keep(ctx) -> bool:
    return ctx.may(Perm.MANAGE_GIA)
