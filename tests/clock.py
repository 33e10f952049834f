"""The clock of the test run: every test starts at a known moment of the 2026/2027 school year.

The factories build that school year (tests/factories.py), and many tests name its days, so
the run never lets "today" wander out of it:
- by default each test starts at the real time of day on the real month and day, moved into
  the 2026/2027 school year (1 September 2026 – 31 August 2027) when the real date is outside;
- `--clock=2027-03-01T10:00` (or `JOURNAL_TEST_CLOCK=...`) starts every test at that Moscow
  wall-clock moment instead: `make test-clock` runs the riskiest tests at five such moments
  across the year (first day, New Year's Eve 23:30, March, the last school day, summer).
The clock keeps running during a test (`apps.school.clock.shift`); a test that needs it to stand
still takes the `frozen_clock` fixture, or `clock.frozen(...)` itself.
"""

import os
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.school import clock

MOSCOW = ZoneInfo("Europe/Moscow")
# The school year the factories build and the tests name the days of.
YEAR_STARTS = date(2026, 9, 1)
YEAR_LAST_DAY = date(2027, 8, 31)


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("JOURNAL_TEST_CLOCK") or None,
        help="start every test at this Moscow wall-clock moment, YYYY-MM-DDTHH:MM "
        "(default: the real moment moved into the 2026/2027 school year)",
    )


def _moment(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError as error:
        raise pytest.UsageError(f"--clock wants YYYY-MM-DDTHH:MM, got {text!r}") from error
    return at if timezone.is_aware(at) else at.replace(tzinfo=MOSCOW)


def _into_the_school_year(real: datetime) -> datetime:
    """The same month, day and time of day, in the 2026/2027 school year."""
    local = real.astimezone(MOSCOW)
    if YEAR_STARTS <= local.date() <= YEAR_LAST_DAY:
        return local
    year = YEAR_STARTS.year if local.month >= YEAR_STARTS.month else YEAR_STARTS.year + 1
    day = min(local.day, 28) if (local.month, local.day) == (2, 29) else local.day
    return local.replace(year=year, day=day)


def pytest_configure(config):
    wanted = config.getoption("clock")
    config.clock_start = _moment(wanted) if wanted else None


def pytest_report_header(config):
    if config.clock_start:
        return f"clock: every test starts at {config.clock_start.isoformat()}"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's fixtures build anything: its clock starts at the chosen moment."""
    real = timezone.now()
    start = item.config.clock_start or _into_the_school_year(real)
    clock.shift(start - real)


class FrozenClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, at: datetime):
        self._stack = ExitStack()
        self.set(at)

    def set(self, at: datetime) -> datetime:
        self._stack.close()
        self._stack.enter_context(clock.frozen(at))
        self.at = at
        return at

    def advance(self, delta: timedelta) -> datetime:
        return self.set(self.at + delta)

    def close(self) -> None:
        self._stack.close()


@pytest.fixture
def frozen_clock():
    """The clock stopped at the test's start (the run's moment, see above); `.set(at)` and
    `.advance(delta)` move it."""
    stopped = FrozenClock(clock.now().replace(microsecond=0))
    yield stopped
    stopped.close()
