"""Samples for the permission matrix (tests/test_permission_matrix.py) of the control and
report URLs. Merged into the shared matrix by tests/permission_samples.py.
"""

from datetime import date

from apps.school import clock


def _line(w):

    from apps.reports.models import AuditLine, AuditRun

    run, _created = AuditRun.objects.get_or_create(
        school=w.school,
        kind=AuditRun.Kind.MONTH,
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
        defaults={"year": w.year, "computed_at": clock.now()},
    )
    line, _created = AuditLine.objects.get_or_create(
        run=run,
        school=w.school,
        assignment=w.assignment,
        teacher=w.assignment.teacher,
        school_class=w.school_class,
        defaults={
            "teacher_name": w.assignment.teacher.full_name,
            "class_name": w.school_class.name,
            "subject_name": w.subject.name,
            "lessons": 1,
            "no_topic": 1,
            "issues": 1,
        },
    )
    return line


def _job(w):
    from apps.reports.models import ExportJob

    job, _created = ExportJob.objects.get_or_create(
        school=w.school,
        kind=ExportJob.Kind.ARCHIVE,
        created_by=w.users["teacher"],
        defaults={
            "params": {
                "year": w.year.pk,
                "class": w.school_class.pk,
                "class_name": w.school_class.name,
            },
            "status": ExportJob.Status.DONE,
            "progress": 100,
            "filename": "zhurnal.pdf",
        },
    )
    return job


REPORTS_URL_SAMPLES = {
    "reports:audit-line": lambda w: {"line_id": _line(w).pk},
    "reports:export": lambda w: {"job_id": _job(w).pk},
}

# The world's teacher teaches 5А and is its class teacher: they see their own audit lines
# and their class's reports. The director and the deputy see everything; parents,
# students and the rest of the staff are refused.
_READERS = {"teacher": 200, "director": 200, "deputy": 200}
REPORTS_CHECK_EXPECTATIONS = {
    name: _READERS
    for name in (
        "reports:index",
        "reports:audit",
        "reports:audit-line",
        "reports:progress",
        "reports:attendance",
        "reports:archive",
        "reports:export-start",
        "reports:pdf-start",
        "reports:export",
    )
}
