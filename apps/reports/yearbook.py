"""The whole school's year in one Excel workbook (сводная ведомость за год).

A summary sheet (progress and quality per class for the year), then one sheet per class:
every student × every subject with the period marks, the year mark and the weighted
average of the year's current marks. Written class by class in openpyxl's write-only
mode, reading each class with a fixed number of queries: memory does not grow with the
school, and the caller hears the progress after every class.
"""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, F, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from apps.classes.models import SchoolClass, TeachingAssignment
from apps.gradebook.models import NUMERIC_MARKS, Mark, PeriodMark
from apps.reports.builders import progress_main_table
from apps.reports.exports import write_table
from apps.reports.periods import spans_of_year
from apps.reports.progress import SOURCE_MARKS, progress
from apps.reports.tables import Report
from apps.schedule.models import Lesson
from apps.school import clock
from apps.school.models import AcademicYear, StudyPeriod
from apps.school.policy import school_policy
from apps.school.spreadsheets import cell as text_cell
from apps.school.spreadsheets import row as safe_row
from apps.school.spreadsheets import workbook_bytes
from apps.students.models import Enrollment

BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="EEF2F7")
TWO_PLACES = Decimal("0.01")


def _class_sheet(
    wb: Workbook, school_class: SchoolClass, year: AcademicYear, periods: list[StudyPeriod]
) -> None:
    assignments = list(
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "subgroup")
        .order_by("subject__order", "subject__name", "subgroup__name")
    )
    subjects: list[str] = []
    subject_of: dict[int, str] = {}
    for a in assignments:
        subject_of[a.pk] = a.subject.name
        if a.subject.name not in subjects:
            subjects.append(a.subject.name)
    students = []
    seen = set()
    for e in (
        Enrollment.objects.filter(school_class=school_class)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "starts_on")
    ):
        if e.student_id not in seen:
            seen.add(e.student_id)
            students.append((e.student_id, e.student.full_name, e.ends_on))
    marks: dict[tuple[int, str, str], str] = {}
    for a_id, student_id, kind, period_id, value in PeriodMark.objects.filter(
        assignment__school_class=school_class
    ).values_list("assignment_id", "student_id", "kind", "period_id", "value"):
        key = f"p{period_id}" if kind == PeriodMark.Kind.PERIOD else kind
        marks[(student_id, subject_of[a_id], key)] = value
    averages: dict[tuple[int, str], Decimal] = {}
    for row in (
        Mark.objects.filter(lesson__assignment__school_class=school_class, value__in=NUMERIC_MARKS)
        .exclude(lesson__status=Lesson.Status.CANCELLED)
        .values("lesson__assignment_id", "student_id")
        .annotate(
            total=Sum(
                Cast("value", DecimalField(max_digits=2, decimal_places=0)) * F("work_type__weight")
            ),
            weight=Sum("work_type__weight"),
        )
    ):
        if row["weight"]:
            averages[(row["student_id"], subject_of[row["lesson__assignment_id"]])] = (
                row["total"] / row["weight"]
            ).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    keys = [(f"p{p.pk}", p.name) for p in periods] + [("year", _("Год"))]
    ws = wb.create_sheet(school_class.name)
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 34
    per_subject = len(keys) + 1
    for i in range(len(subjects) * per_subject):
        ws.column_dimensions[get_column_letter(3 + i)].width = 6
    ws.freeze_panes = "C5"
    title = text_cell(
        ws,
        _("Сводная ведомость %(cls)s класса, %(year)s")
        % {"cls": school_class.name, "year": year.name},
    )
    title.font = Font(bold=True, size=13)
    ws.append([title])
    teacher = school_class.class_teacher.full_name if school_class.class_teacher_id else "—"
    ws.append(safe_row(ws, [_("Классный руководитель: %(name)s") % {"name": teacher}]))
    top, sub = (
        [text_cell(ws, "№"), text_cell(ws, _("ФИО"))],
        [text_cell(ws), text_cell(ws)],
    )
    for subject in subjects:
        top.append(text_cell(ws, subject))
        top.extend(text_cell(ws) for _i in range(per_subject - 1))
        sub.extend(text_cell(ws, label) for _k, label in keys)
        sub.append(text_cell(ws, _("Ср.")))
    for cell in top + sub:
        cell.font, cell.fill = BOLD, HEAD
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    ws.append(top)
    ws.append(sub)
    for number, (student_id, name, left_on) in enumerate(students, start=1):
        row = [
            number,
            name
            + (f" ({_('выбыл')} {left_on:%d.%m.%Y})" if left_on and left_on < year.ends_on else ""),
        ]
        for subject in subjects:
            for key, _label in keys:
                value = marks.get((student_id, subject, key))
                row.append(int(value) if value in NUMERIC_MARKS else value)
            avg = averages.get((student_id, subject))
            cell = text_cell(ws, avg)
            cell.number_format = "0.00"
            row.append(cell)
        ws.append(safe_row(ws, row))


def school_year_xlsx(
    *, year: AcademicYear, progress_callback: Callable[[int, int], None] | None = None
) -> bytes:
    school = year.school
    classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("class_teacher")
        .order_by("grade", "letter")
    )
    periods = list(StudyPeriod.objects.filter(year=year).order_by("scheme", "number"))
    policy = school_policy(school)
    wb = Workbook(write_only=True)
    span = spans_of_year(year, periods)[-1]
    data = progress(year=year, span=span, source=SOURCE_MARKS, policy=policy, today=year.ends_on)
    summary = Report(
        title=_("Итоги учебного года"),
        school=school,
        range_label=year.name,
        tables=[],
        generated_at=clock.now(),
        filename="",
    )
    write_table(wb.create_sheet(_("Итоги")), summary, progress_main_table(data, "class"))
    total = len(classes)
    for done, school_class in enumerate(classes, start=1):
        scheme = year.scheme_for_grade(school_class.grade)
        _class_sheet(wb, school_class, year, [p for p in periods if p.scheme == scheme])
        if progress_callback:
            progress_callback(done, total)
    return workbook_bytes(wb)
