"""Forms of repair requests: validation and layout only; writes go through services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.facilities.models import RepairRequest


class RepairRequestForm(forms.Form):
    room = forms.CharField(
        label=_("Помещение"),
        max_length=100,
        help_text=_("Кабинет, этаж, коридор: «каб. 204», «спортзал», «2 этаж, туалет»."),
    )
    problem = forms.CharField(
        label=_("Что сломалось"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    urgency = forms.ChoiceField(
        label=_("Срочность"),
        choices=RepairRequest.Urgency.choices,
        initial=RepairRequest.Urgency.NORMAL,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    photo = forms.FileField(
        label=_("Фото"),
        required=False,
        help_text=_("JPEG или PNG, до 10 МБ."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class RepairMoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Новый статус"), choices=RepairRequest.Status.choices)
    comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Что сделано, или почему заявка отклонена; автор увидит комментарий."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
