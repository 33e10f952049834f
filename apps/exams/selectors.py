"""Reads of the ГИА: candidates, the deadline audit, the reports and the certificate sheet."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count

from apps.classes.models import SchoolClass, TeachingAssignment
from apps.exams.models import Candidate, Exam
from apps.exams.services import is_maths
from apps.gradebook.grading import grade as grade_marks
from apps.gradebook.models import NUMERIC_MARKS, PeriodMark
from apps.school.policy import gia_application_deadline, gia_results_deadline
from apps.students.models import Enrollment

GIA_GRADES = (9, 11)
MATHS_PARTS = ("алгебра", "геометрия")


def graduating_classes(year) -> list[SchoolClass]:
    return list(
        SchoolClass.objects.filter(year=year, grade__in=GIA_GRADES).order_by("grade", "letter")
    )


def class_of(year, student_ids) -> dict[int, SchoolClass]:
    out = {}
    for e in (
        Enrollment.objects.filter(school_class__year=year, student_id__in=student_ids)
        .select_related("school_class")
        .order_by("starts_on")
    ):
        out[e.student_id] = e.school_class
    return out


@dataclass
class CandidateRow:
    candidate: Candidate
    school_class: SchoolClass | None
    exams: list[Exam]
    deadline: date
    late_application: bool


def candidates(*, school, year, policy, grade: int | None = None) -> list[CandidateRow]:
    """The year's candidates with their class, subjects and application against its deadline
    (three queries)."""
    qs = Candidate.objects.filter(school=school, year=year).select_related("student")
    if grade:
        qs = qs.filter(grade=grade)
    rows = list(qs)
    exams = defaultdict(list)
    for e in Exam.objects.filter(candidate__in=rows).select_related("subject"):
        exams[e.candidate_id].append(e)
    classes = class_of(year, [c.student_id for c in rows])
    out = []
    for c in rows:
        deadline = gia_application_deadline(policy, grade=c.grade, year_starts_on=year.starts_on)
        out.append(
            CandidateRow(
                candidate=c,
                school_class=classes.get(c.student_id),
                exams=sorted(exams[c.pk], key=lambda e: (e.subject.order, e.subject.name)),
                deadline=deadline,
                late_application=c.applied_on is not None and c.applied_on > deadline,
            )
        )
    out.sort(
        key=lambda r: (
            r.candidate.grade,
            r.school_class.letter if r.school_class else "",
            r.candidate.student.last_name,
            r.candidate.student.first_name,
        )
    )
    return out


@dataclass
class ResultLine:
    exam: Exam
    deadline: date
    status: str  # "late" (entered after the deadline), "overdue" (still missing), "waiting"


def results_audit(*, school, year, policy, today: date) -> list[ResultLine]:
    """Published results against the 10-day deadline (seed 000 item 16): entered late, still
    missing after it, or waiting within it. Entries on time are not listed. One query."""
    lines = []
    for exam in (
        Exam.objects.filter(school=school, candidate__year=year, published_on__isnull=False)
        .select_related("candidate__student", "subject", "entered_by")
        .order_by("published_on", "subject__name")
    ):
        deadline = gia_results_deadline(policy, published_on=exam.published_on)
        if exam.entered_at is not None:
            entered_on = exam.entered_at.astimezone(school.tz).date()
            if entered_on > deadline:
                lines.append(ResultLine(exam, deadline, "late"))
        elif today > deadline:
            lines.append(ResultLine(exam, deadline, "overdue"))
        else:
            lines.append(ResultLine(exam, deadline, "waiting"))
    return lines


@dataclass
class ChoiceRow:
    subject: str
    level: str
    grade: int
    count: int
    share: Decimal | None


def subject_choices(*, school, year) -> list[ChoiceRow]:
    """How many candidates of each grade chose each subject, and their share (two queries)."""
    totals = dict(
        Candidate.objects.filter(school=school, year=year)
        .values_list("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )
    rows = []
    for row in (
        Exam.objects.filter(school=school, candidate__year=year)
        .values("candidate__grade", "subject__name", "subject__order", "level")
        .annotate(n=Count("pk"))
        .order_by("candidate__grade", "subject__order", "subject__name", "level")
    ):
        total = totals.get(row["candidate__grade"]) or 0
        rows.append(
            ChoiceRow(
                subject=row["subject__name"],
                level=row["level"],
                grade=row["candidate__grade"],
                count=row["n"],
                share=(Decimal(row["n"]) * 100 / total) if total else None,
            )
        )
    return rows


@dataclass
class ResultRow:
    subject: str
    level: str
    grade: int
    count: int
    average_mark: Decimal | None
    share_two: Decimal | None
    highest_primary: int | None
    highest_test: int | None
    average_year: Decimal | None  # the annual marks of the same students in the subject
    # Exam mark against the annual mark; None where no annual marks are known.
    confirmed: int | None
    above: int | None
    below: int | None


def year_marks(*, year, student_ids, subject_ids) -> dict[tuple[int, int], int]:
    """(student, subject) → numeric year mark of the year (one query)."""
    out = {}
    for student_id, subject_id, value in PeriodMark.objects.filter(
        kind=PeriodMark.Kind.YEAR,
        assignment__year=year,
        student_id__in=student_ids,
        assignment__subject_id__in=subject_ids,
    ).values_list("student_id", "assignment__subject_id", "value"):
        if value in NUMERIC_MARKS:
            out[(student_id, subject_id)] = int(value)
    return out


def results_by_subject(*, school, year) -> list[ResultRow]:
    """Per subject: average 5-point mark, share of «2», highest scores, compared with the
    annual marks of the same students (two queries)."""
    exams = list(
        Exam.objects.filter(school=school, candidate__year=year, mark__isnull=False).select_related(
            "subject", "candidate"
        )
    )
    annual = year_marks(
        year=year,
        student_ids={e.candidate.student_id for e in exams},
        subject_ids={e.subject_id for e in exams},
    )
    groups: dict[tuple, list[Exam]] = defaultdict(list)
    for e in exams:
        groups[(e.candidate.grade, e.subject.order, e.subject.name, e.level)].append(e)
    rows = []
    for (grade, _order, name, level), items in sorted(groups.items()):
        marks = [e.mark for e in items]
        pairs = [
            (e.mark, annual[(e.candidate.student_id, e.subject_id)])
            for e in items
            if (e.candidate.student_id, e.subject_id) in annual
        ]
        tests = [e.test_score for e in items if e.test_score is not None]
        rows.append(
            ResultRow(
                subject=name,
                level=level,
                grade=grade,
                count=len(items),
                average_mark=Decimal(sum(marks)) / len(marks),
                share_two=Decimal(sum(1 for m in marks if m == 2)) * 100 / len(marks),
                highest_primary=max(e.primary_score for e in items),
                highest_test=max(tests) if tests else None,
                average_year=(Decimal(sum(y for _m, y in pairs)) / len(pairs)) if pairs else None,
                confirmed=sum(1 for m, y in pairs if m == y) if pairs else None,
                above=sum(1 for m, y in pairs if m > y) if pairs else None,
                below=sum(1 for m, y in pairs if m < y) if pairs else None,
            )
        )
    return rows


@dataclass
class CertificateLine:
    subject: str
    year_mark: str
    exam_mark: str
    exam_source: str  # "gia" or "journal" or ""
    suggested: str | None
    final_mark: str
    mismatch: bool


def certificate_sheet(*, candidate: Candidate, thresholds) -> list[CertificateLine]:
    """The marks of the certificate (аттестат) per subject of the candidate's class.

    The product's rule for final marks (apps/gradebook, `row_finals`): the mean of the year and
    exam marks, rounded by the school's thresholds (2,5 / 3,5 / 4,5 — mathematical rounding).
    Grade 9: the ГИА mark is the exam mark of its subject (Порядок выдачи аттестатов, п. 5.1:
    the mean of the year and the ГИА marks). Grade 11: the ЕГЭ does not enter the certificate;
    the final mark follows from the year marks (п. 5.2). Three queries.
    """
    year = candidate.year
    enrolment = (
        Enrollment.objects.filter(student=candidate.student, school_class__year=year)
        .order_by("-starts_on")
        .first()
    )
    if enrolment is None:
        return []
    subjects = {
        a.subject_id: a.subject
        for a in TeachingAssignment.objects.filter(school_class_id=enrolment.school_class_id)
        .select_related("subject")
        .order_by("subject__order", "subject__name")
    }
    marks: dict[tuple[int, str], str] = {}
    for subject_id, kind, value in PeriodMark.objects.filter(
        student=candidate.student,
        assignment__year=year,
        kind__in=[PeriodMark.Kind.YEAR, PeriodMark.Kind.EXAM, PeriodMark.Kind.FINAL],
    ).values_list("assignment__subject_id", "kind", "value"):
        marks[(subject_id, kind)] = value
    gia: dict[int, str] = {}
    if candidate.grade == 9:
        maths_mark = None
        for e in Exam.objects.filter(candidate=candidate, mark__isnull=False).select_related(
            "subject"
        ):
            gia[e.subject_id] = str(e.mark)
            if is_maths(e.subject):
                maths_mark = str(e.mark)
        # The ОГЭ in mathematics is the exam of both algebra and geometry of grade 9.
        if maths_mark is not None:
            for subject_id, subject in subjects.items():
                if subject.name.lower().startswith(MATHS_PARTS):
                    gia.setdefault(subject_id, maths_mark)
    lines = []
    for subject_id, subject in subjects.items():
        year_mark = marks.get((subject_id, PeriodMark.Kind.YEAR), "")
        if subject_id in gia:
            exam_mark, source = gia[subject_id], "gia"
        else:
            exam_mark = marks.get((subject_id, PeriodMark.Kind.EXAM), "")
            source = "journal" if exam_mark else ""
        basis = [m for m in (year_mark, exam_mark) if m in NUMERIC_MARKS]
        suggested = (
            grade_marks([(m, Decimal(1)) for m in basis], thresholds).suggested if basis else None
        )
        final = marks.get((subject_id, PeriodMark.Kind.FINAL), "")
        lines.append(
            CertificateLine(
                subject=subject.name,
                year_mark=year_mark,
                exam_mark=exam_mark,
                exam_source=source,
                suggested=suggested,
                final_mark=final,
                mismatch=bool(final and suggested and final != suggested),
            )
        )
    return lines
