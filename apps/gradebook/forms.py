from django import forms
from django.utils.translation import gettext_lazy as _

from apps.gradebook.models import WorkType
from apps.schedule.models import Lesson, PlanTopic


class PlanTopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.position}. {obj.title}"


class LessonForm(forms.Form):
    """What the teacher records about a lesson (seed 002): topic, type, work types, comment."""

    plan_topic = PlanTopicChoiceField(
        label=_("Тема по КТП"),
        queryset=PlanTopic.objects.none(),
        required=False,
        empty_label=_("— не из КТП —"),
    )
    topic = forms.CharField(
        label=_("Тема урока"),
        max_length=500,
        required=False,
        help_text=_("Пусто при выбранной теме КТП — берётся тема из КТП."),
    )
    lesson_type = forms.ChoiceField(label=_("Тип урока"), choices=Lesson.LessonType.choices)
    work_types = forms.ModelMultipleChoiceField(
        label=_("Виды работ на уроке"),
        queryset=WorkType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Комментарий к уроку"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(label=_("Причина исправления"), required=False, max_length=300)
    # The topic the page showed: a different stored one means someone else changed it.
    seen_topic = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, lesson=None, work_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lesson is not None:
            self.fields["plan_topic"].queryset = PlanTopic.objects.filter(
                assignment_id=lesson.assignment_id
            ).order_by("position")
        if work_types is not None:
            self.fields["work_types"].queryset = work_types


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class HomeworkForm(forms.Form):
    text = forms.CharField(
        label=_("Домашнее задание"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Пустое поле — задания нет. Задание можно задать заранее, до урока."),
    )
    minutes = forms.IntegerField(
        label=_("Время на выполнение, мин"), required=False, min_value=1, max_value=300
    )
    due_date = forms.DateField(
        label=_("К какому дню"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    files = MultipleFileField(
        label=_("Файлы к заданию"),
        required=False,
        help_text=_("До 10 МБ каждый: pdf, doc(x), xls(x), ppt(x), odt, jpg, png, txt."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TopicForm(forms.Form):
    topic = forms.CharField(label=_("Тема урока"), max_length=500, required=False)
    lesson_type = forms.ChoiceField(label=_("Тип урока"), choices=Lesson.LessonType.choices)
    seen_topic = forms.CharField(widget=forms.HiddenInput, required=False)


class UnlockGrantForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Период"), queryset=None)
    user = forms.ModelChoiceField(label=_("Учитель"), queryset=None)
    expires_at = forms.DateTimeField(
        label=_("Действует до"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
    )
    reason = forms.CharField(label=_("Основание"), max_length=300)

    def __init__(self, *args, periods=None, teachers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["user"].queryset = teachers
        self.fields["user"].label_from_instance = lambda u: u.full_name


class PlanTopicForm(forms.Form):
    title = forms.CharField(label=_("Тема"), max_length=500)
    hours = forms.IntegerField(label=_("Часов"), min_value=1, max_value=40, initial=1)
    lesson_type = forms.ChoiceField(
        label=_("Тип урока"),
        required=False,
        choices=[("", "—"), *Lesson.LessonType.choices],
    )
    planned_on = forms.DateField(
        label=_("Дата по плану"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class KtpImportForm(forms.Form):
    file = forms.FileField(label=_("Файл КТП (.xlsx)"))
