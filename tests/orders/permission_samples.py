"""Samples for the permission matrix (tests/test_permission_matrix.py) of the contingent,
orders and logins URLs. Merged into the shared matrix by tests/permission_samples.py."""

from datetime import date


def _order(w):
    from apps.orders.models import Order

    return Order.objects.filter(school=w.school).first() or Order.objects.create(
        school=w.school,
        year=w.year,
        kind="leaving",
        title="О выбытии обучающихся",
        order_date=date(2026, 11, 16),
        effective_on=date(2026, 11, 16),
    )


def _item(w):
    from apps.orders.models import OrderItem

    order = _order(w)
    return OrderItem.objects.filter(order=order).first() or OrderItem.objects.create(
        school=w.school,
        order=order,
        student=w.student,
        from_class=w.school_class,
        destination="СОШ № 5",
    )


def _consent(w):
    from apps.students.models import PersonalDataConsent

    return PersonalDataConsent.objects.filter(
        student=w.student
    ).first() or PersonalDataConsent.objects.create(
        school=w.school,
        student=w.student,
        guardian=w.guardian,
        given_on=date(2026, 9, 1),
        document="Согласие № 1",
    )


def _scanned_consent(w):
    from django.core.files.base import ContentFile

    consent = _consent(w)
    if not consent.scan:
        consent.scan.save("soglasie.pdf", ContentFile(b"%PDF-1.4 scan"), save=True)
    return consent


def _batch(w):
    from apps.orders.models import ImportBatch

    return ImportBatch.objects.filter(school=w.school).first() or ImportBatch.objects.create(
        school=w.school,
        file_name="kontingent.xlsx",
        rows=[],
    )


def _document(w):
    from apps.orders.models import SchoolDocument

    return SchoolDocument.objects.filter(school=w.school).first() or SchoolDocument.objects.create(
        school=w.school,
        category="orders",
        title="Приказ",
        order=_order(w),
        dated=date(2026, 11, 16),
    )


def _staff_document(w):
    """A document every member of staff may open (an order document is for order readers)."""
    from django.core.files.base import ContentFile

    from apps.orders.models import SchoolDocument

    doc = SchoolDocument.objects.filter(school=w.school, visibility="staff").first()
    if doc is None:
        doc = SchoolDocument(
            school=w.school,
            category="regulations",
            visibility="staff",
            title="Положение о ведении журнала",
            dated=date(2026, 9, 1),
        )
        doc.file.save("polozhenie.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return doc


def _staff(w):
    from apps.staff.models import StaffMember

    return StaffMember.objects.filter(school=w.school).first()


ORDERS_URL_SAMPLES = {
    "students:card": lambda w: {"pk": w.student.pk},
    "students:edit": lambda w: {"pk": w.student.pk},
    "students:guardian-add": lambda w: {"pk": w.student.pk},
    "students:guardian-unlink": lambda w: {"pk": w.student.pk, "guardian_id": w.guardian.pk},
    "students:consent-add": lambda w: {"pk": w.student.pk},
    "students:consent-withdraw": lambda w: {"pk": _consent(w).pk},
    "students:consent-scan": lambda w: {"pk": _scanned_consent(w).pk},
    "students:guardian-edit": lambda w: {"pk": w.guardian.pk},
    "students:import-preview": lambda w: {"pk": _batch(w).pk},
    "staff:card": lambda w: {"pk": _staff(w).pk},
    "orders:detail": lambda w: {"pk": _order(w).pk},
    "orders:edit": lambda w: {"pk": _order(w).pk},
    "orders:item-add": lambda w: {"pk": _order(w).pk},
    "orders:item-remove": lambda w: {"pk": _order(w).pk, "item_id": _item(w).pk},
    "orders:sign": lambda w: {"pk": _order(w).pk},
    "orders:cancel": lambda w: {"pk": _order(w).pk},
    "orders:delete": lambda w: {"pk": _order(w).pk},
    "orders:pdf": lambda w: {"pk": _order(w).pk},
    "orders:document-file": lambda w: {"pk": _staff_document(w).pk},
    "accounts:login-reissue": lambda w: {"kind": "student", "pk": w.student.pk},
}

# Personal files: the policy's readers, plus the world's teacher — class teacher of 5А,
# where world.student is. Changing a card: the keepers of the contingent and that teacher;
# the administration and the specialists read but do not change (403).
_READERS = {
    r: 200 for r in ("admin", "director", "deputy", "secretary", "medic", "psychologist", "teacher")
}
_EDITORS = {**{r: 403 for r in _READERS}, "admin": 200, "secretary": 200, "teacher": 200}
_LOGINS = {"admin": 200, "teacher": 200}

ORDERS_CHECK_EXPECTATIONS = {
    "students:list": _READERS,
    "students:card": _READERS,
    "students:edit": _EDITORS,
    "students:guardian-add": _EDITORS,
    "students:consent-add": _EDITORS,
    "students:guardian-edit": _EDITORS,
    # POST-only: every role passing the check gets 405 to a GET.
    "students:guardian-unlink": _READERS,
    "students:consent-withdraw": _READERS,
    # The scan belongs to the family part of the file: the medic and the psychologist,
    # who read names and special categories only, do not find it.
    "students:consent-scan": {**_READERS, "medic": 404, "psychologist": 404},
    "accounts:logins": _LOGINS,
    "accounts:logins-issue": _LOGINS,
    "accounts:login-reissue": _LOGINS,
}
