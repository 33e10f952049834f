"""Journal pages. HTTP only: access, input, one service call, render a page or a partial."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm
from apps.attendance.models import AttendanceKind
from apps.attendance.services import attendance_set
from apps.gradebook import selectors
from apps.gradebook.errors import ConflictError
from apps.gradebook.forms import HomeworkForm, TopicForm
from apps.gradebook.grading import grade
from apps.gradebook.models import Mark, PeriodMark, WorkType
from apps.gradebook.permissions import (
    assignments_visible_to,
    can_keep_assignment,
    can_keep_lesson,
    reads_all_journals,
)
from apps.gradebook.services import (
    lesson_topic_set,
    mark_delete,
    mark_set,
    period_mark_set,
    work_types_ensure,
)
from apps.homework.models import Homework
from apps.homework.services import homework_set
from apps.schedule.models import Lesson
from apps.school.access import school_view
from apps.school.models import StudyPeriod
from apps.school.policy import school_policy
from apps.school.services import school_today
from apps.students.models import Student

# The journal is kept by teachers (policy: KEEP_JOURNAL) and read by the administration
# (READ_ALL_JOURNALS); which journal exactly is decided per object in each view.
_journal_view = school_view(Perm.KEEP_JOURNAL, check=reads_all_journals)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _visible_lessons(ctx):
    """Lessons of the school this user may open: visible assignments or substituted by them."""
    return Lesson.objects.filter(school=ctx.school).filter(
        Q(assignment__in=assignments_visible_to(ctx)) | Q(substitute_teacher=ctx.user)
    )


def _partial(template: str, context: dict, status: int) -> HttpResponse:
    """A cell fragment: rendered without the page's context processors (menu, counters)."""
    return HttpResponse(render_to_string(template, context), status=status)


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("Нет права вносить изменения.")


@_journal_view
def journal_index(request):
    """The teacher's start page: today's lessons and the journals they keep or read."""
    ctx = request.school_ctx
    today = school_today(ctx.school)
    assignments = []
    if ctx.open_year is not None:
        assignments = list(
            assignments_visible_to(ctx).filter(year=ctx.open_year)
            .select_related("school_class", "subgroup", "subject", "teacher")
            .order_by("school_class__grade", "school_class__letter", "subject__order", "subject__name")
        )
    return render(request, "gradebook/index.html", {
        "today": today,
        "today_lessons": selectors.lessons_of_teacher_on(school=ctx.school, user=ctx.user, day=today),
        "assignments": assignments,
    })


@_journal_view
def journal_page(request, assignment_id: int):
    """The grid of one assignment for one period; editable for whoever keeps it."""
    ctx = request.school_ctx
    assignment = get_object_or_404(
        assignments_visible_to(ctx).select_related("school_class", "subgroup", "subject", "teacher", "year", "school"),
        pk=assignment_id,
    )
    periods = selectors.periods_for(assignment)
    today = school_today(ctx.school)
    wanted = _int(request.GET.get("period"))
    period = (
        next((p for p in periods if p.pk == wanted), None)
        or next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
        or (periods[-1] if periods and today > periods[-1].ends_on else (periods[0] if periods else None))
    )
    can_edit = can_keep_assignment(ctx.user, assignment) and not assignment.year.is_read_only
    grid = None
    if period is not None:
        grid = selectors.journal_grid(assignment=assignment, period=period)
        if can_edit and not grid.work_types:
            # A school's first journal: the reference list of work types (seed 004) appears.
            grid.work_types = work_types_ensure(school=ctx.school)
    return render(request, "gradebook/journal.html", {
        "assignment": assignment, "periods": periods, "period": period, "grid": grid, "can_edit": can_edit,
        "attendance_kinds": AttendanceKind.choices,
    })


@_journal_view
@require_POST
def cell_save(request):
    """Save what was typed into one cell; answer the cell partial.

    «н», «б», «уп», «оп» set attendance; 1–5, «зач», «незач», «н/а» set a mark of the chosen
    work type; an empty value removes that mark (or, without one, the attendance).
    409 with the current value when someone changed the cell meanwhile.
    """
    ctx = request.school_ctx
    lesson = get_object_or_404(
        _visible_lessons(ctx).select_related("school", "assignment__school_class", "assignment__year"),
        pk=_int(request.POST.get("lesson")),
    )
    student = get_object_or_404(Student.objects.filter(school=ctx.school), pk=_int(request.POST.get("student")))
    typed = (request.POST.get("value") or "").strip().lower()
    seen = selectors.parse_token(request.POST.get("token", ""))
    work_type_id = _int(request.POST.get("work_type"))
    mark_key = f"m{work_type_id}"
    status, error = 200, None
    try:
        if typed in AttendanceKind.values:
            attendance_set(acting_user=ctx.user, lesson=lesson, student=student, kind=typed,
                           expected_version=seen.get("a", 0))
        elif typed in ("", "-"):
            work_type = WorkType.objects.filter(school=ctx.school, pk=work_type_id).first()
            if work_type is not None and mark_key in seen:
                mark_delete(acting_user=ctx.user, lesson=lesson, student=student, work_type=work_type,
                            expected_version=seen[mark_key])
            elif seen.get("a"):
                attendance_set(acting_user=ctx.user, lesson=lesson, student=student, kind="",
                               expected_version=seen["a"])
        else:
            work_type = get_object_or_404(WorkType.objects.filter(school=ctx.school), pk=work_type_id)
            mark_set(acting_user=ctx.user, lesson=lesson, student=student, work_type=work_type,
                     value=typed, expected_version=seen.get(mark_key, 0))
    except ConflictError as conflict:
        status, error = 409, conflict.message
    except ValidationError as invalid:
        status, error = 422, _error_text(invalid)
    except PermissionDenied as denied:
        status, error = 403, _error_text(denied)
    cell = selectors.journal_cell(lesson=lesson, student=student)
    return _partial("gradebook/_cell.html", {
        "cell": cell, "error": error, "conflict": status == 409, "typed": typed if error else "",
        "saved": error is None,
    }, status=status)


@_journal_view
@require_POST
def period_mark_save(request, assignment_id: int):
    ctx = request.school_ctx
    assignment = get_object_or_404(
        assignments_visible_to(ctx).select_related("school_class", "year", "school"), pk=assignment_id
    )
    period = get_object_or_404(StudyPeriod.objects.filter(year_id=assignment.year_id), pk=_int(request.POST.get("period")))
    student = get_object_or_404(Student.objects.filter(school=ctx.school), pk=_int(request.POST.get("student")))
    typed = (request.POST.get("value") or "").strip().lower()
    status, error = 200, None
    try:
        period_mark_set(acting_user=ctx.user, assignment=assignment, period=period, student=student,
                        value=typed, expected_version=_int(request.POST.get("version")))
    except ConflictError as conflict:
        status, error = 409, conflict.message
    except ValidationError as invalid:
        status, error = 422, _error_text(invalid)
    except PermissionDenied as denied:
        status, error = 403, _error_text(denied)
    marks = Mark.objects.filter(
        lesson__assignment=assignment, lesson__date__range=(period.starts_on, period.ends_on), student=student
    ).values_list("value", "work_type__weight")
    row = selectors.Row(
        student=student, cells=[], grading=grade(marks, school_policy(ctx.school).thresholds),
        period_mark=PeriodMark.objects.filter(assignment=assignment, kind=PeriodMark.Kind.PERIOD, period=period, student=student).first(),
    )
    return _partial("gradebook/_period_cells.html", {
        "row": row, "period": period, "error": error, "typed": typed if error else "", "can_edit": True,
        "assignment": assignment,
    }, status=status)


@_journal_view
def lesson_page(request, lesson_id: int):
    """One lesson: topic, type and homework; the teacher or the substitute edits them."""
    ctx = request.school_ctx
    lesson = get_object_or_404(
        _visible_lessons(ctx).select_related(
            "school", "assignment__school_class", "assignment__subgroup", "assignment__subject",
            "assignment__teacher", "assignment__year", "substitute_teacher",
        ),
        pk=lesson_id,
    )
    homework = Homework.objects.filter(lesson=lesson).first()
    can_edit = (
        not lesson.assignment.year.is_read_only and not lesson.is_cancelled and can_keep_lesson(ctx.user, lesson)
    )
    topic_form = TopicForm(initial={"topic": lesson.topic, "lesson_type": lesson.lesson_type, "seen_topic": lesson.topic})
    homework_form = HomeworkForm(initial={
        "text": homework.text if homework else "", "minutes": homework.minutes if homework else None,
        "due_date": homework.due_date if homework else None, "version": homework.version if homework else 0,
    })
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "save_topic" in request.POST:
            topic_form = TopicForm(request.POST)
            if topic_form.is_valid():
                try:
                    lesson_topic_set(
                        acting_user=ctx.user, lesson=lesson, topic=topic_form.cleaned_data["topic"],
                        lesson_type=topic_form.cleaned_data["lesson_type"],
                        expected_topic=topic_form.cleaned_data["seen_topic"],
                    )
                    return redirect("journal:lesson", school_id=ctx.school.pk, lesson_id=lesson.pk)
                except (ConflictError, ValidationError, PermissionDenied) as error:
                    topic_form.add_error(None, error.message if isinstance(error, ConflictError) else _error_text(error))
        else:
            homework_form = HomeworkForm(request.POST)
            if homework_form.is_valid():
                data = homework_form.cleaned_data
                try:
                    homework_set(
                        acting_user=ctx.user, lesson=lesson, text=data["text"], minutes=data["minutes"],
                        due_date=data["due_date"], expected_version=data["version"] or 0,
                    )
                    return redirect("journal:lesson", school_id=ctx.school.pk, lesson_id=lesson.pk)
                except ConflictError as conflict:
                    current = conflict.current
                    now_set = _("Сейчас задано: «%(text)s».") % {"text": current.text if current else "—"}
                    homework_form.add_error(None, f"{conflict.message} {now_set}")
                except (ValidationError, PermissionDenied) as error:
                    homework_form.add_error(None, _error_text(error))
    return render(request, "gradebook/lesson.html", {
        "lesson": lesson, "homework": homework, "can_edit": can_edit,
        "topic_form": topic_form, "homework_form": homework_form,
    })
