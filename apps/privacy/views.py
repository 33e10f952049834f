"""The director's page of reads of personal data. HTTP only."""

from datetime import date

from django.shortcuts import render

from apps.accounts.policy import Perm
from apps.privacy.selectors import month_reads
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import month_param

MONTHS_OFFERED = 12


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@school_view(Perm.VIEW_ACCESS_LOG)
def reads(request):
    """Bulk reads of a month: hours over the threshold, multi-person reads, every reader."""
    ctx = request.school_ctx
    this_month = school_today(ctx.school).replace(day=1)
    month = min(month_param(request.GET.get("month"), this_month), this_month)
    months, m = [], this_month
    for _i in range(MONTHS_OFFERED):
        months.append(m)
        m = date(m.year - (m.month == 1), (m.month - 2) % 12 + 1, 1)
    data = month_reads(
        school=ctx.school, month_start=month, next_month=_next(month), tz=ctx.school.tz
    )
    return render(
        request,
        "privacy/reads.html",
        {"data": data, "month": month, "months": months},
    )
