"""Reports on attainment beyond marks: how full the portfolios are (SPEC §8: «the deputy sees
how full they are»), the year's winners and prize-winners, and the ГИА (choices of subjects,
results compared with the annual marks). Pages, Excel and PDF from one `Report`, like every
report here; the numbers come from the selectors of apps/portfolio and apps/exams."""

from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.policy import Perm
from apps.exams import selectors as gia
from apps.exams.models import Level as ExamLevel
from apps.portfolio import selectors as portfolio
from apps.portfolio.models import Level, Result
from apps.reports.builders import signatures
from apps.reports.tables import DATE, DEC2, INT, PCT, TEXT, Column, Report, Table
from apps.reports.views import _chosen_year, _deputy_name, _respond
from apps.school import clock
from apps.school.access import school_view


def _report(ctx, *, title: str, year, tables, stem: str) -> Report:
    return Report(
        title=title,
        school=ctx.school,
        range_label=_("учебный год %(name)s") % {"name": year.name},
        tables=tables,
        generated_at=clock.now(),
        filename=f"{stem}-{year.name.replace('/', '-')}",
        signatures=signatures(ctx.school, deputy_name=_deputy_name(ctx)),
    )


def _year_or_404(ctx, request):
    year, years = _chosen_year(ctx, request)
    if year is None:
        raise Http404
    return year, years


@school_view(Perm.VIEW_REPORTS)
def portfolio_fill(request):
    ctx = request.school_ctx
    year, years = _year_or_404(ctx, request)
    classes = portfolio.fill_by_class(school=ctx.school, year=year)
    # Short level titles keep the class table on one A4 landscape page.
    short = {
        Level.SCHOOL: _("Школ."),
        Level.MUNICIPAL: _("Муниц."),
        Level.REGIONAL: _("Регион."),
        Level.NATIONAL: _("Всерос."),
        Level.INTERNATIONAL: _("Междунар."),
    }
    level_columns = [Column(f"level_{v}", short[v], INT) for v in Level.values]
    class_rows = []
    for c in classes:
        row = {
            "class": c.school_class.name,
            "teacher": c.school_class.class_teacher.full_name
            if c.school_class.class_teacher
            else "",
            "students": c.students,
            "portraits": c.with_portrait,
            "portraits_share": (c.with_portrait * 100 / c.students) if c.students else None,
            "achievers": c.with_achievements,
            "pending": c.pending,
        }
        row.update({f"level_{v}": c.by_level.get(v, 0) for v in Level.values})
        class_rows.append(row)
    totals = {"class": _("Итого")}
    for key in (
        "students",
        "portraits",
        "achievers",
        "pending",
        *(f"level_{v}" for v in Level.values),
    ):
        totals[key] = sum(r[key] for r in class_rows)
    totals["portraits_share"] = (
        totals["portraits"] * 100 / totals["students"] if totals["students"] else None
    )
    teachers = portfolio.fill_by_teacher(school=ctx.school, year=year)
    summary = portfolio.summary_by_level(school=ctx.school, year=year)
    summary_rows = [
        {
            "level": str(label).capitalize(),
            **{f"result_{r}": summary[v].get(r, 0) for r in Result.values},
            "total": sum(summary[v].values()),
        }
        for v, label in Level.choices
    ]
    report = _report(
        ctx,
        title=_("Наполняемость портфолио"),
        year=year,
        stem="portfolio",
        tables=[
            Table(
                _("По классам"),
                [
                    Column("class", _("Класс"), TEXT, 8),
                    Column("teacher", _("Классный руководитель"), TEXT, 28),
                    Column("students", _("Учащихся"), INT),
                    Column("portraits", _("С портретом"), INT),
                    Column("portraits_share", _("С портретом, %"), PCT),
                    Column("achievers", _("С достижениями"), INT),
                    *level_columns,
                    Column("pending", _("Ждут подтв."), INT),
                ],
                class_rows,
                totals=totals,
                note=_(
                    "Достижения — подтверждённые, за учебный год, по уровню: школьный, "
                    "муниципальный, региональный, всероссийский, международный. «Ждут подтв.» — "
                    "записи обучающихся и родителей, которые не подтвердил классный руководитель."
                ),
            ),
            Table(
                _("По педагогам"),
                [
                    Column("name", _("Педагог"), TEXT, 30),
                    Column("category", _("Категория"), TEXT, 16),
                    Column("expires", _("Действует до"), DATE),
                    Column("courses", _("Курсы"), INT),
                    Column("hours", _("Часов курсов"), INT),
                    Column("awards", _("Награды"), INT),
                    Column("publications", _("Публикации"), INT),
                    Column("open_lessons", _("Открытые уроки"), INT),
                    Column("results", _("Достижения учеников"), INT),
                    Column("honours", _("Из них победы и призы"), INT),
                ],
                [
                    {
                        "name": t.teacher.full_name,
                        "category": t.category.get_category_display() if t.category else "",
                        "expires": t.category.expires_on if t.category else None,
                        "courses": t.courses,
                        "hours": t.course_hours,
                        "awards": t.awards,
                        "publications": t.publications,
                        "open_lessons": t.open_lessons,
                        "results": t.students_results,
                        "honours": t.students_honours,
                    }
                    for t in teachers
                ],
            ),
            Table(
                _("Достижения школы по уровню и результату"),
                [
                    Column("level", _("Уровень"), TEXT, 18),
                    *(
                        Column(f"result_{v}", str(label).capitalize(), INT)
                        for v, label in Result.choices
                    ),
                    Column("total", _("Всего"), INT),
                ],
                summary_rows,
            ),
        ],
    )
    return _respond(request, report, "reports/attainment.html", {"years": years, "year": year})


@school_view(Perm.VIEW_REPORTS)
def portfolio_honours(request):
    ctx = request.school_ctx
    year, years = _year_or_404(ctx, request)
    rows = [
        {
            "name": a.student.full_name,
            "class": c.name if c else "",
            "event": a.event,
            "subject": a.subject,
            "level": a.get_level_display(),
            "result": a.get_result_display(),
            "date": a.happened_on,
            "teacher": a.teacher.full_name if a.teacher else "",
        }
        for a, c in portfolio.honours(school=ctx.school, year=year)
    ]
    report = _report(
        ctx,
        title=_("Победители и призёры"),
        year=year,
        stem="winners",
        tables=[
            Table(
                _("Победители и призёры"),
                [
                    Column("name", _("Обучающийся"), TEXT, 30),
                    Column("class", _("Класс"), TEXT, 8),
                    Column("event", _("Мероприятие"), TEXT, 36),
                    Column("subject", _("Предмет"), TEXT, 16),
                    Column("level", _("Уровень"), TEXT, 14),
                    Column("result", _("Результат"), TEXT, 12),
                    Column("date", _("Дата"), DATE),
                    Column("teacher", _("Наставник"), TEXT, 26),
                ],
                rows,
            )
        ],
    )
    return _respond(request, report, "reports/attainment.html", {"years": years, "year": year})


def _subject_label(name: str, level: str) -> str:
    return f"{name} ({ExamLevel(level).label})" if level else name


@school_view(Perm.VIEW_GIA)
def gia_choices(request):
    ctx = request.school_ctx
    year, years = _year_or_404(ctx, request)
    rows = gia.subject_choices(school=ctx.school, year=year)
    tables = []
    for grade in gia.GIA_GRADES:
        tables.append(
            Table(
                _("%(grade)s класс") % {"grade": grade},
                [
                    Column("subject", _("Предмет"), TEXT, 32),
                    Column("count", _("Выбрали"), INT),
                    Column("share", _("Доля, %"), PCT),
                ],
                [
                    {
                        "subject": _subject_label(r.subject, r.level),
                        "count": r.count,
                        "share": r.share,
                    }
                    for r in rows
                    if r.grade == grade
                ],
            )
        )
    report = _report(
        ctx, title=_("ГИА: выбор предметов"), year=year, stem="gia-choices", tables=tables
    )
    return _respond(request, report, "reports/attainment.html", {"years": years, "year": year})


@school_view(Perm.VIEW_GIA)
def gia_results(request):
    ctx = request.school_ctx
    year, years = _year_or_404(ctx, request)
    rows = gia.results_by_subject(school=ctx.school, year=year)
    tables = []
    for grade in gia.GIA_GRADES:
        tables.append(
            Table(
                _("%(grade)s класс") % {"grade": grade},
                [
                    Column("subject", _("Предмет"), TEXT, 30),
                    Column("count", _("Сдавали"), INT),
                    Column("average", _("Средняя отметка"), DEC2),
                    Column("two", _("Доля «2», %"), PCT),
                    Column("primary", _("Высший первичный"), INT),
                    Column("test", _("Высший тестовый"), INT),
                    Column("year", _("Средняя годовая"), DEC2),
                    Column("confirmed", _("Подтвердили годовую"), INT),
                    Column("above", _("Выше годовой"), INT),
                    Column("below", _("Ниже годовой"), INT),
                ],
                [
                    {
                        "subject": _subject_label(r.subject, r.level),
                        "count": r.count,
                        "average": r.average_mark,
                        "two": r.share_two,
                        "primary": r.highest_primary,
                        "test": r.highest_test,
                        "year": r.average_year,
                        "confirmed": r.confirmed,
                        "above": r.above,
                        "below": r.below,
                    }
                    for r in rows
                    if r.grade == grade
                ],
            )
        )
    report = _report(
        ctx, title=_("ГИА: результаты по предметам"), year=year, stem="gia-results", tables=tables
    )
    return _respond(request, report, "reports/attainment.html", {"years": years, "year": year})
