"""Journal pages. HTTP only: access, input, one service call, render a page or a partial."""

from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm
from apps.attendance.services import attendance_all_present
from apps.documents.selectors import resources_for_lesson
from apps.gradebook import render as markup
from apps.gradebook import selectors
from apps.gradebook.core import lesson_write_state
from apps.gradebook.errors import ConflictError
from apps.gradebook.forms import HomeworkForm, LessonForm
from apps.gradebook.history import lesson_history, student_history
from apps.gradebook.models import GRID_ASSIGNMENT, GRID_CLASS, GRID_SCHOOL, PeriodMark, WorkType
from apps.gradebook.permissions import (
    assignments_visible_to,
    can_keep_assignment,
    can_keep_lesson,
    reads_all_journals,
    visible_assignment,
)
from apps.gradebook.services import (
    ReasonRequiredError,
    journal_cell_enter,
    lesson_details_set,
    mark_comment_set,
    period_mark_set,
    work_types_ensure,
)
from apps.homework.models import Homework, HomeworkAttachment
from apps.homework.services import homework_attachment_add, homework_attachment_remove, homework_set
from apps.privacy.downloads import download
from apps.schedule.models import Lesson
from apps.schedule.selectors import ktp_suggestion
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import date_param, int_param
from apps.stamps.cache import cached, fragment_key
from apps.stamps.selectors import read as read_stamps
from apps.students.models import Student

# The journal is kept by teachers (policy: KEEP_JOURNAL) and read by the administration
# (READ_ALL_JOURNALS); which journal exactly is decided per object in each view.
_journal_view = school_view(Perm.KEEP_JOURNAL, check=reads_all_journals)

LESSON_RELATED = (
    "school",
    "assignment__school_class",
    "assignment__subgroup",
    "assignment__subject",
    "assignment__teacher",
    "assignment__year",
    "substitute_teacher",
)


def _visible_lessons(ctx):
    """Lessons of the school this user may open: visible assignments or substituted by them."""
    return Lesson.objects.filter(school=ctx.school).filter(
        Q(assignment__in=assignments_visible_to(ctx)) | Q(substitute_teacher=ctx.user)
    )


def _partial(html: str, status: int) -> HttpResponse:
    """A grid fragment for htmx (render.py writes the same markup as the page)."""
    return HttpResponse(html, status=status)


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("Нет права вносить изменения.")


def _refusal(error: Exception) -> tuple[int, str, bool]:
    """(status, message, needs a reason) for a refused journal write."""
    if isinstance(error, ConflictError):
        return 409, error.message, False
    if isinstance(error, PermissionDenied):
        return 403, _error_text(error), False
    return 422, _error_text(error), isinstance(error, ReasonRequiredError)


def _lesson_editable(ctx, lesson: Lesson) -> bool:
    """The user keeps this lesson and may change it now (the journal core's rule)."""
    return lesson_write_state(ctx.user, lesson).may_write


# --- the teacher's day and the list of journals -------------------------------------------


@_journal_view
def journal_index(request):
    """The teacher's day (own lessons, substitutions, what is filled in) and the journals."""
    ctx = request.school_ctx
    today = school_today(ctx.school)
    day = date_param(request.GET.get("day"), today)
    assignments = []
    if ctx.open_year is not None:
        assignments = list(
            assignments_visible_to(ctx)
            .filter(year=ctx.open_year)
            .select_related("school_class", "subgroup", "subject", "teacher")
            .order_by(
                "school_class__grade", "school_class__letter", "subject__order", "subject__name"
            )
        )
    return render(
        request,
        "gradebook/index.html",
        {
            "today": today,
            "day": day,
            "prev_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "day_lessons": selectors.lessons_of_teacher_on(
                school=ctx.school, user=ctx.user, day=day
            ),
            # A teacher's own journals first; the rest (their class's, or the school's for a
            # deputy) are for reading, one row per class, so they bury nothing.
            "own_assignments": [a for a in assignments if a.teacher_id == ctx.user.pk],
            "other_by_class": [
                (school_class, list(items))
                for school_class, items in groupby(
                    (a for a in assignments if a.teacher_id != ctx.user.pk),
                    key=attrgetter("school_class"),
                )
            ],
        },
    )


# --- the grid ----------------------------------------------------------------------------


@_journal_view
def journal_page(request, assignment_id: int):
    """The grid of one assignment for one period; editable for whoever keeps it."""
    ctx = request.school_ctx
    assignment = visible_assignment(
        ctx, assignment_id, "subgroup", "subject", "teacher", "year", "school"
    )
    periods = selectors.periods_for(assignment, user=ctx.user)
    today = school_today(ctx.school)
    wanted = int_param(request.GET.get("period"))
    period = (
        next((p for p in periods if p.pk == wanted), None)
        or next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
        or (
            periods[-1]
            if periods and today > periods[-1].ends_on
            else (periods[0] if periods else None)
        )
    )
    keeps = can_keep_assignment(ctx.user, assignment) and not assignment.year.is_read_only
    may_audit = ctx.may(Perm.READ_ALL_JOURNALS) or keeps
    grid = (
        _grid_page(ctx, assignment, period, periods, today, keeps, may_audit)
        if period is not None
        else None
    )
    return render(
        request,
        "gradebook/journal.html",
        {
            "assignment": assignment,
            "periods": periods,
            "period": period,
            "grid": grid,
            "keeps": keeps,
            "can_edit": bool(grid and grid.can_edit),
            "can_edit_finals": bool(grid and grid.can_edit_finals),
            "today": today,
            "may_audit": may_audit,
        },
    )


GRID_CACHE_SECONDS = 900


@dataclass
class GridPage:
    """What the grid page shows of a grid: the rendered table and the toolbar's facts.
    Cached under the grid's change stamps, so an unchanged grid is not built again."""

    table: str
    can_edit: bool
    can_edit_finals: bool
    locked: bool
    unlocked_until: object
    marks_allowed: bool
    work_types: list[tuple[int, str, str]]
    work_type_names: dict[int, str]
    thresholds_label: str
    has_lessons: bool


def _grid_page(ctx, assignment, period, periods, today, keeps: bool, may_audit: bool) -> GridPage:
    """The grid of (assignment, period) for this user, from the cache when nothing changed.

    The key holds everything the HTML depends on: the stamps of the tables it is read from
    (`GRID` in gradebook/models.py: one query), the periods with their locks and this user's
    grant, what the user may do, the day and the language.
    """
    state = [(p.pk, p.starts_on, p.ends_on, p.is_locked, p.grant_until) for p in periods]
    stamps = read_stamps(
        [
            (GRID_ASSIGNMENT, assignment.pk),
            (GRID_CLASS, assignment.school_class_id),
            (GRID_SCHOOL, assignment.school_id),
        ]
    )
    key = fragment_key(
        "journal-grid",
        assignment.pk,
        assignment.school_class_id,
        assignment.subgroup_id,
        period.pk,
        state,
        keeps,
        may_audit,
        today,
        get_language(),
        stamps.version,
    )
    return cached(
        key,
        lambda: _build_grid_page(ctx, assignment, period, periods, today, keeps, may_audit),
        GRID_CACHE_SECONDS,
    )


def _build_grid_page(ctx, assignment, period, periods, today, keeps, may_audit) -> GridPage:
    grid = selectors.journal_grid(
        assignment=assignment, period=period, user=ctx.user, periods=periods
    )
    if keeps and not grid.work_types:
        # A school's first journal: the reference list of work types (seed 004) appears.
        grid.work_types = work_types_ensure(school=ctx.school)
    can_edit, can_edit_finals = keeps and not grid.locked, keeps and not grid.finals_locked
    page = GridPage(
        table=markup.grid_html(
            grid,
            urls=markup.GridUrls(ctx.school.pk, assignment.pk),
            today=today,
            can_edit=can_edit,
            can_edit_finals=can_edit_finals,
            may_audit=may_audit,
        ),
        can_edit=can_edit,
        can_edit_finals=can_edit_finals,
        locked=grid.locked,
        unlocked_until=grid.unlocked_until,
        marks_allowed=grid.marks_allowed,
        work_types=[(wt.pk, wt.name, number_format(wt.weight, 1)) for wt in grid.work_types],
        work_type_names=grid.work_type_names,
        thresholds_label=str(grid.policy.thresholds_label),
        has_lessons=bool(grid.lessons),
    )
    return page


def _cell_lesson(request):
    ctx = request.school_ctx
    lesson = get_object_or_404(
        _visible_lessons(ctx).select_related(*LESSON_RELATED),
        pk=int_param(request.POST.get("lesson")),
    )
    student = get_object_or_404(
        Student.objects.filter(school=ctx.school), pk=int_param(request.POST.get("student"))
    )
    return lesson, student


def _cell_response(lesson, student, *, status=200, error=None, typed="", need_reason=False):
    cell = selectors.journal_cell(lesson=lesson, student=student)
    return _partial(
        markup.cell_html(
            cell,
            error=error,
            conflict=status == 409,
            typed=typed if error else "",
            saved=error is None,
            need_reason=need_reason,
        ),
        status=status,
    )


@_journal_view
@require_POST
def cell_save(request):
    """Save what was typed into one cell; answer the cell partial.

    «н», «б», «уп», «оп» set attendance; 1–5, «зач», «незач», «н/а» set a mark of the chosen
    work type; an empty value removes that mark (or, without one, the attendance).
    409 with the current value when someone changed the cell meanwhile; 422 with
    `data-need-reason` when correcting an old mark needs a reason.
    """
    ctx = request.school_ctx
    lesson, student = _cell_lesson(request)
    typed = (request.POST.get("value") or "").strip().lower()
    try:
        journal_cell_enter(
            acting_user=ctx.user,
            lesson=lesson,
            student=student,
            typed=typed,
            work_type_id=int_param(request.POST.get("work_type")),
            seen=selectors.parse_token(request.POST.get("token", "")),
            reason=(request.POST.get("reason") or "").strip(),
        )
    except WorkType.DoesNotExist as unknown:
        raise Http404 from unknown
    except (ConflictError, ValidationError, PermissionDenied) as refused:
        status, error, need_reason = _refusal(refused)
        return _cell_response(
            lesson, student, status=status, error=error, typed=typed or "-", need_reason=need_reason
        )
    return _cell_response(lesson, student)


@_journal_view
@require_POST
def cell_comment(request):
    """The comment of one mark in a cell (the family sees it next to the mark)."""
    ctx = request.school_ctx
    lesson, student = _cell_lesson(request)
    work_type = get_object_or_404(
        WorkType.objects.filter(school=ctx.school), pk=int_param(request.POST.get("work_type"))
    )
    seen = selectors.parse_token(request.POST.get("token", ""))
    try:
        mark_comment_set(
            acting_user=ctx.user,
            lesson=lesson,
            student=student,
            work_type=work_type,
            comment=request.POST.get("comment", ""),
            expected_version=seen.get(f"m{work_type.pk}", 0),
        )
    except (ConflictError, ValidationError, PermissionDenied) as refused:
        status, error, _reason = _refusal(refused)
        return _cell_response(lesson, student, status=status, error=error)
    return _cell_response(lesson, student)


@_journal_view
@require_POST
def period_mark_save(request, assignment_id: int):
    """A period, year, exam or final mark from the grid; answers the row's attestation cells."""
    ctx = request.school_ctx
    assignment = visible_assignment(ctx, assignment_id, "year", "school")
    periods = selectors.periods_for(assignment)
    period = next((p for p in periods if p.pk == int_param(request.POST.get("period"))), None)
    if period is None:
        raise Http404
    student = get_object_or_404(
        Student.objects.filter(school=ctx.school), pk=int_param(request.POST.get("student"))
    )
    kind = request.POST.get("kind") or PeriodMark.Kind.PERIOD
    typed = (request.POST.get("value") or "").strip().lower()
    status, error, need_reason = 200, None, False
    try:
        period_mark_set(
            acting_user=ctx.user,
            assignment=assignment,
            student=student,
            value=typed,
            period=period if kind == PeriodMark.Kind.PERIOD else None,
            kind=kind,
            expected_version=int_param(request.POST.get("version")),
            reason=(request.POST.get("reason") or "").strip(),
        )
    except (ConflictError, ValidationError, PermissionDenied) as refused:
        status, error, need_reason = _refusal(refused)
    row = selectors.journal_row(
        assignment=assignment, period=period, student=student, periods=periods
    )
    return _partial(
        markup.finals_html(
            row,
            can_edit=True,
            can_edit_finals=True,
            error=error,
            error_kind=kind,
            typed=(typed or "-") if error else "",
            need_reason=need_reason,
            saved_kind=kind if not error else "",
        ),
        status=status,
    )


# --- the lesson page -----------------------------------------------------------------------


def _lesson(ctx, lesson_id: int) -> Lesson:
    return get_object_or_404(_visible_lessons(ctx).select_related(*LESSON_RELATED), pk=lesson_id)


@_journal_view
def lesson_page(request, lesson_id: int):
    """One lesson: its column of the journal (attendance and marks by keyboard), topic from
    the КТП, lesson type, work types, comment, homework with files. The teacher or the
    substitute edits; the class teacher and the administration read."""
    ctx = request.school_ctx
    lesson = _lesson(ctx, lesson_id)
    homework = Homework.objects.filter(lesson=lesson).prefetch_related("attachments").first()
    can_edit = _lesson_editable(ctx, lesson)
    work_types = WorkType.objects.filter(school=ctx.school, is_active=True)
    suggestion = (
        ktp_suggestion(lesson)
        if can_edit and not lesson.topic and not lesson.plan_topic_id
        else None
    )
    lesson_form = LessonForm(
        lesson=lesson,
        work_types=work_types,
        initial={
            "plan_topic": lesson.plan_topic_id or (suggestion.pk if suggestion else None),
            "topic": lesson.topic,
            "lesson_type": lesson.lesson_type,
            "comment": lesson.comment,
            "work_types": list(lesson.work_types.values_list("pk", flat=True)),
            "seen_topic": lesson.topic,
        },
    )
    homework_form = HomeworkForm(
        initial={
            "text": homework.text if homework else "",
            "minutes": homework.minutes if homework else None,
            "due_date": homework.due_date if homework else None,
            "version": homework.version if homework else 0,
        }
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        # One «Сохранить» keeps the topic part and the homework part together; a part that is
        # refused keeps what was typed in its form and says so, the other part is saved.
        stored = {**lesson_form.initial, "plan_topic": lesson.plan_topic_id}
        bound_lesson = LessonForm(
            request.POST, lesson=lesson, work_types=work_types, initial=stored
        )
        bound_homework = HomeworkForm(request.POST, request.FILES, initial=homework_form.initial)
        data = request.POST.copy()  # the saved part is shown again with its new version
        saved, failed = [], []
        if "lesson_type" in request.POST and _lesson_part_changed(lesson, bound_lesson):
            if _save_lesson(request, lesson, bound_lesson):
                saved.append(_("Урок сохранён."))
                data["seen_topic"] = lesson.topic
                lesson_form = LessonForm(data, lesson=lesson, work_types=work_types)
            else:
                failed.append(_("Тема урока не сохранена: исправьте и сохраните снова."))
                lesson_form = bound_lesson
        if "text" in request.POST and _homework_part_changed(bound_homework, request):
            result = bound_homework.is_valid() and _save_homework(request, lesson, bound_homework)
            if result is False:
                failed.append(_("Домашнее задание не сохранено: текст остался в форме."))
                homework_form = bound_homework
            else:
                saved.append(_("Домашнее задание сохранено."))
                data["version"] = result.version if result else 0
                homework_form = HomeworkForm(data)
        if not failed:
            messages.success(request, " ".join(saved) or _("Изменений нет."))
            return redirect("journal:lesson", school_id=ctx.school.pk, lesson_id=lesson.pk)
        for text in saved + failed:
            (messages.error if text in failed else messages.success)(request, text)
        homework = Homework.objects.filter(lesson=lesson).prefetch_related("attachments").first()
        status = 422
    grid = selectors.lesson_grid(lesson=lesson, user=ctx.user)
    today = school_today(ctx.school)
    table = markup.grid_html(
        grid,
        urls=markup.GridUrls(ctx.school.pk),
        today=today,
        finals=False,
        can_edit=can_edit and lesson.date <= today,
    )
    return render(
        request,
        "gradebook/lesson.html",
        {
            "table": table,
            "lesson": lesson,
            "homework": homework,
            "can_edit": can_edit,
            "grid": grid,
            "lesson_form": lesson_form,
            "homework_form": homework_form,
            "suggestion": suggestion,
            "today": today,
            "may_audit": ctx.may(Perm.READ_ALL_JOURNALS) or can_edit,
            "sees_grid": assignments_visible_to(ctx).filter(pk=lesson.assignment_id).exists(),
            "catalogue": resources_for_lesson(ctx, lesson)
            if can_edit and ctx.may(Perm.USE_CATALOGUE)
            else [],
        },
        status=status,
    )


def _lesson_part_changed(lesson: Lesson, form: LessonForm) -> bool:
    """The topic part differs from what is stored (accepting the КТП suggestion counts)."""
    changed = set(form.changed_data) - {"seen_topic", "reason"}
    return bool(changed) or (not lesson.topic and bool(form.data.get("plan_topic")))


def _homework_part_changed(form: HomeworkForm, request) -> bool:
    """The homework part differs from what is stored, or files are attached."""
    return bool(set(form.changed_data) - {"version", "files"}) or bool(request.FILES)


def _save_lesson(request, lesson: Lesson, form: LessonForm) -> bool:
    """Topic, КТП row, type, work types, comment; a refusal goes on the form."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        lesson_details_set(
            acting_user=request.school_ctx.user,
            lesson=lesson,
            topic=data["topic"],
            lesson_type=data["lesson_type"],
            plan_topic=data["plan_topic"],
            work_types=list(data["work_types"]),
            comment=data["comment"],
            expected_topic=data["seen_topic"],
            reason=data["reason"],
        )
    except (ConflictError, ValidationError, PermissionDenied) as error:
        form.add_error(
            None, error.message if isinstance(error, ConflictError) else _error_text(error)
        )
        return False
    return True


def _save_homework(request, lesson: Lesson, form: HomeworkForm):
    """Text, minutes and due date, then each file; refusals go on the form, nothing typed is
    lost. The homework saved (None when the text was cleared), or False when refused."""
    ctx, data = request.school_ctx, form.cleaned_data
    try:
        homework = homework_set(
            acting_user=ctx.user,
            lesson=lesson,
            text=data["text"],
            minutes=data["minutes"],
            due_date=data["due_date"],
            expected_version=data["version"] or 0,
        )
    except ConflictError as conflict:
        current = conflict.current
        now_set = _("Сейчас задано: «%(text)s».") % {"text": current.text if current else "—"}
        form.add_error(None, f"{conflict.message} {now_set}")
        return False
    except (ValidationError, PermissionDenied) as error:
        form.add_error(None, _error_text(error))
        return False
    if data["files"] and homework is None:
        form.add_error("files", _("Файлы прикладываются к заданию: напишите текст задания."))
        return False
    for upload in data["files"]:
        try:
            homework_attachment_add(acting_user=ctx.user, homework=homework, file=upload)
        except ValidationError as error:
            form.add_error("files", _error_text(error))
            return False
    return homework


@_journal_view
@require_POST
def lesson_present(request, lesson_id: int):
    """«Все присутствуют»: attendance taken, nobody missing. htmx gets the column header."""
    ctx = request.school_ctx
    lesson = _lesson(ctx, lesson_id)
    error = None
    try:
        attendance_all_present(acting_user=ctx.user, lesson=lesson)
    except (ValidationError, PermissionDenied) as refused:
        _status, error, _reason = _refusal(refused)
    if request.htmx:
        lesson = selectors.grid_lessons(pk=lesson.pk)[0]
        return _partial(
            markup.head_html(
                lesson,
                urls=markup.GridUrls(ctx.school.pk),
                can_edit=True,
                today=school_today(ctx.school),
                error=error,
            ),
            status=422 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Отмечено: все присутствуют."))
    return redirect("journal:lesson", school_id=ctx.school.pk, lesson_id=lesson.pk)


def _attachment(ctx, pk: int) -> HomeworkAttachment:
    return get_object_or_404(
        HomeworkAttachment.objects.filter(
            homework__lesson__in=_visible_lessons(ctx)
        ).select_related(*(f"homework__lesson__{r}" for r in LESSON_RELATED)),
        pk=pk,
    )


@_journal_view
def attachment_download(request, pk: int):
    attachment = _attachment(request.school_ctx, pk)
    return download(request, file=attachment.file, filename=attachment.name)


@_journal_view
@require_POST
def attachment_delete(request, pk: int):
    ctx = request.school_ctx
    attachment = _attachment(ctx, pk)
    lesson_id = attachment.homework.lesson_id
    try:
        homework_attachment_remove(acting_user=ctx.user, attachment=attachment)
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, _error_text(refused))
    else:
        messages.success(request, _("Файл убран из задания."))
    return redirect("journal:lesson", school_id=ctx.school.pk, lesson_id=lesson_id)


# --- history -------------------------------------------------------------------------------


def _may_read_history(ctx, keeps: bool) -> None:
    """The deputy and the director read the history of any journal; a teacher, of their own."""
    if not (keeps or ctx.may(Perm.READ_ALL_JOURNALS)):
        raise PermissionDenied


@_journal_view
def history_lesson(request, lesson_id: int):
    """Every change in a lesson, or with ?student= in one cell: who, when, old, new, why."""
    ctx = request.school_ctx
    lesson = _lesson(ctx, lesson_id)
    _may_read_history(ctx, can_keep_lesson(ctx.user, lesson))
    student = None
    if request.GET.get("student"):
        student = get_object_or_404(
            Student.objects.filter(school=ctx.school), pk=int_param(request.GET.get("student"))
        )
    return render(
        request,
        "gradebook/history.html",
        {
            "lesson": lesson,
            "student": student,
            "assignment": lesson.assignment,
            "lines": lesson_history(lesson=lesson, student=student),
        },
    )


@_journal_view
def history_student(request, assignment_id: int, student_id: int):
    """A student's row of one journal for the year: marks, absences, period marks."""
    ctx = request.school_ctx
    assignment = visible_assignment(ctx, assignment_id, "subgroup", "subject", "teacher", "year")
    _may_read_history(ctx, can_keep_assignment(ctx.user, assignment))
    student = get_object_or_404(Student.objects.filter(school=ctx.school), pk=student_id)
    return render(
        request,
        "gradebook/history.html",
        {
            "assignment": assignment,
            "student": student,
            "lines": student_history(assignment=assignment, student=student),
        },
    )
