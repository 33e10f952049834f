"""Forms of the school structure: validation and layout only; writes go through services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.policy import STAFF_ROLES, Role
from apps.classes.models import CurriculumLine, SchoolClass, Subgroup, Subject, TeachingAssignment
from apps.school.models import AcademicYear, Holiday, Licence, School, Shift, StudyPeriod


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
            if isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.SelectMultiple):
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


class SchoolCardForm(SchoolModelForm):
    staff_fields = ("director",)

    class Meta:
        model = School
        fields = ["full_name", "short_name", "address", "inn", "kpp", "ogrn", "phone", "email", "website", "time_zone", "director"]


class LicenceForm(SchoolModelForm):
    class Meta:
        model = Licence
        fields = ["kind", "number", "issued_on", "valid_until", "issuer"]


class AcademicYearForm(SchoolModelForm):
    half_year_grades = forms.TypedMultipleChoiceField(
        label=_("Параллели, обучающиеся по полугодиям"),
        choices=[(g, str(g)) for g in range(1, 12)], coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-inline"}),
        help_text=_("Остальные параллели учатся по четвертям."),
    )

    class Meta:
        model = AcademicYear
        fields = ["name", "starts_on", "ends_on", "half_year_grades"]


class StudyPeriodForm(SchoolModelForm):
    class Meta:
        model = StudyPeriod
        fields = ["scheme", "number", "name", "starts_on", "ends_on"]


class HolidayForm(SchoolModelForm):
    grades = forms.TypedMultipleChoiceField(
        label=_("Только для параллелей"), choices=[(g, str(g)) for g in range(1, 12)], coerce=int,
        required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-inline"}),
        help_text=_("Пусто — для всей школы."),
    )

    class Meta:
        model = Holiday
        fields = ["kind", "name", "starts_on", "ends_on", "grades"]


class ShiftForm(SchoolModelForm):
    class Meta:
        model = Shift
        fields = ["number", "name"]


class SubjectForm(SchoolModelForm):
    class Meta:
        model = Subject
        fields = ["name", "short_name", "component", "order"]


class SchoolClassForm(SchoolModelForm):
    teacher_fields = ("class_teacher",)

    class Meta:
        model = SchoolClass
        fields = ["grade", "letter", "class_teacher", "capacity", "shift", "programme"]

    def clean_letter(self):
        return self.cleaned_data["letter"].strip().upper()


class CurriculumLineForm(SchoolModelForm):
    class Meta:
        model = CurriculumLine
        fields = ["grade", "subject", "hours_per_week"]


class SubgroupForm(SchoolModelForm):
    class Meta:
        model = Subgroup
        fields = ["school_class", "subject", "name"]


class TeachingAssignmentForm(SchoolModelForm):
    teacher_fields = ("teacher",)

    class Meta:
        model = TeachingAssignment
        fields = ["teacher", "school_class", "subgroup", "subject", "hours_per_week"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = self.fields["subgroup"].queryset.select_related("school_class", "subject")
        if self.year is not None:
            qs = qs.filter(school_class__year=self.year)
        self.fields["subgroup"].queryset = qs

    def clean(self):
        data = super().clean()
        subgroup, school_class, subject = data.get("subgroup"), data.get("school_class"), data.get("subject")
        if subgroup and school_class and subgroup.school_class_id != school_class.pk:
            self.add_error("subgroup", _("Подгруппа из другого класса."))
        if subgroup and subject and subgroup.subject_id != subject.pk:
            self.add_error("subgroup", _("Подгруппа создана для другого предмета."))
        return data


class BellRowForm(forms.Form):
    lesson_number = forms.IntegerField(label=_("Урок"), min_value=0, max_value=12)
    starts_at = forms.TimeField(label=_("Начало"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("Конец"), widget=TimeInput())


BellFormSet = forms.formset_factory(BellRowForm, extra=2, can_delete=True)


class NewUserForm(forms.Form):
    last_name = forms.CharField(label=_("Фамилия"), max_length=150)
    first_name = forms.CharField(label=_("Имя"), max_length=150)
    patronymic = forms.CharField(label=_("Отчество"), max_length=150, required=False)
    username = forms.CharField(label=_("Логин"), max_length=150)
    email = forms.EmailField(label=_("Электронная почта"), required=False)
    role = forms.ChoiceField(label=_("Роль"), choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].widget.attrs["class"] = "form-select"
        self.helper = FormHelper()
        self.helper.add_input(Submit("create", _("Создать и выдать пароль")))


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Роль"), choices=Role.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].widget.attrs["class"] = "form-select form-select-sm"
