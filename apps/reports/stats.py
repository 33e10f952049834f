"""Progress and quality formulas (отчёт об успеваемости, seed 002 section 8).

A student's category comes from their marks in every subject of the period:
only «5» (отличники), «4» and «5» (хорошисты), with a «3», with a «2» (or «1», «незачёт»),
not attested («н/а»). Зачёт is a pass and does not change the category; a student with
no numeric mark, no «н/а» and no failed зачёт is not counted.

    успеваемость, %   = (counted − with «2» − not attested) / counted × 100
    качество знаний, % = (only «5» + «4» and «5») / counted × 100
    средний балл       = the mean of all numeric marks
    СОУ, %             = (n5·100 + n4·64 + n3·36 + n2·16 + nн/а·7) / n   (В. П. Симонов)

In СОУ the n are numbers of marks («1» counts with «2»), not of students.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

FAILING = frozenset({"2", "1", "незач"})
SOU_WEIGHTS = {"5": 100, "4": 64, "3": 36, "2": 16, "1": 16, "н/а": 7}
HUNDREDTH = Decimal("0.01")

FORMULAS = (
    _("Успеваемость, % = (учащихся всего − с «2» − не аттестованных) / учащихся всего × 100."),
    _("Качество знаний, % = (на «5» + на «4» и «5») / учащихся всего × 100."),
    _("Средний балл — среднее всех отметок «1»–«5»."),
    _(
        "СОУ, % = (n«5»·100 + n«4»·64 + n«3»·36 + n«2»·16 + n«н/а»·7) / n, где n — число отметок (В. П. Симонов)."
    ),
    _(
        "Учитываются обучающиеся, получившие отметку; «зачёт» не меняет категорию, «незачёт» считается как «2»."
    ),
)

FIVE, FOUR, THREE, TWO, NOT_ATTESTED = "five", "four", "three", "two", "na"
CATEGORIES = (FIVE, FOUR, THREE, TWO, NOT_ATTESTED)


def category(marks: Iterable[str]) -> str | None:
    """A student's category from their marks across subjects; None: not counted."""
    marks = list(marks)
    if "н/а" in marks:
        return NOT_ATTESTED
    if any(m in FAILING for m in marks):
        return TWO
    numeric = [m for m in marks if m in ("3", "4", "5")]
    if not numeric:
        return None
    if "3" in numeric:
        return THREE
    if "4" in numeric:
        return FOUR
    return FIVE


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass
class Tally:
    """Counts of one group (a class, a grade, a subject, a teacher, the school)."""

    counted: int = 0
    five: int = 0
    four: int = 0
    three: int = 0
    two: int = 0
    na: int = 0
    marks: list[str] = field(default_factory=list)

    def add_student(self, marks: Iterable[str]) -> str | None:
        marks = list(marks)
        cat = category(marks)
        if cat is not None:
            self.counted += 1
            setattr(self, cat, getattr(self, cat) + 1)
            self.marks.extend(marks)
        return cat

    @property
    def success(self) -> Decimal | None:
        return _pct(self.counted - self.two - self.na, self.counted)

    @property
    def quality(self) -> Decimal | None:
        return _pct(self.five + self.four, self.counted)

    @property
    def average(self) -> Decimal | None:
        numeric = [int(m) for m in self.marks if m in ("1", "2", "3", "4", "5")]
        if not numeric:
            return None
        return (Decimal(sum(numeric)) / len(numeric)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)

    @property
    def sou(self) -> Decimal | None:
        weighted = [SOU_WEIGHTS[m] for m in self.marks if m in SOU_WEIGHTS]
        if not weighted:
            return None
        return (Decimal(sum(weighted)) / len(weighted)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)

    def as_row(self) -> dict:
        return {
            "counted": self.counted,
            "five": self.five,
            "four": self.four,
            "three": self.three,
            "two": self.two,
            "na": self.na,
            "success": self.success,
            "quality": self.quality,
            "average": self.average,
            "sou": self.sou,
        }
