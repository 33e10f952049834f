"""The one clock of the product: "now" and "today in this school" come from here.

Services, selectors, policy functions and tasks never read the real clock themselves:
they call these functions or take `now` as an argument from the request or the task.
Tests freeze the clock with `frozen(at)` (the `clock` fixture in tests/conftest.py), so
the suite does not depend on the date or the hour it runs at.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.utils import timezone

# A fixed instant, or an offset from the real clock, set only by tests and the clock-shift run.
_frozen_at: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """The current instant (aware, UTC)."""
    if _frozen_at is not None:
        return _frozen_at
    return timezone.now() + _offset


def school_now(school) -> datetime:
    """The current instant in the school's own time zone (Russia spans eleven)."""
    return timezone.localtime(now(), school.tz)


def school_today(school) -> date:
    """Today's date in the school's own time zone."""
    return school_now(school).date()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Stop the clock at `at` (aware) for the duration of the block."""
    global _frozen_at
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen_at = _frozen_at, at
    try:
        yield
    finally:
        _frozen_at = previous


def shift(delta: timedelta) -> None:
    """Move the clock by `delta` for the rest of the process (the clock-shift test run)."""
    global _offset
    _offset = delta
