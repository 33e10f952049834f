"""The reference sections (справочники) of the school structure, declared once.

Each section gets a list, a create and an edit page (and delete where it is safe) from the
generic views in `views.py`; the permission for reading and for changing comes from the
policy table. Year-scoped sections list the rows of the year chosen on the page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.accounts.policy import Perm
from apps.classes.models import CurriculumLine, SchoolClass, Subgroup, Subject, TeachingAssignment
from apps.school import forms
from apps.school.models import AcademicYear, Holiday, Licence, Shift, StudyPeriod
from apps.students.selectors import roster_day


def _d(value: date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _grades(values: list[int]) -> str:
    return ", ".join(map(str, values)) or _("все")


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    new_item: str
    model: type
    form: type
    view_perm: Perm
    manage_perm: Perm
    columns: tuple[tuple[str, Callable], ...]
    year_lookup: str | None = None
    select_related: tuple[str, ...] = ()
    detail_url: str | None = None
    deletable: bool = True
    extra: Callable[[QuerySet, AcademicYear | None], QuerySet] | None = None
    help: str = ""
    search_fields: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = field(default=())

    # URL names of the section's pages, for templates and redirects.
    @property
    def list_url(self) -> str:
        return f"school:{self.slug}-list"

    @property
    def create_url(self) -> str:
        return f"school:{self.slug}-create"

    @property
    def edit_url(self) -> str:
        return f"school:{self.slug}-edit"

    @property
    def delete_url(self) -> str:
        return f"school:{self.slug}-delete"

    def queryset(self, school, year: AcademicYear | None) -> QuerySet:
        qs = self.model.objects.filter(school=school)
        if self.year_lookup:
            qs = qs.filter(**{self.year_lookup: year}) if year else qs.none()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.extra:
            qs = self.extra(qs, year)
        return qs.order_by(*self.model._meta.ordering, "pk")


def _classes_with_roster(qs, year):
    """Count students on today's date in the school, or the nearest day of the chosen year."""
    if year is None:
        return qs
    return qs.with_roster_size(roster_day(year))


SECTIONS: tuple[Section, ...] = (
    Section(
        slug="years",
        title=_("Учебные годы"),
        new_item=_("Новый учебный год"),
        model=AcademicYear,
        form=forms.AcademicYearForm,
        view_perm=Perm.MANAGE_YEARS,
        manage_perm=Perm.MANAGE_YEARS,
        deletable=False,
        columns=(
            (_("Год"), lambda y: y.name),
            (_("Начало"), lambda y: _d(y.starts_on)),
            (_("Окончание"), lambda y: _d(y.ends_on)),
            (_("Полугодия"), lambda y: ", ".join(map(str, y.half_year_grades)) or "—"),
            (_("Состояние"), lambda y: y.get_status_display()),
        ),
        help=_(
            "Открытие нового учебного года закрывает предыдущий: его данные станут доступны только для чтения."
        ),
    ),
    Section(
        slug="periods",
        title=_("Учебные периоды"),
        new_item=_("Новый период"),
        model=StudyPeriod,
        form=forms.StudyPeriodForm,
        year_lookup="year",
        view_perm=Perm.VIEW_STRUCTURE,
        manage_perm=Perm.MANAGE_YEARS,
        columns=(
            (_("Система"), lambda p: p.get_scheme_display()),
            (_("Период"), lambda p: p.name),
            (_("Начало"), lambda p: _d(p.starts_on)),
            (_("Окончание"), lambda p: _d(p.ends_on)),
        ),
    ),
    Section(
        slug="holidays",
        title=_("Каникулы и праздники"),
        new_item=_("Новые каникулы"),
        model=Holiday,
        form=forms.HolidayForm,
        year_lookup="year",
        view_perm=Perm.VIEW_STRUCTURE,
        manage_perm=Perm.MANAGE_YEARS,
        columns=(
            (_("Название"), lambda h: h.name),
            (_("Вид"), lambda h: h.get_kind_display()),
            (_("С"), lambda h: _d(h.starts_on)),
            (_("По"), lambda h: _d(h.ends_on)),
            (_("Параллели"), lambda h: _grades(h.grades)),
        ),
    ),
    Section(
        slug="shifts",
        title=_("Смены и звонки"),
        new_item=_("Новая смена"),
        model=Shift,
        form=forms.ShiftForm,
        detail_url="school:shift-bells",
        view_perm=Perm.VIEW_STRUCTURE,
        manage_perm=Perm.MANAGE_BELLS,
        extra=lambda qs, _y: qs.prefetch_related("bells"),
        columns=(
            (_("Смена"), lambda s: s.name),
            (_("Уроков"), lambda s: len(s.bells.all())),
            (
                _("Звонки"),
                lambda s: ", ".join(f"{b.starts_at:%H:%M}" for b in s.bells.all()) or "—",
            ),
        ),
    ),
    Section(
        slug="subjects",
        title=_("Предметы"),
        new_item=_("Новый предмет"),
        model=Subject,
        form=forms.SubjectForm,
        view_perm=Perm.VIEW_STRUCTURE,
        manage_perm=Perm.MANAGE_SUBJECTS,
        columns=(
            (_("Предмет"), lambda s: s.name),
            (_("Сокращение"), lambda s: s.short_name),
            (_("Компонент"), lambda s: s.get_component_display()),
        ),
    ),
    Section(
        slug="classes",
        title=_("Классы"),
        new_item=_("Новый класс"),
        model=SchoolClass,
        form=forms.SchoolClassForm,
        year_lookup="year",
        select_related=("class_teacher", "shift"),
        detail_url="school:class-detail",
        extra=_classes_with_roster,
        view_perm=Perm.VIEW_STRUCTURE,
        manage_perm=Perm.MANAGE_CLASSES,
        columns=(
            (_("Класс"), lambda c: c.name),
            (
                _("Классный руководитель"),
                lambda c: c.class_teacher.short_name if c.class_teacher else "—",
            ),
            (_("Смена"), lambda c: c.shift.name if c.shift else "—"),
            (_("Учащихся"), lambda c: c.roster_size),
            (_("Наполняемость"), lambda c: c.capacity),
            (_("Вакансии"), lambda c: max(c.capacity - c.roster_size, 0)),
        ),
    ),
    Section(
        slug="curriculum",
        title=_("Учебный план"),
        new_item=_("Новая строка плана"),
        model=CurriculumLine,
        form=forms.CurriculumLineForm,
        year_lookup="year",
        select_related=("subject",),
        view_perm=Perm.VIEW_STRUCTURE,
        manage_perm=Perm.MANAGE_SUBJECTS,
        columns=(
            (_("Параллель"), lambda c: c.grade),
            (_("Предмет"), lambda c: c.subject.name),
            (_("Часов в неделю"), lambda c: c.hours_per_week),
        ),
    ),
    Section(
        slug="subgroups",
        title=_("Подгруппы"),
        new_item=_("Новая подгруппа"),
        model=Subgroup,
        form=forms.SubgroupForm,
        year_lookup="school_class__year",
        select_related=("school_class", "subject"),
        detail_url="school:subgroup-members",
        extra=lambda qs, _y: qs.prefetch_related("members"),
        view_perm=Perm.VIEW_STRUCTURE,
        manage_perm=Perm.MANAGE_SUBGROUPS,
        columns=(
            (_("Класс"), lambda g: g.school_class.name),
            (_("Предмет"), lambda g: g.subject.name),
            (_("Подгруппа"), lambda g: g.name),
            (_("Состав"), lambda g: len(g.members.all())),
        ),
    ),
    Section(
        slug="assignments",
        title=_("Педагогическая нагрузка"),
        new_item=_("Новая нагрузка"),
        model=TeachingAssignment,
        form=forms.TeachingAssignmentForm,
        year_lookup="year",
        select_related=("teacher", "school_class", "subgroup", "subject"),
        view_perm=Perm.VIEW_STRUCTURE,
        manage_perm=Perm.MANAGE_ASSIGNMENTS,
        columns=(
            (_("Класс"), lambda a: a.school_class.name),
            (_("Подгруппа"), lambda a: a.subgroup.name if a.subgroup else "—"),
            (_("Предмет"), lambda a: a.subject.name),
            (_("Учитель"), lambda a: a.teacher.full_name),
            (_("Часов"), lambda a: a.hours_per_week),
        ),
    ),
    Section(
        slug="licences",
        title=_("Лицензии и аккредитация"),
        new_item=_("Новый документ"),
        model=Licence,
        form=forms.LicenceForm,
        view_perm=Perm.VIEW_SCHOOL_CARD,
        manage_perm=Perm.EDIT_SCHOOL_CARD,
        columns=(
            (_("Документ"), lambda lic: lic.get_kind_display()),
            (_("Номер"), lambda lic: lic.number),
            (_("Выдан"), lambda lic: _d(lic.issued_on)),
            (
                _("Действует до"),
                lambda lic: _d(lic.valid_until) if lic.valid_until else _("бессрочно"),
            ),
        ),
    ),
)

SECTIONS_BY_SLUG = {s.slug: s for s in SECTIONS}
