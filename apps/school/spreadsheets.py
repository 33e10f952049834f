"""Writing Excel files: every text is written as text, never as a formula.

openpyxl stores a string beginning with "=" as a live formula: a topic title, a name or
«прибыл из» typed as `=HYPERLINK(...)` would run in the reader's Excel (CSV/formula
injection). No export of the product writes a formula on purpose, so every cell that
openpyxl took for one is turned back into text here. Text beginning with "+", "-" or "@"
is stored as a string cell already and stays one.

- `workbook_bytes(wb)` saves any workbook; a normal one is checked cell by cell first;
- in a write-only workbook rows are streamed, so they are made with `cell()` / `row()`.
"""

import io
import re
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell


def as_text(cell):
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def cell(ws, value=None):
    """A write-only cell holding `value`; a string is always text."""
    return as_text(WriteOnlyCell(ws, value=value))


def row(ws, values) -> list:
    """A write-only row: plain values become cells, strings as text; cells are checked."""
    return [as_text(v) if isinstance(v, Cell) else cell(ws, v) for v in values]


def workbook_bytes(wb) -> bytes:
    if not wb.write_only:
        for ws in wb.worksheets:
            for cells in ws.iter_rows():
                for c in cells:
                    as_text(c)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading uploaded workbooks ------------------------------------------------------------

# An .xlsx is a zip of XML: a few hundred kilobytes may unpack to gigabytes and pin a core
# for minutes. Before openpyxl opens it, its size unpacked and its sheets' declared size are
# checked; then it is read streaming (read-only) within those bounds.
MAX_UNPACKED_MB = 40
MAX_MEMBERS = 500
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def check_xlsx(data: bytes, *, max_rows: int, max_columns: int = 60) -> None:
    """Refuse, with a message in Russian, an upload that is not an .xlsx, that unpacks to
    more than MAX_UNPACKED_MB, or whose sheets declare more rows or columns than allowed."""
    not_xlsx = ValidationError(
        _("Это не файл Excel (.xlsx). Скачайте шаблон, заполните его и загрузите снова.")
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise not_xlsx from error
    if len(members) > MAX_MEMBERS:
        raise not_xlsx
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise ValidationError(
            _(
                "Файл распаковывается в %(mb)s МБ — в таблице, видимо, лишнее (картинки, "
                "миллионы пустых строк). Скопируйте нужные строки в шаблон и загрузите его."
            )
            % {"mb": unpacked // (1024 * 1024)}
        )
    sheets = [m for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m.filename)]
    if not sheets:
        raise not_xlsx
    for member in sheets:
        with archive.open(member) as stream:
            head = stream.read(4096)
        found = _DIMENSION.search(head)
        if not found:
            continue
        last_col, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
        rows = int(last_row) if last_row else 0
        columns = _column_number(last_col.decode()) if last_col else 0
        if rows > max_rows + 10 or columns > max_columns:
            raise ValidationError(
                _(
                    "Лист слишком большой: %(rows)s строк и %(cols)s столбцов (можно до "
                    "%(max)s строк). Удалите лишнее или разделите файл на части."
                )
                % {"rows": rows, "cols": columns, "max": max_rows}
            )
