"""Forms of the document store and the catalogue: validation and layout only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.policy import Role
from apps.classes.models import Subject
from apps.orders.models import SchoolDocument
from apps.school.form_base import DateInput

CATEGORY_CHOICES = [
    (c.value, c.label) for c in SchoolDocument.Category if c != SchoolDocument.Category.ORDERS
]
VISIBILITY_CHOICES = [
    (v.value, v.label) for v in SchoolDocument.Visibility if v != SchoolDocument.Visibility.ORDERS
]
GRADE_CHOICES = [(g, str(g)) for g in range(1, 12)]


class _DocumentFields(forms.Form):
    title = forms.CharField(label=_("Название"), max_length=500)
    category = forms.ChoiceField(
        label=_("Раздел"),
        choices=CATEGORY_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    visibility = forms.ChoiceField(
        label=_("Кому виден"),
        choices=VISIBILITY_CHOICES,
        initial=SchoolDocument.Visibility.STAFF,
        widget=forms.RadioSelect,
    )
    roles = forms.MultipleChoiceField(
        label=_("Роли (для «выбранные роли»)"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DocumentUploadForm(_DocumentFields):
    dated = forms.DateField(label=_("Дата документа"), widget=DateInput())
    file = forms.FileField(
        label=_("Файл"), help_text=_("PDF, Word, Excel, OpenDocument, RTF; до 20 МБ.")
    )


class DocumentSettingsForm(_DocumentFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DocumentVersionForm(forms.Form):
    file = forms.FileField(
        label=_("Новая версия"), help_text=_("Прежняя версия сохранится в истории.")
    )
    note = forms.CharField(label=_("Что изменено"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Название"), max_length=300)
    subject = forms.ModelChoiceField(
        label=_("Предмет"),
        queryset=Subject.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("Классы (параллели)"),
        choices=GRADE_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "grade-checks"}),
    )
    topic = forms.CharField(label=_("Тема"), max_length=300, required=False)
    file = forms.FileField(
        label=_("Файл"),
        required=False,
        help_text=_("Документ, презентация, картинка; до 20 МБ. Или ссылка ниже."),
    )
    url = forms.URLField(label=_("Ссылка"), required=False, max_length=500, assume_scheme="https")
    shared = forms.BooleanField(
        label=_("Поделиться с учителями школы"),
        required=False,
        help_text=_("Без отметки материал виден только вам."),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.filter(school=school).order_by(
            "order", "name"
        )
