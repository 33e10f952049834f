"""Excel and PDF of the care pages, and the one function that answers with a file.

An export of special data is named after what it holds, recorded in the read log by the
view, and carries the reader's name and the moment in its footer (152-ФЗ: who took the
data out of the system is written on the paper itself).
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="A0A7B4")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)


@dataclass
class Sheet:
    title: str
    columns: list[str]
    rows: list[list]
    widths: list[int] = field(default_factory=list)
    totals: list | None = None


@dataclass
class Document:
    school: object
    title: str
    subtitle: str
    sheets: list[Sheet]
    footer: str  # who exported it and when, or the note that it holds no names
    landscape: bool = False
    signature: str = ""


def reader_footer(user, moment) -> str:
    return _(
        "Выгрузил(а): %(who)s, %(when)s. Содержит специальные категории персональных данных (152-ФЗ, ст. 10): не передавать третьим лицам."
    ) % {
        "who": user.full_name or user.username,
        "when": moment.strftime("%d.%m.%Y %H:%M"),
    }


def to_xlsx(doc: Document) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in doc.sheets:
        ws = wb.create_sheet("".join(ch for ch in sheet.title if ch not in "[]:*?/\\")[:30] or "1")
        ws.append([doc.school.full_name])
        ws.append([doc.title])
        ws["A2"].font = Font(bold=True, size=13)
        ws.append([doc.subtitle])
        ws.append([])
        ws.append(sheet.columns)
        head = ws.max_row
        for i, _title in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=head, column=i)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="EEF2F7")
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = BOX
            ws.column_dimensions[get_column_letter(i)].width = (
                sheet.widths[i - 1] if i - 1 < len(sheet.widths) else 14
            )
        for row in sheet.rows:
            ws.append(["" if v is None else v for v in row])
            for i in range(1, len(row) + 1):
                cell = ws.cell(row=ws.max_row, column=i)
                cell.border = BOX
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if hasattr(cell.value, "year") and hasattr(cell.value, "day"):
                    cell.number_format = "DD.MM.YYYY"
        if sheet.totals:
            ws.append(sheet.totals)
            for i in range(1, len(sheet.totals) + 1):
                ws.cell(row=ws.max_row, column=i).font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=head + 1, column=2)
        ws.append([])
        ws.append([doc.footer])
        ws.cell(row=ws.max_row, column=1).font = Font(italic=True, size=9)
        ws.oddFooter.left.text = doc.footer[:250]
        ws.page_setup.orientation = "landscape" if doc.landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToHeight = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(doc: Document) -> bytes:
    from weasyprint import HTML

    html = render_to_string("care/pdf_document.html", {"doc": doc})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render(doc: Document, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, extension) of the document in `fmt` ("xlsx" or "pdf")."""
    if fmt == "xlsx":
        return to_xlsx(doc), XLSX, "xlsx"
    return to_pdf(doc), PDF, "pdf"
