"""Reading dates and numbers from a query string, the same way on every page, and putting a
service's refusal on the form.

A malformed value falls back to the page's default (a typo in an address is not an
error); a well-formed date outside any school's calendar (year 0001 or 9999) is refused
with a 400 that says so: date arithmetic on it would overflow, and no page means it.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
BIGINT_MAX = 2**63 - 1


class BadInput(ValueError):
    """Refused request input; config.middleware.BadInputMiddleware answers 400 with the text."""


def checked_date(day: date) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise BadInput(
            _("Дата %(day)s вне допустимого диапазона (%(a)s–%(b)s годы).")
            % {"day": day.isoformat(), "a": EARLIEST_YEAR, "b": LATEST_YEAR}
        )
    return day


def date_param(value, default):
    """`YYYY-MM-DD`, or `default` when missing or malformed; BadInput when out of range."""
    try:
        day = date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return default
    return default if day is None else checked_date(day)


def month_param(value, default: date) -> date:
    """`YYYY-MM` as its first day, or the default's month; BadInput when out of range."""
    try:
        year, month = (int(p) for p in (value or "").split("-")[:2])
        day = date(year, month, 1)
    except ValueError:
        return default.replace(day=1)
    return checked_date(day)


def int_param(value, default=0):
    """An id: `default` (0: then 404) for anything that is not a number a database id can be."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 0 <= number <= BIGINT_MAX else default


def add_validation_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form, next to the field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
