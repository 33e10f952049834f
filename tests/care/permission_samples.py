"""Samples for the permission matrix (tests/test_permission_matrix.py) of the health, social
passport, meals and read-log URLs. Merged into the shared matrix by tests/permission_samples.py.

In the `world` fixture the teacher is the class teacher of 5А and teaches mathematics, not
PE, and the school's rules keep special data from class teachers: the class pages of
health and social data answer them 404 (a class they read nothing of), while their own
class's meals confirmation and табель are theirs.
"""

from datetime import date

from apps.school import clock


def _benefit(w):

    from apps.care.models import MealBenefit

    return MealBenefit.objects.filter(school=w.school).first() or MealBenefit.objects.create(
        school=w.school,
        student=w.student,
        category="large_family",
        basis="Удостоверение многодетной семьи № 1",
        valid_from=date(2026, 9, 1),
        recorded_at=clock.now(),
    )


CARE_URL_SAMPLES = {
    "care:health-class": lambda w: {"class_id": w.school_class.pk},
    "care:health-class-export": lambda w: {"class_id": w.school_class.pk},
    "care:health-student": lambda w: {"student_id": w.student.pk},
    "care:social-class": lambda w: {"class_id": w.school_class.pk},
    "care:social-class-export": lambda w: {"class_id": w.school_class.pk},
    "care:social-student": lambda w: {"student_id": w.student.pk},
    "care:meals-class": lambda w: {"class_id": w.school_class.pk},
    "care:meals-benefit-edit": lambda w: {"benefit_id": _benefit(w).pk},
    "care:read-log-student": lambda w: {"student_id": w.student.pk},
}

_HEALTH = {"medic": 200, "director": 200}
_SOCIAL = {"psychologist": 200, "director": 200}
_MEALS_READERS = {"director": 200, "deputy": 200, "secretary": 200, "psychologist": 200}
CARE_CHECK_EXPECTATIONS = {
    "care:health": {**_HEALTH, "teacher": 200},
    "care:health-class": {**_HEALTH, "teacher": 404},
    "care:social": {**_SOCIAL, "teacher": 200},
    "care:social-class": {**_SOCIAL, "teacher": 404},
    "care:meals": {**_MEALS_READERS, "teacher": 200},
    "care:meals-class": {"secretary": 200, "psychologist": 200, "teacher": 200},
    "care:meals-tabel": {**_MEALS_READERS, "teacher": 200},
}
