"""The school calendar of a demo year: quarters, half-years, holidays, public days off, bells.

Follows the calendar the federal programmes (ФООП) recommend: the year from 1 September;
autumn holidays of nine days at the end of October; winter holidays from 31 December to
the Sunday after Christmas; spring holidays of nine days in late March; an extra week in
February for grade 1; lessons end on 26 May. Public days off are those of the Labour Code
(art. 112), moved to the next Monday when they fall on a weekend.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

QUARTER, HALF = "quarter", "half"
VACATION, PUBLIC = "vacation", "public"


@dataclass(frozen=True)
class PeriodPlan:
    scheme: str
    number: int
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class HolidayPlan:
    kind: str
    name: str
    starts_on: date
    ends_on: date
    grades: tuple[int, ...] = ()


@dataclass(frozen=True)
class YearCalendar:
    name: str
    starts_on: date
    ends_on: date
    periods: tuple[PeriodPlan, ...]
    holidays: tuple[HolidayPlan, ...]


def _friday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 4) % 7)


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _sunday_on_or_after(day: date) -> date:
    return day + timedelta(days=(6 - day.weekday()) % 7)


def _public_days_off(start_year: int) -> list[HolidayPlan]:
    autumn, spring = start_year, start_year + 1
    fixed = [
        (date(autumn, 11, 4), "День народного единства"),
        (date(spring, 2, 23), "День защитника Отечества"),
        (date(spring, 3, 8), "Международный женский день"),
        (date(spring, 5, 1), "Праздник Весны и Труда"),
        (date(spring, 5, 9), "День Победы"),
    ]
    days = [
        HolidayPlan(
            PUBLIC,
            "Новогодние каникулы и Рождество Христово",
            date(spring, 1, 1),
            date(spring, 1, 8),
        )
    ]
    for day, name in fixed:
        days.append(HolidayPlan(PUBLIC, name, day, day))
        if day.weekday() >= 5:  # Labour Code art. 112: moved to the next working day
            monday = day + timedelta(days=7 - day.weekday())
            days.append(HolidayPlan(PUBLIC, f"{name} (перенос выходного дня)", monday, monday))
    return days


def year_calendar(start_year: int) -> YearCalendar:
    y1, y2 = start_year, start_year + 1
    starts_on, ends_on = date(y1, 9, 1), date(y2, 5, 31)

    q1_end = _friday_on_or_before(date(y1, 10, 25))
    autumn = (q1_end + timedelta(days=1), q1_end + timedelta(days=9))
    q2_start = autumn[1] + timedelta(days=1)
    q2_end = _weekday_on_or_before(date(y1, 12, 30))
    winter = (q2_end + timedelta(days=1), _sunday_on_or_after(date(y2, 1, 8)))
    q3_start = winter[1] + timedelta(days=1)
    q3_end = _friday_on_or_before(date(y2, 3, 20))
    spring = (q3_end + timedelta(days=1), q3_end + timedelta(days=9))
    q4_start = spring[1] + timedelta(days=1)
    q4_end = _weekday_on_or_before(date(y2, 5, 26))
    feb_monday = date(y2, 2, 16) - timedelta(days=date(y2, 2, 16).weekday())

    periods = (
        PeriodPlan(QUARTER, 1, "1 четверть", starts_on, q1_end),
        PeriodPlan(QUARTER, 2, "2 четверть", q2_start, q2_end),
        PeriodPlan(QUARTER, 3, "3 четверть", q3_start, q3_end),
        PeriodPlan(QUARTER, 4, "4 четверть", q4_start, q4_end),
        PeriodPlan(HALF, 1, "1 полугодие", starts_on, q2_end),
        PeriodPlan(HALF, 2, "2 полугодие", q3_start, q4_end),
    )
    holidays = [
        HolidayPlan(VACATION, "Осенние каникулы", *autumn),
        HolidayPlan(VACATION, "Зимние каникулы", *winter),
        HolidayPlan(
            VACATION,
            "Дополнительные каникулы для 1-х классов",
            feb_monday,
            feb_monday + timedelta(days=6),
            (1,),
        ),
        HolidayPlan(VACATION, "Весенние каникулы", *spring),
        *_public_days_off(start_year),
    ]
    holidays.sort(key=lambda h: (h.starts_on, h.kind))
    return YearCalendar(f"{y1}/{y2}", starts_on, ends_on, periods, tuple(holidays))


# Bell schedules: 45-minute lessons, 10-minute breaks and two 20-minute breaks for meals
# (СанПиН 2.4.3648-20 §3.4.16). The second shift ends before 19:00.
def _bells(first: time, breaks: list[int], lessons: int) -> list[tuple[int, time, time]]:
    rows, start = [], first.hour * 60 + first.minute
    for n in range(1, lessons + 1):
        end = start + 45
        rows.append((n, time(start // 60, start % 60), time(end // 60, end % 60)))
        start = end + (breaks[n - 1] if n - 1 < len(breaks) else 10)
    return rows


SHIFTS = (
    (1, "1 смена", _bells(time(8, 0), [10, 20, 20, 10, 10, 10], 7)),
    (2, "2 смена", _bells(time(13, 30), [10, 20, 20, 10], 5)),
)
SECOND_SHIFT_GRADES = frozenset({2, 3, 4})
