from django import forms
from django.utils.translation import gettext_lazy as _

from apps.classes.models import TeachingAssignment
from apps.schedule.models import LESSON_NUMBER_VALIDATORS, WEEKDAYS


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        group = f" · {obj.subgroup.name}" if obj.subgroup_id else ""
        return f"{obj.subject.name}{group} — {obj.teacher.short_name}"


class TimetableEntryForm(forms.Form):
    assignment = AssignmentChoiceField(
        label=_("Предмет и учитель"), queryset=TeachingAssignment.objects.none()
    )
    weekday = forms.TypedChoiceField(label=_("День недели"), choices=WEEKDAYS, coerce=int)
    lesson_number = forms.IntegerField(
        label=_("Урок"), validators=LESSON_NUMBER_VALIDATORS, min_value=0, max_value=12
    )
    room = forms.CharField(label=_("Кабинет"), max_length=30, required=False)
    starts_on = forms.DateField(
        label=_("Действует с"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("Действует по"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, school_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        if school_class is not None:
            self.fields["assignment"].queryset = TeachingAssignment.objects.filter(
                school_class=school_class
            ).select_related("subject", "subgroup", "teacher")


class GenerateForm(forms.Form):
    date_from = forms.DateField(
        label=_("С"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("По"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("Окончание не может быть раньше начала."))
        return data


class SubstituteForm(forms.Form):
    """`teachers` is a list read once per page (one form per lesson must not query again)."""

    teacher = forms.TypedChoiceField(
        label=_("Замещающий учитель"), coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(label=_("Причина"), max_length=300, required=False)

    def __init__(self, *args, teachers=(), busy: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.teachers = {u.pk: u for u in teachers}
        if busy is None:
            self.fields["teacher"].choices = [("", _("— без замены —"))] + [
                (u.pk, u.full_name) for u in teachers
            ]
            return
        # Who is free at this lesson comes first; a busy teacher says where they are.
        free = [(u.pk, u.full_name) for u in teachers if u.pk not in busy]
        taken = [
            (u.pk, f"{u.full_name} — {busy[u.pk]}" if busy[u.pk] else u.full_name)
            for u in teachers
            if u.pk in busy
        ]
        self.fields["teacher"].choices = [
            ("", _("— без замены —")),
            (_("Свободны на этом уроке"), free),
            (_("Заняты на этом уроке"), taken),
        ]

    def clean_teacher(self):
        pk = self.cleaned_data["teacher"]
        return self.teachers[pk] if pk is not None else None


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Причина отмены"), max_length=300)


class MoveForm(forms.Form):
    new_date = forms.DateField(
        label=_("Новая дата"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    new_number = forms.IntegerField(label=_("Урок №"), min_value=0, max_value=12)
    reason = forms.CharField(label=_("Причина"), max_length=300, required=False)


GRADE_CHOICES = [(g, str(g)) for g in range(1, 12)]


class EndEarlyForm(forms.Form):
    grades = forms.TypedMultipleChoiceField(
        label=_("Параллели"),
        choices=GRADE_CHOICES,
        coerce=int,
        initial=[1, 9, 11],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "d-inline"}),
    )
    last_day = forms.DateField(
        label=_("Последний день занятий"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Обычно 1-е, 9-е и 11-е классы занимаются по 25 мая: с 26 мая их расписание снимается."
        ),
    )
