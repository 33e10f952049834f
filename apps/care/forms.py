"""Forms of the care pages: validation and layout only; writes go through services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.care.health import HEALTH_FIELDS
from apps.care.models import BENEFIT_CATEGORIES, DiseaseCategory, HealthRecord, RegisterKind
from apps.school.form_base import DateInput


class HealthRecordForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    disease_categories = forms.MultipleChoiceField(
        label=_("Заболевания: категории"),
        choices=DiseaseCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = HealthRecord
        fields = list(HEALTH_FIELDS)
        widgets = {
            "diseases": forms.Textarea(attrs={"rows": 2}),
            "food_allergies": forms.Textarea(attrs={"rows": 2}),
            "other_allergies": forms.Textarea(attrs={"rows": 2}),
            "pmpk_conditions": forms.Textarea(attrs={"rows": 3}),
            "pe_decision": forms.TextInput(),
            "pmpk_number": forms.TextInput(),
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            elif isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                pass
            elif name != "version":
                field.widget.attrs.setdefault("class", "form-control")
            if read_only:
                field.disabled = True
        self.fields["pmpk_conditions"].help_text = _(
            "Например: «адаптированная программа для обучающихся с ЗПР, вариант 7.1; "
            "увеличение времени на экзамене на 1,5 часа»."
        )


class SocialPassportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    categories = forms.MultipleChoiceField(
        label=_("Категории"), widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(
        label=_("Примечание"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        required=False,
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(str(c.pk), c.label) for c in categories]


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Учёт"),
        choices=RegisterKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    put_on = forms.DateField(
        label=_("Поставлен"), widget=DateInput(attrs={"class": "form-control"})
    )
    reason = forms.CharField(
        label=_("Основание"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class TakeOffForm(forms.Form):
    taken_off = forms.DateField(label=_("Снят"), widget=DateInput(attrs={"class": "form-control"}))
    taken_off_reason = forms.CharField(
        label=_("Основание снятия"), widget=forms.TextInput(attrs={"class": "form-control"})
    )


class CharacteristicForm(forms.Form):
    written_on = forms.DateField(label=_("Дата"), widget=DateInput(attrs={"class": "form-control"}))
    text = forms.CharField(
        label=_("Текст характеристики"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("Своя категория школы"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "placeholder": _("Например, «семья в трудной жизненной ситуации»"),
            }
        ),
    )


class MealBenefitForm(forms.Form):
    student = forms.IntegerField(widget=forms.HiddenInput, required=False)
    category = forms.ChoiceField(
        label=_("Категория"),
        choices=BENEFIT_CATEGORIES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    basis = forms.CharField(
        label=_("Документ-основание"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("Справка УСЗН № 123 от 01.09.2026")}
        ),
    )
    valid_from = forms.DateField(
        label=_("Действует с"), widget=DateInput(attrs={"class": "form-control"})
    )
    valid_until = forms.DateField(
        label=_("Действует по"), required=False, widget=DateInput(attrs={"class": "form-control"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Льгота не может закончиться раньше, чем началась."))
        return data
