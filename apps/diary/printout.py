"""The weekly printed report for parents without electronic access (seed 003, appendix 3 item 3).

The class teacher prints, once a week, each such student's week: marks with work type,
absences, homework, with a signature line. One student or the whole class in one PDF,
A4, Russian typography (weasyprint).
"""

from datetime import date, timedelta

from django.template.loader import render_to_string

from apps.diary.selectors import diary_week
from apps.school import clock
from apps.students.models import Enrollment, Guardianship
from apps.students.selectors import roster_of


def class_roster(*, school_class, day: date) -> list[dict]:
    """Students of the class on `day` with their parents and who asked for a printout (two queries)."""
    enrolments = list(
        roster_of(school_class, (day, day))
        .select_related("student")
        .order_by("student__last_name", "student__first_name")
    )
    guardians: dict[int, list] = {}
    for g in (
        Guardianship.objects.filter(student_id__in=[e.student_id for e in enrolments])
        .select_related("guardian__paper_report")
        .order_by("guardian__last_name")
    ):
        g.guardian.paper = getattr(g.guardian, "paper_report", None) is not None
        guardians.setdefault(g.student_id, []).append(g)
    return [
        {
            "student": e.student,
            "guardianships": guardians.get(e.student_id, []),
            "paper": any(g.guardian.paper for g in guardians.get(e.student_id, [])),
        }
        for e in enrolments
    ]


def _students_for(*, school_class, monday: date, student_id: int | None, everyone: bool) -> list:
    saturday = monday + timedelta(days=5)
    enrolled = (
        roster_of(school_class, (monday, saturday))
        .select_related("student")
        .order_by("student__last_name", "student__first_name")
    )
    if student_id is not None:
        enrolled = enrolled.filter(student_id=student_id)
    elif not everyone:
        enrolled = enrolled.filter(
            student__guardianships__guardian__paper_report__isnull=False
        ).distinct()
    seen, students = set(), []
    for e in enrolled:
        if e.student_id not in seen:
            seen.add(e.student_id)
            e.student.school = school_class.school
            students.append(e.student)
    return students


def weekly_pdf(
    *,
    school_class,
    monday: date,
    today: date,
    teacher,
    student_id: int | None = None,
    everyone: bool = False,
) -> bytes | None:
    """The PDF, or None when nobody fits (an unknown student, or no parent asked for it)."""
    from weasyprint import HTML

    students = _students_for(
        school_class=school_class, monday=monday, student_id=student_id, everyone=everyone
    )
    if not students:
        return None
    reports = []
    for student in students:
        week = diary_week(student=student, day=monday, today=today)
        days = [d for d in week.days if d.enrolled]
        marks = [(d, dl, m) for d in days for dl in d.lessons for m in dl.marks]
        absences = [(d, dl) for d in days for dl in d.lessons if dl.attendance]
        homework = [(d, dl) for d in days for dl in d.lessons if dl.homework is not None]
        reports.append(
            {
                "student": student,
                "week": week,
                "days": days,
                "marks": marks,
                "absences": absences,
                "homework": homework,
            }
        )
    html = render_to_string(
        "diary/printout.html",
        {
            "school": school_class.school,
            "school_class": school_class,
            "monday": monday,
            "saturday": monday + timedelta(days=5),
            "reports": reports,
            "teacher": teacher,
            "printed_on": clock.school_today(school_class.school),
        },
    )
    return HTML(string=html).write_pdf()


def week_class_of(*, student, monday: date):
    """The class a student was in during the week of `monday` (the latest, after a transfer)."""
    saturday = monday + timedelta(days=5)
    enrolment = (
        Enrollment.objects.filter(student=student)
        .overlapping(monday, saturday)
        .select_related("school_class__class_teacher", "school_class__school")
        .order_by("-starts_on")
        .first()
    )
    return enrolment.school_class if enrolment else None
