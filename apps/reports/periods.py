"""Date ranges the reports speak of: a calendar month, a study period, the year."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.school.models import AcademicYear, StudyPeriod


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    first = month_start(day)
    return month_start(first - timedelta(days=1))


def month_end(day: date) -> date:
    return next_month(day) - timedelta(days=1)


def month_label(day: date) -> str:
    """«октябрь 2026»."""
    return date_format(day, "F Y").lower()


def local_bounds(tz, start: date, end: date) -> tuple[datetime, datetime]:
    """Aware [start 00:00, the day after end 00:00) in the school's time zone."""
    return datetime.combine(start, time(0), tzinfo=tz), datetime.combine(
        end + timedelta(days=1), time(0), tzinfo=tz
    )


def months_of(start: date, end: date) -> list[date]:
    months, day = [], month_start(start)
    while day <= end:
        months.append(day)
        day = next_month(day)
    return months


@dataclass(frozen=True)
class Span:
    """A chosen report range: a study period, or the whole year."""

    key: str  # "p<id>" or "year"
    label: str
    starts_on: date
    ends_on: date
    period: StudyPeriod | None = None

    @property
    def is_year(self) -> bool:
        return self.period is None


def spans_of_year(year: AcademicYear, periods: list[StudyPeriod]) -> list[Span]:
    """Every period of the year (quarters and half-years) and the year itself."""
    names = Counter(p.name for p in periods)
    spans = [
        Span(
            f"p{p.pk}",
            # «1 четверть» says its system; the same name in both systems needs saying which.
            f"{p.name} ({p.get_scheme_display().lower()})" if names[p.name] > 1 else p.name,
            p.starts_on,
            p.ends_on,
            p,
        )
        for p in periods
    ]
    spans.append(
        Span("year", _("Учебный год %(name)s") % {"name": year.name}, year.starts_on, year.ends_on)
    )
    return spans


def pick_span(
    spans: list[Span], key: str | None, today: date, *, prefer_ended: bool = False
) -> Span:
    """The span asked for; by default a period of the main scheme (quarters when the school
    has them): the one going on today, or — for marks already set — the last one ended."""
    chosen = next((s for s in spans if s.key == key), None)
    if chosen:
        return chosen
    periods = [s for s in spans if not s.is_year]
    quarters = [s for s in periods if s.period.scheme == "quarter"]
    periods = quarters or periods
    ended = [s for s in periods if s.ends_on < today]
    current = next((s for s in periods if s.starts_on <= today <= s.ends_on), None)
    if prefer_ended and ended:
        return ended[-1]
    return current or (ended[-1] if ended else spans[-1])
