"""Import of the contingent from Excel (seed 001 item 14): students with their parents.

Upload → every row checked, errors listed in Russian by row and column → confirm. The
import is all or nothing: one bad row and nothing is saved. A row that repeats a student
already on the list (or another row of the file) is refused as a duplicate. Students
with a class go into a draft enrolment order for the director to sign, so the class
lists change only by order. A file of 2,000 rows takes a fixed number of queries.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from apps.classes.models import SchoolClass
from apps.orders import services as order_services
from apps.orders.models import ImportBatch, OrderKind
from apps.school import clock
from apps.school.models import AcademicYear
from apps.school.spreadsheets import check_xlsx, workbook_bytes
from apps.students.identity import (
    Identity,
    IdentityIndex,
    format_snils,
    name_key,
    snils_digits,
    snils_is_valid,
)
from apps.students.models import (
    Guardian,
    Guardianship,
    IdentityDocument,
    PersonalDataConsent,
    Sex,
    Student,
)

MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    required: bool = False
    width: int = 16
    hint: str = ""


COLUMNS = (
    Column("last_name", gettext_lazy("Фамилия"), True, 16),
    Column("first_name", gettext_lazy("Имя"), True, 14),
    Column("patronymic", gettext_lazy("Отчество"), False, 16),
    Column("birth_date", gettext_lazy("Дата рождения"), True, 14, gettext_lazy("ДД.ММ.ГГГГ")),
    Column("sex", gettext_lazy("Пол"), True, 6, gettext_lazy("м / ж")),
    Column("snils", gettext_lazy("СНИЛС"), False, 16, gettext_lazy("123-456-789 01")),
    Column(
        "document_type",
        gettext_lazy("Документ"),
        False,
        22,
        gettext_lazy("свидетельство / паспорт"),
    ),
    Column("document_series", gettext_lazy("Серия"), False, 10),
    Column("document_number", gettext_lazy("Номер"), False, 12),
    Column("registration_address", gettext_lazy("Адрес регистрации"), False, 30),
    Column("residence_address", gettext_lazy("Адрес проживания"), False, 30),
    Column("class_name", gettext_lazy("Класс"), False, 8, gettext_lazy("например, 5А")),
    Column(
        "consent_on",
        gettext_lazy("Согласие на обработку ПДн, дата"),
        False,
        16,
        gettext_lazy("ДД.ММ.ГГГГ"),
    ),
    Column("p1_name", gettext_lazy("Родитель 1: ФИО"), False, 28),
    Column(
        "p1_relation",
        gettext_lazy("Родитель 1: кем приходится"),
        False,
        14,
        gettext_lazy("мать / отец / опекун"),
    ),
    Column("p1_phone", gettext_lazy("Родитель 1: телефон"), False, 16),
    Column("p1_email", gettext_lazy("Родитель 1: эл. почта"), False, 22),
    Column("p2_name", gettext_lazy("Родитель 2: ФИО"), False, 28),
    Column("p2_relation", gettext_lazy("Родитель 2: кем приходится"), False, 14),
    Column("p2_phone", gettext_lazy("Родитель 2: телефон"), False, 16),
    Column("p2_email", gettext_lazy("Родитель 2: эл. почта"), False, 22),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}

_SEX = {
    "м": Sex.MALE,
    "муж": Sex.MALE,
    "мужской": Sex.MALE,
    "ж": Sex.FEMALE,
    "жен": Sex.FEMALE,
    "женский": Sex.FEMALE,
}
_DOCS = {
    "свидетельство": IdentityDocument.BIRTH_CERTIFICATE,
    "свидетельство о рождении": IdentityDocument.BIRTH_CERTIFICATE,
    "св-во о рождении": IdentityDocument.BIRTH_CERTIFICATE,
    "паспорт": IdentityDocument.PASSPORT,
    "паспорт гражданина рф": IdentityDocument.PASSPORT,
    "иностранный": IdentityDocument.FOREIGN,
}
_RELATIONS = {
    "мать": Guardianship.Relationship.MOTHER,
    "мама": Guardianship.Relationship.MOTHER,
    "отец": Guardianship.Relationship.FATHER,
    "папа": Guardianship.Relationship.FATHER,
    "опекун": Guardianship.Relationship.GUARDIAN,
    "попечитель": Guardianship.Relationship.TRUSTEE,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def template_workbook() -> bytes:
    """The file to fill in: headers, hints, one example row, lists for sex and relation."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Обучающиеся")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=str(col.title) + (" *" if col.required else ""))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = col.width
        if col.hint:
            ws.cell(row=2, column=i, value=str(col.hint)).font = Font(italic=True, color="808080")
    example = {
        "last_name": "Иванова",
        "first_name": "Мария",
        "patronymic": "Сергеевна",
        "birth_date": "14.03.2016",
        "sex": "ж",
        "document_type": "свидетельство",
        "document_series": "IV-МЮ",
        "document_number": "512345",
        "class_name": "4А",
        "consent_on": "01.09.2026",
        "p1_name": "Иванова Ольга Петровна",
        "p1_relation": "мать",
        "p1_phone": "+7 900 123-45-67",
        "p1_email": "ivanova@example.ru",
    }
    for key, value in example.items():
        ws.cell(row=3, column=COLUMN_INDEX[key] + 1, value=value).font = Font(color="808080")
    ws.freeze_panes = "A2"
    sex = DataValidation(type="list", formula1='"м,ж"', allow_blank=True)
    rel = DataValidation(type="list", formula1='"мать,отец,опекун,попечитель"', allow_blank=True)
    ws.add_data_validation(sex)
    ws.add_data_validation(rel)
    sex.add(f"E3:E{MAX_ROWS}")
    for key in ("p1_relation", "p2_relation"):
        letter = get_column_letter(COLUMN_INDEX[key] + 1)
        rel.add(f"{letter}3:{letter}{MAX_ROWS}")
    help_ws = wb.create_sheet(_("Как заполнять"))
    for r, line in enumerate(
        [
            _(
                "Одна строка — один обучающийся. Строки 2 и 3 (подсказки и пример) можно оставить: строки, где серым текстом пример, не загружаются, если совпадают с примером."
            ),
            _("Обязательные столбцы отмечены звёздочкой."),
            _(
                "Класс — класс текущего учебного года; обучающиеся с классом попадут в проект приказа о зачислении."
            ),
            _(
                "Если уже есть обучающийся с теми же ФИО и датой рождения, тем же СНИЛС или документом, строка не загрузится."
            ),
        ],
        start=1,
    ):
        help_ws.cell(row=r, column=1, value=line)
    help_ws.column_dimensions["A"].width = 120
    return workbook_bytes(wb)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date, no time
        except ValueError:
            continue
    raise ValueError


def _class_key(text: str) -> str:
    return text.replace(" ", "").replace("-", "").upper()


def read_rows(data: bytes) -> list[dict]:
    """The filled rows of the first sheet as {column key: raw text} with the sheet row number."""
    check_xlsx(data, max_rows=MAX_ROWS + 2, max_columns=len(COLUMNS) + 20)
    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ValidationError(
            _("Это не файл Excel (.xlsx). Скачайте шаблон и заполните его.")
        ) from exc
    ws = wb.worksheets[0]
    rows = []
    rows_read = ws.iter_rows(
        min_row=2, max_row=MAX_ROWS + 3, max_col=len(COLUMNS), values_only=True
    )
    for number, values in enumerate(rows_read, start=2):
        values = list(values)[: len(COLUMNS)] + [None] * max(0, len(COLUMNS) - len(values))
        if not any(_text(v) for v in values):
            continue
        raw = {}
        for col, value in zip(COLUMNS, values, strict=True):
            if isinstance(value, datetime | date):
                raw[col.key] = _date(value).strftime("%d.%m.%Y")
            else:
                raw[col.key] = _text(value)
        if _is_hint_or_example(raw):
            continue
        raw["_row"] = number
        rows.append(raw)
        if len(rows) > MAX_ROWS:
            raise ValidationError(
                _("В файле больше %(n)s строк: разделите его на части.") % {"n": MAX_ROWS}
            )
    wb.close()
    return rows


def _is_hint_or_example(raw: dict) -> bool:
    hints = {c.key: str(c.hint) for c in COLUMNS if c.hint}
    if raw.get("birth_date") == hints["birth_date"]:
        return True
    return (
        raw.get("last_name") == "Иванова"
        and raw.get("first_name") == "Мария"
        and raw.get("document_number") == "512345"
    )


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


def _col(key: str) -> str:
    i = COLUMN_INDEX[key]
    return f"{get_column_letter(i + 1)} «{COLUMNS[i].title}»"


def _split_name(text: str) -> tuple[str, str, str] | None:
    parts = text.split()
    if len(parts) < 2:
        return None
    return parts[0], parts[1], " ".join(parts[2:])


def validate_rows(
    *, school, year: AcademicYear | None, rows: list[dict]
) -> tuple[list[dict], list[RowError]]:
    """Check every row; return the clean rows (JSON-ready) and every error found.

    Three queries, whatever the number of rows: the school's students (for duplicates),
    the classes of the year, the students already enrolled.
    """
    errors: list[RowError] = []
    known = IdentityIndex(
        Student.objects.filter(school=school).only(
            "pk",
            "last_name",
            "first_name",
            "patronymic",
            "birth_date",
            "snils",
            "document_series",
            "document_number",
            "personal_file_number",
        )
    )
    classes = {}
    if year is not None:
        classes = {_class_key(c.name): c.pk for c in SchoolClass.objects.filter(year=year)}
    in_file = IdentityIndex()
    clean: list[dict] = []
    today = clock.school_today(school)
    for raw in rows:
        n = raw["_row"]
        row_errors: list[RowError] = []

        def err(key, message, n=n, row_errors=row_errors):
            row_errors.append(RowError(n, _col(key), message))

        out = {"_row": n}
        for key in ("last_name", "first_name", "patronymic"):
            value = raw.get(key, "")
            if COLUMNS[COLUMN_INDEX[key]].required and not value:
                err(key, _("Обязательное поле не заполнено."))
            elif value and not re.fullmatch(r"[А-Яа-яЁё\- ']+", value):
                err(key, _("Только русские буквы, дефис и пробел."))
            out[key] = value[:150]
        try:
            birth = _date(raw.get("birth_date"))
            if birth is None:
                err("birth_date", _("Обязательное поле не заполнено."))
            elif not date(1990, 1, 1) <= birth <= today:  # a plausibility bound
                err("birth_date", _("Дата рождения вне разумных пределов."))
            out["birth_date"] = birth.isoformat() if birth else None
        except ValueError:
            err(
                "birth_date",
                _("Дата не распознана: «%(v)s». Формат ДД.ММ.ГГГГ.") % {"v": raw.get("birth_date")},
            )
            birth = None
        sex = _SEX.get(raw.get("sex", "").lower().rstrip("."))
        if sex is None:
            err("sex", _("Укажите «м» или «ж»."))
        out["sex"] = sex
        snils = raw.get("snils", "")
        if snils and not snils_is_valid(snils):
            err("snils", _("СНИЛС — 11 цифр с верным контрольным числом."))
        out["snils"] = format_snils(snils) if snils else ""
        doc = raw.get("document_type", "").lower()
        out["document_type"] = (
            _DOCS.get(doc, IdentityDocument.BIRTH_CERTIFICATE)
            if doc
            else IdentityDocument.BIRTH_CERTIFICATE
        )
        if doc and doc not in _DOCS:
            err("document_type", _("Документ: «свидетельство» или «паспорт»."))
        out["document_series"] = raw.get("document_series", "")[:20]
        out["document_number"] = raw.get("document_number", "")[:30]
        out["registration_address"] = raw.get("registration_address", "")[:500]
        out["residence_address"] = raw.get("residence_address", "")[:500]
        class_name = raw.get("class_name", "")
        out["class_name"] = class_name
        out["class_id"] = None
        if class_name:
            if year is None:
                err("class_name", _("В школе нет открытого учебного года."))
            else:
                out["class_id"] = classes.get(_class_key(class_name))
                if out["class_id"] is None:
                    err(
                        "class_name",
                        _("Класса %(c)s нет в учебном году %(y)s.")
                        % {"c": class_name, "y": year.name},
                    )
        consent = raw.get("consent_on", "")
        out["consent_on"] = None
        if consent:
            try:
                out["consent_on"] = _date(consent).isoformat()
            except ValueError:
                err(
                    "consent_on",
                    _("Дата не распознана: «%(v)s». Формат ДД.ММ.ГГГГ.") % {"v": consent},
                )
        parents = []
        for p in ("p1", "p2"):
            name = raw.get(f"{p}_name", "")
            phone, email, relation = (
                raw.get(f"{p}_phone", ""),
                raw.get(f"{p}_email", ""),
                raw.get(f"{p}_relation", ""),
            )
            if not (name or phone or email or relation):
                continue
            split = _split_name(name)
            if split is None:
                err(f"{p}_name", _("Укажите фамилию, имя и отчество родителя."))
                continue
            rel = _RELATIONS.get(relation.lower()) if relation else Guardianship.Relationship.OTHER
            if rel is None:
                err(f"{p}_relation", _("Кем приходится: мать, отец, опекун или попечитель."))
            if email and not _EMAIL.match(email):
                err(f"{p}_email", _("Адрес электронной почты с ошибкой."))
            if phone and len(re.sub(r"\D", "", phone)) < 10:
                err(f"{p}_phone", _("В телефоне меньше 10 цифр."))
            parents.append(
                {
                    "last_name": split[0][:150],
                    "first_name": split[1][:150],
                    "patronymic": split[2][:150],
                    "relationship": rel,
                    "phone": phone[:32],
                    "email": email[:254],
                }
            )
        out["parents"] = parents
        if not row_errors and birth is not None:
            identity = Identity.of(
                last_name=out["last_name"],
                first_name=out["first_name"],
                patronymic=out["patronymic"],
                birth_date=birth,
                snils=out["snils"],
                document_series=out["document_series"],
                document_number=out["document_number"],
            )
            existing, key = known.find(identity)
            if existing is not None:
                row_errors.append(
                    RowError(
                        n,
                        _col("last_name"),
                        _(
                            "Дубль: такой обучающийся уже есть — %(name)s, %(birth)s (личное дело № %(pk)s)."
                        )
                        % {
                            "name": existing.full_name,
                            "birth": existing.birth_date.strftime("%d.%m.%Y"),
                            "pk": existing.personal_file_number or existing.pk,
                        },
                    )
                )
            else:
                twin, _key = in_file.find(identity)
                if twin is not None:
                    row_errors.append(
                        RowError(
                            n,
                            _col("last_name"),
                            _("Дубль: тот же человек уже в строке %(r)s этого файла.")
                            % {"r": twin["_row"]},
                        )
                    )
                else:
                    in_file.add(identity, out)
        errors.extend(row_errors)
        clean.append(out)
    return clean, errors


@transaction.atomic
def import_preview(*, acting_user, school, year, file_name: str, data: bytes) -> ImportBatch:
    """Read and check a file; nothing is imported until the preview is confirmed."""
    raw = read_rows(data)
    if not raw:
        raise ValidationError(_("В файле нет ни одной заполненной строки."))
    rows, errors = validate_rows(school=school, year=year, rows=raw)
    return ImportBatch.objects.create(
        school=school,
        uploaded_by=acting_user,
        file_name=file_name[:300],
        rows=rows,
        errors=[e.as_dict() for e in errors],
    )


@transaction.atomic
def import_confirm(
    *, acting_user, batch: ImportBatch, year: AcademicYear | None, enrol_on: date | None
) -> ImportBatch:
    """Import every row of a checked file, or none.

    The rows are checked again (someone may have added a student since the preview).
    Parents already on the school's list (same ФИО and phone) are linked, not repeated.
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(_("Этот файл уже загружен."))
    school = batch.school
    raw = [_as_raw(r) for r in batch.rows]
    rows, errors = validate_rows(school=school, year=year, rows=raw)
    if errors:
        batch.errors = [e.as_dict() for e in errors]
        batch.save(update_fields=["errors"])
        raise ValidationError(
            _("В файле есть ошибки (%(n)s): ничего не загружено.") % {"n": len(errors)}
        )
    with_class = [r for r in rows if r["class_id"]]
    if with_class and enrol_on is None:
        raise ValidationError({"enrol_on": _("Укажите дату зачисления в классы.")})
    with pghistory.context(user=acting_user.pk, import_batch=batch.pk):
        students = Student.objects.bulk_create(
            [
                Student(
                    school=school,
                    last_name=r["last_name"],
                    first_name=r["first_name"],
                    patronymic=r["patronymic"],
                    birth_date=date.fromisoformat(r["birth_date"]),
                    sex=r["sex"],
                    snils=r["snils"],
                    document_type=r["document_type"],
                    document_series=r["document_series"],
                    document_number=r["document_number"],
                    registration_address=r["registration_address"],
                    residence_address=r["residence_address"],
                )
                for r in rows
            ]
        )
        guardians = _guardians_for(school, rows)
        links, consents = [], []
        for student, r in zip(students, rows, strict=True):
            first_parent = None
            for p in r["parents"]:
                g = guardians[_guardian_key(p)]
                first_parent = first_parent or g
                links.append(
                    Guardianship(
                        school=school, student=student, guardian=g, relationship=p["relationship"]
                    )
                )
            if r["consent_on"]:
                consents.append(
                    PersonalDataConsent(
                        school=school,
                        student=student,
                        guardian=first_parent,
                        given_on=date.fromisoformat(r["consent_on"]),
                        document=_("Согласие (загружено из файла %(f)s)") % {"f": batch.file_name},
                        recorded_by=acting_user,
                    )
                )
        Guardianship.objects.bulk_create(links, ignore_conflicts=True)
        PersonalDataConsent.objects.bulk_create(consents)
        if with_class:
            order = order_services.order_draft(
                acting_user=acting_user,
                school=school,
                year=year,
                kind=OrderKind.ENROLMENT,
                order_date=enrol_on,
                effective_on=enrol_on,
                basis=_("заявления родителей (законных представителей); загрузка из файла %(f)s")
                % {"f": batch.file_name},
            )
            classes = SchoolClass.objects.in_bulk({r["class_id"] for r in with_class})
            order_services.order_items_bulk_add(
                acting_user=acting_user,
                order=order,
                lines=[
                    {"student": s, "to_class": classes[r["class_id"]]}
                    for s, r in zip(students, rows, strict=True)
                    if r["class_id"]
                ],
            )
            batch.order = order
        batch.status = ImportBatch.Status.IMPORTED
        batch.errors = []
        batch.save(update_fields=["status", "errors", "order"])
    return batch


def _as_raw(row: dict) -> dict:
    """A stored clean row back into the text form the checks read."""
    raw = {k: v for k, v in row.items() if k != "parents"}
    raw["birth_date"] = (
        date.fromisoformat(row["birth_date"]).strftime("%d.%m.%Y") if row.get("birth_date") else ""
    )
    raw["consent_on"] = (
        date.fromisoformat(row["consent_on"]).strftime("%d.%m.%Y") if row.get("consent_on") else ""
    )
    raw["sex"] = {"m": "м", "f": "ж"}.get(row.get("sex"), "")
    raw["document_type"] = {
        v: k for k, v in _DOCS.items() if k in ("свидетельство", "паспорт", "иностранный")
    }.get(row.get("document_type"), "")
    raw["class_name"] = row.get("class_name", "")
    for i, p in enumerate(row.get("parents", []), start=1):
        raw[f"p{i}_name"] = " ".join(
            x for x in (p["last_name"], p["first_name"], p["patronymic"]) if x
        )
        raw[f"p{i}_relation"] = {
            v: k for k, v in _RELATIONS.items() if k in ("мать", "отец", "опекун", "попечитель")
        }.get(p["relationship"], "")
        raw[f"p{i}_phone"], raw[f"p{i}_email"] = p["phone"], p["email"]
    return raw


def _guardian_key(p: dict) -> tuple[str, str]:
    return name_key(p["last_name"], p["first_name"], p["patronymic"]), snils_digits(p["phone"])[
        -10:
    ]


def _guardians_for(school, rows: list[dict]) -> dict:
    """One Guardian per person in the file: found on the school's list, or created (2 queries)."""
    wanted: dict[tuple, dict] = {}
    for r in rows:
        for p in r["parents"]:
            wanted.setdefault(_guardian_key(p), p)
    existing = {}
    for g in Guardian.objects.filter(
        school=school, last_name__in={p["last_name"] for p in wanted.values()}
    ):
        existing.setdefault(
            (name_key(g.last_name, g.first_name, g.patronymic), snils_digits(g.phone)[-10:]), g
        )
    new = [key for key in wanted if key not in existing]
    created = Guardian.objects.bulk_create(
        [
            Guardian(
                school=school,
                last_name=wanted[k]["last_name"],
                first_name=wanted[k]["first_name"],
                patronymic=wanted[k]["patronymic"],
                phone=wanted[k]["phone"],
                email=wanted[k]["email"],
            )
            for k in new
        ]
    )
    existing.update(zip(new, created, strict=True))
    return existing
