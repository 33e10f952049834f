"""Writes of the control area: stored audits, their notifications, the activity report,
long exports. Each is idempotent: the monthly task may run twice, be retried after a
worker crash, or race another worker, and the result is stored and announced once.
"""

import hashlib
import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import RoleGrant, User
from apps.accounts.policy import Role
from apps.classes.models import SchoolClass
from apps.messaging.services import notify
from apps.reports.activity import compute_activity
from apps.reports.audit import RULE_KEYS, RULES, AuditResult, compute_audit
from apps.reports.background import pdf_by_its_view
from apps.reports.models import ActivityReport, AuditLine, AuditRun, ExportJob
from apps.reports.periods import month_end, month_label, month_start, previous_month
from apps.school import clock
from apps.school.models import AcademicYear, School, StudyPeriod
from apps.school.policy import audit_day, school_policy
from apps.students.models import Enrollment

logger = logging.getLogger(__name__)


def _advisory_lock(*parts) -> None:
    """Serialise writers of the same stored result inside the current transaction."""
    key = int.from_bytes(
        hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest(),
        "big",
        signed=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def year_of_range(school: School, starts_on: date, ends_on: date) -> AcademicYear | None:
    """The academic year a range belongs to (the one it overlaps most: a month is inside one)."""
    return (
        AcademicYear.objects.filter(school=school, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .order_by("-starts_on")
        .first()
    )


def run_label(run: AuditRun) -> str:
    if run.kind == AuditRun.Kind.MONTH:
        return month_label(run.starts_on)
    if run.period_id:
        return f"{run.period.name} {run.year.name}"
    return f"{run.starts_on:%d.%m.%Y}–{run.ends_on:%d.%m.%Y}"


# --- storing an audit ----------------------------------------------------------------------


def _summaries(result: AuditResult, lines: list[AuditLine]) -> tuple[dict, list, list]:
    """The school summary kept on the run: totals, per teacher, per class."""

    def blank() -> dict:
        return {
            **dict.fromkeys(RULE_KEYS, 0),
            "issues": 0,
            "lessons": 0,
            "lines": 0,
            "ktp_behind": 0,
            "ktp_missing": 0,
            "substituted": 0,
            "cancelled": 0,
        }

    totals = blank()
    teachers: dict[int, dict] = {}
    classes: dict[int, dict] = {}
    for line in lines:
        a = result.assignments[line.assignment_id]
        t = teachers.setdefault(
            line.teacher_id, {"id": line.teacher_id, "name": line.teacher_name, **blank()}
        )
        c = classes.setdefault(
            a.school_class_id,
            {
                "id": a.school_class_id,
                "name": a.school_class.name,
                "grade": a.school_class.grade,
                "letter": a.school_class.letter,
                "class_teacher_id": a.school_class.class_teacher_id,
                "class_teacher": a.school_class.class_teacher.full_name
                if a.school_class.class_teacher_id
                else "",
                "overload": [],
                **blank(),
            },
        )
        for bucket in (totals, t, c):
            for key in RULE_KEYS:
                bucket[key] += getattr(line, key)
            bucket["issues"] += line.issues
            bucket["lessons"] += line.lessons
            bucket["lines"] += 1
            bucket["ktp_behind"] += 1 if line.ktp_behind else 0
            bucket["ktp_missing"] += 1 if line.ktp_missing else 0
            bucket["substituted"] += line.substituted
            bucket["cancelled"] += line.cancelled
    for load in result.overload:
        a_class = next(
            a.school_class
            for a in result.assignments.values()
            if a.school_class_id == load.school_class_id
        )
        c = classes.setdefault(
            load.school_class_id,
            {
                "id": a_class.pk,
                "name": a_class.name,
                "grade": a_class.grade,
                "letter": a_class.letter,
                "class_teacher_id": a_class.class_teacher_id,
                "class_teacher": a_class.class_teacher.full_name
                if a_class.class_teacher_id
                else "",
                "overload": [],
                **blank(),
            },
        )
        c["overload"].append(
            {"date": load.day.isoformat(), "minutes": load.minutes, "norm": load.norm}
        )
    totals["overload_days"] = len(result.overload)
    totals["teachers"] = len(teachers)
    totals["teachers_with_issues"] = sum(1 for t in teachers.values() if t["issues"])
    for c in classes.values():
        c["overload_days"] = len(c["overload"])
    return (
        totals,
        sorted(teachers.values(), key=lambda t: t["name"]),
        sorted(classes.values(), key=lambda c: (c["grade"], c["letter"])),
    )


def _lines_of(result: AuditResult, run: AuditRun) -> list[AuditLine]:
    lines = []
    for r in result.lines:
        a = r.assignment
        group = f" ({a.subgroup.name})" if a.subgroup_id else ""
        lines.append(
            AuditLine(
                run=run,
                school_id=run.school_id,
                assignment=a,
                teacher_id=r.teacher_id,
                school_class_id=a.school_class_id,
                teacher_name=r.teacher_name,
                class_name=f"{a.school_class.name}{group}",
                subject_name=a.subject.name,
                substitute=r.substitute,
                lessons=r.lessons,
                marks=r.marks,
                students=r.students,
                marks_per_student=r.marks_per_student,
                ktp_planned=r.ktp_planned,
                ktp_held=r.ktp_held,
                ktp_missing=r.ktp_missing,
                substituted=r.substituted,
                cancelled=r.cancelled,
                issues=r.issues,
                details=dict(r.details),
                **r.counts,
            )
        )
    return lines


@transaction.atomic
def audit_store(
    *,
    school: School,
    kind: str,
    starts_on: date,
    ends_on: date,
    period: StudyPeriod | None = None,
    acting_user=None,
    as_of: datetime | None = None,
    replace: bool = False,
    send: bool = False,
    automatic: bool = False,
) -> AuditRun:
    """Audit the school's journal over a range and store the result (seed 004 item 7.3).

    Stored once per school and range: a second call returns the stored run (the monthly
    task retried, or run twice, computes nothing new); `replace=True` recomputes it in
    place, as the deputy does with «Провести проверку заново». `send=True` gives each
    teacher and class teacher their part (seed 002 section 7) — once per range, however
    often it is called.
    """
    _advisory_lock("audit", school.pk, kind, starts_on, ends_on)
    run = AuditRun.objects.filter(
        school=school, kind=kind, starts_on=starts_on, ends_on=ends_on
    ).first()
    # The control-day run replaces an earlier on-demand run of the same month once.
    if run is not None and not replace and (run.automatic or not automatic):
        if send:
            audit_notify(run=run)
        return run
    year = period.year if period is not None else year_of_range(school, starts_on, ends_on)
    if year is None:
        raise ValueError(_("Диапазон не относится ни к одному учебному году."))
    as_of = as_of or clock.now()
    result = compute_audit(
        school=school,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        as_of=as_of,
        periods_due=[period] if period is not None else None,
    )
    if run is None:
        run = AuditRun(school=school, kind=kind, starts_on=starts_on, ends_on=ends_on)
    else:
        run.lines.all().delete()
    run.year, run.period, run.computed_at = year, period, as_of
    run.automatic, run.created_by = automatic, acting_user
    run.totals, run.teachers, run.classes = {}, [], []
    run.save()
    lines = AuditLine.objects.bulk_create(_lines_of(result, run), batch_size=500)
    run.totals, run.teachers, run.classes = _summaries(result, lines)
    run.save(update_fields=["totals", "teachers", "classes"])
    if send:
        audit_notify(run=run)
    return run


def audit_month_store(
    *,
    school: School,
    month: date,
    send: bool = False,
    automatic: bool = False,
    acting_user=None,
    replace: bool = False,
    as_of: datetime | None = None,
) -> AuditRun | None:
    """The monthly audit of a calendar month; None when the month is outside every year."""
    first, last = month_start(month), month_end(month)
    if year_of_range(school, first, last) is None:
        return None
    return audit_store(
        school=school,
        kind=AuditRun.Kind.MONTH,
        starts_on=first,
        ends_on=last,
        send=send,
        automatic=automatic,
        acting_user=acting_user,
        replace=replace,
        as_of=as_of,
    )


# --- giving each person their part ---------------------------------------------------------


def _issue_text(bucket: dict) -> str:
    parts = [f"{rule.short.lower()} — {bucket[rule.key]}" for rule in RULES if bucket.get(rule.key)]
    if bucket.get("ktp_missing"):
        parts.append(_("КТП не заполнено"))
    if bucket.get("overload_days"):
        parts.append(_("перегрузка д/з, дней — %(n)s") % {"n": bucket["overload_days"]})
    return "; ".join(parts) or _("замечаний нет")


def audit_notify(*, run: AuditRun, email: bool = True) -> int:
    """Each teacher gets their lines, each class teacher their class, the deputy and the
    director the school summary: in the app and by e-mail, once per range (dedupe keys
    name the range, not the run, so a recomputed run is not announced twice)."""
    label = run_label(run)
    base = f"audit:{run.kind}:{run.starts_on:%Y%m%d}:{run.ends_on:%Y%m%d}"
    page = reverse("reports:audit", kwargs={"school_id": run.school_id})
    lines_by_teacher: dict[int, list[AuditLine]] = defaultdict(list)
    for line in run.lines.all().order_by("class_name", "subject_name"):
        lines_by_teacher[line.teacher_id].append(line)
    admins = set(
        RoleGrant.objects.filter(
            school_id=run.school_id, role__in=[Role.DEPUTY, Role.DIRECTOR]
        ).values_list("user_id", flat=True)
    )
    wanted = (
        set(lines_by_teacher)
        | {c["class_teacher_id"] for c in run.classes if c["class_teacher_id"]}
        | admins
    )
    users = User.objects.in_bulk([u for u in wanted if u])
    school = run.school
    sent = 0
    for teacher in run.teachers:
        user = users.get(teacher["id"])
        if user is None:
            continue
        body = "\n".join(
            f"{line.class_name}, {line.subject_name.lower()}: {_issue_text(line.__dict__)}"
            for line in lines_by_teacher[teacher["id"]]
        )
        title = _("Контроль журнала за %(label)s: %(result)s") % {
            "label": label,
            "result": _("замечаний — %(n)s") % {"n": teacher["issues"]}
            if teacher["issues"]
            else _("замечаний нет"),
        }
        sent += bool(
            notify(
                school=school,
                user=user,
                title=title[:200],
                body=body,
                link=f"{page}?run={run.pk}&teacher={user.pk}",
                dedupe_key=f"{base}:teacher:{user.pk}",
                email=email,
            )
        )
    for cls in run.classes:
        user = users.get(cls["class_teacher_id"])
        if user is None:
            continue
        overload = "\n".join(
            _("%(date)s: %(minutes)s мин при норме %(norm)s")
            % {
                "date": date.fromisoformat(o["date"]).strftime("%d.%m.%Y"),
                "minutes": o["minutes"],
                "norm": o["norm"],
            }
            for o in cls["overload"]
        )
        body = _("Класс %(name)s: %(text)s") % {"name": cls["name"], "text": _issue_text(cls)}
        if overload:
            body += "\n" + _("Перегрузка домашними заданиями:") + "\n" + overload
        title = _("Контроль журнала за %(label)s: класс %(name)s") % {
            "label": label,
            "name": cls["name"],
        }
        sent += bool(
            notify(
                school=school,
                user=user,
                title=title[:200],
                body=body,
                link=f"{page}?run={run.pk}&class={cls['id']}",
                dedupe_key=f"{base}:class:{cls['id']}",
                email=email,
            )
        )
    totals = run.totals
    for user_id in admins:
        user = users.get(user_id)
        body = _("Учителей с замечаниями: %(bad)s из %(all)s. %(text)s") % {
            "bad": totals.get("teachers_with_issues", 0),
            "all": totals.get("teachers", 0),
            "text": _issue_text(totals),
        }
        title = _("Контроль журнала за %(label)s проведён") % {"label": label}
        sent += bool(
            notify(
                school=school,
                user=user,
                title=title[:200],
                body=body,
                link=f"{page}?run={run.pk}",
                dedupe_key=f"{base}:school",
                email=email,
            )
        )
    if run.notified_at is None:
        run.notified_at = clock.now()
        run.save(update_fields=["notified_at"])
    return sent


# --- the monthly schedule ----------------------------------------------------------------


def audits_due(*, now: datetime) -> list[tuple[int, date]]:
    """(school, month) pairs whose monthly audit is due and not stored yet.

    On or after the school's control day (the 20th by default, seed 002 section 7) the
    previous calendar month is audited: every deadline of it has passed by then. A day
    missed while the broker was down is caught up at the next run.
    """
    due = []
    stored = set(
        AuditRun.objects.filter(kind=AuditRun.Kind.MONTH, automatic=True).values_list(
            "school_id", "starts_on"
        )
    )
    for school in School.objects.all():
        today = now.astimezone(school.tz).date()
        policy = school_policy(school)
        if today < audit_day(policy, year=today.year, month=today.month):
            continue
        month = previous_month(today)
        if (school.pk, month) in stored:
            continue
        if year_of_range(school, month, month_end(month)) is not None:
            due.append((school.pk, month))
    return due


# --- the monthly activity report ---------------------------------------------------------


@transaction.atomic
def activity_report_store(*, school: School, month: date, replace: bool = False) -> ActivityReport:
    """Build and store a month's user-activity report (seed 002 section 8: once a month)."""
    month = month_start(month)
    _advisory_lock("activity", school.pk, month)
    report = ActivityReport.objects.filter(school=school, month=month).first()
    if report is not None and not replace:
        return report
    rows, by_role, by_class = compute_activity(school=school, month=month)
    report = report or ActivityReport(school=school, month=month)
    report.rows, report.by_role, report.by_class = rows, by_role, by_class
    report.computed_at = clock.now()
    report.save()
    return report


def activity_reports_due(*, now: datetime) -> list[tuple[int, date]]:
    """(school, month) pairs whose previous month's activity report is not stored yet."""
    stored = set(ActivityReport.objects.values_list("school_id", "month"))
    due = []
    for school in School.objects.all():
        month = previous_month(now.astimezone(school.tz).date())
        if (school.pk, month) not in stored and year_of_range(
            school, month, month_end(month)
        ) is not None:
            due.append((school.pk, month))
    return due


# --- long exports --------------------------------------------------------------------------

STALE_RUNNING = timedelta(minutes=15)
# A job the broker refused is offered again at most this often (the page polls every second).
RETRY_REFUSED_AFTER = timedelta(seconds=10)
EXPORTS_KEPT = timedelta(days=7)


def _queue_export(job_id: int) -> bool:
    """Hand the job to a worker. With the broker down the job stays queued, marked so the
    page tells the user it waits; the status page and the sweep queue it again."""
    from apps.reports.tasks import export_build

    try:
        export_build.delay(job_id)
    except Exception:  # the broker is down: the status page queues it again
        logger.warning("export %s: broker unavailable, left queued", job_id)
        ExportJob.objects.filter(pk=job_id, broker_refused_at__isnull=True).update(
            broker_refused_at=clock.now()
        )
        return False
    ExportJob.objects.filter(pk=job_id, broker_refused_at__isnull=False).update(
        broker_refused_at=None
    )
    return True


def export_job_start(*, acting_user, school: School, kind: str, params: dict) -> ExportJob:
    """Ask a worker for a long export; the browser follows its progress."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            school=school, kind=kind, params=params, created_by=acting_user
        )
        transaction.on_commit(lambda: _queue_export(job.pk), robust=True)
    return job


def export_job_requeue(*, job: ExportJob, now: datetime | None = None) -> bool:
    """A job nobody took (broker down) or whose worker died is queued again."""
    now = now or clock.now()
    waiting = job.status == ExportJob.Status.QUEUED and job.created_at < now - timedelta(minutes=1)
    lost = (
        job.status == ExportJob.Status.RUNNING
        and job.started_at
        and job.started_at < now - STALE_RUNNING
    )
    refused = (
        job.broker_refused_at is not None and job.broker_refused_at < now - RETRY_REFUSED_AFTER
    )
    if waiting or lost or refused:
        queued = _queue_export(job.pk)
        job.broker_refused_at = None if queued else (job.broker_refused_at or now)
        return True
    return False


def export_jobs_requeue(*, now: datetime) -> int:
    """Beat: offer again every export still queued (the broker was down when it was asked)."""
    jobs = ExportJob.objects.filter(
        status=ExportJob.Status.QUEUED, created_at__lt=now - timedelta(minutes=1)
    )
    return sum(_queue_export(pk) for pk in jobs.values_list("pk", flat=True)[:200])


def _progress(job_id: int, done: int, total: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(progress=min(99, int(done * 100 / max(total, 1))))


def export_job_build(*, job_id: int, attempt: str = "") -> ExportJob | None:
    """Build the file of an export job once; a redelivered or repeated task does nothing.

    The job is claimed with a conditional UPDATE (queued → running), so two workers never
    build the same file; a job left running by a dead worker may be claimed again: by
    the same task delivered again (`attempt`, the task id: a killed worker's message is
    redelivered), or by anyone once it has been running for STALE_RUNNING.
    """
    from apps.reports.archive import archive_filename, class_archive_pdf
    from apps.reports.yearbook import school_year_xlsx

    now = clock.now()
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ExportJob.Status.QUEUED)
            | Q(status=ExportJob.Status.RUNNING, started_at__lt=now - STALE_RUNNING)
            | (Q(status=ExportJob.Status.RUNNING, claimed_by=attempt) if attempt else Q(pk=None))
        )
        .update(status=ExportJob.Status.RUNNING, started_at=now, progress=0, claimed_by=attempt)
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("school", "created_by").get(pk=job_id)
    report = partial(_progress, job.pk)
    try:
        if job.kind == ExportJob.Kind.REPORT_PDF:
            report(0, 1)
            content, name = pdf_by_its_view(
                path=job.params["path"], user=job.created_by, school=job.school
            )
            enrolments = Enrollment.objects.none()
        elif job.kind == ExportJob.Kind.SCHOOL_YEAR:
            year = AcademicYear.objects.get(school=job.school, pk=job.params["year"])
            content = school_year_xlsx(year=year, progress_callback=report)
            name = f"vedomost-{year.name.replace('/', '-')}.xlsx"
            enrolments = Enrollment.objects.filter(school_class__year=year)
        else:
            school_class = SchoolClass.objects.select_related(
                "year", "school", "class_teacher"
            ).get(school=job.school, pk=job.params["class"])
            content = class_archive_pdf(
                school_class, progress_callback=report, deputy_name=job.created_by.short_name
            )
            name = archive_filename(school_class)
            enrolments = Enrollment.objects.filter(school_class=school_class)
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, message=str(error)[:300], finished_at=clock.now()
        )
        return None
    job.file.save(name, ContentFile(content), save=False)
    # How many people the file names, for the access log of its downloads.
    people = enrolments.values("student_id").distinct().count()
    job.params = {**job.params, "people": people or job.params.get("people", 0)}
    job.filename, job.status, job.progress, job.finished_at = (
        name,
        ExportJob.Status.DONE,
        100,
        clock.now(),
    )
    job.save(update_fields=["file", "filename", "status", "progress", "finished_at", "params"])
    if job.kind == ExportJob.Kind.REPORT_PDF:
        # The reader may have closed the page: a notice says the file is ready.
        notify(
            school=job.school,
            user=job.created_by,
            title=_("Файл готов: %(name)s") % {"name": name},
            link=reverse("reports:export", kwargs={"school_id": job.school_id, "job_id": job.pk}),
            dedupe_key=f"export:{job.pk}",
        )
    return job


def export_pdf_start(*, acting_user, school: School, path: str, title: str) -> ExportJob:
    """A report's PDF built by a worker; `path` is the report page with its choices."""
    from apps.reports.background import pdf_path_allowed

    if not pdf_path_allowed(path, school):
        raise ValidationError(_("Этот отчёт нельзя сформировать в фоне."))
    return export_job_start(
        acting_user=acting_user,
        school=school,
        kind=ExportJob.Kind.REPORT_PDF,
        params={"path": path, "title": title[:200]},
    )


def exports_cleanup(*, now: datetime | None = None) -> int:
    """Files of exports older than a week are removed (they can be built again)."""
    now = now or clock.now()
    old = list(ExportJob.objects.filter(created_at__lt=now - EXPORTS_KEPT))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)
