"""The month's list of repair requests in Excel: for the caretaker's report to the director."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from apps.school.spreadsheets import workbook_bytes

MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def month_xlsx(*, school, month, repairs) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Заявки")
    ws.append([school.full_name])
    ws.append(
        [
            _("Заявки на ремонт за %(month)s %(year)s г.")
            % {"month": _(MONTHS[month.month - 1]), "year": month.year}
        ]
    )
    ws["A1"].font = Font(bold=True)
    ws.append([])
    header = [
        _("№"), _("Подана"), _("Помещение"), _("Что сломалось"), _("Срочность"),
        _("Автор"), _("Статус"), _("Исполнитель"), _("Закрыта"), _("Комментарий"),
    ]  # fmt: skip
    ws.append(header)
    for c in ws[4]:
        c.font = Font(bold=True)
    tz = school.tz
    for number, r in enumerate(repairs, start=1):
        ws.append(
            [
                number,
                timezone.localtime(r.created_at, tz).strftime("%d.%m.%Y %H:%M"),
                r.room,
                r.problem,
                r.get_urgency_display(),
                r.author.full_name or r.author.username,
                r.get_status_display(),
                (r.handled_by.full_name or r.handled_by.username) if r.handled_by else "",
                timezone.localtime(r.closed_at, tz).strftime("%d.%m.%Y") if r.closed_at else "",
                r.comment,
            ]
        )
    for letter, width in zip("ABCDEFGHIJ", (5, 16, 16, 50, 22, 28, 12, 28, 11, 40), strict=True):
        ws.column_dimensions[letter].width = width
    for cells in ws.iter_rows(min_row=5):
        for c in cells:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(wb)
