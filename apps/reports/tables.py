"""One description of a report's tables, rendered three ways: the page, Excel and PDF.

A selector fills a `Report`; the page template, `exports.report_xlsx` and
`exports.report_pdf` all read the same rows, so the file holds exactly the page's numbers.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

TEXT, INT, DEC1, DEC2, PCT, DATE = "text", "int", "dec1", "dec2", "pct", "date"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = TEXT
    width: int = 0  # Excel width in characters; 0 = by kind
    link: str = ""  # key of the row's URL for this column on the page

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT and self.kind != DATE


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict]
    totals: dict | None = None
    note: str = ""
    # Rows whose key is in this set are highlighted on the page (problems, risk).
    flag_key: str = ""

    def cells(self, row: dict) -> list[tuple[Column, object]]:
        return [(c, row.get(c.key)) for c in self.columns]


@dataclass
class Report:
    title: str
    school: object
    range_label: str
    tables: list[Table]
    generated_at: datetime
    filename: str
    formulas: list[str] = field(default_factory=list)
    signatures: list[tuple[str, str]] = field(default_factory=list)
    landscape: bool = True

    @property
    def people(self) -> int:
        """How many people the report names: the rows of its per-person tables (ФИО and class)."""
        return sum(
            len(t.rows) for t in self.tables if {"name", "class"} <= {c.key for c in t.columns}
        )

    @property
    def generated_local(self) -> datetime:
        return self.generated_at.astimezone(self.school.tz)

    @property
    def generated_label(self) -> str:
        """In the school's time, whatever time zone the request renders in."""
        return f"{self.generated_local:%d.%m.%Y %H:%M}"


def quantize(value, places: str) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def display(column: Column, value) -> str:
    """How a value reads on the page and in the PDF (Russian decimal comma)."""
    if value is None or value == "":
        return "—" if column.numeric else ""
    if column.kind == INT:
        return str(value)
    if column.kind == DEC1:
        return number_format(quantize(value, "0.1"), 1)
    if column.kind == DEC2:
        return number_format(quantize(value, "0.01"), 2)
    if column.kind == PCT:
        return number_format(quantize(value, "0.1"), 1)
    if column.kind == DATE and isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)
