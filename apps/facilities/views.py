"""Pages of repair requests: HTTP only; rules live in services, reads in selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm
from apps.facilities import exports, selectors, services
from apps.facilities.forms import RepairMoveForm, RepairRequestForm
from apps.facilities.models import RepairRequest
from apps.privacy.downloads import XLSX, download
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import month_param

PAGE_SIZE = 50


def _repair(ctx, pk: int) -> RepairRequest:
    """A request of this school (any member of staff reads them); another school's: 404."""
    return get_object_or_404(RepairRequest.objects.filter(school=ctx.school).for_list(), pk=pk)


@school_view(Perm.FILE_REPAIRS)
def index(request):
    """The technical staff see the queue; everybody else their own requests, and on asking
    the whole school's (to see whether a fault is reported already)."""
    ctx = request.school_ctx
    handles = ctx.may(Perm.HANDLE_REPAIRS)
    scope = "all" if handles or request.GET.get("scope") == "all" else "mine"
    status = request.GET.get("status", "open" if handles else "")
    query = request.GET.get("q", "").strip()[:100]
    if scope == "all":
        qs = selectors.repair_queue(school=ctx.school, status=status, query=query)
    else:
        qs = selectors.repairs_of(school=ctx.school, author=ctx.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = [("open", _("открытые")), *RepairRequest.Status.choices, ("", _("все"))]
    return render(
        request,
        "facilities/index.html",
        {
            "page": page,
            "handles": handles,
            "scope": scope,
            "status": status,
            "statuses": statuses,
            "query": query,
            "month": school_today(ctx.school).strftime("%Y-%m"),
        },
    )


@school_view(Perm.FILE_REPAIRS)
def create(request):
    ctx = request.school_ctx
    form = RepairRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                repair = services.repair_request_file(
                    acting_user=ctx.user,
                    school=ctx.school,
                    room=data["room"],
                    problem=data["problem"],
                    urgency=data["urgency"],
                    photo=data["photo"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, _("Заявка подана. Мы сообщим, когда её возьмут в работу.")
                )
                return redirect("facilities:detail", school_id=ctx.school.pk, pk=repair.pk)
        status = 422
    return render(request, "facilities/form.html", {"form": form}, status=status)


@school_view(Perm.FILE_REPAIRS)
def detail(request, pk: int):
    ctx = request.school_ctx
    repair = _repair(ctx, pk)
    form = None
    if ctx.may(Perm.HANDLE_REPAIRS) and repair.is_open:
        form = RepairMoveForm(initial={"version": repair.version, "comment": repair.comment})
        form.fields["status"].choices = repair.next_statuses()
    return render(request, "facilities/detail.html", {"repair": repair, "form": form})


@school_view(Perm.HANDLE_REPAIRS)
@require_POST
def move(request, pk: int):
    ctx = request.school_ctx
    repair = _repair(ctx, pk)
    form = RepairMoveForm(request.POST)
    form.fields["status"].choices = repair.next_statuses() or RepairRequest.Status.choices
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.repair_request_move(
                acting_user=ctx.user,
                repair=repair,
                status=data["status"],
                comment=data["comment"],
                expected_version=data["version"],
            )
        except services.StaleRequestError as stale:
            form.add_error(None, str(stale))
            repair = stale.current
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Статус заявки изменён; автор получил уведомление."))
            return redirect("facilities:detail", school_id=ctx.school.pk, pk=repair.pk)
    return render(request, "facilities/detail.html", {"repair": repair, "form": form}, status=422)


@school_view(Perm.FILE_REPAIRS)
def photo(request, pk: int):
    repair = _repair(request.school_ctx, pk)
    if not repair.photo:
        raise Http404
    return download(request, file=repair.photo, filename=repair.photo_name or "photo.jpg")


@school_view(Perm.HANDLE_REPAIRS)
def month_xlsx(request):
    ctx = request.school_ctx
    month = month_param(request.GET.get("month"), school_today(ctx.school))
    repairs = selectors.repairs_of_month(school=ctx.school, month=month)
    return download(
        request,
        content=exports.month_xlsx(school=ctx.school, month=month, repairs=repairs),
        filename=_("Заявки на ремонт %(month)s.xlsx") % {"month": month.strftime("%m.%Y")},
        content_type=XLSX,
        personal=False,
    )
