"""Forms of personal files: validation and layout only; writes go through services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.school.form_base import DateInput, SchoolModelForm
from apps.students.identity import snils_is_valid
from apps.students.models import Guardian, Guardianship, PersonalDataConsent, Student
from apps.students.services import PERSONAL_FIELDS


class VersionedForm(SchoolModelForm):
    """Carries the version the user opened, so a save over someone else's is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class StudentForm(VersionedForm):
    class Meta:
        model = Student
        fields = list(PERSONAL_FIELDS)

    def __init__(self, *args, hidden: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        # Fields of groups this user does not read are neither shown nor changed.
        for name in hidden:
            self.fields.pop(name, None)
        if "snils" in self.fields:
            self.fields["snils"].help_text = _("11 цифр, например 123-456-789 01")
        self.helper.layout = Layout(
            Fieldset(
                _("Обучающийся"),
                Row(Column("last_name"), Column("first_name"), Column("patronymic")),
                Row(Column("birth_date"), Column("sex"), Column("personal_file_number")),
            ),
            *(
                []
                if "snils" in hidden
                else [
                    Fieldset(
                        _("Документы"),
                        Row(
                            Column("document_type"),
                            Column("document_series"),
                            Column("document_number"),
                        ),
                        Row(
                            Column("document_issued_on"),
                            Column("document_issued_by", css_class="col-md-8"),
                        ),
                        Row(Column("snils")),
                    )
                ]
            ),
            *(
                []
                if "residence_address" in hidden
                else [Fieldset(_("Адреса"), "registration_address", "residence_address")]
            ),
            Fieldset(
                _("Прочее"),
                Row(Column("arrived_from")),
            ),
            "version",
        )

    def clean_snils(self):
        value = self.cleaned_data.get("snils", "")
        if value and not snils_is_valid(value):
            raise forms.ValidationError(_("СНИЛС — 11 цифр с верным контрольным числом."))
        return value


class GuardianForm(VersionedForm):
    relationship = forms.ChoiceField(
        label=_("Кем приходится"), choices=Guardianship.Relationship.choices, required=False
    )

    class Meta:
        model = Guardian
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "phone",
            "email",
            "address",
            "document",
            "work_place",
        ]

    def __init__(
        self, *args, with_relationship: bool = False, hidden: frozenset[str] = frozenset(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        for name in hidden:
            self.fields.pop(name, None)
        if not with_relationship:
            del self.fields["relationship"]
        else:
            self.fields["relationship"].required = True
            self.fields["relationship"].widget.attrs["class"] = "form-select"
        self.helper.layout = Layout(
            Row(Column("last_name"), Column("first_name"), Column("patronymic")),
            *(["relationship"] if with_relationship else []),
            *([] if "phone" in hidden else [Row(Column("phone"), Column("email")), "address"]),
            Row(*([] if "document" in hidden else [Column("document")]), Column("work_place")),
            "version",
        )
        self.helper.inputs = [Submit("create", _("Сохранить"))]


class LinkGuardianForm(forms.Form):
    guardian = forms.ModelChoiceField(
        label=_("Родитель из списка школы"), queryset=Guardian.objects.none()
    )
    relationship = forms.ChoiceField(
        label=_("Кем приходится"), choices=Guardianship.Relationship.choices
    )

    def __init__(self, *args, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select"
        self.helper = FormHelper()
        self.helper.add_input(Submit("link", _("Связать")))


class ConsentForm(SchoolModelForm):
    submit_label = _("Записать согласие")

    class Meta:
        model = PersonalDataConsent
        fields = ["guardian", "given_on", "document", "covers", "scan"]
        help_texts = {
            "covers": _(
                "Сведения о здоровье и социальном положении вносятся только при согласии, "
                "в котором они названы (152-ФЗ, ст. 9 и 10)."
            )
        }

    def __init__(self, *args, student: Student, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = Guardian.objects.filter(guardianships__student=student)
        self.fields["guardian"].empty_label = _("сам обучающийся")
        self.fields["guardian"].required = False
        self.fields["covers"] = forms.MultipleChoiceField(
            label=_("Согласие включает специальные категории"),
            choices=PersonalDataConsent.Covers.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=self._meta.help_texts["covers"],
        )
        self.fields["scan"].help_text = _("PDF, JPEG или PNG, не больше 10 МБ.")
        self.fields["scan"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Дата отзыва"), widget=DateInput())


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Файл Excel (.xlsx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
        self.helper = FormHelper()
        self.helper.add_input(Submit("upload", _("Проверить файл")))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("Файл больше 10 МБ."))
        return f


class ImportConfirmForm(forms.Form):
    enrol_on = forms.DateField(
        label=_("Дата зачисления в классы"), widget=DateInput(), required=False
    )
