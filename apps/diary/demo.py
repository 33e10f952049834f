"""The diary's demo step: a few parents who turned the daily digest on, one without electronic access.

Appended to DEMO_STEPS; runs after the structure and the journal data. Deterministic (demo.rng).
"""

from apps.diary.models import DigestSubscription, PaperReportRequest
from apps.students.models import Guardianship


def populate(demo) -> None:
    guardianships = list(
        Guardianship.objects.filter(student__in=demo.students, guardian__user__isnull=False)
        .select_related("guardian__user", "student")
        .order_by("pk")
    )
    if not guardianships:
        return
    chosen = demo.rng.sample(guardianships, min(5, len(guardianships)))
    for g in chosen[:4]:
        user = g.guardian.user
        DigestSubscription.objects.get_or_create(
            school=demo.school,
            user=user,
            defaults={
                "email": user.email or f"{user.username}@example.org",
                "hour": demo.rng.choice([18, 19, 20]),
                "enabled": True,
            },
        )
    paper = chosen[-1].guardian
    class_teacher = next((c.class_teacher for c in demo.classes if c.class_teacher_id), None)
    if class_teacher is not None:
        PaperReportRequest.objects.get_or_create(
            guardian=paper,
            defaults={
                "school": demo.school,
                "declared_on": demo.year.starts_on,
                "recorded_by": class_teacher,
            },
        )
    demo.extra["diary_digest_parents"] = [g.guardian.user.username for g in chosen[:4]]
    demo.extra["diary_paper_guardian"] = paper.pk
