from django import forms
from django.utils.translation import gettext_lazy as _

HOURS = [(h, f"{h:02d}:00") for h in range(24)]


class DigestForm(forms.Form):
    enabled = forms.BooleanField(label=_("Присылать ежедневную сводку"), required=False)
    hour = forms.TypedChoiceField(
        label=_("Время отправки (по времени школы)"), choices=HOURS, coerce=int
    )
    email = forms.EmailField(label=_("Адрес электронной почты"), required=False)
