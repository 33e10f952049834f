"""Timetable pages for the dispatcher and the deputy (seed 004 item 5)."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm
from apps.classes.models import SchoolClass
from apps.schedule import selectors, services
from apps.schedule.forms import (
    CancelForm,
    EndEarlyForm,
    GenerateForm,
    MoveForm,
    SubstituteForm,
    TimetableEntryForm,
)
from apps.schedule.models import Lesson, TimetableEntry
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import add_validation_errors, date_param, int_param
from apps.school.models import AcademicYear


def _year(request) -> AcademicYear | None:
    ctx = request.school_ctx
    wanted = int_param(request.GET.get("year") or request.POST.get("year"))
    if wanted:
        return get_object_or_404(AcademicYear.objects.filter(school=ctx.school), pk=wanted)
    return ctx.open_year


def _page(request, *, school_class=None, form=None, generate_form=None, end_form=None, status=200):
    ctx = request.school_ctx
    year = school_class.year if school_class else _year(request)
    classes = selectors.year_classes(year)
    if school_class is None:
        wanted = int_param(request.GET.get("class"))
        school_class = next((c for c in classes if c.pk == wanted), classes[0] if classes else None)
    can_edit = ctx.may(Perm.EDIT_TIMETABLE) and year is not None and not year.is_read_only
    return render(
        request,
        "schedule/timetable.html",
        {
            "year": year,
            "classes": classes,
            "school_class": school_class,
            "grid": selectors.timetable_grid(school_class=school_class) if school_class else None,
            "can_edit": can_edit,
            "form": form
            or (
                TimetableEntryForm(school_class=school_class) if can_edit and school_class else None
            ),
            "generate_form": generate_form or (GenerateForm() if can_edit else None),
            "end_form": end_form
            or (
                EndEarlyForm(
                    initial={"grades": [1, 9, 11], "last_day": date(year.ends_on.year, 5, 25)}
                )
                if can_edit
                else None
            ),
        },
        status=status,
    )


@school_view(Perm.VIEW_STRUCTURE)
def timetable_page(request):
    """The weekly timetable of a class: weekday × lesson number."""
    return _page(request)


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def timetable_add(request, class_id: int):
    ctx = request.school_ctx
    school_class = get_object_or_404(
        SchoolClass.objects.filter(school=ctx.school).select_related("year"), pk=class_id
    )
    form = TimetableEntryForm(request.POST, school_class=school_class)
    if form.is_valid():
        try:
            services.timetable_entry_add(acting_user=ctx.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Урок добавлен в расписание."))
            return redirect(
                f"{reverse('timetable:page', args=[ctx.school.pk])}?class={school_class.pk}"
            )
    return _page(request, school_class=school_class, form=form, status=422)


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def timetable_remove(request, pk: int):
    ctx = request.school_ctx
    entry = get_object_or_404(
        TimetableEntry.objects.filter(school=ctx.school).select_related("year", "assignment"), pk=pk
    )
    try:
        services.timetable_entry_remove(acting_user=ctx.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Урок убран из расписания."))
    return redirect(
        f"{reverse('timetable:page', args=[ctx.school.pk])}?class={entry.assignment.school_class_id}"
    )


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def generate(request):
    """Create the dated lessons of a date range from the timetable (idempotent); the answer
    is the report: created, kept, skipped, and the lessons kept because they hold data."""
    ctx = request.school_ctx
    year = _year(request)
    form = GenerateForm(request.POST)
    if year is None or not form.is_valid():
        return _page(request, generate_form=form, status=422)
    try:
        report = services.lessons_generate(acting_user=ctx.user, year=year, **form.cleaned_data)
    except ValidationError as error:
        add_validation_errors(form, error)
        return _page(request, generate_form=form, status=422)
    return render(
        request,
        "schedule/generate_report.html",
        {
            "year": year,
            "report": report,
            "date_from": form.cleaned_data["date_from"],
            "date_to": form.cleaned_data["date_to"],
            "back": f"{reverse('timetable:page', args=[ctx.school.pk])}?{request.GET.urlencode()}",
        },
    )


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def end_early(request):
    """End the timetable of some grades early (seed 000 item 4: grades 1, 9, 11 from 26 May)."""
    ctx = request.school_ctx
    year = _year(request)
    form = EndEarlyForm(request.POST)
    if year is None or not form.is_valid():
        return _page(request, end_form=form, status=422)
    try:
        report = services.timetable_end_early(acting_user=ctx.user, year=year, **form.cleaned_data)
    except ValidationError as error:
        add_validation_errors(form, error)
        return _page(request, end_form=form, status=422)
    return render(
        request,
        "schedule/end_early_report.html",
        {
            "year": year,
            "report": report,
            "back": f"{reverse('timetable:page', args=[ctx.school.pk])}?{request.GET.urlencode()}",
        },
    )


# --- substitutions, cancellations and moves (the dispatcher's day) ---------------------------


def _is_changed(lesson: Lesson) -> bool:
    return bool(lesson.is_cancelled or lesson.substitute_teacher_id or lesson.moved_from_date)


def _changes_page(request, day, *, forms_for=None, status=200):
    ctx = request.school_ctx
    teachers = list(selectors.school_teachers(school=ctx.school))
    lessons = selectors.school_day_lessons(school=ctx.school, day=day)
    classes = sorted(
        {lesson.assignment.school_class for lesson in lessons}, key=lambda c: (c.grade, c.letter)
    )
    class_id, teacher_id = (
        int_param(request.GET.get("class")),
        int_param(request.GET.get("teacher")),
    )
    if class_id:
        lessons = [lesson for lesson in lessons if lesson.assignment.school_class_id == class_id]
    if teacher_id:
        lessons = [
            lesson
            for lesson in lessons
            if teacher_id in (lesson.assignment.teacher_id, lesson.substitute_teacher_id)
        ]
    # A school's day is a couple of hundred lessons; the few that changed are what to check.
    changed = [lesson for lesson in lessons if _is_changed(lesson)]
    only_changed = request.GET.get("only") == "changed"
    if only_changed:
        lessons = changed
    # The forms of a lesson are loaded when its «Изменить» is opened (two hundred rows of
    # three forms each made the page megabytes); a refused form comes back filled in.
    forms_for = forms_for or {}
    rows = [
        {"lesson": lesson, **_lesson_forms(lesson, teachers, bound=forms_for[lesson.pk])}
        if lesson.pk in forms_for
        else {"lesson": lesson}
        for lesson in lessons
    ]
    week_from = day - timedelta(days=day.weekday())
    return render(
        request,
        "schedule/changes.html",
        {
            "day": day,
            "rows": rows,
            "classes": classes,
            "teachers": teachers,
            "class_id": class_id,
            "teacher_id": teacher_id,
            "only_changed": only_changed,
            "changed_count": len(changed),
            "prev_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "today": school_today(ctx.school),
            "week_changes": selectors.changes_between(
                school=ctx.school, date_from=week_from, date_to=week_from + timedelta(days=6)
            ),
        },
        status=status,
    )


def _lesson_forms(lesson: Lesson, teachers, *, busy=None, bound=None) -> dict:
    bound = bound or {}
    return {
        "substitute": bound.get("substitute")
        or SubstituteForm(
            teachers=teachers,
            busy=busy,
            initial={"teacher": lesson.substitute_teacher_id},
            prefix=f"s{lesson.pk}",
        ),
        "cancel": bound.get("cancel") or CancelForm(prefix=f"c{lesson.pk}"),
        "move": bound.get("move")
        or MoveForm(
            prefix=f"m{lesson.pk}",
            initial={"new_date": lesson.date, "new_number": lesson.lesson_number},
        ),
        "open": bool(bound),
    }


@school_view(Perm.EDIT_TIMETABLE)
def lesson_forms(request, lesson_id: int):
    """One lesson's substitute, move and cancel forms, asked for when its row is opened
    (htmx); without script, the same forms on a page of their own."""
    ctx = request.school_ctx
    lesson = _changed_lesson(request, lesson_id)
    teachers, busy = selectors.substitution_candidates(school=ctx.school, lesson=lesson)
    row = {"lesson": lesson, **_lesson_forms(lesson, teachers, busy=busy)}
    template = "schedule/_lesson_forms.html" if request.htmx else "schedule/lesson_forms.html"
    return render(request, template, {"row": row, "l": lesson, "popup": bool(request.htmx)})


@school_view(Perm.EDIT_TIMETABLE)
def changes_page(request):
    """Замены: a day's lessons of the whole school, each with substitute, cancel and move."""
    ctx = request.school_ctx
    return _changes_page(request, date_param(request.GET.get("day"), school_today(ctx.school)))


def _changed_lesson(request, lesson_id: int) -> Lesson:
    ctx = request.school_ctx
    return get_object_or_404(
        Lesson.objects.filter(school=ctx.school).select_related(
            "school",
            "assignment__school_class",
            "assignment__subject",
            "assignment__subgroup",
            "assignment__teacher",
            "assignment__year",
        ),
        pk=lesson_id,
    )


def _after_change(request, lesson: Lesson, message: str):
    messages.success(request, message)
    return redirect(
        f"{reverse('timetable:changes', args=[request.school_ctx.school.pk])}?day={lesson.date:%Y-%m-%d}#l{lesson.pk}"
    )


def _describe_lesson(lesson: Lesson) -> str:
    a = lesson.assignment
    return (
        f"{a.school_class.name} {a.subject.name}, {lesson.date:%d.%m}, {lesson.lesson_number} "
        + _("урок")
    )


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def lesson_substitute(request, lesson_id: int):
    ctx = request.school_ctx
    lesson = _changed_lesson(request, lesson_id)
    form = SubstituteForm(
        request.POST,
        teachers=list(selectors.school_teachers(school=ctx.school)),
        prefix=f"s{lesson.pk}",
    )
    if form.is_valid():
        try:
            services.lesson_substitute(
                acting_user=ctx.user,
                lesson=lesson,
                teacher=form.cleaned_data["teacher"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            teacher = form.cleaned_data["teacher"]
            text = (
                _("Замена: %(lesson)s ведёт %(t)s.")
                % {"lesson": _describe_lesson(lesson), "t": teacher.short_name}
                if teacher
                else _("Замена снята: %(lesson)s.") % {"lesson": _describe_lesson(lesson)}
            )
            return _after_change(request, lesson, text)
    return _changes_page(
        request, lesson.date, forms_for={lesson.pk: {"substitute": form}}, status=422
    )


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def lesson_cancel(request, lesson_id: int):
    ctx = request.school_ctx
    lesson = _changed_lesson(request, lesson_id)
    if request.POST.get("restore"):
        try:
            services.lesson_uncancel(acting_user=ctx.user, lesson=lesson)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(
                f"{reverse('timetable:changes', args=[ctx.school.pk])}?day={lesson.date:%Y-%m-%d}"
            )
        return _after_change(
            request, lesson, _("Урок возвращён: %(lesson)s.") % {"lesson": _describe_lesson(lesson)}
        )
    form = CancelForm(request.POST, prefix=f"c{lesson.pk}")
    if form.is_valid():
        try:
            services.lesson_cancel(
                acting_user=ctx.user, lesson=lesson, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return _after_change(
                request,
                lesson,
                _("Урок отменён: %(lesson)s.") % {"lesson": _describe_lesson(lesson)},
            )
    return _changes_page(request, lesson.date, forms_for={lesson.pk: {"cancel": form}}, status=422)


@school_view(Perm.EDIT_TIMETABLE)
@require_POST
def lesson_move(request, lesson_id: int):
    ctx = request.school_ctx
    lesson = _changed_lesson(request, lesson_id)
    old_day = lesson.date
    form = MoveForm(request.POST, prefix=f"m{lesson.pk}")
    if form.is_valid():
        before = _describe_lesson(lesson)
        try:
            services.lesson_move(acting_user=ctx.user, lesson=lesson, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return _after_change(
                request,
                lesson,
                _("Урок перенесён: %(before)s → %(d)s, %(n)s урок.")
                % {"before": before, "d": lesson.date.strftime("%d.%m"), "n": lesson.lesson_number},
            )
    return _changes_page(request, old_day, forms_for={lesson.pk: {"move": form}}, status=422)
