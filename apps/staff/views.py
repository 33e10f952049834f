"""Staff records for the HR inspector. HTTP only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.accounts.policy import Perm
from apps.school.access import school_view
from apps.school.inputs import add_validation_errors
from apps.staff.forms import StaffMemberForm
from apps.staff.models import StaffMember
from apps.staff.services import staff_member_save
from apps.students.selectors import change_history


@school_view(Perm.VIEW_STAFF)
def staff_list(request):
    ctx = request.school_ctx
    query = request.GET.get("q", "").strip()
    qs = StaffMember.objects.filter(school=ctx.school).select_related("user")
    for word in query.split():
        qs = qs.filter(Q(user__last_name__icontains=word) | Q(user__first_name__icontains=word))
    if request.GET.get("current"):
        qs = qs.filter(left_on__isnull=True)
    page = Paginator(qs.order_by("user__last_name", "user__first_name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "staff/list.html",
        {"page": page, "query": query, "can_manage": ctx.may(Perm.MANAGE_STAFF)},
    )


@school_view(Perm.MANAGE_STAFF)
def staff_create(request):
    return _staff_page(request, None)


@school_view(Perm.VIEW_STAFF)
def staff_card(request, pk: int):
    return _staff_page(request, pk)


def _staff_page(request, pk: int | None):
    """Read for the administration, edit for the HR inspector (secretary) and the administrator."""
    ctx = request.school_ctx
    can_manage = ctx.may(Perm.MANAGE_STAFF)
    member = (
        get_object_or_404(StaffMember.objects.select_related("user"), school=ctx.school, pk=pk)
        if pk
        else None
    )
    form = StaffMemberForm(
        request.POST or None, instance=member or StaffMember(), school=ctx.school
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                member = staff_member_save(
                    acting_user=request.user,
                    school=ctx.school,
                    member=member,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data.get("version"),
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Сохранено: %(m)s.") % {"m": member})
                return redirect("staff:list", school_id=ctx.school.pk)
    if not can_manage:
        for field in form.fields.values():
            field.disabled = True
        form.helper.inputs = []
    history = change_history(StaffMember, [member.pk], limit=15) if member else []
    return render(
        request,
        "staff/card.html",
        {"form": form, "member": member, "history": history, "can_manage": can_manage},
    )
