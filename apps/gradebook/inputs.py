"""Reading request input and putting service refusals on forms: shared by the journal's views."""

from django.core.exceptions import ValidationError

from apps.school.inputs import date_param as day_param
from apps.school.inputs import int_param, month_param

__all__ = ["add_errors", "day_param", "int_param", "month_param"]


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
