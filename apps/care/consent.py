"""Health and social data are entered only under a consent that names them (152-ФЗ art. 9
p. 4 and art. 10: special categories need the subject's written consent to be processed).
The consents themselves are recorded on the personal file (apps/students)."""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.students.models import PersonalDataConsent

Covers = PersonalDataConsent.Covers


def consent_covers(student_ids, day: date) -> dict[int, set[str]]:
    """The special categories each student's valid consents name on `day` (one query)."""
    out: dict[int, set[str]] = {i: set() for i in student_ids}
    for student_id, covers in (
        PersonalDataConsent.objects.filter(student_id__in=list(out), given_on__lte=day)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        .values_list("student_id", "covers")
    ):
        out[student_id].update(covers or ())
    return out


def missing_consent_message(area: str) -> str:
    label = Covers(area).label
    return _(
        "Нет действующего согласия на обработку персональных данных, включающего «%(what)s». "
        "Внести эти сведения можно после того, как секретарь запишет такое согласие в личном "
        "деле обучающегося."
    ) % {"what": label}
