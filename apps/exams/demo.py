"""Demo step of the ГИА: last year's grades 9 and 11 with their choices, scales and results
(one entered late), and this year's candidates with applications in progress. Bulk inserts."""

from datetime import date, datetime, time, timedelta

from django.db import transaction

from apps.exams.models import Candidate, ConversionScale, Exam
from apps.students.models import Enrollment

# (subject, max primary, «3», «4», «5») of the ОГЭ; the ЕГЭ uses the same table for its
# school 5-point mark, with a test score.
SCALES = {
    "Русский язык": (37, 15, 26, 33),
    "Математика": (31, 8, 15, 22),
    "Обществознание": (37, 14, 24, 32),
    "Информатика": (19, 5, 11, 17),
    "Биология": (48, 13, 24, 37),
    "География": (31, 12, 19, 26),
    "Физика": (45, 11, 23, 34),
    "Химия": (40, 10, 21, 31),
    "История": (37, 11, 20, 29),
    "Литература": (37, 16, 22, 29),
}
ELECTIVES = [
    "Обществознание",
    "Информатика",
    "Биология",
    "География",
    "Физика",
    "Химия",
    "История",
    "Литература",
]


def _students_of(classes):
    out = {}
    for e in Enrollment.objects.filter(school_class__in=classes).select_related(
        "school_class", "student"
    ):
        out[e.student_id] = (e.student, e.school_class)
    return list(out.values())


def _register(demo, year, classes, *, results: bool):
    school, rng = demo.school, demo.rng
    subjects = {name: demo.subjects[name] for name in SCALES if name in demo.subjects}
    if "Русский язык" not in subjects or "Математика" not in subjects:
        return
    scales = {}
    for grade in (9, 11):
        for name, subject in subjects.items():
            maximum, m3, m4, m5 = SCALES[name]
            levels = ["base", "profile"] if grade == 11 and name == "Математика" else [""]
            for level in levels:
                tests = (
                    [min(100, round(p * 100 / maximum)) for p in range(maximum + 1)]
                    if grade == 11
                    else []
                )
                scales[(grade, subject.pk, level)] = ConversionScale(
                    school=school,
                    year=year,
                    grade=grade,
                    subject=subject,
                    level=level,
                    max_primary=maximum,
                    min_3=m3,
                    min_4=m4,
                    min_5=m5,
                    test_scores=tests,
                )
    ConversionScale.objects.bulk_create(scales.values())
    candidates, plans = [], []
    deadline9, deadline11 = date(year.starts_on.year + 1, 3, 1), date(year.starts_on.year + 1, 2, 1)
    for student, school_class in _students_of(classes):
        grade = school_class.grade
        deadline = deadline9 if grade == 9 else deadline11
        applied = None
        if results or rng.random() < 0.4:
            applied = min(
                deadline - timedelta(days=rng.randint(0 if results else 40, 60)), demo.today
            )
            if results and rng.random() < 0.02:
                applied = deadline + timedelta(days=2)
        essay_day = date(year.starts_on.year, 12, 3)
        admitted = results or (grade == 11 and demo.today > essay_day)
        candidates.append(
            Candidate(
                school=school,
                year=year,
                student=student,
                grade=grade,
                form="gve" if rng.random() < 0.02 else ("oge" if grade == 9 else "ege"),
                admission_on=(essay_day if grade == 11 else date(year.starts_on.year + 1, 2, 11))
                if admitted
                else None,
                admission_result="pass" if admitted else "",
                applied_on=applied,
                document_type="passport",
                document_series=f"{rng.randint(10, 99)} {rng.randint(10, 26)}",
                document_number=f"{rng.randint(100000, 999999)}",
            )
        )
        maths_level = rng.choice(["base", "profile"]) if grade == 11 else ""
        chosen = [("Русский язык", ""), ("Математика", maths_level)]
        if results or rng.random() < 0.7:
            count = 2 if grade == 9 else rng.randint(1, 3)
            chosen += [
                (name, "") for name in rng.sample([e for e in ELECTIVES if e in subjects], count)
            ]
        plans.append(chosen)
    Candidate.objects.bulk_create(candidates)
    exams = []
    for candidate, chosen in zip(candidates, plans, strict=True):
        for name, level in chosen:
            exam = Exam(school=school, candidate=candidate, subject=subjects[name], level=level)
            if results:
                scale = scales[(candidate.grade, subjects[name].pk, level)]
                published = date(year.starts_on.year + 1, 6, rng.randint(5, 25))
                primary = max(
                    0,
                    min(
                        scale.max_primary, round(rng.gauss(scale.min_4 + 1, scale.max_primary / 6))
                    ),
                )
                late = len(exams) == 4 or rng.random() < 0.01  # at least one for the audit
                entered = published + timedelta(
                    days=rng.randint(11, 13) if late else rng.randint(1, 9)
                )
                exam.exam_on = published - timedelta(days=14)
                exam.published_on = published
                exam.primary_score = primary
                exam.test_score = scale.test_for(primary)
                exam.mark = scale.mark_for(primary)
                exam.entered_at = datetime.combine(entered, time(12, 0), tzinfo=school.tz)
                exam.entered_by = demo.users.get("deputy")
            exams.append(exam)
    Exam.objects.bulk_create(exams)


@transaction.atomic
def populate(demo) -> None:
    if demo.last_year is not None:
        last = [c for c in demo.last_year_classes if c.grade in (9, 11)]
        _register(demo, demo.last_year, last, results=True)
    current = [c for c in demo.classes if c.grade in (9, 11)]
    _register(demo, demo.year, current, results=False)
