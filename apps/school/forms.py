"""Forms of the school structure: validation and layout only; writes go through services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.postgres.forms import SplitArrayField, SplitArrayWidget
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.accounts.policy import STAFF_ROLES, Role
from apps.classes.models import CurriculumLine, SchoolClass, Subgroup, Subject, TeachingAssignment

# DateInput and school_users are re-exported for forms written against this module;
# new forms import apps.school.form_base (tests/test_import_layers.py).
from apps.school.form_base import DateInput, SchoolModelForm, TimeInput, school_users  # noqa: F401
from apps.school.models import (
    AcademicYear,
    Holiday,
    Licence,
    School,
    SchoolRules,
    Shift,
    StudyPeriod,
)
from apps.school.policy import POLICY_FIELDS


class SchoolCardForm(SchoolModelForm):
    staff_fields = ("director",)

    class Meta:
        model = School
        fields = [
            "full_name",
            "short_name",
            "address",
            "inn",
            "kpp",
            "ogrn",
            "phone",
            "email",
            "website",
            "time_zone",
            "director",
        ]


class LicenceForm(SchoolModelForm):
    class Meta:
        model = Licence
        fields = ["kind", "number", "issued_on", "valid_until", "issuer"]


class AcademicYearForm(SchoolModelForm):
    half_year_grades = forms.TypedMultipleChoiceField(
        label=_("Параллели, обучающиеся по полугодиям"),
        choices=[(g, str(g)) for g in range(1, 12)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-inline"}),
        help_text=_("Остальные параллели учатся по четвертям."),
    )

    class Meta:
        model = AcademicYear
        fields = ["name", "starts_on", "ends_on", "half_year_grades"]


class StudyPeriodForm(SchoolModelForm):
    class Meta:
        model = StudyPeriod
        fields = ["scheme", "number", "name", "starts_on", "ends_on"]


class HolidayForm(SchoolModelForm):
    grades = forms.TypedMultipleChoiceField(
        label=_("Только для параллелей"),
        choices=[(g, str(g)) for g in range(1, 12)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-inline"}),
        help_text=_("Пусто — для всей школы."),
    )

    class Meta:
        model = Holiday
        fields = ["kind", "name", "starts_on", "ends_on", "grades"]


class ShiftForm(SchoolModelForm):
    class Meta:
        model = Shift
        fields = ["number", "name"]


class SubjectForm(SchoolModelForm):
    class Meta:
        model = Subject
        fields = ["name", "short_name", "component", "order", "physical_education"]


class SchoolClassForm(SchoolModelForm):
    teacher_fields = ("class_teacher",)

    class Meta:
        model = SchoolClass
        fields = ["grade", "letter", "class_teacher", "capacity", "shift", "programme"]

    def clean_letter(self):
        return self.cleaned_data["letter"].strip().upper()


class CurriculumLineForm(SchoolModelForm):
    class Meta:
        model = CurriculumLine
        fields = ["grade", "subject", "hours_per_week"]


class SubgroupForm(SchoolModelForm):
    class Meta:
        model = Subgroup
        fields = ["school_class", "subject", "name"]


class TeachingAssignmentForm(SchoolModelForm):
    teacher_fields = ("teacher",)

    class Meta:
        model = TeachingAssignment
        fields = ["teacher", "school_class", "subgroup", "subject", "hours_per_week"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = self.fields["subgroup"].queryset.select_related("school_class", "subject")
        if self.year is not None:
            qs = qs.filter(school_class__year=self.year)
        self.fields["subgroup"].queryset = qs

    def clean(self):
        data = super().clean()
        subgroup, school_class, subject = (
            data.get("subgroup"),
            data.get("school_class"),
            data.get("subject"),
        )
        if subgroup and school_class and subgroup.school_class_id != school_class.pk:
            self.add_error("subgroup", _("Подгруппа из другого класса."))
        if subgroup and subject and subgroup.subject_id != subject.pk:
            self.add_error("subgroup", _("Подгруппа создана для другого предмета."))
        return data


class BellRowForm(forms.Form):
    lesson_number = forms.IntegerField(label=_("Урок"), min_value=0, max_value=12)
    starts_at = forms.TimeField(label=_("Начало"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("Конец"), widget=TimeInput())


BellFormSet = forms.formset_factory(BellRowForm, extra=2, can_delete=True)


class NewUserForm(forms.Form):
    last_name = forms.CharField(label=_("Фамилия"), max_length=150)
    first_name = forms.CharField(label=_("Имя"), max_length=150)
    patronymic = forms.CharField(label=_("Отчество"), max_length=150, required=False)
    username = forms.CharField(label=_("Логин"), max_length=150)
    email = forms.EmailField(label=_("Электронная почта"), required=False)
    # No role is preselected: the administrator chooses one on purpose (a clerk once became
    # an administrator by leaving the first option as it was).
    role = forms.ChoiceField(
        label=_("Роль"),
        choices=[
            ("", _("выберите роль…")),
            *((r.value, r.label) for r in Role if r in STAFF_ROLES),
        ],
        error_messages={"required": _("Выберите роль нового сотрудника.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].widget.attrs["class"] = "form-select"
        self.helper = FormHelper()
        self.helper.add_input(Submit("create", _("Создать и выдать пароль")))


class GrantRoleForm(forms.Form):
    # No role is preselected: one click on «+» must not make a parent an administrator.
    role = forms.ChoiceField(label=_("Роль"), choices=[("", _("роль…")), *Role.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].widget.attrs.update(
            {"class": "form-select form-select-sm", "style": "width: 9rem", "required": True}
        )


# --- Правила школы -----------------------------------------------------------------------

MONTHS = [
    (1, _("январь")),
    (2, _("февраль")),
    (3, _("март")),
    (4, _("апрель")),
    (5, _("май")),
    (6, _("июнь")),
    (7, _("июль")),
    (8, _("август")),
    (9, _("сентябрь")),
    (10, _("октябрь")),
    (11, _("ноябрь")),
    (12, _("декабрь")),
]
# Where each default comes from, as a school reads it: a regulation (СанПиН, a federal law
# or order) or the typical regulation of a school — never another school's local order. The
# deadlines of the journal are the school's own decision (273-ФЗ, ст. 28 и 30): the defaults
# are the values most schools' regulations use.
TYPICAL = _("типовое положение о ведении электронного журнала")
TYPICAL_CONTINGENT = _("типовое положение о движении обучающихся")
TYPICAL_CONTROL = _("типовое положение о внутришкольном контроле")
OWN_ACT = _("Школа вправе установить своё значение локальным актом (273-ФЗ, ст. 28, 30).")

RULES_HELP = {
    "attendance_minutes": format_lazy(
        _("По умолчанию 10 минут от начала урока: {src}. {own}"), src=TYPICAL, own=OWN_ACT
    ),
    "current_mark_days": format_lazy(
        _("0 — в день урока («ежедневно»): {src}. {own}"), src=TYPICAL, own=OWN_ACT
    ),
    "control_mark_days": format_lazy(
        _("Контрольные работы — в течение 3 дней: {src}. {own}"), src=TYPICAL, own=OWN_ACT
    ),
    "written_mark_days": format_lazy(
        _("Письменные работы и сочинения — в течение недели: {src}. {own}"),
        src=TYPICAL,
        own=OWN_ACT,
    ),
    "period_mark_working_days": format_lazy(
        _("Четвертные, полугодовые, годовые и итоговые — не позднее 5 рабочих дней: {src}. {own}"),
        src=TYPICAL,
        own=OWN_ACT,
    ),
    "homework_hours_after_last_lesson": format_lazy(
        _("В день урока, не позднее 1 часа после окончания всех занятий класса: {src}. {own}"),
        src=TYPICAL,
        own=OWN_ACT,
    ),
    "ktp_due_day": format_lazy(
        _("Календарно-тематическое планирование — до 15 сентября: {src}. {own}"),
        src=TYPICAL,
        own=OWN_ACT,
    ),
    "correction_reason_after_days": _(
        "Каждое исправление хранится с автором, временем и прежним значением; исправление более старой "
        "отметки требует указать причину. Решение школы, по умолчанию 3 дня."
    ),
    "thresholds_key": _(
        "Средневзвешенный балл, с которого предлагается «3», «4», «5». Чаще всего 2,5 / 3,5 / 4,5; "
        "в положениях о текущем контроле многих школ — 2,6 / 3,6 / 4,6."
    ),
    "grade_one_marks": _(
        "В 1 классе обучение без балльного оценивания (СанПиН 2.4.3648-20, п. 3.4.16). "
        "Включайте, только если так решила школа."
    ),
    "rating_enabled": format_lazy(
        _("Статистика и рейтинг по отметкам в дневнике: {src}. {own}"), src=TYPICAL, own=OWN_ACT
    ),
    "saturday_is_working": _(
        "Для шестидневной недели: суббота считается в сроках «N рабочих дней»."
    ),
    "control_day": format_lazy(
        _(
            "Контроль ведения журнала директором и заместителем — не позднее 20 числа "
            "каждого месяца: {src}. {own}"
        ),
        src=TYPICAL_CONTROL,
        own=OWN_ACT,
    ),
    "min_marks_for_attestation": _(
        "Меньше отметок за период — ученик в списке «недостаточно отметок для аттестации». "
        "Устанавливается положением школы о текущем контроле, по умолчанию 3."
    ),
    "homework_norm_minutes": _(
        "Общее время на домашние задания в день, минут: СанПиН 1.2.3685-21, таблица 6.6 "
        "(1 класс — 1 ч, 2–3 — 1,5 ч, 4–5 — 2 ч, 6–8 — 2,5 ч, 9–11 — 3,5 ч)."
    ),
    "enrolment_due_day": format_lazy(
        _("Приказы о зачислении в 1-е и 10-е классы — до 5 сентября: {src}. {own}"),
        src=TYPICAL_CONTINGENT,
        own=OWN_ACT,
    ),
    "movement_working_days": format_lazy(
        _("Сведения о выбывших и движении обучающихся — в течение 3 рабочих дней: {src}. {own}"),
        src=TYPICAL_CONTINGENT,
        own=OWN_ACT,
    ),
    "reminders_from": _(
        "Напоминания о сроках не приходят ночью: только в эти часы по времени школы."
    ),
    "class_teacher_sees_health": _(
        "Сведения о здоровье — специальная категория персональных данных (152-ФЗ, ст. 10): "
        "по умолчанию их видят только медработник и директор, учитель физкультуры — группу "
        "своих учеников."
    ),
    "gia_results_days": _(
        "Результаты ГИА вносятся в течение 10 дней после их опубликования (регламент школы, п. 16)."
    ),
    "meals_order_deadline": _(
        "Время школы, когда заявка на питание на день передаётся на пищеблок: после него "
        "список класса не меняется."
    ),
}
RULE_GROUPS = (
    (
        _("Журнал"),
        (
            "attendance_minutes",
            "current_mark_days",
            "control_mark_days",
            "written_mark_days",
            "period_mark_working_days",
            "homework_hours_after_last_lesson",
            "ktp_due_day",
            "ktp_due_month",
            "correction_reason_after_days",
            "thresholds_key",
            "grade_one_marks",
            "rating_enabled",
            "saturday_is_working",
        ),
    ),
    (_("Контроль"), ("control_day", "min_marks_for_attestation", "homework_norm_minutes")),
    (_("Контингент"), ("enrolment_due_day", "enrolment_due_month", "movement_working_days")),
    (_("Уведомления"), ("reminders_from", "reminders_until")),
    (
        _("Здоровье, социальный паспорт, питание"),
        (
            "class_teacher_sees_health",
            "class_teacher_sees_social",
            "meals_order_deadline",
            "meals_reminder_minutes",
            "meals_corrections_allowed",
        ),
    ),
    (_("Портфолио"), ("portfolio_parent_until_grade", "category_reminder_months")),
    (
        _("Государственная итоговая аттестация"),
        (
            "gia_application_due_day_11",
            "gia_application_due_month_11",
            "gia_application_due_day_9",
            "gia_application_due_month_9",
            "gia_results_days",
            "gia_results_reminder_days",
        ),
    ),
)
OTHER_RULES = _("Другие правила")


class GradeArrayWidget(SplitArrayWidget):
    """Eleven small inputs, one per grade, each with its grade above it."""

    template_name = "school/widgets/grade_array.html"

    def __init__(self, size: int = 11):
        super().__init__(
            forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0}), size
        )


class SchoolRulesForm(forms.ModelForm):
    """Every rule of the school policy, grouped; a reader gets the same form, disabled."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)
    homework_norm_minutes = SplitArrayField(
        forms.IntegerField(min_value=0, max_value=600),
        size=11,
        widget=GradeArrayWidget(),
        label=_("Норма домашнего задания в день, минут, 1–11 классы"),
    )

    class Meta:
        model = SchoolRules
        fields = list(POLICY_FIELDS)  # every rule of the policy, including ones added later
        widgets = {
            "reminders_from": TimeInput(format="%H:%M"),
            "reminders_until": TimeInput(format="%H:%M"),
            "meals_order_deadline": TimeInput(format="%H:%M"),
            "ktp_due_month": forms.Select(choices=MONTHS),
            "enrolment_due_month": forms.Select(choices=MONTHS),
            "gia_application_due_month_11": forms.Select(choices=MONTHS),
            "gia_application_due_month_9": forms.Select(choices=MONTHS),
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in RULES_HELP:
                field.help_text = RULES_HELP[name]
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            if read_only:
                field.disabled = True
        grouped = {name for _title, names in RULE_GROUPS for name in names}
        others = tuple(n for n in self.fields if n not in grouped and n != "fingerprint")
        self.groups = [
            (title, [n for n in names if n in self.fields]) for title, names in RULE_GROUPS
        ]
        if others:  # rules added later land here until someone files them under a group
            self.groups.append((OTHER_RULES, list(others)))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.form_class = "form-horizontal"
        self.helper.label_class = "col-lg-4 col-form-label"
        self.helper.field_class = "col-lg-8"
        self.helper.layout = Layout(
            "fingerprint",
            *(Fieldset(title, *names, css_class="rules-group") for title, names in self.groups),
        )
        if not read_only:
            self.helper.add_input(Submit("save", _("Сохранить правила")))

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "fingerprint"}
