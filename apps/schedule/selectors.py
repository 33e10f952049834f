"""Reads of the timetable."""

from collections import defaultdict

from apps.classes.models import SchoolClass
from apps.schedule.models import WEEKDAYS, TimetableEntry
from apps.school.models import AcademicYear, Bell


def timetable_grid(*, school_class: SchoolClass) -> dict:
    """The class's week: {(weekday, lesson_number): [entries]} with the lesson numbers used."""
    entries = list(
        TimetableEntry.objects.filter(assignment__school_class=school_class)
        .select_related("assignment__subject", "assignment__subgroup", "assignment__teacher")
        .order_by("weekday", "lesson_number", "starts_on")
    )
    slots: dict[tuple[int, int], list[TimetableEntry]] = defaultdict(list)
    for entry in entries:
        slots[(entry.weekday, entry.lesson_number)].append(entry)
    numbers = set(range(1, 8)) | {e.lesson_number for e in entries}
    if school_class.shift_id:
        numbers |= set(Bell.objects.filter(shift_id=school_class.shift_id).values_list("lesson_number", flat=True))
    rows = [
        (n, [(day, slots.get((day, n), [])) for day, _label in WEEKDAYS])
        for n in sorted(numbers)
    ]
    return {"weekdays": WEEKDAYS, "rows": rows}


def year_classes(year: AcademicYear | None):
    if year is None:
        return []
    return list(SchoolClass.objects.filter(year=year).order_by("grade", "letter"))
