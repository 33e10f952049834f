"""The year-end journal archive (seed 003 section 3): a class's whole journal of a year as
a PDF to print, sign and store — every subject with its lessons, topics, marks,
attendance, period marks and homework, as the paper journal had them.

Read with a fixed number of queries per class; rendered subject by subject so that the
worker can report its progress, then joined into one document.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from apps.attendance.models import AttendanceMark
from apps.classes.models import SchoolClass, TeachingAssignment
from apps.gradebook.models import Mark, PeriodMark
from apps.reports.audit import Rosters
from apps.reports.builders import signatures
from apps.schedule.models import Lesson
from apps.school import clock
from apps.school.models import StudyPeriod

DATES_PER_PAGE = 24


@dataclass
class GridChunk:
    lessons: list[dict]
    rows: list[tuple[str, list[str], str | None]]  # name, cells, period mark (last chunk only)
    last: bool


@dataclass
class PeriodBlock:
    period: StudyPeriod
    chunks: list[GridChunk]
    lessons: list[dict]


@dataclass
class SubjectSection:
    assignment: TeachingAssignment
    title: str
    periods: list[PeriodBlock] = field(default_factory=list)
    finals: list[tuple[str, list[str]]] = field(default_factory=list)
    final_headers: list[str] = field(default_factory=list)


def _name(*parts) -> str:
    return " ".join(p for p in parts if p)


def class_archive_sections(
    school_class: SchoolClass,
) -> tuple[list[SubjectSection], list[StudyPeriod]]:
    year = school_class.year
    periods = list(
        StudyPeriod.objects.filter(
            year=year, scheme=year.scheme_for_grade(school_class.grade)
        ).order_by("number")
    )
    assignments = list(
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "teacher", "subgroup")
        .order_by("subject__order", "subject__name", "subgroup__name")
    )
    lessons_by_assignment: dict[int, list[dict]] = defaultdict(list)
    for lesson in (
        Lesson.objects.filter(assignment__school_class=school_class)
        .exclude(status=Lesson.Status.CANCELLED)
        .values(
            "id",
            "assignment_id",
            "date",
            "lesson_number",
            "topic",
            "homework__text",
            "homework__minutes",
            "substitute_teacher__last_name",
            "substitute_teacher__first_name",
            "substitute_teacher__patronymic",
        )
        .order_by("date", "lesson_number")
    ):
        lesson["substitute"] = _name(
            lesson["substitute_teacher__last_name"],
            lesson["substitute_teacher__first_name"],
            lesson["substitute_teacher__patronymic"],
        )
        lessons_by_assignment[lesson["assignment_id"]].append(lesson)
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for lesson_id, student_id, kind in AttendanceMark.objects.filter(
        lesson__assignment__school_class=school_class
    ).values_list("lesson_id", "student_id", "kind"):
        cells[(lesson_id, student_id)].append(kind)
    for lesson_id, student_id, value in (
        Mark.objects.filter(lesson__assignment__school_class=school_class)
        .order_by("work_type__order", "pk")
        .values_list("lesson_id", "student_id", "value")
    ):
        cells[(lesson_id, student_id)].append(value)
    period_marks: dict[tuple, str] = {}
    for a_id, student_id, kind, period_id, value in PeriodMark.objects.filter(
        assignment__school_class=school_class
    ).values_list("assignment_id", "student_id", "kind", "period_id", "value"):
        period_marks[(a_id, student_id, kind, period_id)] = value
    rosters = Rosters.load([school_class.pk])

    sections = []
    for a in assignments:
        title = a.subject.name + (f" ({a.subgroup.name})" if a.subgroup_id else "")
        section = SubjectSection(assignment=a, title=title)
        year_students = sorted(
            rosters.students_of(a, year.starts_on, year.ends_on), key=lambda s: rosters.names[s]
        )
        for period in periods:
            lessons = [
                x
                for x in lessons_by_assignment[a.pk]
                if period.starts_on <= x["date"] <= period.ends_on
            ]
            students = sorted(
                rosters.students_of(a, period.starts_on, period.ends_on),
                key=lambda s: rosters.names[s],
            )
            chunks = []
            for start in range(0, max(len(lessons), 1), DATES_PER_PAGE):
                part = lessons[start : start + DATES_PER_PAGE]
                last = start + DATES_PER_PAGE >= len(lessons)
                rows = [
                    (
                        rosters.names[s],
                        ["/".join(cells.get((x["id"], s), [])) for x in part],
                        period_marks.get((a.pk, s, PeriodMark.Kind.PERIOD, period.pk), "")
                        if last
                        else None,
                    )
                    for s in students
                ]
                chunks.append(GridChunk(part, rows, last))
            section.periods.append(PeriodBlock(period, chunks, lessons))
        section.final_headers = [p.name for p in periods] + [_("Год"), _("Экзамен"), _("Итог")]
        for s in year_students:
            values = [
                period_marks.get((a.pk, s, PeriodMark.Kind.PERIOD, p.pk), "") for p in periods
            ]
            values += [
                period_marks.get((a.pk, s, kind, None), "")
                for kind in (PeriodMark.Kind.YEAR, PeriodMark.Kind.EXAM, PeriodMark.Kind.FINAL)
            ]
            section.finals.append((rosters.names[s], values))
        sections.append(section)
    return sections, periods


def class_archive_pdf(
    school_class: SchoolClass,
    *,
    progress_callback: Callable[[int, int], None] | None = None,
    deputy_name: str = "",
) -> bytes:
    """The class's journal of its year as one PDF (A4 landscape)."""
    from weasyprint import HTML

    school = school_class.school
    sections, periods = class_archive_sections(school_class)
    common = {
        "school": school,
        "school_class": school_class,
        "year": school_class.year,
        "landscape": True,
        "hide_page_numbers": True,
        "generated": clock.school_now(school).strftime("%d.%m.%Y %H:%M"),
    }
    documents = [
        HTML(
            string=render_to_string(
                "reports/pdf/archive_title.html",
                {
                    **common,
                    "sections": sections,
                    "periods": periods,
                },
            )
        ).render()
    ]
    total = len(sections) + 1
    for done, section in enumerate(sections, start=1):
        documents.append(
            HTML(
                string=render_to_string(
                    "reports/pdf/archive_section.html",
                    {
                        **common,
                        "section": section,
                    },
                )
            ).render()
        )
        if progress_callback:
            progress_callback(done, total)
    documents.append(
        HTML(
            string=render_to_string(
                "reports/pdf/archive_end.html",
                {
                    **common,
                    "signatures": [
                        (
                            _("Классный руководитель"),
                            school_class.class_teacher.short_name
                            if school_class.class_teacher_id
                            else "",
                        ),
                        *signatures(school, deputy_name=deputy_name),
                    ],
                    "lessons": sum(len(b.lessons) for s in sections for b in s.periods),
                },
            )
        ).render()
    )
    pages = [page for document in documents for page in document.pages]
    pdf = documents[0].copy(pages).write_pdf()
    if progress_callback:
        progress_callback(total, total)
    return pdf


def archive_filename(school_class: SchoolClass) -> str:
    return f"zhurnal-{school_class.name}-{school_class.year.name.replace('/', '-')}.pdf"
