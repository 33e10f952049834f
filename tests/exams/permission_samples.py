"""Samples for the permission matrix of the ГИА URLs: the candidate is the world's student
registered for the ОГЭ with one chosen subject (the access is by role only)."""


def _candidate(w):
    from apps.exams.models import Candidate

    return Candidate.objects.get_or_create(
        school=w.school, year=w.year, student=w.student, defaults={"grade": 9, "form": "oge"}
    )[0]


def _exam(w):
    from apps.exams.models import Exam

    c = _candidate(w)
    return Exam.objects.get_or_create(school=w.school, candidate=c, subject=w.subject)[0]


EXAMS_URL_SAMPLES = {
    "exams:candidate": lambda w: {"candidate_id": _candidate(w).pk},
    "exams:choose": lambda w: {"candidate_id": _candidate(w).pk},
    "exams:certificate": lambda w: {"candidate_id": _candidate(w).pk},
    "exams:drop": lambda w: {"candidate_id": _candidate(w).pk, "exam_id": _exam(w).pk},
    "exams:result": lambda w: {"candidate_id": _candidate(w).pk, "exam_id": _exam(w).pk},
}
EXAMS_CHECK_EXPECTATIONS: dict[str, dict[str, int]] = {}
