"""The social passport: categories of the family and the student, the registers (внутришкольный
учёт, ПДН, КДН и ЗП) and the psycho-pedagogical characteristics (seed 002: психолог,
социальный педагог). The summary counts students per category per class, without names."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.care.consent import Covers, consent_covers, missing_consent_message
from apps.care.models import (
    Characteristic,
    RegisterEntry,
    RegisterKind,
    SocialCategory,
    SocialPassport,
)
from apps.care.roster import class_roster, rosters
from apps.school.clock import now as clock_now


def categories_of(school) -> list[SocialCategory]:
    """The common categories and the school's own (one query)."""
    return list(
        SocialCategory.objects.filter(Q(school__isnull=True) | Q(school=school)).order_by(
            "school_id", "order", "name"
        )
    )


@dataclass
class SocialRow:
    student: object
    categories: list[str]
    consent: bool
    registers: list[RegisterEntry] = field(default_factory=list)
    characteristics: int = 0
    last_characteristic: date | None = None


def _active(entry: RegisterEntry, day: date) -> bool:
    return entry.put_on <= day and (entry.taken_off is None or entry.taken_off > day)


def class_social_passport(*, access, day: date, school) -> list[SocialRow]:
    """The class's students with their categories; with the full passport also the active
    registers and characteristics (4–6 queries whatever the class size)."""
    students = class_roster(access.school_class, day)
    ids = [s.pk for s in students]
    labels = {str(c.pk): c.label for c in categories_of(school)}
    passports = {p.student_id: p for p in SocialPassport.objects.filter(student_id__in=ids)}
    covers = consent_covers(ids, day)
    rows = {
        s.pk: SocialRow(
            student=s,
            categories=[
                labels[c]
                for c in (passports[s.pk].categories if s.pk in passports else [])
                if c in labels
            ],
            consent=Covers.SOCIAL in covers[s.pk],
        )
        for s in students
    }
    if access.full_social:
        for entry in RegisterEntry.objects.filter(student_id__in=ids):
            if _active(entry, day):
                rows[entry.student_id].registers.append(entry)
        for student_id, written_on in Characteristic.objects.filter(student_id__in=ids).values_list(
            "student_id", "written_on"
        ):
            row = rows[student_id]
            row.characteristics += 1
            row.last_characteristic = max(filter(None, [row.last_characteristic, written_on]))
    return list(rows.values())


@dataclass
class SocialSummary:
    categories: list[SocialCategory]
    registers: list[tuple[str, str]]
    lines: list[dict]  # {"school_class", "students", "counts": Counter(category id / kind)}
    totals: Counter
    students: int


def social_summary(*, school, classes, day: date) -> SocialSummary:
    """Students per category and per register, per class, on `day`: counts only (4 queries)."""
    by_class = rosters(classes, day)
    class_of = {s.pk: cid for cid, students in by_class.items() for s in students}
    counts: dict[int, Counter] = {c.pk: Counter() for c in classes}
    for p in SocialPassport.objects.filter(student_id__in=list(class_of)):
        counts[class_of[p.student_id]].update(set(p.categories))
    for entry in RegisterEntry.objects.filter(student_id__in=list(class_of)):
        if _active(entry, day):
            counts[class_of[entry.student_id]][f"reg:{entry.kind}"] += 1
    totals: Counter = Counter()
    for c in counts.values():
        totals.update(c)
    return SocialSummary(
        categories=categories_of(school),
        registers=[(f"reg:{k}", label) for k, label in RegisterKind.choices],
        lines=[
            {"school_class": c, "students": len(by_class[c.pk]), "counts": counts[c.pk]}
            for c in classes
        ],
        totals=totals,
        students=len(class_of),
    )


def student_social(student) -> dict:
    """Everything of one student's social passport (3 queries)."""
    return {
        "passport": SocialPassport.objects.filter(student=student).first(),
        "registers": list(
            RegisterEntry.objects.filter(student=student).select_related("recorded_by")
        ),
        "characteristics": list(
            Characteristic.objects.filter(student=student).select_related("author")
        ),
    }


def _require_consent(student, today: date) -> None:
    if Covers.SOCIAL not in consent_covers([student.pk], today)[student.pk]:
        raise ValidationError(missing_consent_message(Covers.SOCIAL))


@transaction.atomic
def social_passport_save(
    *,
    acting_user,
    school,
    student,
    categories: list[str],
    note: str,
    expected_version: int | None,
    today: date,
) -> SocialPassport:
    _require_consent(student, today)
    allowed = {str(c.pk) for c in categories_of(school)}
    unknown = set(map(str, categories)) - allowed
    if unknown:
        raise ValidationError({"categories": _("Такой категории нет в списке школы.")})
    passport = SocialPassport.objects.select_for_update().filter(student=student).first()
    if passport is None:
        passport = SocialPassport(school=school, student=student, version=0)
    elif expected_version is not None and expected_version != passport.version:
        raise ValidationError(
            _(
                "Социальный паспорт изменил другой пользователь. Обновите страницу: ваши данные "
                "остались в форме."
            )
        )
    passport.categories = sorted(set(map(str, categories)), key=int)
    passport.note = note.strip()
    passport.updated_by = acting_user
    passport.updated_at = clock_now()
    passport.version += 1
    with pghistory.context(user=acting_user.pk):
        passport.save()
    return passport


@transaction.atomic
def register_put_on(
    *, acting_user, school, student, kind: str, put_on: date, reason: str, today: date
) -> RegisterEntry:
    _require_consent(student, today)
    if put_on > today:
        raise ValidationError({"put_on": _("Дата постановки не может быть в будущем.")})
    if any(
        e.kind == kind and e.taken_off is None
        for e in RegisterEntry.objects.select_for_update().filter(student=student)
    ):
        raise ValidationError({"kind": _("Обучающийся уже состоит на этом учёте.")})
    entry = RegisterEntry(
        school=school,
        student=student,
        kind=kind,
        put_on=put_on,
        reason=reason.strip(),
        recorded_by=acting_user,
        recorded_at=clock_now(),
    )
    entry.full_clean(exclude=["school", "student", "recorded_by"])
    with pghistory.context(user=acting_user.pk):
        entry.save()
    return entry


@transaction.atomic
def register_take_off(
    *, acting_user, entry: RegisterEntry, taken_off: date, reason: str, today: date
):
    entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.taken_off is not None:
        raise ValidationError(_("Обучающийся уже снят с этого учёта."))
    if taken_off < entry.put_on:
        raise ValidationError({"taken_off": _("Дата снятия не может быть раньше постановки.")})
    if taken_off > today:
        raise ValidationError({"taken_off": _("Дата снятия не может быть в будущем.")})
    entry.taken_off, entry.taken_off_reason = taken_off, reason.strip()
    with pghistory.context(user=acting_user.pk):
        entry.save(update_fields=["taken_off", "taken_off_reason"])
    return entry


@transaction.atomic
def characteristic_add(
    *, acting_user, school, student, written_on: date, text: str, today: date
) -> Characteristic:
    _require_consent(student, today)
    if not text.strip():
        raise ValidationError({"text": _("Текст характеристики пуст.")})
    if written_on > today:
        raise ValidationError({"written_on": _("Дата характеристики не может быть в будущем.")})
    item = Characteristic(
        school=school,
        student=student,
        written_on=written_on,
        text=text.strip(),
        author=acting_user,
        created_at=clock_now(),
    )
    with pghistory.context(user=acting_user.pk):
        item.save()
    return item


def social_category_add(*, acting_user, school, name: str) -> SocialCategory:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Введите название категории.")})
    if any(c.label.lower() == name.lower() for c in categories_of(school)):
        raise ValidationError({"name": _("Такая категория уже есть.")})
    try:
        with transaction.atomic():
            return SocialCategory.objects.create(school=school, name=name, order=500)
    except IntegrityError:
        raise ValidationError({"name": _("Такая категория уже есть.")}) from None
