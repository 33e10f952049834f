"""The school policy module: every deadline and threshold a school's regulations set.

Regulations differ between schools (seeds 000–004), so each value here is a default that
a school may override on its «Правила школы» page (stored in `school.SchoolRules`). Code
reads the rules only through `school_policy(school)` and computes every deadline with the
functions below, in the school's own time zone: Russia spans eleven.

| rule | default | source |
|---|---|---|
| attendance entered after the lesson start | 10 minutes | seed 004 item 8 |
| current marks / control work / written work and essays | same day / 3 days / 7 days | seed 004 items 10–12 |
| period, year, exam and final marks after the period ends | 5 working days | seed 004 item 13 |
| homework after the class's last lesson of the day | 1 hour | seed 003 item 2.2 |
| КТП filled | by 15 September | seed 004 item 14 |
| correcting a mark older than this needs a reason | 3 days | SPEC §3 (corrections) |
| suggested period mark: «3», «4», «5» from | 2.5 / 3.5 / 4.5 | seed 002; 2.6/3.6/4.6 also common |
| grade 1 without marks | yes | СанПиН 2.4.3648-20 §3.4.16 |
| monthly journal audit | by the 20th | seed 002 section 7 |
| marks needed to be attested in a period | 3 | school decision |
| homework load per day, minutes, grades 1…11 | 60, 90, 90, 120, 120, 150, 150, 150, 210, 210, 210 | СанПиН 1.2.3685-21 table 6.6 |
| enrolment orders for grades 1 and 10 | by 5 September | seed 000 item 5 |
| movement entered after the order | 3 working days | seed 000 item 19 |
| reminders are not sent at night | only 08:00–21:00 | — |
| attendance reminder after the lesson start | 5 minutes | seed 004 item 8 (before the 10-minute limit) |
| period-mark and КТП reminders before their deadline | 2 working days | SPEC §10 |
| the class rating in the e-diary | shown | seed 002 section 5 |
| Saturday is a working day | no (five-day week) | — |
| the class teacher sees the PE group and the ОВЗ flag of their class | no | 152-ФЗ art. 10: health data, need to know |
| the class teacher sees the social categories of their class | no | 152-ФЗ: special data, need to know |
| the kitchen's order of the day is fixed at | 09:00 school time | the school's meals regulation |
| class teachers who have not confirmed meals are reminded before that | 30 minutes | — |
| meals may be corrected after the order is fixed | no | — |
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

THRESHOLD_SETS: dict[str, tuple[Decimal, Decimal, Decimal]] = {
    "2.5": (Decimal("2.5"), Decimal("3.5"), Decimal("4.5")),
    "2.6": (Decimal("2.6"), Decimal("3.6"), Decimal("4.6")),
}
# СанПиН 1.2.3685-21 table 6.6: total homework time per day, in minutes, for grades 1..11.
HOMEWORK_NORM_MINUTES = (60, 90, 90, 120, 120, 150, 150, 150, 210, 210, 210)


@dataclass(frozen=True)
class Policy:
    # The journal (seed 004).
    attendance_minutes: int = 10
    current_mark_days: int = 0
    control_mark_days: int = 3
    written_mark_days: int = 7
    period_mark_working_days: int = 5
    homework_hours_after_last_lesson: int = 1
    ktp_due_month: int = 9
    ktp_due_day: int = 15
    correction_reason_after_days: int = 3
    thresholds_key: str = "2.5"
    grade_one_marks: bool = False
    # Control (seed 002 sections 6–7).
    control_day: int = 20
    min_marks_for_attestation: int = 3
    homework_norm_minutes: tuple[int, ...] = HOMEWORK_NORM_MINUTES
    # Contingent (seed 000).
    enrolment_due_month: int = 9
    enrolment_due_day: int = 5
    movement_working_days: int = 3
    # Everyone.
    reminders_from: time = time(8, 0)
    reminders_until: time = time(21, 0)
    attendance_reminder_minutes: int = 5
    reminder_working_days_before: int = 2
    rating_enabled: bool = True
    saturday_is_working: bool = False
    # Special data and meals (apps/care).
    class_teacher_sees_health: bool = False
    class_teacher_sees_social: bool = False
    meals_order_deadline: time = time(9, 0)
    meals_reminder_minutes: int = 30
    meals_corrections_allowed: bool = False

    @property
    def thresholds(self) -> tuple[Decimal, Decimal, Decimal]:
        """Averages from which 3, 4 and 5 are suggested."""
        return THRESHOLD_SETS[self.thresholds_key]

    @property
    def thresholds_label(self) -> str:
        low, mid, high = (str(v).replace(".", ",") for v in self.thresholds)
        return _("«3» от %(a)s, «4» от %(b)s, «5» от %(c)s") % {"a": low, "b": mid, "c": high}

    def mark_days(self, deadline_kind: str) -> int:
        """Days after the lesson a mark of this work-type deadline kind may be entered."""
        return {
            "current": self.current_mark_days,
            "control": self.control_mark_days,
            "written": self.written_mark_days,
        }.get(deadline_kind, self.current_mark_days)

    def marks_allowed_in_grade(self, grade: int) -> bool:
        """Grade 1 is taught without marks unless the school decided otherwise."""
        return grade != 1 or self.grade_one_marks

    def homework_norm(self, grade: int) -> int:
        """Minutes of homework per day allowed for a grade."""
        return self.homework_norm_minutes[grade - 1]


DEFAULT_POLICY = Policy()

# Internal mail and the board (apps/messaging): limits of the installation, the same in every
# school. A letter to a whole class counts once against the hourly limit.
MAIL_MESSAGES_PER_HOUR = 30
MAIL_ATTACHMENT_MAX_MB = 10
MAIL_ATTACHMENTS_PER_MESSAGE = 5
MAIL_ATTACHMENT_KINDS = frozenset(
    {"pdf", "jpg", "jpeg", "png", "gif", "doc", "docx", "xls", "xlsx", "ppt", "pptx"}
    | {"odt", "ods", "odp", "rtf", "txt"}
)
POLICY_FIELDS = tuple(f.name for f in fields(Policy))


def school_policy(school) -> Policy:
    """The school's rules: one query, defaults when the school changed nothing."""
    from apps.school.models import SchoolRules

    row = SchoolRules.objects.filter(school_id=school.pk).first()
    if row is None:
        return DEFAULT_POLICY
    values = {name: getattr(row, name) for name in POLICY_FIELDS}
    values["homework_norm_minutes"] = tuple(values["homework_norm_minutes"])
    return Policy(**values)


# --- working days and deadlines ----------------------------------------------------------


def public_days_off(school, start: date, end: date) -> set[date]:
    """Public holidays and declared days off between two dates (one query).

    School vacations (каникулы) are not days off here: teachers and the office work then,
    and a period mark due «5 working days after the quarter» falls inside the vacation.
    """
    from apps.school.models import Holiday

    days: set[date] = set()
    for first, last in Holiday.objects.filter(
        school_id=school.pk,
        kind=Holiday.Kind.PUBLIC,
        grades=[],
        starts_on__lte=end,
        ends_on__gte=start,
    ).values_list("starts_on", "ends_on"):
        day = max(first, start)
        while day <= min(last, end):
            days.add(day)
            day += timedelta(days=1)
    return days


def is_working_day(policy: Policy, day: date, days_off: set[date]) -> bool:
    """Not Sunday, not Saturday in a five-day school, not a holiday or public day off."""
    weekday = day.isoweekday()
    if weekday == 7 or (weekday == 6 and not policy.saturday_is_working):
        return False
    return day not in days_off


def add_working_days(policy: Policy, start: date, n: int, days_off: set[date]) -> date:
    """The n-th working day after `start` (n=0: `start` itself)."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(policy, day, days_off):
            counted += 1
    return day


def end_of_day(school, day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=school.tz)


def attendance_deadline(
    policy: Policy, *, school, lesson_date: date, starts_at: time | None
) -> datetime:
    """Aware moment by which attendance must be entered (lesson start + N minutes).

    Without a bell time, the end of the lesson's day (seed 003 item 2.1).
    """
    if starts_at is None:
        return end_of_day(school, lesson_date)
    start = datetime.combine(lesson_date, starts_at, tzinfo=school.tz)
    return start + timedelta(minutes=policy.attendance_minutes)


def mark_deadline(policy: Policy, *, school, lesson_date: date, deadline_kind: str) -> datetime:
    """End of the last day on which a mark of this kind is on time, in school time."""
    return end_of_day(school, lesson_date + timedelta(days=policy.mark_days(deadline_kind)))


def period_mark_deadline(
    policy: Policy, *, school, period_end: date, days_off: set[date]
) -> datetime:
    """End of the N-th working day after the period ends (seed 004 item 13)."""
    return end_of_day(
        school, add_working_days(policy, period_end, policy.period_mark_working_days, days_off)
    )


def homework_deadline(
    policy: Policy, *, school, lesson_date: date, last_lesson_ends: time | None
) -> datetime:
    """One hour (by default) after the class's last lesson of the day (seed 003 item 2.2)."""
    if last_lesson_ends is None:
        return end_of_day(school, lesson_date)
    end = datetime.combine(lesson_date, last_lesson_ends, tzinfo=school.tz)
    return min(
        end + timedelta(hours=policy.homework_hours_after_last_lesson),
        end_of_day(school, lesson_date),
    )


def ktp_deadline(policy: Policy, *, school, year_starts_on: date) -> datetime:
    """КТП is due by the set day of the year's first autumn (seed 004 item 14)."""
    return end_of_day(school, date(year_starts_on.year, policy.ktp_due_month, policy.ktp_due_day))


def enrolment_order_deadline(policy: Policy, *, year_starts_on: date) -> date:
    """Enrolment into grades 1 and 10 is ordered by 5 September (seed 000 item 5)."""
    return date(year_starts_on.year, policy.enrolment_due_month, policy.enrolment_due_day)


def movement_deadline(policy: Policy, *, school, order_date: date, days_off: set[date]) -> datetime:
    """Movement is entered within 3 working days of the order (seed 000 item 19)."""
    return end_of_day(
        school, add_working_days(policy, order_date, policy.movement_working_days, days_off)
    )


def audit_day(policy: Policy, *, year: int, month: int) -> date:
    """The monthly control day (the 20th by default), clamped to the month's length."""
    last_day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return date(year, month, min(policy.control_day, last_day.day))


def attendance_reminder_at(
    policy: Policy, *, school, lesson_date: date, starts_at: time
) -> datetime:
    """When a teacher who has not taken attendance is reminded (5 minutes after the bell)."""
    start = datetime.combine(lesson_date, starts_at, tzinfo=school.tz)
    return start + timedelta(minutes=policy.attendance_reminder_minutes)


def reminder_starts_on(policy: Policy, *, deadline_day: date, days_off: set[date]) -> date:
    """The day reminders about a deadline begin: N working days before it (2 by default)."""
    day, counted = deadline_day, 0
    while counted < policy.reminder_working_days_before:
        day -= timedelta(days=1)
        if is_working_day(policy, day, days_off):
            counted += 1
    return day


def may_remind_at(policy: Policy, *, school, moment: datetime) -> bool:
    """Reminders are never sent at night, in the school's local time."""
    local = moment.astimezone(school.tz).time()
    return policy.reminders_from <= local < policy.reminders_until


def correction_needs_reason(policy: Policy, *, school, entered_at: datetime, now: datetime) -> bool:
    """Correcting a mark entered more than N days ago requires a written reason."""
    entered_day = entered_at.astimezone(school.tz).date()
    return (
        now.astimezone(school.tz).date() - entered_day
    ).days > policy.correction_reason_after_days


def meals_order_deadline(policy: Policy, *, school, day: date) -> datetime:
    """The moment the kitchen's order of `day` is fixed (09:00 school time by default)."""
    return datetime.combine(day, policy.meals_order_deadline, tzinfo=school.tz)


def meals_reminder_at(policy: Policy, *, school, day: date) -> datetime:
    """When class teachers who have not confirmed who eats today are reminded."""
    return meals_order_deadline(policy, school=school, day=day) - timedelta(
        minutes=policy.meals_reminder_minutes
    )
