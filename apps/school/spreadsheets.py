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

from openpyxl.cell import WriteOnlyCell


def as_text(cell):
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def cell(ws, value=None):
    """A write-only cell holding `value`; a string is always text."""
    return as_text(WriteOnlyCell(ws, value=value))


def row(ws, values) -> list:
    """A write-only row: plain values become cells, strings as text; cells are checked."""
    return [as_text(v) if isinstance(v, WriteOnlyCell) else cell(ws, v) for v in values]


def workbook_bytes(wb) -> bytes:
    if not wb.write_only:
        for ws in wb.worksheets:
            for cells in ws.iter_rows():
                for c in cells:
                    as_text(c)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
