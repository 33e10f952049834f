from django import forms
from django.utils.translation import gettext_lazy as _

from apps.reports.periods import month_label, months_of


class AuditRunForm(forms.Form):
    """«Провести проверку»: a calendar month or a study period of the year."""

    target = forms.ChoiceField(label=_("Что проверить"))
    send = forms.BooleanField(
        label=_("Разослать результаты учителям и классным руководителям"),
        required=False,
        help_text=_(
            "Каждый получит уведомление и письмо со своей частью; повторно за тот же срок не рассылается."
        ),
    )

    def __init__(self, *args, year=None, periods=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if year is not None:
            last = min(year.ends_on, today) if today else year.ends_on
            months = [
                (f"m{m:%Y-%m}", _("Месяц: %(m)s") % {"m": month_label(m)})
                for m in months_of(year.starts_on, last)
            ]
            choices += list(reversed(months))
            choices += [(f"p{p.pk}", _("Период: %(p)s") % {"p": p.name}) for p in periods]
        self.fields["target"].choices = choices
        self.periods = {f"p{p.pk}": p for p in periods}
