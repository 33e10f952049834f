"""Excel (openpyxl, write-only: memory stays flat however big the school) and PDF
(weasyprint, A4, Russian headers, school name, date and signature lines) of a `Report`."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from apps.reports.tables import DATE, DEC1, DEC2, INT, PCT, TEXT, Column, Report, Table
from apps.school.spreadsheets import cell as text_cell
from apps.school.spreadsheets import row as safe_row
from apps.school.spreadsheets import workbook_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {INT: "0", DEC1: "0.0", DEC2: "0.00", PCT: "0.0%", DATE: "DD.MM.YYYY", TEXT: "@"}
WIDTHS = {INT: 9, DEC1: 9, DEC2: 9, PCT: 10, DATE: 12, TEXT: 28}
THIN = Side(style="thin", color="A0A7B4")
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
TOTAL_FILL = PatternFill("solid", fgColor="F7F7F7")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)


def _sheet_title(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or _("Лист")
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def _value(column: Column, value):
    if value is None or value == "":
        return None
    if column.kind == PCT:
        return Decimal(value) / 100
    if column.kind in (DEC1, DEC2):
        return Decimal(value)
    return value


def write_table(ws, report: Report, table: Table, *, head: bool = True) -> None:
    """Title lines, a frozen header row, real numbers with their formats, a totals row."""
    for i, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width or WIDTHS[column.kind]
    header_row = 5 if head else 1
    # Write-only sheets write their view with the first row: freeze before appending.
    ws.freeze_panes = f"B{header_row + 1}"
    if head:
        generated = _("сформирован")
        for text, font in (
            (report.school.full_name, BOLD),
            (report.title, TITLE),
            (table.title, BOLD),
            (f"{report.range_label} · {generated} {report.generated_local:%d.%m.%Y %H:%M}", None),
        ):
            cell = text_cell(ws, text)
            if font:
                cell.font = font
            ws.append(safe_row(ws, [cell]))
    header = []
    for column in table.columns:
        cell = text_cell(ws, column.title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        header.append(cell)
    ws.append(header)
    styles = [NUMBER_FORMATS[c.kind] for c in table.columns]
    for row in table.rows:
        out = []
        for column, fmt in zip(table.columns, styles, strict=True):
            cell = text_cell(ws, _value(column, row.get(column.key)))
            cell.number_format = fmt
            out.append(cell)
        ws.append(out)
    if table.totals:
        out = []
        for column, fmt in zip(table.columns, styles, strict=True):
            cell = text_cell(ws, _value(column, table.totals.get(column.key)))
            cell.number_format, cell.font, cell.fill = fmt, BOLD, TOTAL_FILL
            out.append(cell)
        ws.append(out)
    if table.note:
        ws.append([])
        ws.append(safe_row(ws, [table.note]))


def report_xlsx(report: Report) -> bytes:
    """Every table of the report on its own sheet (write-only workbook)."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for table in report.tables:
        ws = wb.create_sheet(_sheet_title(table.title, used))
        write_table(ws, report, table)
    if report.formulas:
        ws = wb.create_sheet(_sheet_title(_("Формулы"), used))
        ws.column_dimensions["A"].width = 120
        for line in report.formulas:
            ws.append(safe_row(ws, [line]))
    return workbook_bytes(wb)


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def report_pdf(report: Report) -> bytes:
    return render_pdf(
        "reports/pdf/report.html",
        {
            "report": report,
            "school": report.school,
            "landscape": report.landscape,
        },
    )
