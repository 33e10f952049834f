"""Deadline reminders (SPEC §10): the person responsible is reminded before a deadline passes.

- attendance not taken 5 minutes after the bell (the limit is 10, seed 004 item 8);
- homework not set when the class's school day ends (it is due an hour later, seed 003
  item 2.2);
- period marks missing two working days before their deadline (seed 004 item 13);
- КТП not filled two working days before 15 September (seed 004 item 14);
- an order on movement still unsigned two working days before its movement is due
  (3 working days, seed 000 item 19; enrolment into grades 1 and 10 by 5 September, item 5):
  the secretary who drafted it and the director who signs it.

Each reminder is a notification with a dedupe key: the check runs every few minutes and
the person hears about a thing once. Never at night, in the school's time: a reminder
whose moment falls at night is simply not sent (the morning's check covers what is
still open). Offsets and quiet hours come from apps/school/policy.py.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.policy import Role
from apps.classes.models import TeachingAssignment
from apps.gradebook.models import PeriodMark
from apps.homework.models import Homework
from apps.messaging.services import notify
from apps.orders.selectors import movement_drafts_due
from apps.reports.audit import Rosters
from apps.schedule.models import Lesson, PlanTopic
from apps.school.models import AcademicYear, School, StudyPeriod
from apps.school.policy import (
    attendance_deadline,
    attendance_reminder_at,
    homework_deadline,
    ktp_deadline,
    may_remind_at,
    period_mark_due_day,
    public_days_off,
    reminder_starts_on,
    school_policy,
)
from apps.students.selectors import subgroup_gaps


def _group(lesson: dict) -> str:
    name = (
        f"{lesson['assignment__school_class__grade']}{lesson['assignment__school_class__letter']}"
    )
    if lesson["assignment__subgroup__name"]:
        name += f" ({lesson['assignment__subgroup__name']})"
    return name


def reminders_send(*, school: School, now: datetime) -> int:
    """Send the reminders due at `now` in one school; returns how many were new."""
    policy = school_policy(school)
    if not may_remind_at(policy, school=school, moment=now):
        return 0
    today = now.astimezone(school.tz).date()
    year = (
        AcademicYear.objects.filter(school=school, starts_on__lte=today, ends_on__gte=today)
        .open()
        .first()
    )
    if year is None:
        return 0
    sent = _lesson_reminders(school, policy, today, now)
    days_off = public_days_off(school, year.starts_on, year.ends_on + timedelta(days=60))
    sent += _period_mark_reminders(school, policy, year, today, days_off)
    sent += _ktp_reminders(school, policy, year, today, days_off)
    sent += _movement_reminders(school, policy, today, days_off)
    sent += _subgroup_reminders(school, year, today)
    return sent


def _lesson_reminders(school, policy, today, now) -> int:
    lessons = list(
        Lesson.objects.filter(school=school, date=today)
        .exclude(status=Lesson.Status.CANCELLED)
        .annotate(has_homework=Exists(Homework.objects.filter(lesson=OuterRef("pk"))))
        .values(
            "id",
            "assignment_id",
            "assignment__teacher_id",
            "substitute_teacher_id",
            "lesson_number",
            "starts_at",
            "ends_at",
            "attendance_taken_at",
            "has_homework",
            "assignment__school_class_id",
            "assignment__school_class__grade",
            "assignment__school_class__letter",
            "assignment__subgroup__name",
            "assignment__subject__name",
        )
    )
    users = User.objects.in_bulk(
        {lesson["substitute_teacher_id"] or lesson["assignment__teacher_id"] for lesson in lessons}
    )
    sent = 0
    last_end: dict[int, object] = {}
    for lesson in lessons:
        if lesson["ends_at"] is not None:
            key = lesson["assignment__school_class_id"]
            last_end[key] = max(last_end.get(key, lesson["ends_at"]), lesson["ends_at"])
    homework_due: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for lesson in lessons:
        teacher = users[lesson["substitute_teacher_id"] or lesson["assignment__teacher_id"]]
        what = _("%(group)s, %(subject)s, %(n)s-й урок") % {
            "group": _group(lesson),
            "subject": lesson["assignment__subject__name"].lower(),
            "n": lesson["lesson_number"],
        }
        grid = reverse(
            "journal:grid",
            kwargs={"school_id": school.pk, "assignment_id": lesson["assignment_id"]},
        )
        if lesson["attendance_taken_at"] is None and lesson["starts_at"] is not None:
            remind_at = attendance_reminder_at(
                policy, school=school, lesson_date=today, starts_at=lesson["starts_at"]
            )
            deadline = attendance_deadline(
                policy, school=school, lesson_date=today, starts_at=lesson["starts_at"]
            )
            if remind_at <= now:
                sent += bool(
                    notify(
                        school=school,
                        user=teacher,
                        title=_("Отметьте посещаемость: %(what)s") % {"what": what},
                        body=_(
                            "Посещаемость вносится в течение %(m)s минут от начала урока — до %(time)s."
                        )
                        % {
                            "m": policy.attendance_minutes,
                            "time": deadline.astimezone(school.tz).strftime("%H:%M"),
                        },
                        link=grid,
                        dedupe_key=f"remind:attendance:{lesson['id']}",
                    )
                )
        class_end = last_end.get(lesson["assignment__school_class_id"])
        if (
            not lesson["has_homework"]
            and class_end is not None
            and policy.marks_allowed_in_grade(lesson["assignment__school_class__grade"])
        ):
            deadline = homework_deadline(
                policy, school=school, lesson_date=today, last_lesson_ends=class_end
            )
            if datetime.combine(today, class_end, tzinfo=school.tz) <= now <= deadline:
                homework_due[(teacher.pk, lesson["assignment__school_class_id"])].append(
                    {**lesson, "what": what, "deadline": deadline}
                )
    for (teacher_id, class_id), items in homework_due.items():
        deadline = items[0]["deadline"].astimezone(school.tz).strftime("%H:%M")
        sent += bool(
            notify(
                school=school,
                user=users[teacher_id],
                title=_("Запишите домашнее задание: %(group)s") % {"group": _group(items[0])},
                body=_("Не задано: %(list)s. Задание вносится не позднее %(time)s.")
                % {"list": "; ".join(i["what"] for i in items), "time": deadline},
                link=reverse(
                    "journal:lesson", kwargs={"school_id": school.pk, "lesson_id": items[0]["id"]}
                ),
                dedupe_key=f"remind:homework:{today:%Y%m%d}:{teacher_id}:{class_id}",
            )
        )
    return sent


def _period_mark_reminders(school, policy, year, today, days_off) -> int:
    periods = list(StudyPeriod.objects.filter(year=year))
    due = []  # (scheme, period or None for the year, deadline day)
    for scheme in {p.scheme for p in periods}:
        of_scheme = [p for p in periods if p.scheme == scheme]
        candidates = [(p, p.ends_on) for p in of_scheme] + [
            (None, max(p.ends_on for p in of_scheme))
        ]
        for period, end in candidates:
            deadline_day = period_mark_due_day(policy, period_end=end, days_off=days_off)
            if (
                max(end, reminder_starts_on(policy, deadline_day=deadline_day, days_off=days_off))
                <= today
                <= deadline_day
            ):
                due.append((scheme, period, end, deadline_day))
    if not due:
        return 0
    assignments = list(
        TeachingAssignment.objects.filter(year=year).select_related(
            "school_class", "subject", "subgroup", "teacher"
        )
    )
    rosters = Rosters.load({a.school_class_id for a in assignments})
    marked = set(
        PeriodMark.objects.filter(assignment__year=year).values_list(
            "assignment_id", "kind", "period_id", "student_id"
        )
    )
    missing: dict[tuple, list[str]] = defaultdict(list)
    for a in assignments:
        if not policy.marks_allowed_in_grade(a.school_class.grade):
            continue
        for scheme, period, end, deadline_day in due:
            if year.scheme_for_grade(a.school_class.grade) != scheme:
                continue
            kind = PeriodMark.Kind.PERIOD if period else PeriodMark.Kind.YEAR
            lacking = [
                s
                for s in rosters.students_of(a, end, end)
                if (a.pk, kind, period.pk if period else None, s) not in marked
            ]
            if lacking:
                group = f"{a.school_class.name}" + (
                    f" ({a.subgroup.name})" if a.subgroup_id else ""
                )
                missing[(a.teacher, period, deadline_day)].append(
                    _("%(group)s, %(subject)s — нет у %(n)s")
                    % {"group": group, "subject": a.subject.name.lower(), "n": len(lacking)}
                )
    sent = 0
    for (teacher, period, deadline_day), items in missing.items():
        label = period.name if period else _("год")
        key = f"remind:period:{period.pk}" if period else f"remind:year:{year.pk}"
        sent += bool(
            notify(
                school=school,
                user=teacher,
                title=_("Выставьте отметки за %(label)s до %(date)s")
                % {"label": label.lower(), "date": deadline_day.strftime("%d.%m.%Y")},
                body="\n".join(items),
                link=reverse("journal:index", kwargs={"school_id": school.pk}),
                dedupe_key=f"{key}:{teacher.pk}",
                email=True,
            )
        )
    return sent


def _ktp_reminders(school, policy, year, today, days_off) -> int:
    deadline_day = ktp_deadline(policy, school=school, year_starts_on=year.starts_on).date()
    if (
        not reminder_starts_on(policy, deadline_day=deadline_day, days_off=days_off)
        <= today
        <= deadline_day
    ):
        return 0
    empty = (
        TeachingAssignment.objects.filter(year=year)
        .exclude(Exists(PlanTopic.objects.filter(assignment=OuterRef("pk"))))
        .select_related("teacher", "school_class", "subject", "subgroup")
    )
    by_teacher: dict[object, list[str]] = defaultdict(list)
    for a in empty:
        group = a.school_class.name + (f" ({a.subgroup.name})" if a.subgroup_id else "")
        by_teacher[a.teacher].append(f"{group}, {a.subject.name.lower()}")
    sent = 0
    for teacher, items in by_teacher.items():
        sent += bool(
            notify(
                school=school,
                user=teacher,
                title=_("Заполните КТП до %(date)s") % {"date": deadline_day.strftime("%d.%m.%Y")},
                body=_("Календарно-тематическое планирование не заполнено: %(list)s.")
                % {"list": "; ".join(items)},
                link=reverse("journal:index", kwargs={"school_id": school.pk}),
                dedupe_key=f"remind:ktp:{year.pk}:{teacher.pk}",
                email=True,
            )
        )
    return sent


def _movement_reminders(school, policy, today, days_off) -> int:
    drafts = [
        d
        for d in movement_drafts_due(school=school, today=today)
        if reminder_starts_on(policy, deadline_day=d.due, days_off=days_off) <= today <= d.due
    ]
    if not drafts:
        return 0
    directors = list(
        User.objects.filter(
            role_grants__school=school, role_grants__role=Role.DIRECTOR, is_active=True
        ).distinct()
    )
    sent = 0
    for draft in drafts:
        order = draft.order
        people = {u.pk: u for u in directors}
        if order.drafted_by_id is not None and order.drafted_by.is_active:
            people[order.drafted_by_id] = order.drafted_by
        for user in people.values():
            sent += bool(
                notify(
                    school=school,
                    user=user,
                    title=_("Подпишите приказ «%(title)s» до %(date)s")
                    % {"title": order.title, "date": draft.due.strftime("%d.%m.%Y")},
                    body=_(
                        "Движение обучающихся вносится не позднее %(date)s; приказ ещё не подписан."
                    )
                    % {"date": draft.due.strftime("%d.%m.%Y")},
                    link=reverse("orders:detail", kwargs={"school_id": school.pk, "pk": order.pk}),
                    dedupe_key=f"remind:movement:{order.pk}:{user.pk}",
                    email=True,
                )
            )
    return sent


def _subgroup_reminders(school, year, today) -> int:
    """Pupils in none of their class's subgroups of a split subject (a transfer, a late
    enrolment): the class teacher hears every school day until they are placed."""
    by_teacher: dict[object, list] = defaultdict(list)
    for gap in subgroup_gaps(classes=year.classes.all(), on=today):
        if gap.school_class.class_teacher is not None:
            by_teacher[gap.school_class.class_teacher].append(gap)
    sent = 0
    for teacher, gaps in by_teacher.items():
        items = [
            f"{gap.school_class.name}, {gap.subject_name.lower()}: "
            + ", ".join(f"{s.last_name} {s.first_name}" for s in gap.students)
            for gap in gaps
        ]
        sent += bool(
            notify(
                school=school,
                user=teacher,
                title=_("Распределите учеников по подгруппам"),
                body=_(
                    "Эти ученики не входят ни в одну подгруппу и не видны в журнале "
                    "подгруппы: %(list)s."
                )
                % {"list": "; ".join(items)},
                link=reverse(
                    "school:subgroup-members",
                    kwargs={"school_id": school.pk, "pk": gaps[0].first_subgroup_id},
                ),
                # One a day while the gap lasts.
                dedupe_key=f"remind:subgroups:{teacher.pk}:{today.isoformat()}",
            )
        )
    return sent
