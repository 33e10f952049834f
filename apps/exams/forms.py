from django import forms
from django.utils.translation import gettext_lazy as _

from apps.exams.models import Candidate, ConversionScale, Level
from apps.school.form_base import DateInput

DOCUMENT_FIELDS = ("document_type", "document_series", "document_number")


class CandidateForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Candidate
        fields = [
            "form",
            "admission_on",
            "admission_result",
            "applied_on",
            *DOCUMENT_FIELDS,
            "special_conditions",
        ]
        widgets = {
            "admission_on": DateInput(),
            "applied_on": DateInput(),
            "special_conditions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, reads_document: bool, read_only: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not reads_document:
            for name in DOCUMENT_FIELDS:
                del self.fields[name]
        for field in self.fields.values():
            if read_only:
                field.disabled = True


class ChoiceForm(forms.Form):
    subject = forms.TypedChoiceField(label=_("Предмет"), coerce=int)
    level = forms.ChoiceField(
        label=_("Уровень (математика, 11 класс)"), choices=Level.choices, required=False
    )

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = {s.pk: s for s in subjects}
        self.fields["subject"].choices = [(s.pk, s.name) for s in subjects]


class ResultForm(forms.Form):
    exam_on = forms.DateField(label=_("Дата экзамена"), widget=DateInput(), required=False)
    published_on = forms.DateField(label=_("Опубликован"), widget=DateInput())
    primary_score = forms.IntegerField(label=_("Первичный балл"), min_value=0, max_value=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ScaleForm(forms.ModelForm):
    test_scores_text = forms.CharField(
        label=_("Тестовые баллы по первичным 0, 1, 2… (через запятую, для ЕГЭ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ConversionScale
        fields = ["grade", "subject", "level", "max_primary", "min_3", "min_4", "min_5"]

    def __init__(self, *args, subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if subjects is not None:
            self.fields["subject"].queryset = subjects
        if self.instance.pk and self.instance.test_scores:
            self.initial["test_scores_text"] = ", ".join(str(v) for v in self.instance.test_scores)

    def clean_test_scores_text(self):
        raw = self.cleaned_data["test_scores_text"].replace(";", ",")
        try:
            values = [int(v) for v in raw.split(",") if v.strip()]
        except ValueError:
            raise forms.ValidationError(_("Тестовые баллы — целые числа через запятую.")) from None
        return values

    def clean(self):
        data = super().clean()
        values = data.get("test_scores_text") or []
        maximum = data.get("max_primary")
        if values and maximum is not None and len(values) != maximum + 1:
            self.add_error(
                "test_scores_text",
                _("Нужно %(n)s значений: по одному на каждый первичный балл от 0 до %(max)s.")
                % {"n": maximum + 1, "max": maximum},
            )
        return data
