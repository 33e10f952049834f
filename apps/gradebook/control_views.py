"""Pages around the journal: locked periods and unlock grants (the deputy), the whole class
journal and the attendance register (the class teacher). HTTP only."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm
from apps.attendance.selectors import attendance_register
from apps.classes.models import SchoolClass
from apps.gradebook import selectors
from apps.gradebook.forms import UnlockGrantForm
from apps.gradebook.models import PeriodUnlockGrant
from apps.gradebook.services import (
    period_lock,
    period_unlock,
    period_unlock_grant,
    period_unlock_revoke,
)
from apps.schedule.selectors import school_teachers
from apps.school import clock
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.confirm import Confirmation, confirmation_page, steps_confirmed
from apps.school.inputs import add_validation_errors, date_param, int_param, month_param
from apps.school.models import StudyPeriod

# --- locked periods -----------------------------------------------------------------------


def _locks_page(request, form=None, status=200):
    ctx = request.school_ctx
    year = ctx.open_year
    periods = (
        StudyPeriod.objects.filter(year=year).order_by("scheme", "number")
        if year
        else StudyPeriod.objects.none()
    )
    if form is None:
        form = UnlockGrantForm(
            periods=periods,
            teachers=school_teachers(school=ctx.school),
            initial={
                "expires_at": (clock.school_now(ctx.school) + timedelta(days=3)).replace(
                    second=0, microsecond=0, tzinfo=None
                )
            },
        )
    return render(
        request,
        "gradebook/locks.html",
        {
            "year": year,
            "rows": selectors.lock_overview(year=year) if year else [],
            "form": form,
            "now": clock.now(),
        },
        status=status,
    )


@school_view(Perm.LOCK_PERIODS)
def locks_page(request):
    """Periods of the year, locked or open, with every unlock grant given."""
    return _locks_page(request)


@school_view(Perm.LOCK_PERIODS)
@require_POST
def period_lock_toggle(request, period_id: int):
    ctx = request.school_ctx
    period = get_object_or_404(
        StudyPeriod.objects.filter(school=ctx.school).select_related("year"), pk=period_id
    )
    locking = request.POST.get("action") != "unlock"
    if locking:
        preview = selectors.period_lock_preview(period=period, today=school_today(ctx.school))
        steps_needed = 1 if preview.has_ended else 2
        steps = steps_confirmed(request)
        if steps < steps_needed:
            return confirmation_page(
                request, _lock_confirmation(request, preview, steps + 1, steps_needed)
            )
    try:
        if not locking:
            period_unlock(acting_user=ctx.user, period=period)
            messages.success(request, _("Период «%(p)s» открыт.") % {"p": period.name})
        else:
            period_lock(acting_user=ctx.user, period=period)
            messages.success(
                request, _("Период «%(p)s» закрыт: изменения в нём запрещены.") % {"p": period.name}
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("journal:locks", school_id=ctx.school.pk)


def _lock_confirmation(request, preview, step: int, step_total: int) -> Confirmation:
    period = preview.period
    dates = _("Период «%(name)s»: %(starts)s–%(ends)s.") % {
        "name": period.name,
        "starts": period.starts_on.strftime("%d.%m.%Y"),
        "ends": period.ends_on.strftime("%d.%m.%Y"),
    }
    lock = _(
        "После закрытия во всей школе нельзя будет менять отметки, посещаемость, темы, "
        "задания и отметки за этот период; исправления — только по разрешению."
    )
    if preview.has_ended:
        ahead = _("Период закончился, уроков впереди нет.")
    elif not preview.has_started:
        ahead = _(
            "Период ещё не начался: все его %(lessons)s уроков окажутся закрытыми до того, "
            "как пройдут."
        ) % {"lessons": preview.lessons_ahead}
    else:
        ahead = _(
            "Период ещё идёт: до конца %(days)s дн., впереди ещё %(lessons)s уроков — "
            "они окажутся закрытыми до того, как пройдут."
        ) % {"days": preview.days_left, "lessons": preview.lessons_ahead}
    consequences = [dates, ahead, lock]
    if step == 2:
        title = _("Период «%(name)s» ещё не закончился. Всё равно закрыть?") % {"name": period.name}
        button = _("Да, закрыть досрочно")
    else:
        title = _("Закрыть период «%(name)s»?") % {"name": period.name}
        button = _("Закрыть период") if step_total == 1 else _("Продолжить")
    return Confirmation(
        title=title,
        consequences=consequences,
        button=button,
        back=reverse("journal:locks", args=[request.school_ctx.school.pk]),
        step=step,
        step_total=step_total,
    )


@school_view(Perm.LOCK_PERIODS)
@require_POST
def unlock_grant(request):
    """Open a locked period for one teacher until a moment (an explicit, logged grant)."""
    ctx = request.school_ctx
    year = ctx.open_year
    periods = StudyPeriod.objects.filter(year=year) if year else StudyPeriod.objects.none()
    form = UnlockGrantForm(
        request.POST, periods=periods, teachers=school_teachers(school=ctx.school)
    )
    if form.is_valid():
        data = form.cleaned_data
        expires_at = data["expires_at"]
        if timezone.is_naive(expires_at):
            expires_at = expires_at.replace(tzinfo=ctx.school.tz)
        try:
            period_unlock_grant(
                acting_user=ctx.user,
                period=data["period"],
                user=data["user"],
                expires_at=expires_at,
                reason=data["reason"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("Разрешение выдано: %(user)s, %(period)s, до %(until)s.")
                % {
                    "user": data["user"].short_name,
                    "period": data["period"].name,
                    "until": timezone.localtime(expires_at, ctx.school.tz).strftime(
                        "%d.%m.%Y %H:%M"
                    ),
                },
            )
            return redirect("journal:locks", school_id=ctx.school.pk)
    return _locks_page(request, form=form, status=422)


@school_view(Perm.LOCK_PERIODS)
@require_POST
def unlock_revoke(request, pk: int):
    ctx = request.school_ctx
    grant = get_object_or_404(PeriodUnlockGrant.objects.filter(school=ctx.school), pk=pk)
    period_unlock_revoke(acting_user=ctx.user, grant=grant)
    messages.success(request, _("Разрешение отозвано."))
    return redirect("journal:locks", school_id=ctx.school.pk)


# --- the class teacher: the whole class journal, the attendance register --------------------


def leads_a_class(ctx) -> bool:
    """View precondition: the class teacher of some class (derived from data)."""
    return ctx.is_class_teacher


def _class(ctx, class_id: int) -> SchoolClass:
    """A class the user may read: any class for the administration, their own for a class teacher."""
    classes = SchoolClass.objects.filter(school=ctx.school).select_related(
        "year", "school", "class_teacher"
    )
    if not ctx.may(Perm.READ_ALL_JOURNALS):
        classes = classes.filter(class_teacher=ctx.user)
    return get_object_or_404(classes, pk=class_id)


@school_view(Perm.READ_ALL_JOURNALS, check=leads_a_class)
def class_journal(request, class_id: int):
    """All subjects of a class for a period, read-only: averages, suggested and set marks."""
    ctx = request.school_ctx
    school_class = _class(ctx, class_id)
    scheme = school_class.year.scheme_for_grade(school_class.grade)
    periods = list(
        StudyPeriod.objects.filter(year=school_class.year, scheme=scheme).order_by("number")
    )
    today = school_today(ctx.school)
    wanted = int_param(request.GET.get("period"))
    period = (
        next((p for p in periods if p.pk == wanted), None)
        or next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
        or (periods[-1] if periods else None)
    )
    summary = selectors.class_summary(school_class=school_class, period=period) if period else None
    return render(
        request,
        "gradebook/class_journal.html",
        {
            "school_class": school_class,
            "periods": periods,
            "period": period,
            "summary": summary,
            "classes": _classes_for_picker(ctx, school_class),
        },
    )


def _classes_for_picker(ctx, school_class):
    if ctx.may(Perm.READ_ALL_JOURNALS):
        return list(SchoolClass.objects.filter(year=school_class.year).order_by("grade", "letter"))
    return ctx.led_classes


@school_view(Perm.READ_ALL_JOURNALS, check=leads_a_class)
def attendance_register_page(request, class_id: int):
    """Реестр посещаемости of a class for a month (seed 004 item 9): per day each lesson's
    absences with reasons, totals per day and per student."""
    ctx = request.school_ctx
    school_class = _class(ctx, class_id)
    today = school_today(ctx.school)
    month = month_param(request.GET.get("month"), today)
    day = date_param(request.GET.get("day"), None)
    now = clock.school_now(ctx.school).replace(tzinfo=None)
    register = attendance_register(school_class=school_class, month=month, now=now, day=day)
    prev_month = (month - timedelta(days=1)).replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "gradebook/attendance_register.html",
        {
            "school_class": school_class,
            "register": register,
            "month": month,
            "prev_month": prev_month,
            "next_month": next_month,
            "classes": _classes_for_picker(ctx, school_class),
            "base_url": reverse("journal:register", args=[ctx.school.pk, school_class.pk]),
        },
    )
