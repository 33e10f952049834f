from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.classes.models import SchoolClass
from apps.orders.models import Order, OrderKind
from apps.school.form_base import DateInput

DRAFTABLE_KINDS = [(k.value, k.label) for k in OrderKind if k != OrderKind.CANCELLATION]


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")


class OrderForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Order
        fields = ["kind", "order_date", "effective_on", "title", "basis"]
        widgets = {"order_date": DateInput(), "effective_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DRAFTABLE_KINDS
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Пусто — по виду приказа («О зачислении обучающихся»…).")
        if self.instance.pk:
            del self.fields["kind"]
            self.fields["version"].initial = self.instance.version
        _style(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["kind"] if "kind" in self.fields else []),
            Row(Column("order_date"), Column("effective_on")),
            "title",
            "basis",
            "version",
        )
        self.helper.add_input(
            Submit(
                "save", _("Сохранить проект") if self.instance.pk else _("Создать проект приказа")
            )
        )


class ItemForm(forms.Form):
    """A line of an order: which fields matter depends on the order's kind."""

    student = forms.IntegerField(widget=forms.HiddenInput)
    to_class = forms.ModelChoiceField(
        label=_("В класс"), queryset=SchoolClass.objects.none(), required=False
    )
    origin = forms.CharField(label=_("Откуда прибыл"), max_length=300, required=False)
    destination = forms.CharField(
        label=_("Куда выбывает (образовательная организация)"), max_length=300, required=False
    )
    reason = forms.CharField(label=_("Причина / примечание"), max_length=300, required=False)
    conditional = forms.BooleanField(
        label=_("Условно (академическая задолженность)"), required=False
    )

    def __init__(self, *args, order: Order, classes, **kwargs):
        super().__init__(*args, **kwargs)
        kind = order.kind
        self.fields["to_class"].queryset = classes
        if kind not in (OrderKind.ENROLMENT, OrderKind.TRANSFER, OrderKind.YEAR_TRANSFER):
            del self.fields["to_class"]
        if kind != OrderKind.ENROLMENT:
            del self.fields["origin"]
        if kind != OrderKind.LEAVING:
            del self.fields["destination"]
        else:
            self.fields["destination"].widget.attrs["placeholder"] = _(
                "МБОУ «СОШ № 5», г. Сыктывкар"
            )
        if kind != OrderKind.YEAR_TRANSFER:
            del self.fields["conditional"]
        _style(self)


class NumberingForm(forms.Form):
    number_pattern = forms.CharField(
        label=_("Шаблон номера"),
        max_length=40,
        help_text=_("{n} — порядковый номер в году, {year} — год начала. Например, «{n}-о»."),
    )
    city = forms.CharField(label=_("Населённый пункт"), max_length=100, required=False)


class CancelForm(forms.Form):
    order_date = forms.DateField(label=_("Дата приказа об отмене"), widget=DateInput())
    basis = forms.CharField(label=_("Основание"), max_length=500, required=False)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("С"), widget=DateInput())
    date_to = forms.DateField(label=_("По"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("Конец периода раньше начала."))
        return data


class NextYearForm(forms.Form):
    name = forms.CharField(label=_("Учебный год"), max_length=20)
    starts_on = forms.DateField(label=_("Начало"), widget=DateInput())
    ends_on = forms.DateField(label=_("Окончание"), widget=DateInput())
