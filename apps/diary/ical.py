"""The personal calendar feed (RFC 5545) of a student's lessons and homework.

Lessons from two weeks back to eight weeks ahead, in UTC (no time-zone block needed);
a cancelled lesson stays in the calendar as CANCELLED so the phone removes it; homework
is an all-day event on its due day. Five queries whatever the window holds.
"""

from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.accounts.policy import Role
from apps.diary.models import CalendarFeed
from apps.diary.selectors import _in_subgroup, enrolment_of
from apps.diary.services import FEED_LIFETIME
from apps.homework.models import Homework
from apps.schedule.models import Lesson
from apps.school import clock
from apps.school.clock import school_today
from apps.school.models import Bell

PAST_DAYS, FUTURE_DAYS = 14, 56


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): every line break, a bare CR too, becomes «\\n», and
    other control characters go, so no value can start a property line of its own."""
    text = (text or "").replace("\r\n", "\n")
    for brk in ("\r", "\x85", "\u2028", "\u2029", "\x0b", "\x0c"):
        text = text.replace(brk, "\n")
    text = "".join(ch for ch in text if ch == "\n" or ch == "\t" or ord(ch) >= 32)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def valid_feed(token: str):
    """The feed of this token if it may still be read, else None.

    Checked on every request: the account is active, the reader is still the student or a
    linked parent with that role in the school, and the address has not expired. A feed
    whose link ended is removed, so the address never works again.
    """
    from apps.accounts.models import RoleGrant
    from apps.students.models import Guardianship

    feed = (
        CalendarFeed.objects.select_related("student", "school", "user").filter(token=token).first()
    )
    if feed is None or not feed.user.is_active:
        return None
    expires = feed.expires_at or feed.created_at + FEED_LIFETIME
    if expires <= clock.now():
        return None
    own = feed.student.user_id == feed.user_id
    role = Role.STUDENT if own else Role.PARENT
    linked = (
        own
        or Guardianship.objects.filter(
            student_id=feed.student_id, guardian__user_id=feed.user_id
        ).exists()
    )
    if not linked:
        feed.delete()
        return None
    if not RoleGrant.objects.filter(
        user_id=feed.user_id, school_id=feed.school_id, role=role
    ).exists():
        return None
    return feed


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 3.1), never inside a UTF-8 character."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(day, moment, tz) -> str:
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def feed_for_token(*, token: str) -> str | None:
    feed = valid_feed(token)
    if feed is None:
        return None
    student, school = feed.student, feed.school
    today = school_today(school)
    first, last = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    enrolment = enrolment_of(student)
    role = Role.STUDENT if student.user_id == feed.user_id else Role.PARENT
    stamp = clock.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    calendar_name = _("Дневник: %(name)s") % {"name": student.first_name + " " + student.last_name}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Zhurnal//E-diary//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
        "X-PUBLISHED-TTL:PT1H",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    ]
    if enrolment.spans:
        class_ids = enrolment.class_ids
        shifts = {s.school_class.shift_id for s in enrolment.spans if s.school_class.shift_id}
        bells = {b.lesson_number: b for b in Bell.objects.filter(shift_id__in=shifts)}
        lessons = (
            Lesson.objects.filter(
                assignment__school_class_id__in=class_ids, date__range=(first, last)
            )
            .filter(_in_subgroup(student))
            .select_related("assignment__subject", "assignment__teacher", "substitute_teacher")
            .order_by("date", "lesson_number")
        )
        for lesson in lessons:
            if not enrolment.covers(lesson.assignment.school_class_id, lesson.date):
                continue
            bell = bells.get(lesson.lesson_number)
            starts = lesson.starts_at or (bell.starts_at if bell else None)
            ends = lesson.ends_at or (bell.ends_at if bell else None)
            if starts is None or ends is None:
                continue
            teacher = lesson.substitute_teacher or lesson.assignment.teacher
            description = [_("Учитель: %(name)s") % {"name": teacher.full_name}]
            if lesson.substitute_teacher_id:
                description.append(_("Замена"))
            if lesson.topic:
                description.append(_("Тема: %(topic)s") % {"topic": lesson.topic})
            lines += [
                "BEGIN:VEVENT",
                f"UID:lesson-{lesson.pk}@zhurnal",
                f"DTSTAMP:{stamp}",
                f"DTSTART:{_utc(lesson.date, starts, school.tz)}",
                f"DTEND:{_utc(lesson.date, ends, school.tz)}",
                f"SUMMARY:{_escape(f'{lesson.lesson_number}. {lesson.assignment.subject.name}')}",
                f"DESCRIPTION:{_escape(chr(10).join(description))}",
            ]
            if lesson.room:
                room = _("каб. %(room)s") % {"room": lesson.room}
                lines.append(f"LOCATION:{_escape(room)}")
            if lesson.status == Lesson.Status.CANCELLED:
                lines.append("STATUS:CANCELLED")
            lines.append("END:VEVENT")
        homework = (
            Homework.objects.filter(lesson__assignment__school_class_id__in=class_ids)
            .filter(_in_subgroup(student, "lesson__assignment__"))
            .filter(
                Q(due_date__range=(first, last))
                | Q(due_date__isnull=True, lesson__date__range=(first, last))
            )
            .select_related("lesson__assignment__subject")
        )
        for hw in homework:
            if not enrolment.covers(hw.lesson.assignment.school_class_id, hw.lesson.date):
                continue
            due = hw.due_date or hw.lesson.date
            summary = _("Д/з: %(subject)s") % {"subject": hw.lesson.assignment.subject.name}
            lines += [
                "BEGIN:VEVENT",
                f"UID:homework-{hw.pk}@zhurnal",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
                f"DTEND;VALUE=DATE:{due + timedelta(days=1):%Y%m%d}",
                f"SUMMARY:{_escape(summary)}",
                f"DESCRIPTION:{_escape(hw.text)}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines += _event_lines(student, enrolment, role, first, last, stamp, school)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _event_lines(student, enrolment, role, first, last, stamp, school) -> list[str]:
    """The school's and the classes' events (мероприятия) that concern this reader (one query)."""
    from apps.messaging.board import student_events

    tz = school.tz
    spans = enrolment.spans
    events = student_events(
        student=student,
        class_ids={s.school_class.pk for s in spans},
        grades={s.school_class.grade for s in spans},
        reader_roles={role},
        first=datetime.combine(first, datetime.min.time(), tzinfo=tz),
        last=datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    )
    lines = []
    for event in events:
        ends = event.ends_at or event.starts_at + timedelta(hours=1)
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{event.pk}@zhurnal",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{event.starts_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
            f"DTEND:{ends.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
            f"SUMMARY:{_escape(event.title)}",
            f"DESCRIPTION:{_escape(event.description)}",
        ]
        if event.place:
            lines.append(f"LOCATION:{_escape(event.place)}")
        lines.append("END:VEVENT")
    return lines
