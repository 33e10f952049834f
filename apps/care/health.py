"""The health sheet (лист здоровья, seed 004 item 7): reads and writes.

The medic keeps one record per student and school year; the director reads all of it, the
PE teacher the PE group of the students they teach, the class teacher the PE group and the
ОВЗ flag of their class where the school's rules allow (apps/accounts/policy.py).
"""

from dataclasses import dataclass
from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.care.consent import Covers, consent_covers, missing_consent_message
from apps.care.models import HealthRecord, PEGroup
from apps.care.roster import class_roster, rosters
from apps.school.clock import now as clock_now

HEALTH_FIELDS = (
    "health_group",
    "pe_group",
    "pe_decision",
    "pe_decided_on",
    "pe_valid_until",
    "disease_categories",
    "diseases",
    "food_allergies",
    "other_allergies",
    "disability",
    "disability_until",
    "ovz",
    "pmpk_number",
    "pmpk_date",
    "pmpk_valid_until",
    "pmpk_conditions",
)
# A group other than the main one rests on a document (справка, заключение ВК).
PE_GROUPS_WITH_DOCUMENT = {PEGroup.SPECIAL_A, PEGroup.SPECIAL_B, PEGroup.EXEMPT}


@dataclass
class HealthRow:
    student: object
    record: HealthRecord | None
    consent: bool

    def pe_current(self, day: date) -> bool:
        """The PE group's document has not expired on `day`."""
        r = self.record
        return bool(r and r.pe_group and (r.pe_valid_until is None or r.pe_valid_until >= day))


def class_health_sheet(*, access, year, day: date) -> list[HealthRow]:
    """The class's students on `day` with their record of the year (3 queries)."""
    students = class_roster(access.school_class, day)
    if access.only_students is not None:
        students = [s for s in students if s.pk in access.only_students]
    records = {
        r.student_id: r
        for r in HealthRecord.objects.filter(year=year, student__in=[s.pk for s in students])
    }
    covers = consent_covers([s.pk for s in students], day)
    return [HealthRow(s, records.get(s.pk), Covers.HEALTH in covers[s.pk]) for s in students]


def health_progress(*, classes, year, day: date) -> dict[int, tuple[int, int]]:
    """(records filled, students) per class (2 queries, nothing decrypted)."""
    by_class = rosters(classes, day)
    filled = set(
        HealthRecord.objects.filter(
            year=year, student__in=[s.pk for students in by_class.values() for s in students]
        ).values_list("student_id", flat=True)
    )
    return {
        cid: (sum(1 for s in students if s.pk in filled), len(students))
        for cid, students in by_class.items()
    }


def health_record_of(*, student, year) -> HealthRecord | None:
    return HealthRecord.objects.filter(student=student, year=year).first()


@dataclass(frozen=True)
class OvzStatus:
    ovz: bool
    disability: bool
    pmpk_number: str
    pmpk_date: date | None
    pmpk_valid_until: date | None
    conditions: str


def ovz_status_of(students, *, year=None) -> dict[int, OvzStatus]:
    """ОВЗ and disability of each student, from the year's health sheet (or the latest one):
    what the final attestation needs for special exam conditions (ГИА). One query.

    This reads special data: a page or export that shows it records the read with
    `apps.care.readlog.special_read_log(area="health", ...)`.
    """
    ids = [s if isinstance(s, int) else s.pk for s in students]
    qs = HealthRecord.objects.filter(student_id__in=ids)
    if year is not None:
        qs = qs.filter(year=year)
    out: dict[int, OvzStatus] = {}
    for r in qs.order_by("student_id", "-year__starts_on"):
        if r.student_id in out:
            continue
        out[r.student_id] = OvzStatus(
            ovz=bool(r.ovz),
            disability=bool(r.disability),
            pmpk_number=r.pmpk_number,
            pmpk_date=r.pmpk_date,
            pmpk_valid_until=r.pmpk_valid_until,
            conditions=r.pmpk_conditions,
        )
    return out


def _check(data: dict) -> None:
    errors = {}
    if data.get("pe_group") in PE_GROUPS_WITH_DOCUMENT:
        if not (data.get("pe_decision") or "").strip():
            errors["pe_decision"] = _(
                "Для этой группы укажите документ: справку или заключение ВК."
            )
        if not data.get("pe_decided_on"):
            errors["pe_decided_on"] = _("Укажите дату документа о группе.")
    start, end = data.get("pe_decided_on"), data.get("pe_valid_until")
    if start and end and end < start:
        errors["pe_valid_until"] = _("Срок действия не может закончиться раньше даты документа.")
    if data.get("ovz"):
        if not (data.get("pmpk_number") or "").strip():
            errors["pmpk_number"] = _("ОВЗ устанавливается заключением ПМПК: укажите его номер.")
        if not data.get("pmpk_date"):
            errors["pmpk_date"] = _("Укажите дату заключения ПМПК.")
    start, end = data.get("pmpk_date"), data.get("pmpk_valid_until")
    if start and end and end < start:
        errors["pmpk_valid_until"] = _("Заключение не может действовать до даты его выдачи.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def health_record_save(
    *,
    acting_user,
    school,
    year,
    student,
    data: dict,
    expected_version: int | None,
    today: date,
) -> HealthRecord:
    """Write the student's health sheet of the year. Refused without a consent that names
    health data (152-ФЗ art. 10), and over a newer save by someone else."""
    if Covers.HEALTH not in consent_covers([student.pk], today)[student.pk]:
        raise ValidationError(missing_consent_message(Covers.HEALTH))
    _check(data)
    record = HealthRecord.objects.select_for_update().filter(student=student, year=year).first()
    if record is None:
        if expected_version not in (None, 0):
            raise ValidationError(_("Лист здоровья удалили, пока вы его редактировали."))
        record = HealthRecord(school=school, year=year, student=student, version=0)
    elif expected_version is not None and expected_version != record.version:
        raise ValidationError(
            _(
                "Лист здоровья изменил другой пользователь. Обновите страницу: ваши данные "
                "остались в форме."
            )
        )
    for name in HEALTH_FIELDS:
        if name in data:
            value = data[name]
            setattr(record, name, value.strip() if isinstance(value, str) else value)
    if not record.ovz:
        record.pmpk_number, record.pmpk_date, record.pmpk_valid_until = "", None, None
        record.pmpk_conditions = ""
    record.updated_by = acting_user
    record.updated_at = clock_now()
    record.version += 1
    record.full_clean(exclude=["school", "year", "student", "updated_by"])
    with pghistory.context(user=acting_user.pk):
        record.save()
    return record


def health_history(record: HealthRecord) -> list[dict]:
    """Who changed the record and when, with the names of the fields changed (2 queries).

    Values are not repeated here: the page above shows the current ones."""
    from apps.accounts.models import User

    events = list(record.events.order_by("pgh_created_at", "pgh_id").select_related("pgh_context"))
    users = {
        u.pk: u.full_name
        for u in User.objects.filter(
            pk__in={
                int(e.pgh_context.metadata["user"])
                for e in events
                if e.pgh_context_id and str(e.pgh_context.metadata.get("user", "")).isdigit()
            }
        )
    }
    labels = {f.name: f.verbose_name for f in HealthRecord._meta.fields}
    lines, previous = [], None
    for e in events:
        user_id = e.pgh_context.metadata.get("user") if e.pgh_context_id else None
        changed = [
            str(labels[n])
            for n in HEALTH_FIELDS
            if previous is None
            and getattr(e, n) not in ("", None, [], False)
            or previous is not None
            and getattr(e, n) != getattr(previous, n)
        ]
        lines.append(
            {
                "at": e.pgh_created_at,
                "user": users.get(int(user_id)) if str(user_id or "").isdigit() else "",
                "changed": changed,
            }
        )
        previous = e
    return list(reversed(lines))
