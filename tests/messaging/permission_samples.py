"""Samples for the permission matrix (tests/test_permission_matrix.py) of the mail, board and
event URLs, merged into the shared matrix by tests/permission_samples.py.

The samples are addressed to the whole school of the world (a letter of the director to every
role, an announcement and an event for everyone), so each role reads them: 200. Another
school's ids answer 404 (the matrix checks that too).
"""

from datetime import date, datetime, timedelta


def _letter(w):
    from django.core.files.base import ContentFile

    from apps.messaging.models import Delivery, Message, MessageAttachment
    from apps.school import clock

    director = w.users["director"]
    found = Message.objects.filter(
        school=w.school, author=director, subject="Всем сотрудникам и семьям"
    ).first()
    if found is None:
        found = Message.objects.create(
            school=w.school,
            author=director,
            subject="Всем сотрудникам и семьям",
            body="Текст",
            sent_at=clock.now(),
            audience_label="всем",
            recipient_count=len(w.users) - 1,
        )
        Delivery.objects.bulk_create(
            Delivery(school=w.school, message=found, recipient=u, family_key=f"u{u.pk}")
            for u in w.users.values()
            if u != director
        )
        attachment = MessageAttachment(school=w.school, message=found, name="План.pdf", size=8)
        attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return found


def _attachment(w):
    return _letter(w).attachments.first()


def _announcement(w):
    from django.core.files.base import ContentFile

    from apps.messaging.models import Announcement, AnnouncementAttachment

    found = Announcement.objects.filter(school=w.school).first()
    if found is None:
        found = Announcement.objects.create(
            school=w.school,
            author=w.users["director"],
            title="Педсовет",
            publish_on=date(2026, 9, 1),
            audience_label="вся школа",
        )
        attachment = AnnouncementAttachment(
            school=w.school, announcement=found, name="Повестка.pdf", size=8
        )
        attachment.file.save("agenda.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return found


def _event(w):
    from zoneinfo import ZoneInfo

    from apps.messaging.models import Event

    found = Event.objects.filter(school=w.school).first()
    if found is None:
        starts = datetime(2026, 10, 20, 15, 0, tzinfo=ZoneInfo("Europe/Moscow"))
        found = Event.objects.create(
            school=w.school,
            title="Осенний концерт",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            created_by=w.users["director"],
            audience_label="вся школа",
        )
    return found


MESSAGING_URL_SAMPLES = {
    "messaging:mail-message": lambda w: {"pk": _letter(w).pk},
    "messaging:mail-archive": lambda w: {"pk": _letter(w).pk},
    "messaging:mail-draft-delete": lambda w: {"pk": _letter(w).pk},
    "messaging:mail-file": lambda w: {"pk": _attachment(w).pk},
    "messaging:board-item": lambda w: {"pk": _announcement(w).pk},
    "messaging:board-edit": lambda w: {"pk": _announcement(w).pk},
    "messaging:board-delete": lambda w: {"pk": _announcement(w).pk},
    "messaging:board-file": lambda w: {"pk": _announcement(w).attachments.first().pk},
    "messaging:event": lambda w: {"pk": _event(w).pk},
    "messaging:event-edit": lambda w: {"pk": _event(w).pk},
    "messaging:event-delete": lambda w: {"pk": _event(w).pk},
}

# Who posts on the board and the events (the board table of apps/accounts/mail_policy.py):
# the administration anything, the nurse and the psychologist their audiences, the class
# teacher (the world's teacher leads 5А) their class. Editing the director's post: the
# administration only; the others find nothing (404). Deleting is POST-only (405 to a GET).
_POSTERS = {
    "admin": 200,
    "director": 200,
    "deputy": 200,
    "medic": 200,
    "psychologist": 200,
    "teacher": 200,
}
_EDIT_OTHERS = {**_POSTERS, "medic": 404, "psychologist": 404, "teacher": 404}

MESSAGING_CHECK_EXPECTATIONS = {
    "messaging:board-new": _POSTERS,
    "messaging:board-edit": _EDIT_OTHERS,
    "messaging:board-delete": _POSTERS,
    "messaging:event-new": _POSTERS,
    "messaging:event-edit": _EDIT_OTHERS,
    "messaging:event-delete": _POSTERS,
}
