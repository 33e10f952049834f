from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms

from apps.school.form_base import SchoolModelForm
from apps.staff.models import StaffMember
from apps.staff.services import STAFF_FIELDS


class StaffMemberForm(SchoolModelForm):
    staff_fields = ("user",)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = StaffMember
        fields = list(STAFF_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["training"].widget.attrs["rows"] = 3
        self.helper.layout = Layout(
            Fieldset(
                "",
                Row(
                    Column("user", css_class="col-md-6"),
                    Column("position"),
                    Column("personnel_number"),
                ),
            ),
            Row(Column("hired_on"), Column("left_on"), Column("teaching_since"), Column("snils")),
            Row(Column("qualification"), Column("category_until")),
            Row(Column("education"), Column("speciality")),
            "training",
            Row(Column("consent_on", css_class="col-md-4")),
            "version",
        )
