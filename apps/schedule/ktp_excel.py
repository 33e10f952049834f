"""КТП in Excel (openpyxl): a template to fill, the export of a plan, and the import check.

The three share one layout, so an exported plan can be edited and imported back:
№ | Тема урока | Часов | Тип урока | Дата по плану. The import reads every row and reports
every error with its row and column in Russian; nothing is saved unless all rows are good
(the all-or-nothing save is schedule.services.ktp_replace).
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from apps.schedule.models import Lesson, PlanTopic
from apps.schedule.services import PlanRow
from apps.school.spreadsheets import check_xlsx, workbook_bytes

MAX_ROWS = 400
MAX_BYTES = 2 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column key → (header, how a header is recognised, width)
COLUMNS = (
    ("position", "№", ("№", "номер", "n"), 6),
    ("title", "Тема урока", ("тема",), 70),
    ("hours", "Часов", ("час",), 8),
    ("lesson_type", "Тип урока", ("тип",), 34),
    ("planned_on", "Дата по плану", ("дата",), 14),
)


def _header_fill(ws) -> None:
    fill = PatternFill("solid", fgColor="DDE6F0")
    for col, (_key, header, _match, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _types_sheet(wb: Workbook, ws, rows: int) -> None:
    """A list of lesson types on a second sheet and a drop-down on the type column."""
    types = wb.create_sheet(_("Типы уроков"))
    for i, (_code, label) in enumerate(Lesson.LessonType.choices, start=1):
        types.cell(row=i, column=1, value=str(label))
    types.column_dimensions["A"].width = 40
    ref = f"'{types.title}'!$A$1:$A${len(Lesson.LessonType.choices)}"
    validation = DataValidation(type="list", formula1=ref, allow_blank=True)
    validation.error = _("Выберите тип урока из списка.")
    ws.add_data_validation(validation)
    validation.add(f"D2:D{rows + 1}")


def _save(wb: Workbook) -> bytes:
    return workbook_bytes(wb)


def ktp_template() -> bytes:
    """An empty КТП with the header, two example rows and the lesson-type drop-down."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("КТП")
    _header_fill(ws)
    examples = [
        (1, _("Натуральные числа и шкалы"), 2, str(Lesson.LessonType.NEW.label), None),
        (2, _("Контрольная работа № 1"), 1, str(Lesson.LessonType.CONTROL.label), None),
    ]
    for r, row in enumerate(examples, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    _types_sheet(wb, ws, MAX_ROWS)
    return _save(wb)


def ktp_workbook(*, assignment, topics: list[PlanTopic]) -> bytes:
    """The plan of an assignment in the import layout (edit it and import it back)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("КТП")
    _header_fill(ws)
    types = dict(Lesson.LessonType.choices)
    for r, t in enumerate(topics, start=2):
        ws.cell(row=r, column=1, value=t.position)
        ws.cell(row=r, column=2, value=t.title)
        ws.cell(row=r, column=3, value=t.hours)
        ws.cell(row=r, column=4, value=str(types.get(t.lesson_type, "")) if t.lesson_type else None)
        if t.planned_on:
            cell = ws.cell(row=r, column=5, value=t.planned_on)
            cell.number_format = "DD.MM.YYYY"
    ws.cell(
        row=len(topics) + 3,
        column=2,
        value=_("Всего часов: %(n)s") % {"n": sum(t.hours for t in topics)},
    ).font = Font(italic=True)
    _types_sheet(wb, ws, max(len(topics), 50))
    return _save(wb)


@dataclass
class ImportRow:
    line: int  # row number in the sheet
    values: dict[str, object]
    row: PlanRow | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class KtpImport:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(len(r.errors) for r in self.rows)

    @property
    def plan_rows(self) -> list[PlanRow]:
        return [r.row for r in self.rows if r.row is not None]

    @property
    def total_hours(self) -> int:
        return sum(r.row.hours for r in self.rows if r.row is not None)


def _type_code(value: str) -> str | None:
    wanted = value.strip().lower()
    for code, label in Lesson.LessonType.choices:
        if wanted in (code, str(label).lower()):
            return code
    return None


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date, no time
        except ValueError:
            continue
    raise ValueError


# The export ends with «Всего часов: N» under the topics; such a row (no number, no hours, a
# title that starts with «Всего»/«Итого») is a total, never a topic, so export → import is
# the identity. «Итоговое повторение» is a topic: the word must end there.
_TOTALS = re.compile(r"^\s*(всего|итого)\b", re.IGNORECASE)


def _is_totals_row(picked: dict) -> bool:
    return (
        picked.get("position") in (None, "")
        and picked.get("hours") in (None, "")
        and bool(_TOTALS.match(str(picked.get("title") or "")))
    )


def _columns(header: tuple) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        text = str(cell or "").strip().lower()
        for key, _title, matches, _width in COLUMNS:
            if key not in found and text and any(text.startswith(m) for m in matches):
                found[key] = index
                break
    return found


def parse_ktp(file, *, year) -> KtpImport:
    """Read an uploaded .xlsx КТП and check every row; saves nothing."""
    result = KtpImport()
    if getattr(file, "size", 0) > MAX_BYTES:
        result.errors.append(
            _("Файл больше 2 МБ: в КТП столько не бывает. Проверьте, тот ли это файл.")
        )
        return result
    try:
        file.seek(0)
        data = file.read()
        file.seek(0)
        if zipfile.is_zipfile(io.BytesIO(data)):  # not a zip at all: openpyxl says so below
            check_xlsx(data, max_rows=MAX_ROWS + 1, max_columns=40)
    except ValidationError as refused:
        result.errors.extend(refused.messages)
        return result
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a file that is not .xlsx
        result.errors.append(
            _("Файл не открывается как таблица Excel (.xlsx). Скачайте шаблон и заполните его.")
        )
        return result
    ws = wb.worksheets[0]
    rows = ws.iter_rows(max_row=MAX_ROWS + 2, max_col=40, values_only=True)
    header = next(rows, None) or ()
    columns = _columns(header)
    if "title" not in columns:
        result.errors.append(
            _("В первой строке нет заголовка «Тема урока». Скачайте шаблон и заполните его.")
        )
        return result
    headers = {key: title for key, title, _m, _w in COLUMNS}
    for line, values in enumerate(rows, start=2):
        picked = {key: (values[i] if i < len(values) else None) for key, i in columns.items()}
        if all(v in (None, "") for v in picked.values()) or _is_totals_row(picked):
            continue
        if len(result.rows) >= MAX_ROWS:
            result.errors.append(_("В плане больше %(n)s строк: проверьте файл.") % {"n": MAX_ROWS})
            break
        item = ImportRow(line=line, values=picked)

        def error(key: str, message: str, item=item, line=line) -> None:
            letter = get_column_letter(columns[key] + 1) if key in columns else "?"
            item.errors.append(
                _("Строка %(line)s, столбец %(col)s («%(name)s»): %(msg)s")
                % {"line": line, "col": letter, "name": headers[key], "msg": message}
            )

        title = str(picked.get("title") or "").strip()
        if not title:
            error("title", _("тема не указана."))
        elif len(title) > 500:
            error("title", _("тема длиннее 500 знаков."))
        hours_raw = picked.get("hours")
        hours = 1
        if hours_raw not in (None, ""):
            try:
                hours = int(float(str(hours_raw).replace(",", ".")))
                if float(str(hours_raw).replace(",", ".")) != hours or not 1 <= hours <= 40:
                    raise ValueError
            except ValueError:
                error(
                    "hours",
                    _("нужно целое число часов от 1 до 40, а не «%(v)s».") % {"v": hours_raw},
                )
        lesson_type = ""
        type_raw = picked.get("lesson_type")
        if type_raw not in (None, ""):
            lesson_type = _type_code(str(type_raw)) or ""
            if not lesson_type:
                error(
                    "lesson_type",
                    _("неизвестный тип урока «%(v)s»; выберите из списка в шаблоне.")
                    % {"v": type_raw},
                )
        planned_on = None
        date_raw = picked.get("planned_on")
        if date_raw not in (None, ""):
            try:
                planned_on = _as_date(date_raw)
            except ValueError:
                error(
                    "planned_on",
                    _("дата «%(v)s» не распознана; пишите ДД.ММ.ГГГГ.") % {"v": date_raw},
                )
            else:
                if not year.contains(planned_on):
                    error(
                        "planned_on",
                        _("дата %(d)s вне учебного года %(y)s.")
                        % {"d": planned_on.strftime("%d.%m.%Y"), "y": year.name},
                    )
        if not item.errors:
            item.row = PlanRow(
                title=title, hours=hours, lesson_type=lesson_type, planned_on=planned_on
            )
        result.rows.append(item)
    if not result.rows and not result.errors:
        result.errors.append(_("В файле нет ни одной темы."))
    return result
