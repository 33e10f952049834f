"""What the journal pages show from the attendance model (the legend, the pick-list)."""

from django import template

from apps.attendance.models import AttendanceKind

register = template.Library()


@register.simple_tag
def attendance_kinds() -> list[tuple[str, str]]:
    """(letter, meaning) of every attendance mark, in the order the school writes them."""
    return list(AttendanceKind.choices)
