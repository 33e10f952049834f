"""PDF and Excel files of the contingent area: orders, the movement report, login slips.

PDFs are rendered by weasyprint from HTML templates in templates/pdf/, A4, with DejaVu
fonts (installed with the system, they cover Cyrillic).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from apps.orders.models import Order, OrderKind
from apps.orders.selectors import MovementReport
from apps.school.spreadsheets import workbook_bytes


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# What the order says about each line, in the words of a Russian order.
ORDER_VERBS = {
    OrderKind.ENROLMENT: gettext_lazy("Зачислить в число обучающихся с %(d)s:"),
    OrderKind.LEAVING: gettext_lazy(
        "Отчислить из числа обучающихся с %(d)s в связи с переводом в другую образовательную организацию:"
    ),
    OrderKind.TRANSFER: gettext_lazy("Перевести в другой класс с %(d)s:"),
    OrderKind.YEAR_TRANSFER: gettext_lazy("Перевести в следующий класс с %(d)s:"),
    OrderKind.GRADUATION: gettext_lazy(
        "Отчислить в связи с получением образования (завершением обучения) с %(d)s:"
    ),
}


def signatory_name(order: Order) -> str:
    """«И.О. Фамилия» under the signature line: who signed a signed order (a later director
    must not appear on it), the school's director on a draft."""
    person = order.signed_by if order.signed_at else order.school.director
    if person is None:
        return "______________"
    initials = "".join(f"{p[0]}." for p in (person.first_name, person.patronymic) if p)
    return f"{initials} {person.last_name}".strip()


def order_pdf(order: Order) -> bytes:
    from apps.orders.services import order_settings

    d = date_format(order.effective_on, "d.m.Y")
    verb = str(ORDER_VERBS[order.kind]) % {"d": d} if order.kind in ORDER_VERBS else ""
    return render_pdf(
        "pdf/order.html",
        {
            "order": order,
            "school": order.school,
            "items": list(order.items.all()),
            "verb": verb,
            "settings": order_settings(order.school),
            "director_name": signatory_name(order),
            "kinds": OrderKind,
        },
    )


def movement_pdf(report: MovementReport, *, school) -> bytes:
    return render_pdf("pdf/movement.html", {"report": report, "school": school})


def movement_xlsx(report: MovementReport, *, school) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Движение")
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    ws.append([_("Движение обучающихся: %(s)s") % {"s": school.full_name}])
    ws.append(
        [
            _("с %(a)s по %(b)s")
            % {
                "a": date_format(report.date_from, "d.m.Y"),
                "b": date_format(report.date_to, "d.m.Y"),
            }
        ]
    )
    ws.append([])
    ws.append([_("Класс"), _("На начало"), _("Прибыло"), _("Выбыло"), _("На конец")])
    for c in ws[4]:
        c.font = bold
    for cm in report.classes:
        ws.append([cm.school_class.name, cm.at_start, len(cm.came), len(cm.left), cm.at_end])
    t = report.totals
    ws.append([_("Итого"), t["at_start"], t["came"], t["left"], t["at_end"]])
    for c in ws[ws.max_row]:
        c.font = bold
    ws.append([])
    header = [
        _("Класс"),
        _("Движение"),
        _("ФИО"),
        _("Дата рождения"),
        _("Откуда / куда"),
        _("Приказ"),
        _("Дата движения"),
    ]
    ws.append(header)
    head_row = ws.max_row
    for c in ws[head_row]:
        c.font = bold
    for cm in report.classes:
        for line in cm.came + cm.left:
            ws.append(
                [
                    cm.school_class.name,
                    _("прибыл") if line.direction == "in" else _("выбыл"),
                    line.item.student.full_name,
                    line.item.student.birth_date,
                    line.other,
                    f"№ {line.order.number} от {line.order.order_date:%d.%m.%Y}",
                    line.order.effective_on,
                ]
            )
            ws.cell(row=ws.max_row, column=4).number_format = "DD.MM.YYYY"
            ws.cell(row=ws.max_row, column=7).number_format = "DD.MM.YYYY"
    for row in ws.iter_rows(min_row=4, max_row=ws.max_row):
        for c in row:
            if c.value is not None:
                c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
                c.alignment = Alignment(vertical="top", wrap_text=True)
    for i, width in enumerate([10, 12, 34, 14, 40, 22, 14], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return workbook_bytes(wb)


def login_slips_pdf(credentials, *, school) -> bytes:
    """One slip per person, cut lines between them, short instructions (seed 001 item 18)."""
    return render_pdf(
        "pdf/login_slips.html",
        {
            "credentials": credentials,
            "school": school,
            "site": settings.SITE_URL,
        },
    )
