"""Old import path of the request-input helpers; they live in apps/school/inputs.py.

Kept only so that branches written against it still import; new code imports
apps.school.inputs.
"""

from apps.school.inputs import add_validation_errors as add_errors
from apps.school.inputs import date_param as day_param
from apps.school.inputs import int_param, month_param

__all__ = ["add_errors", "day_param", "int_param", "month_param"]
