"""Orders on movement, the movement report, the document store, the new-year sequence.

HTTP only: access (policy table), forms, one service call, render.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm
from apps.classes.models import SchoolClass
from apps.documents.selectors import documents_visible_to
from apps.orders import exports, rollover, selectors, services
from apps.orders.forms import (
    CancelForm,
    ItemForm,
    NextYearForm,
    NumberingForm,
    OrderForm,
    PeriodForm,
)
from apps.orders.models import Order, OrderItem, OrderKind, SchoolDocument
from apps.privacy.downloads import PDF, XLSX, download
from apps.privacy.models import AccessRecord
from apps.privacy.services import Access
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import add_validation_errors, date_param, int_param
from apps.school.models import AcademicYear
from apps.school.policy import movement_deadline, public_days_off, school_policy
from apps.school.spans import active_on_q
from apps.students.models import Student
from apps.students.selectors import students_list


def _year_for(request) -> AcademicYear | None:
    ctx = request.school_ctx
    wanted = request.GET.get("year", "")
    years = list(AcademicYear.objects.filter(school=ctx.school))
    if wanted == "all":
        return None
    if wanted.isdigit():
        for y in years:
            if y.pk == int(wanted):
                return y
        raise Http404
    return ctx.open_year or (years[0] if years else None)


def _date_param(value: str | None) -> date | None:
    return date_param(value, None)


@school_view(Perm.VIEW_ORDERS)
def register(request):
    """Реестр приказов with filters by year, kind, state, dates and a student's name."""
    ctx = request.school_ctx
    year = _year_for(request)
    g = request.GET
    kind = g.get("kind", "") if g.get("kind", "") in OrderKind.values else ""
    status = g.get("status", "") if g.get("status", "") in Order.Status.values else ""
    query = g.get("q", "").strip()
    qs = selectors.order_register(
        school=ctx.school,
        year=year,
        kind=kind,
        status=status,
        query=query,
        date_from=_date_param(g.get("from")),
        date_to=_date_param(g.get("to")),
    )
    page = Paginator(qs, 50).get_page(g.get("page"))
    numbering = services.order_settings(ctx.school)
    due = {
        d.order.pk: d
        for d in selectors.movement_drafts_due(school=ctx.school, today=school_today(ctx.school))
    }
    rows = list(page.object_list)
    for order in rows:
        order.due = due.get(order.pk)
    return render(
        request,
        "orders/register.html",
        {
            "rows": rows,
            "page": page,
            "year": year,
            "years": AcademicYear.objects.filter(school=ctx.school),
            "kinds": OrderKind.choices,
            "statuses": Order.Status.choices,
            "kind": kind,
            "status": status,
            "query": query,
            "date_from": g.get("from", ""),
            "date_to": g.get("to", ""),
            "can_draft": ctx.may(Perm.DRAFT_ORDERS),
            "numbering_form": NumberingForm(
                initial={"number_pattern": numbering.number_pattern, "city": numbering.city}
            ),
        },
    )


@school_view(Perm.DRAFT_ORDERS)
@require_POST
def numbering(request):
    ctx = request.school_ctx
    form = NumberingForm(request.POST)
    if form.is_valid():
        try:
            services.order_settings_save(
                acting_user=request.user, school=ctx.school, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Шаблон номера сохранён."))
    return redirect("orders:register", school_id=ctx.school.pk)


@school_view(Perm.DRAFT_ORDERS)
def create(request):
    ctx = request.school_ctx
    if ctx.open_year is None:
        messages.error(request, _("Сначала откройте учебный год."))
        return redirect("orders:register", school_id=ctx.school.pk)
    today = school_today(ctx.school)
    initial = {
        "order_date": today,
        "effective_on": today,
        "kind": request.GET.get("kind", OrderKind.ENROLMENT),
    }
    form = OrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.order_draft(
                acting_user=request.user,
                school=ctx.school,
                year=ctx.open_year,
                kind=data["kind"],
                order_date=data["order_date"],
                effective_on=data["effective_on"],
                title=data["title"],
                basis=data["basis"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Проект приказа создан. Добавьте обучающихся."))
            return redirect("orders:detail", school_id=ctx.school.pk, pk=order.pk)
    return render(request, "orders/form.html", {"form": form, "order": None})


def _order(request, pk: int) -> Order:
    try:
        return selectors.order_detail(school=request.school_ctx.school, order_id=pk)
    except Order.DoesNotExist as exc:
        raise Http404 from exc


def _candidates(ctx, order: Order, query: str) -> list[Student]:
    if not query:
        return []
    visible = Student.objects.filter(school=ctx.school).exclude(order_items__order=order)
    rows = list(students_list(students=visible, on=order.effective_on, query=query)[:15])
    return rows


@school_view(Perm.VIEW_ORDERS)
def detail(request, pk: int):
    return _detail_page(request, _order(request, pk), query=request.GET.get("q", "").strip())


def _detail_page(request, order: Order, *, query: str, refused=None, status: int = 200):
    """The order page. `refused`: (student, bound form) of a line the service refused —
    shown again among the same search results, with its error and what was typed."""
    ctx = request.school_ctx
    can_edit = order.is_draft and ctx.may(Perm.DRAFT_ORDERS)
    classes = (
        SchoolClass.objects.filter(school=ctx.school, year__status__in=["open", "planned"])
        .select_related("year")
        .order_by("year__starts_on", "grade", "letter")
    )
    candidates = _candidates(ctx, order, query) if can_edit else []
    preselected = request.GET.get("student", "")
    if can_edit and preselected.isdigit() and not candidates:
        candidates = list(
            students_list(
                students=Student.objects.filter(school=ctx.school, pk=int(preselected)),
                on=order.effective_on,
            )
        )
    if refused is not None and refused[0].pk not in {s.pk for s in candidates}:
        candidates = [
            *students_list(
                students=Student.objects.filter(school=ctx.school, pk=refused[0].pk),
                on=order.effective_on,
            ),
            *candidates,
        ]
    refused_forms = {refused[0].pk: refused[1]} if refused is not None else {}
    forms_for = [
        (
            s,
            refused_forms.get(s.pk)
            or ItemForm(initial={"student": s.pk}, order=order, classes=classes, prefix=f"s{s.pk}"),
        )
        for s in candidates
    ]
    items = list(order.items.all())
    load = _class_load(order, items)
    policy = school_policy(ctx.school)
    due = movement_deadline(
        policy,
        school=ctx.school,
        order_date=order.effective_on,
        days_off=public_days_off(
            ctx.school, order.effective_on, order.effective_on + timedelta(days=30)
        ),
    )
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "items": items,
            "can_edit": can_edit,
            "query": query,
            "candidates": forms_for,
            "can_sign": order.is_draft and ctx.may(Perm.SIGN_ORDERS),
            "can_cancel": order.status == Order.Status.SIGNED
            and order.kind != OrderKind.CANCELLATION
            and ctx.may(Perm.DRAFT_ORDERS),
            "cancel_form": CancelForm(initial={"order_date": school_today(ctx.school)}),
            "edit_form": _edit_form(order) if can_edit else None,
            "deadline": services.enrolment_deadline_note(order),
            "movement_due": due,
            "movement_days": policy.movement_working_days,
            "over_capacity": [c for c in load if c["after"] > c["capacity"]],
            "today": school_today(ctx.school),
            "kinds": OrderKind,
        },
        status=status,
    )


def _edit_form(order: Order) -> OrderForm:
    form = OrderForm(instance=order)
    form.helper.form_tag = False
    return form


def _class_load(order: Order, items: list[OrderItem]) -> list[dict]:
    """Classes the order adds students to, with how full they will be (capacity, seed 000 item 3)."""
    targets = {}
    for item in items:
        if item.to_class_id:
            targets.setdefault(item.to_class_id, {"cls": item.to_class, "adding": 0})["adding"] += 1
    if not targets:
        return []
    on = order.effective_on
    sizes = dict(
        SchoolClass.objects.filter(pk__in=targets)
        .annotate(
            n=Count(
                "enrollments",
                filter=active_on_q(on, "enrollments__"),
            )
        )
        .values_list("pk", "n")
    )
    return [
        {
            "cls": t["cls"],
            "capacity": t["cls"].capacity,
            "after": sizes.get(pk, 0) + (t["adding"] if order.is_draft else 0),
        }
        for pk, t in targets.items()
    ]


@school_view(Perm.DRAFT_ORDERS)
@require_POST
def edit(request, pk: int):
    ctx = request.school_ctx
    order = get_object_or_404(Order, school=ctx.school, pk=pk)
    form = OrderForm(request.POST, instance=Order.objects.get(pk=order.pk))
    if form.is_valid():
        try:
            services.order_update(
                acting_user=request.user,
                order=order,
                changes=form.cleaned_data,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Проект приказа сохранён."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("orders:detail", school_id=ctx.school.pk, pk=order.pk)


@school_view(Perm.DRAFT_ORDERS)
@require_POST
def item_add(request, pk: int):
    ctx = request.school_ctx
    order = get_object_or_404(Order, school=ctx.school, pk=pk)
    sid = request.POST.get("student_id", "")
    student = get_object_or_404(Student, school=ctx.school, pk=int_param(sid))
    classes = SchoolClass.objects.filter(school=ctx.school, year__status__in=["open", "planned"])
    form = ItemForm(request.POST, order=order, classes=classes, prefix=f"s{student.pk}")
    query = request.POST.get("q", "").strip()[:100]
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "student"}
        try:
            services.order_item_add(acting_user=request.user, order=order, student=student, **data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("В приказ добавлен(а) %(name)s.") % {"name": student.full_name}
            )
            url = reverse("orders:detail", kwargs={"school_id": ctx.school.pk, "pk": order.pk})
            return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
    # Refused: the same search, the row in error with its message and what was typed.
    return _detail_page(
        request, _order(request, order.pk), query=query, refused=(student, form), status=422
    )


@school_view(Perm.DRAFT_ORDERS)
@require_POST
def item_remove(request, pk: int, item_id: int):
    ctx = request.school_ctx
    item = get_object_or_404(
        OrderItem.objects.select_related("order"), school=ctx.school, order_id=pk, pk=item_id
    )
    try:
        services.order_item_remove(acting_user=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("orders:detail", school_id=ctx.school.pk, pk=pk)


@school_view(Perm.DRAFT_ORDERS)
@require_POST
def delete(request, pk: int):
    ctx = request.school_ctx
    order = get_object_or_404(Order, school=ctx.school, pk=pk)
    try:
        services.order_delete(acting_user=request.user, order=order)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("orders:detail", school_id=ctx.school.pk, pk=pk)
    messages.success(request, _("Проект приказа удалён."))
    return redirect("orders:register", school_id=ctx.school.pk)


@school_view(Perm.SIGN_ORDERS)
@require_POST
def sign(request, pk: int):
    ctx = request.school_ctx
    order = get_object_or_404(Order, school=ctx.school, pk=pk)
    version = request.POST.get("version", "")
    try:
        order = services.order_sign(
            acting_user=request.user,
            order=order,
            expected_version=int(version) if version.isdigit() else None,
        )
    except ValidationError as error:
        messages.error(
            request,
            _("Приказ не подписан, в контингенте ничего не изменилось:")
            + " "
            + " ".join(error.messages),
        )
    else:
        messages.success(request, _("Приказ подписан: № %(n)s.") % {"n": order.number})
    return redirect("orders:detail", school_id=ctx.school.pk, pk=pk)


@school_view(Perm.DRAFT_ORDERS)
@require_POST
def cancel(request, pk: int):
    ctx = request.school_ctx
    order = get_object_or_404(Order, school=ctx.school, pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите дату приказа об отмене."))
        return redirect("orders:detail", school_id=ctx.school.pk, pk=pk)
    try:
        cancellation = services.order_cancellation_draft(
            acting_user=request.user, order=order, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("orders:detail", school_id=ctx.school.pk, pk=pk)
    messages.success(
        request,
        _(
            "Проект приказа об отмене создан; после подписи директором действие приказа будет отменено."
        ),
    )
    return redirect("orders:detail", school_id=ctx.school.pk, pk=cancellation.pk)


def _order_file_name(order: Order) -> str:
    if order.number:
        return _("Приказ № %(n)s от %(d)s.pdf") % {
            "n": order.number,
            "d": f"{order.order_date:%d.%m.%Y}",
        }
    return _("Проект приказа %(pk)s.pdf") % {"pk": order.pk}


def _order_access(order: Order, kind: str = AccessRecord.Kind.ORDER) -> Access:
    return Access(kind, str(order), order.items.count())


def _signed_copy(request, document_id: int, kind: str) -> HttpResponse:
    """The order's PDF as it was signed (kept on the first need if the worker has not yet)."""
    document = services.signed_copy_keep(document_id=document_id)
    return download(
        request,
        file=document.file,
        filename=_order_file_name(document.order),
        content_type=PDF,
        access=_order_access(document.order, kind),
    )


@school_view(Perm.VIEW_ORDERS)
def pdf(request, pk: int):
    order = _order(request, pk)
    document_id = SchoolDocument.objects.filter(order=order).values_list("pk", flat=True).first()
    if document_id is not None:
        return _signed_copy(request, document_id, AccessRecord.Kind.ORDER)
    return download(
        request,
        content=exports.order_pdf(order),
        filename=_order_file_name(order),
        content_type=PDF,
        access=_order_access(order),
    )


# --- document store ------------------------------------------------------------------------


@school_view(Perm.VIEW_SCHOOL_CARD)
def document_file(request, pk: int):
    ctx = request.school_ctx
    doc = get_object_or_404(documents_visible_to(ctx), pk=pk)
    if doc.order_id:
        return _signed_copy(request, doc.pk, AccessRecord.Kind.DOCUMENT)
    if not doc.file:
        raise Http404
    extension = doc.file.name.rsplit(".", 1)[-1] if "." in doc.file.name else ""
    return download(
        request,
        file=doc.file,
        filename=f"{doc.title}.{extension}" if extension else doc.title,
        access=Access(AccessRecord.Kind.DOCUMENT, doc.title, 0),
    )


# --- movement report -----------------------------------------------------------------------


def _period(request) -> tuple[PeriodForm, date, date]:
    ctx = request.school_ctx
    year = ctx.open_year
    today = school_today(ctx.school)
    # The report opens on the current month (what the secretary files monthly), or on the
    # year's first day while the year's first month runs.
    start = today.replace(day=1)
    if year is not None and year.starts_on <= today:
        start = max(start, year.starts_on)
    form = PeriodForm(request.GET or None, initial={"date_from": start, "date_to": today})
    if request.GET and form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, start, max(today, start)


@school_view(Perm.VIEW_ORDERS)
def movement(request):
    ctx = request.school_ctx
    form, date_from, date_to = _period(request)
    report = selectors.movement_report(school=ctx.school, date_from=date_from, date_to=date_to)
    return render(
        request,
        "orders/movement.html",
        {"form": form, "report": report, "query": request.GET.urlencode()},
    )


def _movement_file(request, build, content_type: str, ext: str) -> HttpResponse:
    ctx = request.school_ctx
    _form, date_from, date_to = _period(request)
    report = selectors.movement_report(school=ctx.school, date_from=date_from, date_to=date_to)
    period = f"{date_from:%d.%m.%Y}–{date_to:%d.%m.%Y}"
    totals = report.totals
    return download(
        request,
        content=build(report, school=ctx.school),
        filename=_("Движение обучающихся %(p)s.%(ext)s") % {"p": period, "ext": ext},
        content_type=content_type,
        access=Access(
            AccessRecord.Kind.EXPORT,
            _("Движение обучающихся %(p)s (%(ext)s)") % {"p": period, "ext": ext},
            totals["came"] + totals["left"],
        ),
    )


@school_view(Perm.VIEW_ORDERS)
def movement_xlsx(request):
    return _movement_file(request, exports.movement_xlsx, XLSX, "xlsx")


@school_view(Perm.VIEW_ORDERS)
def movement_pdf(request):
    return _movement_file(request, exports.movement_pdf, PDF, "pdf")


# --- the new academic year -----------------------------------------------------------------


@school_view(Perm.MANAGE_YEARS)
def rollover_page(request):
    """The deputy's sequence: next year, its classes, the orders, opening the year."""
    ctx = request.school_ctx
    year = ctx.open_year
    if year is None:
        return render(request, "orders/rollover.html", {"state": None})
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _rollover_action(request, year, action)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("orders:rollover", school_id=ctx.school.pk)
    state = rollover.rollover_state(year)
    return render(
        request,
        "orders/rollover.html",
        {
            "state": state,
            "year_form": NextYearForm(initial=rollover.suggested_next_year(year)),
        },
    )


def _rollover_action(request, year: AcademicYear, action: str) -> None:
    user = request.user
    if action == "year":
        form = NextYearForm(request.POST)
        if not form.is_valid():
            raise ValidationError(" ".join(str(e) for errs in form.errors.values() for e in errs))
        rollover.next_year_ensure(acting_user=user, year=year, **form.cleaned_data)
        messages.success(request, _("Следующий учебный год создан (ещё не открыт)."))
        return
    next_year = rollover.next_year_of(year)
    if next_year is None:
        raise ValidationError(_("Сначала создайте следующий учебный год."))
    if action == "classes":
        created = rollover.next_year_classes_create(
            acting_user=user, year=year, next_year=next_year
        )
        messages.success(request, _("Создано классов: %(n)s.") % {"n": len(created)})
    elif action == "transfer":
        order = rollover.year_transfer_order_ensure(
            acting_user=user, year=year, next_year=next_year
        )
        messages.success(
            request,
            _("Проект приказа о переводе готов: %(n)s обучающихся.") % {"n": order.items.count()},
        )
    elif action == "graduation":
        order = rollover.graduation_order_ensure(acting_user=user, year=year)
        messages.success(
            request,
            _("Проект приказа о выпуске готов: %(n)s обучающихся.") % {"n": order.items.count()},
        )
    elif action == "open":
        rollover.rollover_open(acting_user=user, year=year)
        messages.success(
            request,
            _("Учебный год %(y)s открыт. Год %(old)s доступен только для чтения.")
            % {"y": next_year.name, "old": year.name},
        )
    else:
        raise ValidationError(_("Неизвестное действие."))
