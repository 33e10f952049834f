"""Reports as tables: what the page shows is what Excel and the PDF hold."""

from collections import defaultdict
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.policy import Role
from apps.reports.activity import ENTRY_KINDS
from apps.reports.attendance import AttendanceData
from apps.reports.audit import RULES, rules_for
from apps.reports.periods import month_label
from apps.reports.progress import Progress
from apps.reports.stats import FORMULAS
from apps.reports.tables import DEC1, DEC2, INT, PCT, TEXT, Column, Report, Table
from apps.school import clock
from apps.school.policy import school_policy


# Column titles are translated when a report is built, in the language of the request.
def rule_columns() -> list[Column]:
    return [Column(r.key, str(r.short), INT) for r in RULES]


def tally_columns() -> list[Column]:
    return [
        Column("counted", _("Учащихся"), INT),
        Column("five", _("На «5»"), INT),
        Column("four", _("На «4» и «5»"), INT),
        Column("three", _("С «3»"), INT),
        Column("two", _("С «2»"), INT),
        Column("na", _("Не аттест."), INT),
        Column("success", _("Успеваемость, %"), PCT, 13),
        Column("quality", _("Качество, %"), PCT, 11),
        Column("average", _("Средний балл"), DEC2, 10),
        Column("sou", _("СОУ, %"), PCT),
    ]


def signatures(school, *, deputy_name: str = "") -> list[tuple[str, str]]:
    director = school.director.short_name if school.director_id else ""
    return [(_("Заместитель директора по УВР"), deputy_name), (_("Директор"), director)]


def _filename(stem: str, day: date) -> str:
    return f"{stem}-{day:%Y-%m-%d}"


# --- audit -------------------------------------------------------------------------------


def audit_report(*, school, run, label: str, lines, admin: bool, deputy_name: str = "") -> Report:
    tables = []
    if admin:
        tables.append(
            Table(
                _("Сводка по учителям"),
                [
                    Column("name", _("Учитель"), TEXT, 32),
                    Column("lessons", _("Уроков"), INT),
                    *rule_columns(),
                    Column("ktp_missing", _("КТП нет"), INT),
                    Column("ktp_behind", _("Отставание КТП"), INT),
                    Column("issues", _("Замечаний"), INT),
                ],
                run.teachers,
                totals={"name": _("Итого"), **run.totals},
            )
        )
        tables.append(
            Table(
                _("Сводка по классам"),
                [
                    Column("name", _("Класс"), TEXT, 8),
                    Column("class_teacher", _("Классный руководитель"), TEXT, 30),
                    Column("lessons", _("Уроков"), INT),
                    *rule_columns(),
                    Column("overload_days", _("Дней перегрузки д/з"), INT),
                    Column("issues", _("Замечаний"), INT),
                ],
                run.classes,
                totals={"name": _("Итого"), **run.totals},
            )
        )
    rows = [
        {
            "teacher": line.teacher_name + (" " + _("(замена)") if line.substitute else ""),
            "class": line.class_name,
            "subject": line.subject_name,
            "lessons": line.lessons,
            "marks_per_student": line.marks_per_student,
            **{r.key: getattr(line, r.key) for r in RULES},
            "ktp": f"{line.ktp_held}/{line.ktp_planned}" if not line.ktp_missing else _("нет КТП"),
            "substituted": line.substituted,
            "cancelled": line.cancelled,
            "issues": line.issues,
        }
        for line in lines
    ]
    tables.append(
        Table(
            _("Учитель × класс × предмет"),
            [
                Column("teacher", _("Учитель"), TEXT, 30),
                Column("class", _("Класс"), TEXT, 10),
                Column("subject", _("Предмет"), TEXT, 22),
                Column("lessons", _("Уроков"), INT),
                Column("marks_per_student", _("Отметок на ученика"), DEC1, 10),
                *rule_columns(),
                Column("ktp", _("КТП: проведено/по плану"), TEXT, 12),
                Column("substituted", _("Замен"), INT),
                Column("cancelled", _("Пропущено (отменено)"), INT),
                Column("issues", _("Замечаний"), INT),
            ],
            rows,
        )
    )
    return Report(
        title=_("Контроль ведения электронного журнала"),
        school=school,
        range_label=_("%(label)s (%(start)s–%(end)s), проверка от %(at)s")
        % {
            "label": label,
            "start": run.starts_on.strftime("%d.%m.%Y"),
            "end": run.ends_on.strftime("%d.%m.%Y"),
            "at": timezone.localtime(run.computed_at, school.tz).strftime("%d.%m.%Y %H:%M"),
        },
        tables=tables,
        generated_at=clock.now(),
        filename=_filename("kontrol-zhurnala", run.starts_on),
        formulas=[f"{r.short}: {r.help}" for r in rules_for(school_policy(school))],
        signatures=signatures(school, deputy_name=deputy_name),
    )


# --- progress ----------------------------------------------------------------------------

BY_CHOICES = (
    ("class", gettext_lazy("по классам")),
    ("grade", gettext_lazy("по параллелям")),
    ("subject", gettext_lazy("по предметам")),
    ("teacher", gettext_lazy("по учителям")),
)


def progress_main_table(data: Progress, by: str) -> Table:
    if by == "grade":
        rows = [
            {"name": _("%(g)s классы") % {"g": g}, **t.as_row()}
            for g, t in sorted(data.by_grade.items())
        ]
        first = Column("name", _("Параллель"), TEXT, 14)
    elif by == "subject":
        rows = [
            {"name": s, **data.by_subject[s].as_row()}
            for s in data.subjects
            if s in data.by_subject
        ]
        first = Column("name", _("Предмет"), TEXT, 26)
    elif by == "teacher":
        rows = [
            {"name": data.teachers[t], **tally.as_row()}
            for t, tally in sorted(data.by_teacher.items(), key=lambda kv: data.teachers[kv[0]])
        ]
        first = Column("name", _("Учитель"), TEXT, 30)
    else:
        rows = [
            {
                "name": c.name,
                "class_id": c.pk,
                "class_teacher": c.class_teacher.short_name if c.class_teacher_id else "",
                **data.by_class[c.pk].as_row(),
            }
            for c in data.classes
            if c.pk in data.by_class
        ]
        first = Column("name", _("Класс"), TEXT, 8)
        return Table(
            _("Итоги по классам"),
            [first, Column("class_teacher", _("Кл. руководитель"), TEXT, 22), *tally_columns()],
            rows,
            totals={"name": _("Итого"), **data.school.as_row()},
        )
    note = (
        _("По предметам и учителям считаются отметки: «учащихся» — число выставленных отметок.")
        if by in ("subject", "teacher")
        else ""
    )
    title = dict(BY_CHOICES)[by]
    return Table(
        _("Итоги %(by)s") % {"by": title},
        [first, *tally_columns()],
        rows,
        totals={"name": _("Итого"), **data.school.as_row()} if by == "grade" else None,
        note=note,
    )


def progress_lists(data: Progress) -> list[Table]:
    student = [Column("name", _("ФИО"), TEXT, 34), Column("class", _("Класс"), TEXT, 8)]
    excellent = Table(
        _("Отличники"), student, [{"name": s.name, "class": s.class_name} for s in data.excellent]
    )
    short = Table(
        _("Резерв: одна отметка до следующего уровня"),
        [
            *student,
            Column("what", _("Единственная"), TEXT, 12),
            Column("subject", _("Предмет"), TEXT, 24),
        ],
        [
            {"name": s.name, "class": s.class_name, "what": f"«{m}»", "subject": subj}
            for s, m, subj in data.one_short
        ],
    )
    risk = Table(
        _("Группа риска"),
        [*student, Column("subjects", _("Предметы"), TEXT, 50)],
        [
            {
                "name": s.name,
                "class": s.class_name,
                "subjects": ", ".join(
                    f"{subj} ({s.marks[subj]}{', ' + str(s.averages[subj]).replace('.', ',')[:4] if s.averages.get(subj) is not None else ''})"
                    for subj in s.subjects_with({"2", "1", "незач", "н/а"})
                ),
            }
            for s in data.at_risk
        ],
    )
    return [excellent, short, risk]


def progress_forecast_table(data: Progress) -> Table:
    """Students × subjects of a class: the forecast mark with the weighted average."""
    columns = [Column("name", _("ФИО"), TEXT, 30)] + [
        Column(f"s{i}", s, TEXT, 9) for i, s in enumerate(data.subjects)
    ]
    rows = []
    for st in data.students:
        row = {"name": st.name}
        for i, subject in enumerate(data.subjects):
            if subject in st.marks:
                avg = st.averages.get(subject)
                row[f"s{i}"] = st.marks[subject] + (
                    f" ({avg:.2f})".replace(".", ",") if avg is not None else ""
                )
        rows.append(row)
    return Table(_("Прогноз отметок (средневзвешенный балл)"), columns, rows)


def progress_report(
    *, school, data: Progress, by: str, year_name: str, scope: str, deputy_name: str = ""
) -> Report:
    tables = [progress_main_table(data, by), *progress_lists(data)]
    if data.source == "forecast" and len(data.classes) == 1:
        tables.append(progress_forecast_table(data))
    source = (
        _("прогноз по текущим отметкам")
        if data.source == "forecast"
        else _("по выставленным отметкам")
    )
    return Report(
        title=_("Отчёт об успеваемости и качестве знаний"),
        school=school,
        range_label=f"{data.span.label}, {year_name} · {scope} · {source}",
        tables=tables,
        generated_at=clock.now(),
        filename=_filename("uspevaemost", data.span.starts_on),
        formulas=[str(f) for f in FORMULAS],
        signatures=signatures(school, deputy_name=deputy_name),
    )


# --- attendance --------------------------------------------------------------------------


def attendance_report(*, school, data: AttendanceData, scope: str, deputy_name: str = "") -> Report:
    months = [Column(f"m{m:%Y%m}", month_label(m), INT) for m in data.months]
    kinds = [
        Column("н", _("Без причины (н)"), INT),
        Column("б", _("По болезни (б)"), INT),
        Column("уп", _("Уважит. (уп)"), INT),
        Column("missed", _("Пропущено уроков"), INT),
        Column("оп", _("Опозданий"), INT),
    ]
    tables = [
        Table(
            _("По классам"),
            [Column("name", _("Класс"), TEXT, 8), *kinds, *months],
            data.class_rows,
            totals={"name": _("Итого"), **data.totals},
        )
    ]
    if data.student_rows is not None:
        tables.append(
            Table(
                _("По обучающимся"),
                [
                    Column("name", _("ФИО"), TEXT, 32),
                    Column("class", _("Класс"), TEXT, 8),
                    *kinds,
                    *months,
                ],
                data.student_rows,
            )
        )
    return Report(
        title=_("Отчёт о посещаемости"),
        school=school,
        range_label=f"{data.starts_on:%d.%m.%Y}–{data.ends_on:%d.%m.%Y} · {scope}",
        tables=tables,
        generated_at=clock.now(),
        filename=_filename("poseshchaemost", data.starts_on),
        formulas=[_("Пропущено уроков = н + б + уп; опоздания (оп) считаются отдельно.")],
        signatures=signatures(school, deputy_name=deputy_name),
    )


# --- activity ----------------------------------------------------------------------------


def activity_report(*, school, report, label: str, deputy_name: str = "") -> Report:
    entries = [Column(k, str(lbl).capitalize(), INT) for k, lbl in ENTRY_KINDS]
    role_labels = dict(Role.choices)
    people = [
        {**p, "role_names": ", ".join(str(role_labels[r]) for r in p["roles"])} for p in report.rows
    ]
    tables = [
        Table(
            _("По ролям"),
            [
                Column("label", _("Роль"), TEXT, 34),
                Column("users", _("Пользователей"), INT),
                Column("active", _("Входили"), INT),
                Column("logins", _("Входов"), INT),
                Column("entries", _("Записей в журнале"), INT),
                Column("diary_views", _("Просмотров дневника"), INT),
            ],
            report.by_role,
        ),
        Table(
            _("По классам"),
            [
                Column("name", _("Класс"), TEXT, 8),
                Column("class_teacher", _("Кл. руководитель"), TEXT, 28),
                Column("parents", _("Родителей"), INT),
                Column("parents_active", _("Родителей заходили"), INT),
                Column("parent_views", _("Просмотров родителями"), INT),
                Column("students", _("Учащихся"), INT),
                Column("students_active", _("Учащихся заходили"), INT),
                Column("student_views", _("Просмотров учащимися"), INT),
            ],
            report.by_class,
        ),
        Table(
            _("По пользователям"),
            [
                Column("name", _("ФИО"), TEXT, 32),
                Column("role_names", _("Роли"), TEXT, 30),
                Column("class_names", _("Классы"), TEXT, 12),
                Column("logins", _("Входов"), INT),
                *entries,
                Column("entries", _("Всего записей"), INT),
                Column("diary_views", _("Просмотров дневника"), INT),
            ],
            people,
        ),
    ]
    return Report(
        title=_("Отчёт об активности пользователей"),
        school=school,
        range_label=label,
        tables=tables,
        generated_at=clock.now(),
        filename=_filename("aktivnost", report.month),
        signatures=signatures(school, deputy_name=deputy_name),
    )


def group_details(line) -> dict[str, list]:
    """The drill-down of an audit line, grouped by rule, in the rules' order."""
    grouped = defaultdict(list)
    for key, items in (line.details or {}).items():
        grouped[key] = items
    return grouped
