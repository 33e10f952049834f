"""The demo school: a deterministic, realistic Russian school for `make demo` and the benchmarks.

`build_demo_school()` builds the structure (apps/school/demo/structure.py), then runs each
area's step listed in `DEMO_STEPS`, in order. A step is a function `populate(demo)` taking
the `DemoSchool` below; it adds its area's data (timetable and journal, orders, ...) and
may put what later steps need on `demo.extra`.
"""

import random
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module

# Dotted paths of `populate(demo)` functions, run after the structure, in this order.
DEMO_STEPS: list[str] = [
    "apps.orders.demo.populate",  # movements first: the journal follows the final class lists
    "apps.schedule.demo.populate",  # the class journal: timetable, КТП, lessons, marks (the diary reads it)
    "apps.diary.demo.populate",
    "apps.reports.demo.populate",  # after the journal's step: it audits the lessons written there
    "apps.care.demo.populate",  # after the journal: a month of meals follows its attendance
    "apps.messaging.demo.populate",  # a month of mail, board posts and events
    "apps.portfolio.demo.populate",
    "apps.exams.demo.populate",  # last year's ГИА results and this year's applications
    "apps.facilities.demo.populate",  # a month of repair requests and the answers to them
    "apps.documents.demo.populate",  # the document store and the resource catalogue
]

DEMO_PASSWORD = "demo12345"


@dataclass
class DemoSchool:
    school: object  # apps.school.models.School
    year: object  # the open AcademicYear
    last_year: object  # the closed previous AcademicYear
    today: date  # "today" in the school's time zone when the demo was built
    rng: random.Random
    users: dict[str, object] = field(default_factory=dict)  # demo login -> User (one per role)
    teachers: list = field(default_factory=list)  # Users with the teacher role
    classes: list = field(default_factory=list)  # SchoolClass of the open year
    assignments: list = field(default_factory=list)  # TeachingAssignment of the open year
    students: list = field(default_factory=list)  # Student enrolled in the open year
    subjects: dict = field(default_factory=dict)  # subject name -> Subject
    shifts: list = field(
        default_factory=list
    )  # Shift 1 (grades 1, 5–11) and 2 (grades 2–4), with bells
    last_year_classes: list = field(default_factory=list)  # SchoolClass of the closed year
    guardians: list = field(default_factory=list)  # Guardian, each with an account
    extra: dict = field(default_factory=dict)


def build_demo_school(
    *, seed: int = 2026, today: date | None = None, scale: float = 1.0
) -> DemoSchool:
    """Build the whole demo school. `scale` < 1 makes a smaller one for tests."""
    from apps.school.demo.structure import build_structure

    demo = build_structure(seed=seed, today=today, scale=scale)
    for path in DEMO_STEPS:
        module, _, name = path.rpartition(".")
        getattr(import_module(module), name)(demo)
    return demo
