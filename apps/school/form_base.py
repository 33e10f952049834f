"""What every app's forms stand on: date and time inputs, and the model form whose choices
come only from one school. Beneath the apps' forms, so it imports no app above accounts."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.policy import STAFF_ROLES, Role
from apps.school.models import AcademicYear, School


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"


def school_users(school, roles=None):
    q = Q(role_grants__school=school)
    if roles is not None:
        q &= Q(role_grants__role__in=roles)
    return User.objects.filter(q).distinct().order_by("last_name", "first_name", "patronymic")


class SchoolModelForm(forms.ModelForm):
    """A model form whose choices come only from the given school (and its chosen year)."""

    submit_label = _("Сохранить")
    teacher_fields: tuple[str, ...] = ()
    staff_fields: tuple[str, ...] = ()

    def __init__(self, *args, school: School, year: AcademicYear | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.year = year
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            model = field.queryset.model
            if name in self.teacher_fields:
                field.queryset = school_users(school, [Role.TEACHER])
            elif name in self.staff_fields:
                field.queryset = school_users(school, STAFF_ROLES)
            elif model is User:
                field.queryset = school_users(school)
            elif hasattr(model, "school"):
                qs = field.queryset.filter(school=school)
                if year is not None and any(f.name == "year" for f in model._meta.fields):
                    qs = qs.filter(year=year)
                field.queryset = qs
            if isinstance(field.widget, forms.Select) and not isinstance(
                field.widget, forms.SelectMultiple
            ):
                field.widget.attrs.setdefault("class", "form-select")
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
            elif isinstance(field, forms.TimeField):
                field.widget = TimeInput()
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", self.submit_label))

    def changes(self) -> dict:
        """The cleaned values to hand to a service (many-to-many fields excluded)."""
        m2m = {f.name for f in self.instance._meta.many_to_many}
        return {k: v for k, v in self.cleaned_data.items() if k not in m2m}
