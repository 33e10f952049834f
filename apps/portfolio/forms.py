"""Input validation of the portfolio pages; the rules themselves are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.portfolio.models import Achievement, Level, Result, TeacherCategory, TeacherEntry
from apps.school.form_base import DateInput


class AchievementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид"), choices=Achievement.Kind.choices)
    event = forms.CharField(label=_("Мероприятие"), max_length=300)
    subject = forms.CharField(label=_("Предмет, направление"), max_length=150, required=False)
    level = forms.ChoiceField(label=_("Уровень"), choices=Level.choices)
    result = forms.ChoiceField(label=_("Результат"), choices=Result.choices)
    happened_on = forms.DateField(label=_("Дата"), widget=DateInput())
    teacher = forms.TypedChoiceField(
        label=_("Педагог-наставник"), coerce=int, required=False, empty_value=None
    )
    diploma = forms.FileField(label=_("Скан диплома (PDF, JPG, PNG, до 10 МБ)"), required=False)

    def __init__(self, *args, teachers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].choices = [("", "—"), *((t.pk, t.full_name) for t in teachers)]
        self.teachers = {t.pk: t for t in teachers}


class PortraitForm(forms.Form):
    essay = forms.CharField(
        label=_("Эссе «О себе»"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=8000,
    )
    photo = forms.FileField(label=_("Фотография (JPG, PNG)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CharacteristicForm(forms.Form):
    characteristic = forms.CharField(
        label=_("Характеристика"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Категория"), choices=TeacherCategory.Category.choices)
    assigned_on = forms.DateField(label=_("Присвоена"), widget=DateInput())
    expires_on = forms.DateField(label=_("Действует до"), widget=DateInput())
    order_ref = forms.CharField(label=_("Приказ"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TeacherEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Раздел"), choices=TeacherEntry.Kind.choices)
    title = forms.CharField(label=_("Название"), max_length=300)
    organisation = forms.CharField(label=_("Организация"), max_length=300, required=False)
    hours = forms.IntegerField(label=_("Часов"), min_value=1, max_value=2000, required=False)
    happened_on = forms.DateField(label=_("Дата"), widget=DateInput())
    file = forms.FileField(label=_("Документ (PDF, JPG, PNG)"), required=False)
