from django import forms
from django.utils.translation import gettext_lazy as _

from apps.schedule.models import Lesson


class TopicForm(forms.Form):
    topic = forms.CharField(label=_("Тема урока"), max_length=500, required=False)
    lesson_type = forms.ChoiceField(label=_("Тип урока"), choices=Lesson.LessonType.choices)
    # The topic the page showed: a different stored one means someone else changed it.
    seen_topic = forms.CharField(widget=forms.HiddenInput, required=False)


class HomeworkForm(forms.Form):
    text = forms.CharField(
        label=_("Домашнее задание"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Пустое поле — задания нет."),
    )
    minutes = forms.IntegerField(label=_("Время на выполнение, мин"), required=False, min_value=1, max_value=300)
    due_date = forms.DateField(label=_("К какому дню"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
