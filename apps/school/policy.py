"""A school's journal rules: deadlines and grading thresholds (seeds 003 and 004).

Regulations differ between schools, so every value here is a default a school may
override (stored in gradebook.SchoolPolicy). Code reads the rules only through
`journal_policy(school)`; deadlines are computed in the school's own time zone.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# seed 004 item 8: attendance within 10 minutes of the lesson start.
DEFAULT_ATTENDANCE_MINUTES = 10
# seed 004 items 10–12: current marks daily, control work 3 days, written work a week.
DEFAULT_MARK_DAYS = {"current": 0, "control": 3, "written": 7}
# seed 004 item 13: period marks within 5 working days after the period ends.
DEFAULT_PERIOD_MARK_WORKING_DAYS = 5
# seed 003 item 2.2: homework at most 1 hour after that class's last lesson.
DEFAULT_HOMEWORK_HOURS = 1

THRESHOLD_SETS: dict[str, tuple[Decimal, Decimal, Decimal]] = {
    "2.5": (Decimal("2.5"), Decimal("3.5"), Decimal("4.5")),
    "2.6": (Decimal("2.6"), Decimal("3.6"), Decimal("4.6")),
}
DEFAULT_THRESHOLDS = "2.5"


@dataclass(frozen=True)
class JournalPolicy:
    attendance_minutes: int = DEFAULT_ATTENDANCE_MINUTES
    current_mark_days: int = DEFAULT_MARK_DAYS["current"]
    control_mark_days: int = DEFAULT_MARK_DAYS["control"]
    written_mark_days: int = DEFAULT_MARK_DAYS["written"]
    period_mark_working_days: int = DEFAULT_PERIOD_MARK_WORKING_DAYS
    homework_hours_after_last_lesson: int = DEFAULT_HOMEWORK_HOURS
    thresholds_key: str = DEFAULT_THRESHOLDS
    grade_one_marks: bool = False

    @property
    def thresholds(self) -> tuple[Decimal, Decimal, Decimal]:
        """Averages from which 3, 4 and 5 are suggested."""
        return THRESHOLD_SETS[self.thresholds_key]

    @property
    def thresholds_label(self) -> str:
        low, mid, high = self.thresholds
        return _("«3» от %(a)s, «4» от %(b)s, «5» от %(c)s") % {
            "a": str(low).replace(".", ","), "b": str(mid).replace(".", ","), "c": str(high).replace(".", ","),
        }

    def mark_days(self, deadline_kind: str) -> int:
        return {
            "current": self.current_mark_days,
            "control": self.control_mark_days,
            "written": self.written_mark_days,
        }.get(deadline_kind, self.current_mark_days)

    def marks_allowed_in_grade(self, grade: int) -> bool:
        """Grade 1 is taught without marks unless the school decided otherwise."""
        return grade != 1 or self.grade_one_marks


DEFAULT_POLICY = JournalPolicy()


def journal_policy(school) -> JournalPolicy:
    """The school's rules (one query; defaults when the school has no overrides)."""
    from apps.gradebook.models import SchoolPolicy

    row = SchoolPolicy.objects.filter(school_id=school.pk).first()
    if row is None:
        return DEFAULT_POLICY
    return JournalPolicy(
        attendance_minutes=row.attendance_minutes,
        current_mark_days=row.current_mark_days,
        control_mark_days=row.control_mark_days,
        written_mark_days=row.written_mark_days,
        period_mark_working_days=row.period_mark_working_days,
        homework_hours_after_last_lesson=row.homework_hours_after_last_lesson,
        thresholds_key=row.thresholds,
        grade_one_marks=row.grade_one_marks,
    )


def attendance_deadline(policy: JournalPolicy, *, school, lesson_date: date, starts_at: time | None) -> datetime:
    """Aware moment by which attendance must be entered (lesson start + N minutes).

    Without a bell time, the end of the lesson's day (seed 003 item 2.1).
    """
    if starts_at is None:
        return datetime.combine(lesson_date, time.max, tzinfo=school.tz)
    start = datetime.combine(lesson_date, starts_at, tzinfo=school.tz)
    return start + timedelta(minutes=policy.attendance_minutes)


def mark_deadline(policy: JournalPolicy, *, school, lesson_date: date, deadline_kind: str) -> datetime:
    """End of the last day on which a mark of this kind is on time, in school time."""
    last_day = lesson_date + timedelta(days=policy.mark_days(deadline_kind))
    return datetime.combine(last_day, time.max, tzinfo=school.tz)


def period_mark_deadline(policy: JournalPolicy, *, school, period_end: date, days_off: set[date]) -> datetime:
    """End of the N-th working day after the period ends (Sundays and `days_off` excluded).

    Saturdays count as working days: most Russian schools in the seeds study six days.
    """
    day, counted = period_end, 0
    while counted < policy.period_mark_working_days:
        day += timedelta(days=1)
        if day.isoweekday() != 7 and day not in days_off:
            counted += 1
    return datetime.combine(day, time.max, tzinfo=school.tz)
