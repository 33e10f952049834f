"""Rows that hold from `starts_on` to `ends_on` (open when `ends_on` is empty): enrolments first.

The one definition of "in force then", for querysets (Enrollment.objects.active_on /
overlapping) and for lookups through a relation (`through="enrollments__"`).
"""

from django.db.models import Q


def overlapping_q(start, end, through: str = "") -> Q:
    """In force on at least one day of start…end: started by its end, not ended before its start."""
    return Q(**{f"{through}starts_on__lte": end}) & (
        Q(**{f"{through}ends_on__isnull": True}) | Q(**{f"{through}ends_on__gte": start})
    )


def active_on_q(day, through: str = "") -> Q:
    """In force on `day`."""
    return overlapping_q(day, day, through)
