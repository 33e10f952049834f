"""КТП pages (calendar-thematic plan, seed 004 item 14): edit in the browser, import from
Excel with a preview and all-or-nothing confirm, export to Excel. HTTP only."""

from datetime import date

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm
from apps.gradebook.forms import KtpImportForm, PlanTopicForm
from apps.gradebook.permissions import (
    assignments_visible_to,
    can_keep_assignment,
    reads_all_journals,
    visible_assignment,
)
from apps.privacy.downloads import download
from apps.schedule import selectors, services
from apps.schedule.ktp_excel import XLSX_TYPE, ktp_template, ktp_workbook, parse_ktp
from apps.schedule.models import PlanTopic
from apps.schedule.selectors import ktp_progress
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import add_validation_errors
from apps.school.policy import ktp_deadline, school_policy

_ktp_view = school_view(Perm.KEEP_JOURNAL, check=reads_all_journals)
SIGNING_SALT = "ktp-import"


def _assignment(ctx, assignment_id: int):
    return visible_assignment(
        ctx, assignment_id, "subgroup", "subject", "teacher", "year", "school"
    )


def _may_edit(ctx, assignment) -> bool:
    return not assignment.year.is_read_only and can_keep_assignment(ctx.user, assignment)


def _row(data) -> services.PlanRow:
    return services.PlanRow(
        title=data["title"],
        hours=data["hours"],
        lesson_type=data.get("lesson_type") or "",
        planned_on=data.get("planned_on"),
    )


def _page(request, assignment, *, form=None, edit=None, status=200):
    ctx = request.school_ctx
    topics = selectors.ktp_topics(assignment=assignment)
    today = school_today(ctx.school)
    deadline = ktp_deadline(
        school_policy(ctx.school), school=ctx.school, year_starts_on=assignment.year.starts_on
    )
    return render(
        request,
        "schedule/ktp.html",
        {
            "assignment": assignment,
            "topics": topics,
            "can_edit": _may_edit(ctx, assignment),
            "form": form or PlanTopicForm(),
            "edit": edit,
            "progress": ktp_progress([assignment], today)[assignment.pk],
            "today": today,
            "deadline": deadline,
            "total_hours": sum(t.hours for t in topics),
        },
        status=status,
    )


@_ktp_view
def ktp_page(request, assignment_id: int):
    """The plan of an assignment; its teacher adds topics at the end (POST)."""
    ctx = request.school_ctx
    assignment = _assignment(ctx, assignment_id)
    if request.method != "POST":
        return _page(request, assignment)
    if not _may_edit(ctx, assignment):
        raise PermissionDenied
    form = PlanTopicForm(request.POST)
    if form.is_valid():
        try:
            services.plan_topic_save(
                acting_user=ctx.user, assignment=assignment, row=_row(form.cleaned_data)
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Тема добавлена."))
            return redirect("ktp:page", school_id=ctx.school.pk, assignment_id=assignment.pk)
    return _page(request, assignment, form=form, status=422)


def _topic(ctx, pk: int) -> PlanTopic:
    return get_object_or_404(
        PlanTopic.objects.filter(assignment__in=assignments_visible_to(ctx)).select_related(
            "assignment__school_class",
            "assignment__subgroup",
            "assignment__subject",
            "assignment__teacher",
            "assignment__year",
            "assignment__school",
        ),
        pk=pk,
    )


@_ktp_view
def ktp_topic_edit(request, pk: int):
    """Change one topic: title, hours, lesson type, planned date."""
    ctx = request.school_ctx
    topic = _topic(ctx, pk)
    assignment = topic.assignment
    if not _may_edit(ctx, assignment):
        raise PermissionDenied
    if request.method == "POST":
        form = PlanTopicForm(request.POST)
        if form.is_valid():
            try:
                services.plan_topic_save(
                    acting_user=ctx.user,
                    assignment=assignment,
                    row=_row(form.cleaned_data),
                    topic=topic,
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Тема изменена."))
                return redirect("ktp:page", school_id=ctx.school.pk, assignment_id=assignment.pk)
        return _page(request, assignment, form=form, edit=topic, status=422)
    form = PlanTopicForm(
        initial={
            "title": topic.title,
            "hours": topic.hours,
            "lesson_type": topic.lesson_type,
            "planned_on": topic.planned_on,
        }
    )
    return _page(request, assignment, form=form, edit=topic)


@_ktp_view
@require_POST
def ktp_topic_delete(request, pk: int):
    ctx = request.school_ctx
    topic = _topic(ctx, pk)
    try:
        services.plan_topic_delete(acting_user=ctx.user, topic=topic)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Тема удалена."))
    return redirect("ktp:page", school_id=ctx.school.pk, assignment_id=topic.assignment_id)


@_ktp_view
@require_POST
def ktp_topic_move(request, pk: int):
    ctx = request.school_ctx
    topic = _topic(ctx, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.plan_topic_move(acting_user=ctx.user, topic=topic, offset=offset)
    return redirect(f"{reverse('ktp:page', args=[ctx.school.pk, topic.assignment_id])}#t{topic.pk}")


@_ktp_view
def ktp_import(request, assignment_id: int):
    """Upload an Excel КТП (GET: the form); POST: every row checked, shown with its errors.
    Nothing is saved here; a good file is confirmed on the next step."""
    ctx = request.school_ctx
    assignment = _assignment(ctx, assignment_id)
    if not _may_edit(ctx, assignment):
        raise PermissionDenied
    form = KtpImportForm(request.POST or None, request.FILES or None)
    result = token = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = parse_ktp(form.cleaned_data["file"], year=assignment.year)
            if result.ok:
                token = signing.dumps(
                    [
                        [
                            r.title,
                            r.hours,
                            r.lesson_type,
                            r.planned_on.isoformat() if r.planned_on else "",
                        ]
                        for r in result.plan_rows
                    ],
                    salt=SIGNING_SALT,
                    compress=True,
                )
            else:
                status = 422
        else:
            status = 422
    return render(
        request,
        "schedule/ktp_import.html",
        {
            "assignment": assignment,
            "form": form,
            "result": result,
            "token": token,
            "existing": PlanTopic.objects.filter(assignment=assignment).count(),
        },
        status=status,
    )


@_ktp_view
@require_POST
def ktp_import_confirm(request, assignment_id: int):
    """Save the previewed plan: all rows or none (the signed preview cannot be altered)."""
    ctx = request.school_ctx
    assignment = _assignment(ctx, assignment_id)
    try:
        data = signing.loads(request.POST.get("token", ""), salt=SIGNING_SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, _("Предпросмотр устарел: загрузите файл ещё раз."))
        return redirect("ktp:import", school_id=ctx.school.pk, assignment_id=assignment.pk)
    rows = [
        services.PlanRow(
            title=t, hours=h, lesson_type=lt, planned_on=date.fromisoformat(d) if d else None
        )
        for t, h, lt, d in data
    ]
    try:
        services.ktp_replace(acting_user=ctx.user, assignment=assignment, rows=rows)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ktp:import", school_id=ctx.school.pk, assignment_id=assignment.pk)
    messages.success(request, _("КТП загружено: %(n)s тем.") % {"n": len(rows)})
    return redirect("ktp:page", school_id=ctx.school.pk, assignment_id=assignment.pk)


def _xlsx(request, content: bytes, filename: str) -> HttpResponse:
    return download(
        request, content=content, filename=filename, content_type=XLSX_TYPE, personal=False
    )


@_ktp_view
def ktp_export(request, assignment_id: int):
    ctx = request.school_ctx
    assignment = _assignment(ctx, assignment_id)
    topics = list(PlanTopic.objects.filter(assignment=assignment).order_by("position"))
    name = f"КТП {assignment.subject.name} {assignment.school_class.name}.xlsx"
    return _xlsx(request, ktp_workbook(assignment=assignment, topics=topics), name)


@_ktp_view
def ktp_template_download(request):
    return _xlsx(request, ktp_template(), _("КТП — шаблон.xlsx"))
