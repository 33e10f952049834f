"""Writes to the contingent: subgroups and family links.

The class history changes in one place only: `apps.students.movement`, called by signed
orders (the contingent import drafts an enrolment order too).
"""

from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.classes.models import Subgroup
from apps.school.services import ensure_year_writable
from apps.students.models import Enrollment, Guardian, Guardianship, Student


@transaction.atomic
def subgroup_set_members(*, acting_user, subgroup: Subgroup, students: list[Student]) -> None:
    """Set who is in a subgroup; only students of its class may be members."""
    ensure_year_writable(subgroup.school_class.year)
    ids = {s.pk for s in students}
    year = subgroup.school_class.year
    in_class = set(
        Enrollment.objects.filter(school_class=subgroup.school_class, student_id__in=ids)
        .overlapping(year.starts_on, year.ends_on)
        .values_list("student_id", flat=True)
    )
    if ids - in_class:
        raise ValidationError(_("В подгруппу можно включить только обучающихся этого класса."))
    with pghistory.context(user=acting_user.pk):
        Subgroup.objects.select_for_update().get(pk=subgroup.pk)
        subgroup.members.set(ids)


@transaction.atomic
def guardian_link(
    *, acting_user, student: Student, guardian: Guardian, relationship: str
) -> Guardianship:
    if guardian.school_id != student.school_id:
        raise ValidationError(_("Родитель записан в другой школе."))
    with pghistory.context(user=acting_user.pk):
        link, _created = Guardianship.objects.update_or_create(
            student=student,
            guardian=guardian,
            defaults={"school_id": student.school_id, "relationship": relationship},
        )
        return link


# --- personal files (личное дело) and duplicate control ----------------------------------

PERSONAL_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
    "snils",
    "document_type",
    "document_series",
    "document_number",
    "document_issued_on",
    "document_issued_by",
    "registration_address",
    "residence_address",
    "personal_file_number",
    "arrived_from",
)


class DuplicateStudentError(ValidationError):
    """A second record of a person already on the school's list; `existing` is that record."""

    def __init__(self, existing: Student, key: str):
        self.existing = existing
        self.key = key
        reason = {
            "name": _("те же ФИО и дата рождения"),
            "snils": _("тот же СНИЛС"),
            "document": _("тот же документ"),
        }[key]
        # The number the card shows; an internal id would mean nothing to the secretary.
        file_label = (
            _("личное дело № %(number)s") % {"number": existing.personal_file_number}
            if existing.personal_file_number
            else _("личное дело без номера")
        )
        super().__init__(
            _("Такой обучающийся уже есть (%(reason)s): %(name)s, %(birth)s, %(file)s.")
            % {
                "reason": reason,
                "name": existing.full_name,
                "birth": existing.birth_date.strftime("%d.%m.%Y"),
                "file": file_label,
            }
        )


def _normalise(values: dict) -> dict:
    from apps.students.identity import format_snils

    out = dict(values)
    for name in ("last_name", "first_name", "patronymic", "document_series", "document_number"):
        if name in out and out[name] is not None:
            out[name] = " ".join(str(out[name]).split())
    if out.get("snils"):
        out["snils"] = format_snils(out["snils"])
    return out


def student_duplicate(*, school, identity, exclude_pk=None) -> tuple[Student | None, str | None]:
    """The record of this school that is the same person, by name+birth date, SNILS or document."""
    from django.db.models.functions import Upper

    from apps.students.identity import sql_name_key

    cond = Q(key=identity.name, birth_date=identity.birth_date)
    if identity.snils:
        cond |= Q(snils_key=identity.snils)
    if len(identity.document) >= 4:
        cond |= Q(doc_key=identity.document)
    from django.db.models import Func, Value
    from django.db.models.functions import Concat

    candidates = (
        Student.objects.filter(school=school)
        .annotate(
            key=sql_name_key(),
            snils_key=Func("snils", Value(r"\D"), Value(""), Value("g"), function="regexp_replace"),
            doc_key=Upper(
                Func(
                    Concat("document_series", "document_number"),
                    Value(r"[\s\-№]"),
                    Value(""),
                    Value("g"),
                    function="regexp_replace",
                )
            ),
        )
        .filter(cond)
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    from apps.students.identity import IdentityIndex

    return IdentityIndex(candidates[:5]).find(identity)


@transaction.atomic
def student_create(*, acting_user, school, data: dict) -> Student:
    """Open a personal file; a second record of the same person is refused (seed 000 item 20)."""
    from apps.students.identity import Identity

    data = _normalise({k: v for k, v in data.items() if k in PERSONAL_FIELDS})
    student = Student(school=school, **data)
    student.full_clean(exclude=["user"])
    existing, key = student_duplicate(school=school, identity=Identity.of_student(student))
    if existing is not None:
        raise DuplicateStudentError(existing, key)
    with pghistory.context(user=acting_user.pk):
        student.save()
    return student


@transaction.atomic
def student_update(
    *, acting_user, student: Student, changes: dict, expected_version: int | None = None
) -> Student:
    """Change a personal file; refused when someone else saved it since it was opened."""
    from apps.students.identity import Identity

    stored = Student.objects.select_for_update().get(pk=student.pk)
    if expected_version is not None and stored.version != expected_version:
        raise ValidationError(
            _(
                "Личное дело изменил другой пользователь, пока вы его редактировали. Обновите страницу: ваши изменения не сохранены."
            )
        )
    for name, value in _normalise(
        {k: v for k, v in changes.items() if k in PERSONAL_FIELDS}
    ).items():
        setattr(stored, name, value)
    stored.full_clean(exclude=["user"])
    existing, key = student_duplicate(
        school=stored.school, identity=Identity.of_student(stored), exclude_pk=stored.pk
    )
    if existing is not None:
        raise DuplicateStudentError(existing, key)
    stored.version += 1
    with pghistory.context(user=acting_user.pk):
        stored.save()
    return stored


GUARDIAN_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "phone",
    "email",
    "address",
    "document",
    "work_place",
)


@transaction.atomic
def guardian_save(
    *,
    acting_user,
    school,
    guardian: Guardian | None,
    data: dict,
    expected_version: int | None = None,
) -> Guardian:
    """Create or change a parent's card (contacts, address, document)."""
    data = _normalise({k: v for k, v in data.items() if k in GUARDIAN_FIELDS})
    if guardian is None or guardian.pk is None:
        guardian = Guardian(school=school)
    else:
        guardian = Guardian.objects.select_for_update().get(pk=guardian.pk, school=school)
        if expected_version is not None and guardian.version != expected_version:
            raise ValidationError(
                _("Карточку родителя изменил другой пользователь. Обновите страницу.")
            )
        guardian.version += 1
    for name, value in data.items():
        setattr(guardian, name, value)
    guardian.full_clean(exclude=["user"])
    with pghistory.context(user=acting_user.pk):
        guardian.save()
    return guardian


@transaction.atomic
def guardian_unlink(*, acting_user, student: Student, guardian: Guardian) -> None:
    with pghistory.context(user=acting_user.pk):
        Guardianship.objects.filter(student=student, guardian=guardian).delete()


@transaction.atomic
def consent_record(
    *,
    acting_user,
    student: Student,
    guardian: Guardian | None,
    given_on: date,
    document: str,
    covers: list[str] = (),
    scan=None,
):
    """Record a consent to personal-data processing (seed 001 items 8 and 13); `covers`
    names the special categories it includes (health, social: 152-ФЗ art. 10).

    The scan, if any, is a PDF or a photo (JPEG, PNG) of at most SCAN_MAX_MB megabytes.
    """
    from apps.school.uploads import SCAN_KINDS, SCAN_MAX_MB, check_upload
    from apps.students.models import PersonalDataConsent

    if scan:
        try:
            check_upload(scan, kinds=SCAN_KINDS, max_mb=SCAN_MAX_MB)
        except ValidationError as error:
            raise ValidationError({"scan": error.messages}) from error

    if (
        guardian is not None
        and not Guardianship.objects.filter(student=student, guardian=guardian).exists()
    ):
        raise ValidationError(
            {"guardian": _("Согласие даёт родитель (законный представитель) этого обучающегося.")}
        )
    consent = PersonalDataConsent(
        school_id=student.school_id,
        student=student,
        guardian=guardian,
        given_on=given_on,
        document=document.strip(),
        covers=sorted(set(covers)),
        recorded_by=acting_user,
    )
    if scan:
        consent.scan = scan
    consent.full_clean()
    with pghistory.context(user=acting_user.pk):
        consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, acting_user, consent, withdrawn_on: date):
    from apps.students.models import PersonalDataConsent

    consent = PersonalDataConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Согласие уже отозвано."))
    consent.withdrawn_on = withdrawn_on
    consent.full_clean()
    with pghistory.context(user=acting_user.pk):
        consent.save(update_fields=["withdrawn_on"])
    return consent
