"""Control and report pages. HTTP only: access, input, a selector or one service, render.

Every report answers three ways from the same data: the page, `?format=xlsx` and
`?format=pdf`.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm, Role
from apps.privacy.downloads import PDF, download
from apps.privacy.models import AccessRecord
from apps.privacy.services import Access
from apps.reports import builders, charts
from apps.reports.attendance import attendance
from apps.reports.audit import RULE_KEYS, RULES, rules_for
from apps.reports.exports import XLSX_TYPE, report_pdf, report_xlsx
from apps.reports.forms import AuditRunForm
from apps.reports.models import ActivityReport, AuditRun, ExportJob
from apps.reports.periods import (
    month_end,
    month_label,
    month_start,
    months_of,
    pick_span,
    spans_of_year,
)
from apps.reports.permissions import (
    audit_lines_visible,
    audits_visible,
    exports_visible,
    index_visible,
    report_class_ids,
    reports_visible,
)
from apps.reports.progress import SOURCE_FORECAST, SOURCE_MARKS, progress, progress_by_month
from apps.reports.services import (
    activity_report_store,
    audit_month_store,
    audit_store,
    export_job_requeue,
    export_job_start,
    export_pdf_start,
    run_label,
)
from apps.school import clock
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import int_param, month_param
from apps.school.models import AcademicYear, StudyPeriod
from apps.school.policy import school_policy

_audit_view = school_view(Perm.AUDIT_JOURNALS, check=audits_visible)
_reports_view = school_view(Perm.VIEW_REPORTS, check=reports_visible)
_index_view = school_view(Perm.VIEW_REPORTS, check=index_visible)
TREND_MONTHS = 12


def _deputy_name(ctx) -> str:
    return ctx.user.short_name if Role.DEPUTY in ctx.roles else ""


def _respond(request, report, template: str, context: dict):
    """The page, or the same report as Excel or PDF."""
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        build, content_type = (report_xlsx, XLSX_TYPE) if fmt == "xlsx" else (report_pdf, PDF)
        return download(
            request,
            content=build(report),
            filename=f"{report.filename}.{fmt}",
            content_type=content_type,
            access=Access(
                AccessRecord.Kind.EXPORT,
                f"{report.title}, {report.range_label} ({fmt})",
                report.people,
            ),
        )
    return render(
        request,
        template,
        {"report": report, "pdf_in_worker": reports_visible(request.school_ctx), **context},
    )


def _chosen_year(ctx, request) -> tuple[AcademicYear | None, list[AcademicYear]]:
    years = list(AcademicYear.objects.filter(school=ctx.school).order_by("-starts_on"))
    wanted = int_param(request.GET.get("year"))
    chosen = next((y for y in years if y.pk == wanted), None)
    chosen = chosen or next((y for y in years if y.status == AcademicYear.Status.OPEN), None)
    return chosen or (years[0] if years else None), years


def _class_choices(year, allowed: list[int] | None) -> list:
    """Classes a report may be narrowed to: every class of the year, or the user's own."""
    qs = year.classes.order_by("grade", "letter")
    return list(qs if allowed is None else qs.filter(pk__in=allowed))


# --- the hub -----------------------------------------------------------------------------


@_index_view
def reports_index(request):
    ctx = request.school_ctx
    return render(
        request,
        "reports/index.html",
        {
            "may_audit": ctx.may(Perm.AUDIT_JOURNALS),
            "may_reports": ctx.may(Perm.VIEW_REPORTS),
            "is_teacher": Role.TEACHER in ctx.roles,
            "led_classes": ctx.led_classes,
        },
    )


# --- the journal audit -------------------------------------------------------------------


@_audit_view
def audit_page(request):
    """The stored audit: the school summary and trend for the administration, a teacher's
    own lines, a class teacher's class. Reads stored rows only (no recomputation)."""
    ctx = request.school_ctx
    admin = ctx.may(Perm.AUDIT_JOURNALS)
    runs = list(
        AuditRun.objects.filter(school=ctx.school)
        .order_by("-starts_on", "kind")
        .values("id", "kind", "starts_on", "ends_on", "totals")[:36]
    )
    run = None
    wanted = int_param(request.GET.get("run")) or (runs[0]["id"] if runs else 0)
    if wanted:
        run = get_object_or_404(
            AuditRun.objects.filter(school=ctx.school).select_related("period", "year"), pk=wanted
        )
    teacher_id, class_id = (
        int_param(request.GET.get("teacher")),
        int_param(request.GET.get("class")),
    )
    lines, summary, chosen_class, chosen_teacher = None, None, None, None
    if run is not None:
        if not admin or teacher_id or class_id:
            qs = audit_lines_visible(ctx, run.pk)
            if teacher_id:
                qs = qs.filter(teacher_id=teacher_id)
            if class_id:
                qs = qs.filter(school_class_id=class_id)
            lines = list(qs)
            # A teacher's own count; the class's other lines are shown, not added to it.
            counted = lines if admin else [line for line in lines if line.teacher_id == ctx.user.pk]
            summary = {r.key: sum(getattr(line, r.key) for line in counted) for r in RULES}
            summary["issues"] = sum(line.issues for line in counted)
            chosen_class = (
                next((c for c in run.classes if c["id"] == class_id), None) if class_id else None
            )
            if chosen_class:
                chosen_class = {
                    **chosen_class,
                    "overload": [
                        {**o, "date": date.fromisoformat(o["date"]).strftime("%d.%m.%Y")}
                        for o in chosen_class["overload"]
                    ],
                }
            chosen_teacher = (
                next((t for t in run.teachers if t["id"] == teacher_id), None)
                if teacher_id
                else None
            )
        if request.GET.get("format") in ("xlsx", "pdf"):
            if lines is None:
                lines = list(audit_lines_visible(ctx, run.pk))
            report = builders.audit_report(
                school=ctx.school,
                run=run,
                label=run_label(run),
                lines=lines,
                admin=admin and not (teacher_id or class_id),
                deputy_name=_deputy_name(ctx),
            )
            return _respond(request, report, "", {})
    months = sorted(
        (r for r in runs if r["kind"] == AuditRun.Kind.MONTH), key=lambda r: r["starts_on"]
    )[-TREND_MONTHS:]
    # A time axis: a month without an audit leaves its place; a month audited before its
    # end is marked, so a short December does not read as an improvement.
    partial = [r["ends_on"] < month_end(r["starts_on"]) for r in months]
    partial_ends = [
        r["ends_on"].strftime("%d.%m") for r, p in zip(months, partial, strict=True) if p
    ]
    trend = (
        charts.line_chart(
            [r["starts_on"].strftime("%m.%y") for r in months],
            [
                (_("Замечаний"), [r["totals"].get("issues", 0) for r in months]),
                (_("Уроков без темы"), [r["totals"].get("no_topic", 0) for r in months]),
                (_("Отметок позже срока"), [r["totals"].get("marks_late", 0) for r in months]),
            ],
            title=_("Замечания по месяцам"),
            maximum=None,
            positions=[r["starts_on"].year * 12 + r["starts_on"].month for r in months],
            partial=partial,
            partial_note=_("неполный месяц: проверка по %(day)s, его числа меньше полного")
            % {"day": ", ".join(partial_ends)},
        )
        if admin and len(months) > 1
        else ""
    )
    # Rows as plain lists: the template only prints them (the page must stay within 50 ms).
    teacher_rows = (
        [(t, [t.get(k, 0) for k in RULE_KEYS]) for t in run.teachers]
        if run and lines is None
        else []
    )
    class_rows = (
        [(c, [c.get(k, 0) for k in RULE_KEYS]) for c in run.classes]
        if run and lines is None
        else []
    )
    policy = school_policy(ctx.school)
    return render(
        request,
        "reports/audit.html",
        {
            "teacher_rows": teacher_rows,
            "class_rows": class_rows,
            "runs": [
                {
                    **r,
                    "label": month_label(r["starts_on"])
                    if r["kind"] == AuditRun.Kind.MONTH
                    else f"{r['starts_on']:%d.%m.%Y}–{r['ends_on']:%d.%m.%Y}",
                }
                for r in runs
            ],
            "run": run,
            "run_label": run_label(run) if run else "",
            "admin": admin,
            # The whole school's audit takes long: its PDF is built by a worker.
            "pdf_in_worker": admin and lines is None and reports_visible(ctx),
            "rules": rules_for(policy),
            # The school's own КТП day (its rules), «к 15 сентября» by default.
            "ktp_due": date(2001, policy.ktp_due_month, policy.ktp_due_day),
            "lines": lines,
            "summary": summary,
            "trend": trend,
            "chosen_class": chosen_class,
            "chosen_teacher": chosen_teacher,
            "teacher_id": teacher_id,
            "class_id": class_id,
            "own_lines": [line for line in lines or () if line.teacher_id == ctx.user.pk],
            "class_lines": [line for line in lines or () if line.teacher_id != ctx.user.pk],
        },
    )


@_audit_view
def audit_line_page(request, line_id: int):
    """Drill-down of one line to the lesson and the cell."""
    ctx = request.school_ctx
    line = get_object_or_404(
        audit_lines_visible(ctx).select_related("run__period", "run__year", "school_class"),
        pk=line_id,
    )
    periods = list(
        StudyPeriod.objects.filter(year_id=line.run.year_id).order_by("scheme", "number")
    )
    details = line.details or {}
    scheme = (
        line.run.year.scheme_for_grade(line.school_class.grade) if line.school_class_id else None
    )
    by_name = {p.name: p.pk for p in periods if p.scheme == scheme}

    def period_of(day: str) -> int | None:
        d = date.fromisoformat(day)
        return next((p.pk for p in periods if p.starts_on <= d <= p.ends_on), None)

    sections = []
    for rule in rules_for(school_policy(ctx.school)):
        items = details.get(rule.key, [])
        for item in items:
            if "date" in item:
                item["day"] = date.fromisoformat(item["date"])
            if "lesson" in item:
                item["url"] = reverse(
                    "journal:lesson",
                    kwargs={"school_id": ctx.school.pk, "lesson_id": item["lesson"]},
                )
            if rule.key in ("marks_late", "few_marks") and line.assignment_id:
                grid = reverse(
                    "journal:grid",
                    kwargs={"school_id": ctx.school.pk, "assignment_id": line.assignment_id},
                )
                pid = period_of(item["date"]) if "date" in item else by_name.get(item.get("period"))
                item["grid"] = f"{grid}?period={pid}" if pid else grid
        sections.append((rule, items))
    extra = [(key, details.get(key, [])) for key in ("substituted", "cancelled", "ktp")]
    for _key, items in extra:
        for item in items:
            if "date" in item:
                item["day"] = date.fromisoformat(item["date"])
            if "lesson" in item:
                item["url"] = reverse(
                    "journal:lesson",
                    kwargs={"school_id": ctx.school.pk, "lesson_id": item["lesson"]},
                )
    return render(
        request,
        "reports/audit_line.html",
        {
            "line": line,
            "run": line.run,
            "run_label": run_label(line.run),
            "sections": sections,
            "extra": dict(extra),
        },
    )


@school_view(Perm.AUDIT_JOURNALS)
def audit_new(request):
    """«Провести проверку» of a month or a period now (the monthly one runs by itself)."""
    ctx = request.school_ctx
    year = ctx.open_year
    periods = (
        list(StudyPeriod.objects.filter(year=year).order_by("scheme", "number")) if year else []
    )
    today = school_today(ctx.school)
    form = AuditRunForm(request.POST or None, year=year, periods=periods, today=today)
    if request.method == "POST" and form.is_valid():
        target, send = form.cleaned_data["target"], form.cleaned_data["send"]
        if target.startswith("m"):
            month = date.fromisoformat(target[1:] + "-01")
            run = audit_month_store(
                school=ctx.school, month=month, acting_user=ctx.user, replace=True, send=send
            )
        else:
            period = form.periods[target]
            run = audit_store(
                school=ctx.school,
                kind=AuditRun.Kind.PERIOD,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                period=period,
                acting_user=ctx.user,
                replace=True,
                send=send,
            )
        messages.success(request, _("Проверка проведена и сохранена."))
        return redirect(
            f"{reverse('reports:audit', kwargs={'school_id': ctx.school.pk})}?run={run.pk}"
        )
    return render(request, "reports/audit_new.html", {"form": form, "year": year})


@dataclass
class Scope:
    """What a class report is about: the year, the period, the classes this user may see."""

    year: AcademicYear
    years: list[AcademicYear]
    today: date
    spans: list
    span: object
    allowed: list[int] | None  # None: every class
    class_id: int
    class_ids: list[int] | None  # what to report on; None: the whole school

    @property
    def context(self) -> dict:
        return {
            "years": self.years,
            "year": self.year,
            "spans": self.spans,
            "span": self.span,
            "class_id": self.class_id,
            "allowed": self.allowed,
        }


def _report_scope(request, *, prefer_ended: bool = False) -> Scope:
    """The year, period and class asked for; another class than one's own is not found."""
    ctx = request.school_ctx
    year, years = _chosen_year(ctx, request)
    if year is None:
        raise Http404
    today = school_today(ctx.school)
    spans = spans_of_year(
        year, list(StudyPeriod.objects.filter(year=year).order_by("scheme", "number"))
    )
    allowed = report_class_ids(ctx, year)
    class_id = int_param(request.GET.get("class"))
    class_ids = allowed
    if class_id:
        if allowed is not None and class_id not in allowed:
            raise Http404
        class_ids = [class_id]
    span = pick_span(spans, request.GET.get("span"), today, prefer_ended=prefer_ended)
    return Scope(year, years, today, spans, span, allowed, class_id, class_ids)


# --- progress and quality -------------------------------------------------------------


@_reports_view
def progress_page(request):
    ctx = request.school_ctx
    source = SOURCE_FORECAST if request.GET.get("source") == SOURCE_FORECAST else SOURCE_MARKS
    # Set marks are read for a period that has ended; a forecast for the one going on.
    scope = _report_scope(request, prefer_ended=source == SOURCE_MARKS)
    year, span, today, class_ids = scope.year, scope.span, scope.today, scope.class_ids
    by = request.GET.get("by") if request.GET.get("by") in dict(builders.BY_CHOICES) else "class"
    policy = school_policy(ctx.school)
    data = progress(
        year=year, span=span, source=source, policy=policy, today=today, class_ids=class_ids
    )
    scope_label = (
        ", ".join(c.name for c in data.classes) if class_ids is not None else _("вся школа")
    )
    report = builders.progress_report(
        school=ctx.school,
        data=data,
        by=by,
        year_name=year.name,
        scope=scope_label,
        deputy_name=_deputy_name(ctx),
    )
    chart_quality = charts.bar_chart(
        [(c.name, data.by_class[c.pk].quality) for c in data.classes if c.pk in data.by_class],
        title=_("Качество знаний по классам, %"),
    )
    trend = progress_by_month(year=year, span=span, policy=policy, today=today, class_ids=class_ids)
    chart_trend = (
        charts.line_chart(
            [f"{m:%m.%Y}" for m, _t in trend],
            [
                (_("Качество, %"), [t.quality for _m, t in trend]),
                (_("Успеваемость, %"), [t.success for _m, t in trend]),
            ],
            title=_("По текущим отметкам за месяц"),
        )
        if trend
        else ""
    )
    return _respond(
        request,
        report,
        "reports/progress.html",
        {
            **scope.context,
            "source": source,
            "by": by,
            "by_choices": builders.BY_CHOICES,
            "classes": _class_choices(year, scope.allowed),
            "chart_quality": chart_quality,
            "chart_trend": chart_trend,
        },
    )


# --- attendance ----------------------------------------------------------------------


@_reports_view
def attendance_page(request):
    ctx = request.school_ctx
    scope = _report_scope(request)
    year, span, class_ids = scope.year, scope.span, scope.class_ids
    data = attendance(
        year=year,
        starts_on=span.starts_on,
        ends_on=span.ends_on,
        class_ids=class_ids,
        per_student=class_ids is not None,
        today=scope.today,
    )
    scope_label = (
        ", ".join(r["name"] for r in data.class_rows) if class_ids is not None else _("вся школа")
    )
    report = builders.attendance_report(
        school=ctx.school,
        data=data,
        scope=f"{span.label} · {scope_label}",
        deputy_name=_deputy_name(ctx),
    )
    chart = (
        charts.bar_chart(
            [(month_label(m)[:3], data.by_month.get(m, 0)) for m in data.months],
            title=_("Пропущено уроков по месяцам"),
            unit="",
            maximum=0,
        )
        if data.months
        else ""
    )
    return _respond(
        request,
        report,
        "reports/attendance.html",
        {
            **scope.context,
            "chart": chart,
            "class_choices": data.class_rows if class_ids is None or len(class_ids) > 1 else [],
        },
    )


# --- user activity -------------------------------------------------------------------


@school_view(Perm.VIEW_REPORTS)
def activity_page(request):
    """Stored months as stored; the current month is counted live (not stored yet)."""
    ctx = request.school_ctx
    today = school_today(ctx.school)
    current = month_start(today)
    month = month_start(month_param(request.GET.get("month"), current))
    month = min(month, current)
    if month < current:
        stored = activity_report_store(school=ctx.school, month=month)
    else:
        from apps.reports.activity import compute_activity

        rows, by_role, by_class = compute_activity(school=ctx.school, month=month)
        stored = ActivityReport(
            school=ctx.school, month=month, rows=rows, by_role=by_role, by_class=by_class
        )
    label = month_label(month) + ("" if month < current else " " + _("(месяц не закончен)"))
    report = builders.activity_report(
        school=ctx.school, report=stored, label=label, deputy_name=_deputy_name(ctx)
    )
    year = ctx.open_year
    first = year.starts_on if year else current
    choices = [
        (m.strftime("%Y-%m"), month_label(m))
        for m in reversed(months_of(min(first, current), current))
    ]
    return _respond(
        request,
        report,
        "reports/activity.html",
        {
            "month": month,
            "choices": choices,
            "chosen": month.strftime("%Y-%m"),
        },
    )


# --- archive and long exports ---------------------------------------------------------


@_reports_view
def archive_page(request):
    ctx = request.school_ctx
    year, years = _chosen_year(ctx, request)
    if year is None:
        raise Http404
    allowed = report_class_ids(ctx, year)
    classes = year.classes.select_related("class_teacher").order_by("grade", "letter")
    if allowed is not None:
        classes = classes.filter(pk__in=allowed)
    jobs = list(exports_visible(ctx).order_by("-created_at")[:10])
    return render(
        request,
        "reports/archive.html",
        {
            "years": years,
            "year": year,
            "classes": list(classes),
            "jobs": jobs,
            "may_school": ctx.may(Perm.VIEW_REPORTS),
            "kinds": ExportJob.Kind,
        },
    )


@_reports_view
@require_POST
def export_start(request):
    ctx = request.school_ctx
    kind = request.POST.get("kind")
    year = get_object_or_404(
        AcademicYear.objects.filter(school=ctx.school), pk=int_param(request.POST.get("year"))
    )
    if kind == ExportJob.Kind.SCHOOL_YEAR:
        if not ctx.may(Perm.VIEW_REPORTS):
            raise PermissionDenied
        params = {"year": year.pk}
    elif kind == ExportJob.Kind.ARCHIVE:
        allowed = report_class_ids(ctx, year)
        school_class = get_object_or_404(
            year.classes.all(), pk=int_param(request.POST.get("class"))
        )
        if allowed is not None and school_class.pk not in allowed:
            raise Http404
        params = {"year": year.pk, "class": school_class.pk, "class_name": school_class.name}
    else:
        raise Http404
    job = export_job_start(acting_user=ctx.user, school=ctx.school, kind=kind, params=params)
    return redirect("reports:export", school_id=ctx.school.pk, job_id=job.pk)


@_reports_view
@require_POST
def pdf_start(request):
    """A report's PDF (the whole school's audit, a class's printouts) built by a worker: the
    page follows its progress, a notice says when it is ready."""
    ctx = request.school_ctx
    try:
        job = export_pdf_start(
            acting_user=ctx.user,
            school=ctx.school,
            path=request.POST.get("path", "")[:1000],
            title=request.POST.get("title", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:index", school_id=ctx.school.pk)
    return redirect("reports:export", school_id=ctx.school.pk, job_id=job.pk)


@_reports_view
def export_status(request, job_id: int):
    """The progress of an export; htmx polls the partial until the file is ready."""
    ctx = request.school_ctx
    job = get_object_or_404(exports_visible(ctx), pk=job_id)
    export_job_requeue(job=job)
    if request.GET.get("download"):
        if job.status != ExportJob.Status.DONE or not job.file:
            raise Http404
        return download(
            request,
            file=job.file,
            filename=job.filename,
            access=Access(AccessRecord.Kind.EXPORT, str(job), job.params.get("people", 0)),
        )
    template = "reports/_export_status.html" if request.htmx else "reports/export.html"
    return render(request, template, {"job": job, "waiting": job.is_waiting(clock.now())})
