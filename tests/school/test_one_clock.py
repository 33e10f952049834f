"""The product reads the time only through apps/school/clock.py.

A service, selector, view or task that reads the real clock itself cannot be moved to another
date by the tests (tests/clock.py) and makes the suite depend on the day and hour it runs at.
Django's `auto_now`/`auto_now_add` stamps (when a row was written) are not reads of "now"
by a rule, and stay.
"""

import re
from pathlib import Path

import apps

APPS = Path(apps.__file__).parent
CLOCK = APPS / "school" / "clock.py"
REAL_CLOCK = re.compile(
    r"timezone\.now\b|timezone\.localdate\(|timezone\.localtime\(\)"
    r"|\bdate\.today\(|\bdatetime\.(now|today|utcnow)\(|\btime\.time\("
)


def test_no_real_clock_outside_the_clock_module():
    found = []
    for path in APPS.rglob("*.py"):
        if path == CLOCK or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if REAL_CLOCK.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(APPS.parent)}:{number}: {line.strip()}")
    assert not found, "read the time through apps.school.clock:\n" + "\n".join(found)


def test_the_frozen_clock_stands_still_until_moved(frozen_clock, world):
    from datetime import timedelta

    from apps.school import clock

    # The factories built the school year around the run's today (tests/clock.py).
    today = clock.school_today(world.school)
    first = world.year.starts_on
    assert first <= today < first.replace(year=first.year + 1)
    start = clock.now()
    assert clock.now() == start == frozen_clock.at
    frozen_clock.advance(timedelta(hours=25))
    assert clock.now() - start == timedelta(hours=25)
