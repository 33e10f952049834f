"""Pages of the health sheet, the social passport, free meals and the special-data read log.
HTTP only: access (apps/care/permissions.py), forms, one service, render; every page or file
that shows a student's special data records the read (apps/care/readlog.py)."""

import contextlib
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.policy import Perm, SpecialField
from apps.care import exports, health, meals, permissions, readlog, social
from apps.care.consent import Covers, consent_covers, missing_consent_message
from apps.care.forms import (
    CategoryForm,
    CharacteristicForm,
    HealthRecordForm,
    MealBenefitForm,
    RegisterForm,
    SocialPassportForm,
    TakeOffForm,
)
from apps.care.models import DiseaseCategory, MealBenefit, MealKind, RegisterEntry, SpecialReadLog
from apps.care.roster import class_of_students
from apps.privacy.downloads import download
from apps.school.access import school_view
from apps.school.clock import now as clock_now
from apps.school.clock import school_now, school_today
from apps.school.inputs import add_validation_errors, int_param
from apps.school.policy import meals_order_deadline
from apps.students.models import Student

DISEASE_LABELS = dict(DiseaseCategory.choices)
HEALTH, SOCIAL, MEALS = (
    SpecialReadLog.Area.HEALTH,
    SpecialReadLog.Area.SOCIAL,
    SpecialReadLog.Area.MEALS,
)


def _student(ctx, pk: int) -> Student:
    return get_object_or_404(Student, school=ctx.school, pk=pk)


def _format(request) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in ("xlsx", "pdf") else None


def _day(request, ctx) -> date:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return school_today(ctx.school)


def _month(request, ctx) -> date:
    try:
        return date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return school_today(ctx.school).replace(day=1)


def _export(request, doc: exports.Document, fmt: str, name: str, *, area=None, students=()):
    """Build the file, record the read when it holds students' special data, send it."""
    content, content_type, ext = exports.render(doc, fmt)
    filename = f"{name}.{ext}"
    if area is not None:
        readlog.special_read_log(
            ctx=request.school_ctx, area=area, what=filename, students=students, export=True
        )
    return download(request, content=content, content_type=content_type, filename=filename)


def _footer(request) -> str:
    return exports.reader_footer(request.user, school_now(request.school_ctx.school))


def _d(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


# --- health -------------------------------------------------------------------------------


@school_view(check=permissions.may_open_health)
def health_index(request):
    ctx = request.school_ctx
    today = school_today(ctx.school)
    accesses = permissions.classes_with_access(ctx, permissions.HEALTH_ON_CLASS_PAGE)
    progress = (
        health.health_progress(
            classes=[a.school_class for a in accesses], year=ctx.open_year, day=today
        )
        if accesses and ctx.may(Perm.READ_HEALTH)
        else {}
    )
    return render(
        request,
        "care/health_index.html",
        {
            "accesses": accesses,
            "rows": [(a, progress.get(a.school_class.pk)) for a in accesses],
            "progress": progress,
            "today": today,
        },
    )


@school_view(check=permissions.may_open_health)
def health_class(request, class_id: int):
    ctx = request.school_ctx
    access = permissions.health_class_access(ctx, class_id)
    today = school_today(ctx.school)
    rows = health.class_health_sheet(access=access, year=ctx.open_year, day=today)
    readlog.special_read_log(
        ctx=ctx,
        area=HEALTH,
        what=_("Лист здоровья класса %(cls)s") % {"cls": access.school_class.name},
        students=[r.student for r in rows if r.record is not None],
    )
    return render(
        request,
        "care/health_class.html",
        {
            "access": access,
            "rows": rows,
            "today": today,
            "sees_pe": access.sees(SpecialField.PE_GROUP),
            "sees_ovz": access.sees(SpecialField.OVZ_FLAG),
            "full": access.full_health,
        },
    )


def _until(value) -> str:
    return _("до %(d)s") % {"d": _d(value)} if value else ""


def _join(parts, sep=" ") -> str:
    return sep.join(str(p) for p in parts if p)


def health_sheet_row(n: int, row) -> list:
    """One line of the printed class health sheet."""
    s, r = row.student, row.record
    if r is None:
        return [n, s.full_name, s.birth_date] + [""] * 8
    diseases = _join((DISEASE_LABELS.get(c, "") for c in r.disease_categories), ", ")
    return [
        n,
        s.full_name,
        s.birth_date,
        r.get_health_group_display() if r.health_group else "",
        r.get_pe_group_display() if r.pe_group else "",
        _join([r.pe_decision, _d(r.pe_decided_on), _until(r.pe_valid_until)]),
        _join([diseases, r.diseases], "; "),
        _join([r.food_allergies, r.other_allergies], "; "),
        _join([_("да"), _until(r.disability_until)], ", ") if r.disability else "",
        _join(
            [
                _("ПМПК № %(n)s от %(d)s") % {"n": r.pmpk_number, "d": _d(r.pmpk_date)},
                _until(r.pmpk_valid_until),
            ],
            ", ",
        )
        if r.ovz
        else "",
        r.pmpk_conditions if r.ovz else "",
    ]


def health_document(*, request, access, rows, today) -> exports.Document:
    columns = [
        _("№"), _("ФИО"), _("Дата рождения"), _("Группа здоровья"), _("Группа по физкультуре"),
        _("Документ, срок"), _("Заболевания"), _("Аллергия"), _("Инвалидность"), _("ОВЗ, ПМПК"),
        _("Рекомендации"),
    ]  # fmt: skip
    c = access.school_class
    teacher = c.class_teacher.full_name if c.class_teacher_id else "—"
    return exports.Document(
        school=request.school_ctx.school,
        title=_("Лист здоровья класса %(cls)s") % {"cls": c.name},
        subtitle=_("%(year)s учебный год · классный руководитель %(t)s · на %(d)s")
        % {"year": c.year.name, "t": teacher, "d": _d(today)},
        sheets=[
            exports.Sheet(
                c.name,
                columns,
                [health_sheet_row(n, row) for n, row in enumerate(rows, start=1)],
                widths=[4, 30, 12, 9, 16, 22, 30, 24, 12, 22, 34],
            )
        ],
        footer=_footer(request),
        landscape=True,
        signature=_("Медицинский работник"),
    )


@school_view(Perm.READ_HEALTH)
def health_class_export(request, class_id: int):
    ctx = request.school_ctx
    access = permissions.health_class_access(ctx, class_id)
    today = school_today(ctx.school)
    rows = health.class_health_sheet(access=access, year=ctx.open_year, day=today)
    doc = health_document(request=request, access=access, rows=rows, today=today)
    name = f"list-zdorovya-{access.school_class.name}-{today:%Y-%m-%d}"
    return _export(
        request,
        doc,
        _format(request) or "xlsx",
        name,
        area=HEALTH,
        students=[r.student for r in rows if r.record is not None],
    )


@school_view(Perm.READ_HEALTH)
def health_student(request, student_id: int):
    ctx = request.school_ctx
    if ctx.open_year is None:
        raise Http404
    student = _student(ctx, student_id)
    today = school_today(ctx.school)
    record = health.health_record_of(student=student, year=ctx.open_year)
    may_edit = ctx.may(Perm.KEEP_HEALTH)
    consent = Covers.HEALTH in consent_covers([student.pk], today)[student.pk]
    form = HealthRecordForm(
        request.POST or None, instance=record, read_only=not (may_edit and consent)
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                health.health_record_save(
                    acting_user=request.user,
                    school=ctx.school,
                    year=ctx.open_year,
                    student=student,
                    data=data,
                    expected_version=form.cleaned_data.get("version"),
                    today=today,
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(
                    request, _("Лист здоровья сохранён: %(name)s.") % {"name": student.full_name}
                )
                return redirect(
                    "care:health-student", school_id=ctx.school.pk, student_id=student.pk
                )
    elif record is not None:
        readlog.special_read_log(
            ctx=ctx, area=HEALTH, what=_("Лист здоровья обучающегося"), students=[student]
        )
    classes = class_of_students([student.pk], today)
    return render(
        request,
        "care/health_student.html",
        {
            "student": student,
            "school_class": classes.get(student.pk),
            "record": record,
            "form": form,
            "may_edit": may_edit,
            "consent": consent,
            "missing_consent": None if consent else missing_consent_message(Covers.HEALTH),
            "history": health.health_history(record) if record is not None else [],
        },
    )


# --- social -------------------------------------------------------------------------------


@school_view(check=permissions.may_open_social)
def social_index(request):
    ctx = request.school_ctx
    accesses = permissions.classes_with_access(ctx, permissions.SOCIAL_ON_CLASS_PAGE)
    category_form = CategoryForm(request.POST or None)
    if request.method == "POST":
        if not ctx.may(Perm.KEEP_SOCIAL):
            raise PermissionDenied
        if category_form.is_valid():
            try:
                social.social_category_add(
                    acting_user=request.user,
                    school=ctx.school,
                    name=category_form.cleaned_data["name"],
                )
            except ValidationError as error:
                add_validation_errors(category_form, error)
            else:
                messages.success(request, _("Категория добавлена."))
                return redirect("care:social", school_id=ctx.school.pk)
    return render(
        request,
        "care/social_index.html",
        {
            "accesses": accesses,
            "categories": social.categories_of(ctx.school),
            "category_form": category_form,
            "may_keep": ctx.may(Perm.KEEP_SOCIAL),
            "may_summary": ctx.may(Perm.VIEW_SOCIAL_SUMMARY),
        },
    )


@school_view(check=permissions.may_open_social)
def social_class(request, class_id: int):
    ctx = request.school_ctx
    access = permissions.social_class_access(ctx, class_id)
    today = school_today(ctx.school)
    rows = social.class_social_passport(access=access, day=today, school=ctx.school)
    readlog.special_read_log(
        ctx=ctx,
        area=SOCIAL,
        what=_("Социальный паспорт класса %(cls)s") % {"cls": access.school_class.name},
        students=[r.student for r in rows if r.categories or r.registers or r.characteristics],
    )
    return render(
        request,
        "care/social_class.html",
        {"access": access, "rows": rows, "today": today, "full": access.full_social},
    )


@school_view(Perm.READ_SOCIAL)
def social_class_export(request, class_id: int):
    ctx = request.school_ctx
    access = permissions.social_class_access(ctx, class_id)
    today = school_today(ctx.school)
    rows = social.class_social_passport(access=access, day=today, school=ctx.school)
    c = access.school_class
    doc = exports.Document(
        school=ctx.school,
        title=_("Социальный паспорт класса %(cls)s") % {"cls": c.name},
        subtitle=_("%(year)s учебный год · на %(d)s") % {"year": c.year.name, "d": _d(today)},
        sheets=[
            exports.Sheet(
                c.name,
                [
                    _("№"),
                    _("ФИО"),
                    _("Дата рождения"),
                    _("Категории"),
                    _("Учёт"),
                    _("Характеристики"),
                ],
                [
                    [
                        n,
                        r.student.full_name,
                        r.student.birth_date,
                        "; ".join(r.categories),
                        "; ".join(
                            f"{e.get_kind_display()} {_('с')} {_d(e.put_on)}" for e in r.registers
                        ),
                        (
                            f"{r.characteristics} ({_('последняя')} {_d(r.last_characteristic)})"
                            if r.characteristics
                            else ""
                        ),
                    ]
                    for n, r in enumerate(rows, start=1)
                ],
                widths=[4, 32, 12, 40, 34, 20],
            )
        ],
        footer=_footer(request),
        landscape=True,
        signature=_("Социальный педагог"),
    )
    return _export(
        request,
        doc,
        _format(request) or "xlsx",
        f"socpasport-{c.name}-{today:%Y-%m-%d}",
        area=SOCIAL,
        students=[r.student for r in rows if r.categories or r.registers or r.characteristics],
    )


@school_view(Perm.READ_SOCIAL)
def social_student(request, student_id: int):
    ctx = request.school_ctx
    student = _student(ctx, student_id)
    today = school_today(ctx.school)
    may_keep = ctx.may(Perm.KEEP_SOCIAL)
    consent = Covers.SOCIAL in consent_covers([student.pk], today)[student.pk]
    data = social.student_social(student)
    categories = social.categories_of(ctx.school)
    passport = data["passport"]
    action = request.POST.get("action") if request.method == "POST" else None
    initial = {
        "categories": passport.categories if passport else [],
        "note": passport.note if passport else "",
        "version": passport.version if passport else 0,
    }
    forms = {
        "passport": SocialPassportForm(
            request.POST if action == "passport" else None, categories=categories, initial=initial
        ),
        "register": RegisterForm(
            request.POST if action == "register" else None, initial={"put_on": today}
        ),
        "characteristic": CharacteristicForm(
            request.POST if action == "characteristic" else None, initial={"written_on": today}
        ),
        "takeoff": TakeOffForm(
            request.POST if action == "takeoff" else None, initial={"taken_off": today}
        ),
    }
    if action:
        if not may_keep:
            raise PermissionDenied
        if action not in forms:
            raise Http404
        form = forms[action]
        if form.is_valid():
            d = form.cleaned_data
            try:
                if action == "passport":
                    social.social_passport_save(
                        acting_user=request.user,
                        school=ctx.school,
                        student=student,
                        categories=d["categories"],
                        note=d["note"],
                        expected_version=d.get("version"),
                        today=today,
                    )
                elif action == "register":
                    social.register_put_on(
                        acting_user=request.user,
                        school=ctx.school,
                        student=student,
                        kind=d["kind"],
                        put_on=d["put_on"],
                        reason=d["reason"],
                        today=today,
                    )
                elif action == "characteristic":
                    social.characteristic_add(
                        acting_user=request.user,
                        school=ctx.school,
                        student=student,
                        written_on=d["written_on"],
                        text=d["text"],
                        today=today,
                    )
                else:
                    entry = get_object_or_404(
                        RegisterEntry, student=student, pk=request.POST.get("entry", "0") or 0
                    )
                    social.register_take_off(
                        acting_user=request.user,
                        entry=entry,
                        taken_off=d["taken_off"],
                        reason=d["taken_off_reason"],
                        today=today,
                    )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Сохранено."))
                return redirect(
                    "care:social-student", school_id=ctx.school.pk, student_id=student.pk
                )
    elif passport or data["registers"] or data["characteristics"]:
        readlog.special_read_log(
            ctx=ctx, area=SOCIAL, what=_("Социальный паспорт обучающегося"), students=[student]
        )
    labels = {str(c.pk): c.label for c in categories}
    return render(
        request,
        "care/social_student.html",
        {
            "student": student,
            "school_class": class_of_students([student.pk], today).get(student.pk),
            "passport": passport,
            "passport_labels": [
                labels[c] for c in (passport.categories if passport else []) if c in labels
            ],
            "registers": data["registers"],
            "characteristics": data["characteristics"],
            "forms": forms,
            "action": action,
            "may_keep": may_keep,
            "consent": consent,
            "missing_consent": None if consent else missing_consent_message(Covers.SOCIAL),
            "today": today,
        },
    )


@school_view(Perm.VIEW_SOCIAL_SUMMARY)
def social_summary(request):
    ctx = request.school_ctx
    today = school_today(ctx.school)
    classes = list(ctx.open_year.classes.order_by("grade", "letter")) if ctx.open_year else []
    summary = social.social_summary(school=ctx.school, classes=classes, day=today)
    keys = [(str(c.pk), c.label) for c in summary.categories] + summary.registers
    fmt = _format(request)
    if fmt:
        rows = [
            [
                line["school_class"].name,
                line["students"],
                *[line["counts"].get(k, 0) for k, _l in keys],
            ]
            for line in summary.lines
        ]
        doc = exports.Document(
            school=ctx.school,
            title=_("Социальный паспорт школы: сводка"),
            subtitle=_("на %(d)s · только количество обучающихся, без имён") % {"d": _d(today)},
            sheets=[
                exports.Sheet(
                    _("Сводка"),
                    [_("Класс"), _("Обучающихся"), *[label for _k, label in keys]],
                    rows,
                    widths=[8, 10] + [12] * len(keys),
                    totals=[
                        _("Итого"),
                        summary.students,
                        *[summary.totals.get(k, 0) for k, _l in keys],
                    ],
                )
            ],
            footer=_("Сводка без персональных данных. Сформирована: %(who)s, %(when)s.")
            % {
                "who": request.user.full_name,
                "when": school_now(ctx.school).strftime("%d.%m.%Y %H:%M"),
            },
            landscape=True,
        )
        return _export(request, doc, fmt, f"socpasport-svodka-{today:%Y-%m-%d}")
    return render(
        request,
        "care/social_summary.html",
        {
            "summary": summary,
            "keys": keys,
            "today": today,
            "lines": [
                (line, [line["counts"].get(k, 0) for k, _l in keys]) for line in summary.lines
            ],
            "totals": [summary.totals.get(k, 0) for k, _l in keys],
        },
    )


# --- meals --------------------------------------------------------------------------------


@school_view(check=permissions.may_open_meals)
def meals_index(request):
    ctx = request.school_ctx
    today = school_today(ctx.school)
    accesses = permissions.classes_with_access(ctx, {SpecialField.FOOD_ALLERGIES})
    meals.meal_order_fix_if_due(
        school=ctx.school, day=today, now=clock_now(), policy=permissions.rules_of(ctx)
    )
    order = (
        meals.kitchen_order(school=ctx.school, day=today, now=clock_now())
        if ctx.may(Perm.VIEW_MEALS)
        else None
    )
    confirmed = {
        cid
        for cid in meals.MealConfirmation.objects.filter(school=ctx.school, day=today).values_list(
            "school_class_id", flat=True
        )
    }
    return render(
        request,
        "care/meals_index.html",
        {
            "accesses": accesses,
            "confirmed": confirmed,
            "order": order,
            "today": today,
            "deadline": meals_order_deadline(
                permissions.rules_of(ctx), school=ctx.school, day=today
            ),
            "may_view": ctx.may(Perm.VIEW_MEALS),
            "may_manage": ctx.may(Perm.MANAGE_MEALS),
        },
    )


@school_view(check=permissions.may_confirm_meals)
def meals_class(request, class_id: int):
    ctx = request.school_ctx
    access = permissions.meals_class_access(ctx, class_id)
    today = school_today(ctx.school)
    day = _day(request, ctx)
    now = clock_now()
    meals.meal_order_fix_if_due(
        school=ctx.school, day=day, now=now, policy=permissions.rules_of(ctx)
    )
    sheet = meals.class_meal_sheet(
        access=access, day=day, now=now, school=ctx.school, policy=permissions.rules_of(ctx)
    )
    error = None
    if request.method == "POST":
        choices = {
            row.student.pk: {
                m for m in MealKind.values if request.POST.get(f"m-{row.student.pk}-{m}")
            }
            for row in sheet.rows
        }
        version = request.POST.get("version", "")
        try:
            meals.meals_confirm(
                acting_user=request.user,
                school=ctx.school,
                school_class=access.school_class,
                day=day,
                choices=choices,
                expected_version=int(version) if version.isdigit() else None,
                now=now,
            )
        except ValidationError as e:
            error = " ".join(e.messages)
            for row in sheet.rows:  # what was ticked stays on the page
                row.meals = choices.get(row.student.pk, set())
        else:
            messages.success(
                request,
                _("Питание класса %(cls)s на %(d)s подтверждено.")
                % {"cls": access.school_class.name, "d": _d(day)},
            )
            return redirect(f"{request.path}?day={day.isoformat()}")
    readlog.special_read_log(
        ctx=ctx,
        area=MEALS,
        what=_("Питание класса %(cls)s на %(d)s") % {"cls": access.school_class.name, "d": _d(day)},
        students=[r.student for r in sheet.rows if r.allergies],
    )
    return render(
        request,
        "care/meals_class.html",
        {
            "sheet": sheet,
            "access": access,
            "error": error,
            "today": today,
            "meal_kinds": MealKind.choices,
            "totals": {m: sum(c.values()) for m, c in sheet.counts().items()},
            "past_deadline": now >= sheet.deadline,
        },
        status=409 if error else 200,
    )


@school_view(Perm.VIEW_MEALS)
def meals_order(request):
    ctx = request.school_ctx
    day = _day(request, ctx)
    meals.meal_order_fix_if_due(
        school=ctx.school, day=day, now=clock_now(), policy=permissions.rules_of(ctx)
    )
    order = meals.kitchen_order(school=ctx.school, day=day, now=clock_now())
    fmt = _format(request)
    if fmt:
        cats = order["categories"]
        rows = []
        for r in order["rows"]:
            line = [r["name"]]
            for m in meals.MEALS:
                line += [r["per_category"][m].get(c, 0) for c, _l in cats] + [r["per_meal"][m]]
            line.append(_("да") if r["confirmed"] else _("нет"))
            rows.append(line)
        columns = [_("Класс")]
        for m in meals.MEALS:
            columns += [f"{MealKind(m).label}: {label}" for _c, label in cats] + [
                f"{MealKind(m).label}: {_('всего')}"
            ]
        columns.append(_("Подтверждено"))
        totals = [_("Итого")]
        for m in meals.MEALS:
            totals += [order["totals_by_category"][m].get(c, 0) for c, _l in cats] + [
                order["totals"][m]
            ]
        totals.append("")
        fixed = order["order"]
        doc = exports.Document(
            school=ctx.school,
            title=_("Заявка на питание на %(d)s") % {"d": _d(day)},
            subtitle=(
                _("зафиксирована %(t)s")
                % {"t": fixed.fixed_at.astimezone(ctx.school.tz).strftime("%d.%m.%Y %H:%M")}
                if fixed
                else _("предварительная: заявка ещё не зафиксирована")
            ),
            sheets=[
                exports.Sheet(
                    _("Заявка"),
                    columns,
                    rows,
                    widths=[8] + [11] * (len(columns) - 1),
                    totals=totals,
                )
            ],
            footer=_("Без персональных данных. Сформирована: %(who)s, %(when)s.")
            % {
                "who": request.user.full_name,
                "when": school_now(ctx.school).strftime("%d.%m.%Y %H:%M"),
            },
            landscape=True,
        )
        return _export(request, doc, fmt, f"zayavka-pitanie-{day:%Y-%m-%d}")
    return render(
        request,
        "care/meals_order.html",
        {"order": order, "day": day, "meal_kinds": MealKind.choices},
    )


@school_view(Perm.MANAGE_MEALS)
def meals_benefits(request):
    ctx = request.school_ctx
    today = school_today(ctx.school)
    show = request.GET.get("show", "current")
    show = show if show in ("current", "all") else "current"
    class_id = int_param(request.GET.get("class"), None)
    form = MealBenefitForm(
        request.POST or None, initial={"valid_from": today, "student": request.GET.get("student")}
    )
    query = request.GET.get("q", "").strip()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        student = get_object_or_404(Student, school=ctx.school, pk=d.get("student") or 0)
        try:
            meals.meal_benefit_save(
                acting_user=request.user,
                school=ctx.school,
                student=student,
                category=d["category"],
                basis=d["basis"],
                valid_from=d["valid_from"],
                valid_until=d["valid_until"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Льгота записана: %(name)s.") % {"name": student.full_name})
            return redirect("care:meals-benefits", school_id=ctx.school.pk)
    rows = meals.benefits_list(school=ctx.school, day=today, show=show, class_id=class_id)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    readlog.special_read_log(
        ctx=ctx,
        area=MEALS,
        what=_("Льготы на питание"),
        students=[b.student for b, _c in page.object_list],
    )
    chosen = None
    student_id = (
        request.POST.get("student") if request.method == "POST" else request.GET.get("student")
    ) or ""
    if student_id.isdigit():
        chosen = Student.objects.filter(school=ctx.school, pk=int(student_id)).first()
    found = []
    if query and len(query) >= 2:
        found = list(
            Student.objects.filter(school=ctx.school, last_name__istartswith=query).order_by(
                "last_name", "first_name"
            )[:15]
        )
    return render(
        request,
        "care/meals_benefits.html",
        {
            "page": page,
            "form": form,
            "show": show,
            "query": query,
            "found": found,
            "chosen": chosen,
            "classes": list(ctx.open_year.classes.order_by("grade", "letter"))
            if ctx.open_year
            else [],
            "class_id": class_id,
            "today": today,
        },
    )


@school_view(Perm.MANAGE_MEALS)
def meals_benefit_edit(request, benefit_id: int):
    ctx = request.school_ctx
    benefit = get_object_or_404(
        MealBenefit.objects.select_related("student"), school=ctx.school, pk=benefit_id
    )
    form = MealBenefitForm(
        request.POST or None,
        initial={
            "category": benefit.category,
            "basis": benefit.basis,
            "valid_from": benefit.valid_from,
            "valid_until": benefit.valid_until,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meals.meal_benefit_save(
                acting_user=request.user,
                school=ctx.school,
                student=benefit.student,
                benefit=benefit,
                category=d["category"],
                basis=d["basis"],
                valid_from=d["valid_from"],
                valid_until=d["valid_until"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Льгота изменена."))
            return redirect("care:meals-benefits", school_id=ctx.school.pk)
    readlog.special_read_log(
        ctx=ctx, area=MEALS, what=_("Льгота на питание"), students=[benefit.student]
    )
    return render(request, "care/meals_benefit_edit.html", {"benefit": benefit, "form": form})


def _may_tabel(ctx) -> bool:
    return ctx.may(Perm.VIEW_MEALS) or ctx.is_class_teacher


@school_view(check=_may_tabel)
def meals_tabel(request):
    ctx = request.school_ctx
    month = _month(request, ctx)
    classes = list(ctx.open_year.classes.order_by("grade", "letter")) if ctx.open_year else []
    if not ctx.may(Perm.VIEW_MEALS):
        classes = [c for c in classes if c.class_teacher_id == ctx.user.pk]
    class_id = request.GET.get("class", "")
    school_class = None
    if class_id:
        school_class = next((c for c in classes if str(c.pk) == class_id), None)
        if school_class is None:
            raise Http404
    elif classes:
        school_class = classes[0]
    tabel = meals.class_tabel(school_class=school_class, month=month) if school_class else None
    fmt = _format(request)
    if tabel is not None:
        students = [r.student for r in tabel["rows"]]
        if fmt:
            days = tabel["served_days"]
            index = {d: i for i, d in enumerate(tabel["days"])}
            doc = exports.Document(
                school=ctx.school,
                title=_("Табель питания класса %(cls)s") % {"cls": school_class.name},
                subtitle=date_format(month, "F Y") + " · " + _("З — завтрак, О — обед"),
                sheets=[
                    exports.Sheet(
                        school_class.name,
                        [
                            _("№"),
                            _("ФИО"),
                            *[d.strftime("%d") for d in days],
                            _("Завтраков"),
                            _("Обедов"),
                            _("Категория"),
                        ],
                        [
                            [
                                n,
                                r.student.full_name,
                                *[r.cells[index[d]] for d in days],
                                r.totals.get(MealKind.BREAKFAST, 0),
                                r.totals.get(MealKind.LUNCH, 0),
                                "; ".join(r.categories),
                            ]
                            for n, r in enumerate(tabel["rows"], start=1)
                        ],
                        widths=[4, 28] + [4] * len(days) + [9, 9, 26],
                        totals=[
                            "",
                            _("Итого"),
                            *[sum(tabel["by_day"][index[d]].values()) for d in days],
                            tabel["totals"].get(MealKind.BREAKFAST, 0),
                            tabel["totals"].get(MealKind.LUNCH, 0),
                            "",
                        ],
                    )
                ],
                footer=_footer(request),
                landscape=True,
                signature=_("Классный руководитель"),
            )
            return _export(
                request,
                doc,
                fmt,
                f"tabel-pitaniya-{school_class.name}-{month:%Y-%m}",
                area=MEALS,
                students=students,
            )
        readlog.special_read_log(
            ctx=ctx,
            area=MEALS,
            what=_("Табель питания %(cls)s, %(m)s")
            % {"cls": school_class.name, "m": date_format(month, "F Y")},
            students=[r.student for r in tabel["rows"] if r.categories],
        )
    elif fmt:
        raise Http404
    return render(
        request,
        "care/meals_tabel.html",
        {"tabel": tabel, "classes": classes, "school_class": school_class, "month": month},
    )


@school_view(Perm.VIEW_MEALS)
def meals_summary(request):
    ctx = request.school_ctx
    month = _month(request, ctx)
    summary = meals.school_meals_summary(school=ctx.school, month=month)
    fmt = _format(request)
    if fmt:
        cats = summary["categories"]
        doc = exports.Document(
            school=ctx.school,
            title=_("Питание за месяц: сводка по категориям"),
            subtitle=date_format(month, "F Y"),
            sheets=[
                exports.Sheet(
                    _("Категории"),
                    [
                        _("Категория"),
                        _("Обучающихся"),
                        _("Завтраков"),
                        _("Обедов"),
                        _("Всего порций"),
                    ],
                    [
                        [
                            r["label"],
                            r["students"],
                            r["portions"].get(MealKind.BREAKFAST, 0),
                            r["portions"].get(MealKind.LUNCH, 0),
                            r["total"],
                        ]
                        for r in summary["rows"]
                    ],
                    widths=[40, 12, 12, 12, 12],
                    totals=[
                        _("Итого"),
                        "",
                        summary["total_by_meal"].get(MealKind.BREAKFAST, 0),
                        summary["total_by_meal"].get(MealKind.LUNCH, 0),
                        summary["total"],
                    ],
                ),
                exports.Sheet(
                    _("По классам"),
                    [_("Класс"), *[label for _c, label in cats]],
                    [[c.name, *counts] for c, counts in summary["classes"]],
                    widths=[8] + [16] * len(cats),
                ),
            ],
            footer=_("Без персональных данных. Сформирована: %(who)s, %(when)s.")
            % {
                "who": request.user.full_name,
                "when": school_now(ctx.school).strftime("%d.%m.%Y %H:%M"),
            },
            signature=_("Ответственный за питание"),
        )
        return _export(request, doc, fmt, f"pitanie-svodka-{month:%Y-%m}")
    return render(request, "care/meals_summary.html", {"summary": summary, "month": month})


# --- 152-ФЗ: the read log -----------------------------------------------------------------


def _log_filter(request, ctx) -> readlog.LogFilter:
    g = request.GET
    flt = readlog.LogFilter()
    if g.get("student", "").isdigit():
        flt.student = get_object_or_404(Student, school=ctx.school, pk=int(g["student"]))
    if g.get("reader", "").isdigit():
        flt.reader_id = int(g["reader"])
    for name in ("since", "until"):
        with contextlib.suppress(ValueError):
            setattr(flt, name, date.fromisoformat(g.get(name, "")))
    return flt


@school_view(Perm.READ_SPECIAL_LOG)
def read_log(request):
    ctx = request.school_ctx
    flt = _log_filter(request, ctx)
    page = Paginator(readlog.read_log(school=ctx.school, flt=flt), 50).get_page(
        request.GET.get("page")
    )
    names = readlog.student_names(page.object_list)
    rows = [(r, [names.get(i, "—") for i in r.student_ids]) for r in page.object_list]
    return render(request, "care/read_log.html", {"page": page, "rows": rows, "flt": flt})


@school_view(Perm.PRINT_SPECIAL_READS)
def read_log_search(request):
    ctx = request.school_ctx
    query = request.GET.get("q", "").strip()
    found = (
        list(
            Student.objects.filter(school=ctx.school, last_name__istartswith=query).order_by(
                "last_name", "first_name", "patronymic"
            )[:30]
        )
        if len(query) >= 2
        else []
    )
    return render(request, "care/read_log_search.html", {"query": query, "found": found})


@school_view(Perm.PRINT_SPECIAL_READS)
def read_log_student(request, student_id: int):
    """Who read a child's special data: the list a parent may ask the school for."""
    ctx = request.school_ctx
    student = _student(ctx, student_id)
    flt = _log_filter(request, ctx)
    flt.student = student
    rows = list(readlog.read_log(school=ctx.school, flt=flt)[:2000])
    fmt = _format(request)
    if fmt:
        doc = exports.Document(
            school=ctx.school,
            title=_("Сведения о доступе к специальным категориям персональных данных"),
            subtitle=_("обучающийся: %(name)s, %(born)s г. р.")
            % {"name": student.full_name, "born": _d(student.birth_date)},
            sheets=[
                exports.Sheet(
                    _("Доступ"),
                    [_("Когда"), _("Кто"), _("Роль"), _("Раздел"), _("Что"), _("Выгрузка")],
                    [
                        [
                            r.read_at.astimezone(ctx.school.tz).strftime("%d.%m.%Y %H:%M"),
                            r.reader_name,
                            r.reader_roles,
                            r.get_area_display(),
                            r.what,
                            _("да") if r.export else "",
                        ]
                        for r in rows
                    ],
                    widths=[16, 28, 24, 16, 34, 9],
                )
            ],
            footer=_(
                "Справка подготовлена по запросу законного представителя (152-ФЗ, ст. 14). Подготовил(а): %(who)s, %(when)s."
            )
            % {
                "who": request.user.full_name,
                "when": school_now(ctx.school).strftime("%d.%m.%Y %H:%M"),
            },
            signature=_("Директор"),
        )
        return _export(
            request,
            doc,
            fmt,
            f"dostup-k-dannym-{student.last_name}-{school_today(ctx.school):%Y-%m-%d}",
        )
    return render(request, "care/read_log_student.html", {"student": student, "rows": rows})
