"""Reading request input and putting service refusals on forms: shared by the journal's views."""

from datetime import date

from django.core.exceptions import ValidationError


def int_param(value) -> int:
    """An id from a query or form field; 0 for anything that is not a number (then 404)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def day_param(value, default: date) -> date:
    """`?day=YYYY-MM-DD`, or the default when it is missing or not a date."""
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def month_param(value, default: date) -> date:
    """`?month=YYYY-MM` as its first day, or the default's month."""
    try:
        year, month = (int(p) for p in (value or "").split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return default.replace(day=1)


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
