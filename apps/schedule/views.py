"""Timetable pages for the dispatcher and the deputy (seed 004 item 5)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm
from apps.classes.models import SchoolClass
from apps.schedule import selectors, services
from apps.schedule.forms import GenerateForm, TimetableEntryForm
from apps.schedule.models import TimetableEntry
from apps.school.access import school_view
from apps.school.models import AcademicYear


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _year(request) -> AcademicYear | None:
    ctx = request.school_ctx
    wanted = _int(request.GET.get("year") or request.POST.get("year"))
    if wanted:
        return get_object_or_404(AcademicYear.objects.filter(school=ctx.school), pk=wanted)
    return ctx.open_year


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _page(request, *, school_class=None, form=None, generate_form=None, status=200):
    ctx = request.school_ctx
    year = school_class.year if school_class else _year(request)
    classes = selectors.year_classes(year)
    if school_class is None:
        wanted = _int(request.GET.get("class"))
        school_class = next((c for c in classes if c.pk == wanted), classes[0] if classes else None)
    can_edit = ctx.may(Perm.EDIT_TIMETABLE) and year is not None and not year.is_read_only
    return render(request, "schedule/timetable.html", {
        "year": year, "classes": classes, "school_class": school_class,
        "grid": selectors.timetable_grid(school_class=school_class) if school_class else None,
        "can_edit": can_edit,
        "form": form or (TimetableEntryForm(school_class=school_class) if can_edit and school_class else None),
        "generate_form": generate_form or (GenerateForm() if can_edit else None),
    }, status=status)


@school_view(Perm.VIEW_STRUCTURE)
def timetable_page(request):
    """The weekly timetable of a class: weekday × lesson number."""
    return _page(request)


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def timetable_add(request, class_id: int):
    ctx = request.school_ctx
    school_class = get_object_or_404(SchoolClass.objects.filter(school=ctx.school).select_related("year"), pk=class_id)
    form = TimetableEntryForm(request.POST, school_class=school_class)
    if form.is_valid():
        try:
            services.timetable_entry_add(acting_user=ctx.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Урок добавлен в расписание."))
            return redirect(f"{reverse('timetable:page', args=[ctx.school.pk])}?class={school_class.pk}")
    return _page(request, school_class=school_class, form=form, status=422)


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def timetable_remove(request, pk: int):
    ctx = request.school_ctx
    entry = get_object_or_404(TimetableEntry.objects.filter(school=ctx.school).select_related("year", "assignment"), pk=pk)
    try:
        services.timetable_entry_remove(acting_user=ctx.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Урок убран из расписания."))
    return redirect(f"{reverse('timetable:page', args=[ctx.school.pk])}?class={entry.assignment.school_class_id}")


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def generate(request):
    """Create the dated lessons of a date range from the timetable (idempotent)."""
    ctx = request.school_ctx
    year = _year(request)
    form = GenerateForm(request.POST)
    if year is None or not form.is_valid():
        return _page(request, generate_form=form, status=422)
    try:
        report = services.lessons_generate(acting_user=ctx.user, year=year, **form.cleaned_data)
    except ValidationError as error:
        _add_errors(form, error)
        return _page(request, generate_form=form, status=422)
    messages.success(request, _(
        "Создано уроков: %(created)s; уже были: %(existing)s; пропущено из-за каникул: %(holidays)s; "
        "удалено лишних пустых: %(removed)s."
    ) % {"created": report.created, "existing": report.existing, "holidays": report.skipped_holidays,
         "removed": report.removed})
    if report.kept_with_data:
        messages.warning(request, _(
            "Не удалены, так как в них уже есть отметки, посещаемость или задание: %(lessons)s."
        ) % {"lessons": ", ".join(
            f"{lesson.assignment.school_class.name} {lesson.assignment.subject.name} {lesson}" for lesson in report.kept_with_data
        )})
    return redirect(f"{reverse('timetable:page', args=[ctx.school.pk])}?{request.GET.urlencode()}")
