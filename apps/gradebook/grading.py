"""Weighted average and the suggested period mark: one function, used everywhere."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from apps.gradebook.models import NUMERIC_MARKS

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Grading:
    average: Decimal | None  # rounded to 2 places for display
    suggested: str | None  # "2".."5", or None without numeric marks


def weighted_average(marks: Iterable[tuple[str, Decimal]]) -> Decimal | None:
    """Σ(mark × weight) / Σ(weight) over numeric marks; зачёт, незачёт and н/а do not count.

    Exact (unrounded) Decimal, so thresholds compare against the true value: 3.495 stays
    below 3.5 and is not rounded up into a «4».
    """
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in marks:
        if value in NUMERIC_MARKS and weight > 0:
            total += Decimal(value) * weight
            weights += weight
    if not weights:
        return None
    return total / weights


def suggested_mark(
    average: Decimal | None, thresholds: tuple[Decimal, Decimal, Decimal]
) -> str | None:
    if average is None:
        return None
    three, four, five = thresholds
    if average >= five:
        return "5"
    if average >= four:
        return "4"
    if average >= three:
        return "3"
    return "2"


def grade(
    marks: Iterable[tuple[str, Decimal]], thresholds: tuple[Decimal, Decimal, Decimal]
) -> Grading:
    """Average and suggested mark for one student's marks (value, work type weight)."""
    average = weighted_average(marks)
    shown = average.quantize(TWO_PLACES, rounding=ROUND_HALF_UP) if average is not None else None
    return Grading(average=shown, suggested=suggested_mark(average, thresholds))
