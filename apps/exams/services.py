"""Writes of the ГИА: keyword-only, atomic, with the acting user and the clock."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Perm, roles_allowed
from apps.exams.models import Candidate, ConversionScale, Exam, Level
from apps.school.clock import now as clock_now
from apps.school.policy import (
    gia_results_deadline,
    gia_results_reminder_on,
    may_remind_at,
    school_policy,
)

MATHS_WORDS = ("математ",)


class StaleVersion(ValidationError):
    def __init__(self):
        super().__init__(
            _("Запись уже изменил другой пользователь. Обновите страницу и повторите изменения.")
        )


def _check_version(obj, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise StaleVersion()


def is_maths(subject) -> bool:
    return any(word in subject.name.lower() for word in MATHS_WORDS)


@transaction.atomic
def candidate_save(
    *, acting_user, candidate: Candidate, data: dict, version: int | None
) -> Candidate:
    """Save the application of a candidate; fields the user may not read are never in `data`."""
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    _check_version(locked, version)
    for name, value in data.items():
        setattr(locked, name, value)
    if locked.admission_result and not locked.admission_on:
        raise ValidationError({"admission_on": _("Укажите дату собеседования или сочинения.")})
    locked.version += 1
    locked.full_clean(exclude=["school", "year", "student"])
    locked.save()
    return locked


@transaction.atomic
def exam_choose(*, acting_user, candidate: Candidate, subject, level: str = "") -> Exam:
    """Add a chosen subject; mathematics of grade 11 is taken at the base or profile level."""
    if candidate.grade == 11 and is_maths(subject):
        if level not in (Level.BASE, Level.PROFILE):
            raise ValidationError(
                {"level": _("Для математики выберите базовый или профильный уровень.")}
            )
    else:
        level = ""
    if Exam.objects.filter(candidate=candidate, subject=subject).exists():
        raise ValidationError({"subject": _("Этот предмет уже выбран.")})
    return Exam.objects.create(
        school=candidate.school, candidate=candidate, subject=subject, level=level
    )


@transaction.atomic
def exam_drop(*, acting_user, candidate: Candidate, exam_id: int) -> None:
    exam = Exam.objects.filter(candidate=candidate, pk=exam_id).first()
    if exam is None:
        raise ValidationError(_("Экзамен не найден."))
    if exam.primary_score is not None:
        raise ValidationError(_("По экзамену уже внесён результат: его нельзя убрать из выбора."))
    exam.delete()


def scale_for(exam: Exam) -> ConversionScale | None:
    return ConversionScale.objects.filter(
        school_id=exam.school_id,
        year_id=exam.candidate.year_id,
        grade=exam.candidate.grade,
        subject_id=exam.subject_id,
        level=exam.level,
    ).first()


@transaction.atomic
def result_enter(
    *,
    acting_user,
    exam: Exam,
    exam_on: date | None,
    published_on: date,
    primary_score: int,
    version: int | None,
    now: datetime | None = None,
) -> Exam:
    """Enter a published result: the primary score, and by the subject's conversion scale of
    the year the test score and the 5-point mark. The first entry's moment is kept for the
    deadline audit (10 days after publication, seed 000 item 16)."""
    now = now or clock_now()
    locked = Exam.objects.select_for_update().select_related("candidate", "school").get(pk=exam.pk)
    _check_version(locked, version)
    if published_on > now.astimezone(locked.school.tz).date():
        raise ValidationError({"published_on": _("Дата опубликования ещё не наступила.")})
    scale = scale_for(locked)
    if scale is None:
        raise ValidationError(
            _("Нет шкалы перевода баллов по этому предмету за этот год: сначала внесите её.")
        )
    if primary_score > scale.max_primary:
        raise ValidationError(
            {
                "primary_score": _("Первичный балл больше максимального (%(max)s).")
                % {"max": scale.max_primary}
            }
        )
    locked.exam_on, locked.published_on, locked.primary_score = exam_on, published_on, primary_score
    locked.test_score = scale.test_for(primary_score)
    locked.mark = scale.mark_for(primary_score)
    if locked.entered_at is None:
        locked.entered_at = now
    locked.entered_by = acting_user
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def scale_save(*, acting_user, scale: ConversionScale, version: int | None = None) -> int:
    """Save a conversion scale and recompute every result of its subject, year, grade and
    level; returns how many results it recomputed."""
    if scale.pk:
        stored = ConversionScale.objects.select_for_update().get(pk=scale.pk)
        _check_version(stored, version)
        scale.version = stored.version + 1
    scale.full_clean()
    scale.save()
    exams = list(
        Exam.objects.select_for_update().filter(
            school_id=scale.school_id,
            candidate__year_id=scale.year_id,
            candidate__grade=scale.grade,
            subject_id=scale.subject_id,
            level=scale.level,
            primary_score__isnull=False,
        )
    )
    for exam in exams:
        exam.mark = scale.mark_for(min(exam.primary_score, scale.max_primary))
        exam.test_score = scale.test_for(exam.primary_score)
    Exam.objects.bulk_update(exams, ["mark", "test_score"])
    return len(exams)


def results_reminders_send(*, school, now: datetime) -> int:
    """Remind the people who keep the ГИА (MANAGE_GIA) of results published and not yet
    entered, from a few days before the 10-day deadline; once per subject and publication."""
    from apps.messaging.services import notify

    policy = school_policy(school)
    if not may_remind_at(policy, school=school, moment=now):
        return 0
    today = now.astimezone(school.tz).date()
    waiting: dict[tuple[int, date], list[Exam]] = {}
    for exam in Exam.objects.filter(
        school=school, published_on__isnull=False, primary_score__isnull=True
    ).select_related("subject"):
        if (
            gia_results_reminder_on(policy, published_on=exam.published_on)
            <= today
            <= gia_results_deadline(policy, published_on=exam.published_on)
        ):
            waiting.setdefault((exam.subject_id, exam.published_on), []).append(exam)
    if not waiting:
        return 0
    keepers = [
        g.user
        for g in RoleGrant.objects.filter(
            school=school, role__in=roles_allowed(Perm.MANAGE_GIA)
        ).select_related("user")
    ]
    link = reverse("exams:audit", kwargs={"school_id": school.pk})
    sent = 0
    for (subject_id, published_on), exams in waiting.items():
        title = _("ГИА, %(subject)s: результаты %(n)s участников не внесены, срок — %(day)s") % {
            "subject": exams[0].subject.name,
            "n": len(exams),
            "day": gia_results_deadline(policy, published_on=published_on).strftime("%d.%m.%Y"),
        }
        key = f"gia-results:{subject_id}:{published_on.isoformat()}"
        for user in keepers:
            sent += (
                notify(school=school, user=user, title=title, link=link, dedupe_key=key) is not None
            )
    return sent


@transaction.atomic
def candidates_register(*, acting_user, school, year, on: date) -> int:
    """Register every student of grades 9 and 11 enrolled on `on` who is not registered yet,
    with the usual form of their grade (ОГЭ for 9, ЕГЭ for 11); returns how many were added."""
    from apps.classes.models import SchoolClass
    from apps.students.models import Enrollment

    known = set(Candidate.objects.filter(year=year).values_list("student_id", flat=True))
    new = []
    for e in (
        Enrollment.objects.filter(
            school_class__in=SchoolClass.objects.filter(year=year, grade__in=(9, 11)),
            starts_on__lte=on,
        )
        .exclude(ends_on__lt=on)
        .select_related("school_class")
    ):
        if e.student_id in known:
            continue
        known.add(e.student_id)
        grade = e.school_class.grade
        new.append(
            Candidate(
                school=school,
                year=year,
                student_id=e.student_id,
                grade=grade,
                form=Candidate.Form.OGE if grade == 9 else Candidate.Form.EGE,
            )
        )
    Candidate.objects.bulk_create(new)
    return len(new)
