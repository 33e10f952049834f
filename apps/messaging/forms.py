from datetime import datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.messaging.board import READER_GROUPS, AudienceChoice


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class LetterForm(forms.Form):
    subject = forms.CharField(label=_("Тема"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Текст"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Ответ"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class AudienceForm(forms.Form):
    """The audience of a post or an event: reader groups, and grades or classes."""

    readers = forms.MultipleChoiceField(
        label=_("Кому"),
        choices=[(k, v[0]) for k, v in READER_GROUPS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Ничего не отмечено — всем."),
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("Параллели"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    class_ids = forms.TypedMultipleChoiceField(
        label=_("Классы"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Ни параллели, ни классы не выбраны — вся школа."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        classes = list(classes)
        self.fields["class_ids"].choices = [(c.pk, c.name) for c in classes]
        self.fields["grades"].choices = [(g, g) for g in sorted({c.grade for c in classes})]

    def choice(self) -> AudienceChoice:
        data = self.cleaned_data
        return AudienceChoice(
            readers=list(data.get("readers") or []),
            grades=list(data.get("grades") or []),
            class_ids=list(data.get("class_ids") or []),
        )


class AnnouncementForm(AudienceForm):
    title = forms.CharField(label=_("Заголовок"), max_length=200)
    body = forms.CharField(
        label=_("Текст"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    publish_on = forms.DateField(
        label=_("Опубликовать с"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Показывать по"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    pinned = forms.BooleanField(label=_("Закрепить вверху"), required=False)
    field_order = [
        "title",
        "body",
        "readers",
        "grades",
        "class_ids",
        "publish_on",
        "ends_on",
        "pinned",
    ]


class EventForm(AudienceForm):
    title = forms.CharField(label=_("Название"), max_length=200)
    description = forms.CharField(
        label=_("Описание"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    day = forms.DateField(
        label=_("Дата"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts = forms.TimeField(
        label=_("Начало"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label=_("Окончание"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    place = forms.CharField(label=_("Место"), max_length=200, required=False)
    responsible = forms.TypedChoiceField(
        label=_("Ответственный"), coerce=int, required=False, empty_value=None
    )
    field_order = [
        "title",
        "description",
        "day",
        "starts",
        "ends",
        "place",
        "responsible",
        "readers",
        "grades",
        "class_ids",
    ]

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", "—")] + [
            (u.pk, u.full_name or u.username) for u in staff
        ]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", _("Окончание раньше начала."))
        return data

    def moments(self, tz) -> tuple[datetime, datetime | None]:
        data = self.cleaned_data
        starts = datetime.combine(data["day"], data["starts"] or time(0), tzinfo=tz)
        ends = datetime.combine(data["day"], data["ends"], tzinfo=tz) if data.get("ends") else None
        return starts, ends
