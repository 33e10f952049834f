"""E-diary pages. HTTP only: access (from data, 404 for anyone else's child), input, render."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm, Role
from apps.diary import charts, ical, printout, selectors, services
from apps.diary.conditional import RENDER_VERSION, access_for, diary_page
from apps.diary.forms import DigestForm
from apps.diary.selectors import _in_subgroup
from apps.homework.models import Homework, HomeworkAttachment
from apps.privacy.downloads import PDF, download
from apps.privacy.models import AccessRecord
from apps.privacy.services import Access
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import date_param, int_param
from apps.stamps.cache import cached, fragment_key
from apps.students.models import Guardian

_diary_view = school_view(Perm.READ_OWN_DIARY)


def _is_parent(ctx) -> bool:
    return Role.PARENT in ctx.roles


def _leads_a_class(ctx) -> bool:
    return ctx.is_class_teacher


def _int(value) -> int | None:
    return int_param(value) or None


def _date(value, default: date) -> date:
    return date_param(value, default)


def _page(request, template: str, student, tab: str, context: dict) -> HttpResponse:
    ctx = request.school_ctx
    family = selectors.family_of(user=ctx.user, roles=ctx.roles, school=ctx.school)
    return render(
        request,
        template,
        {
            "student": student,
            "family": family,
            "tab": tab,
            "today": school_today(ctx.school),
            "is_self": student.user_id == ctx.user.pk,
            **context,
        },
    )


@_diary_view
def index(request):
    """The children (or the student themselves) whose diary this user reads."""
    ctx = request.school_ctx
    family = selectors.family_of(user=ctx.user, roles=ctx.roles, school=ctx.school)
    return render(
        request, "diary/index.html", {"family": family, "today": school_today(ctx.school)}
    )


@_diary_view
@diary_page("week")
def week(request, student_id: int):
    """The week's content is rendered once per student, week and change of its stamps, and
    shared by everyone who reads it (both parents, the student): no reader's data is in it."""
    ctx = request.school_ctx
    access = access_for(request, student_id)
    today = school_today(ctx.school)
    monday = selectors.monday_of(_date(request.GET.get("d"), today))
    key = fragment_key(
        "diary-week",
        access.student.pk,
        monday,
        today,
        get_language(),
        access.content_version,
        RENDER_VERSION,
    )

    def build() -> str:
        data = selectors.diary_week(student=access.student, day=monday, today=today)
        return render_to_string("diary/_week.html", {"week": data, "today": today})

    board, week_events = selectors.diary_board_and_events(
        ctx=ctx, student=access.student, monday=monday
    )
    return _page(
        request,
        "diary/week.html",
        access.student,
        "week",
        {"week_html": mark_safe(cached(key, build)), "board": board, "week_events": week_events},
    )


@_diary_view
@diary_page("marks")
def marks(request, student_id: int):
    ctx = request.school_ctx
    student = access_for(request, student_id).student
    data = selectors.diary_marks(
        student=student, period_id=_int(request.GET.get("period")), today=school_today(ctx.school)
    )
    return _page(request, "diary/marks.html", student, "marks", {"page": data})


@_diary_view
@diary_page("year")
def year(request, student_id: int):
    ctx = request.school_ctx
    student = access_for(request, student_id).student
    periods, rows = selectors.diary_year(student=student, today=school_today(ctx.school))
    return _page(request, "diary/year.html", student, "year", {"periods": periods, "rows": rows})


@_diary_view
@diary_page("homework")
def homework(request, student_id: int):
    ctx = request.school_ctx
    student = access_for(request, student_id).student
    data = selectors.diary_homework(student=student, today=school_today(ctx.school))
    return _page(request, "diary/homework.html", student, "homework", {"hw": data})


@_diary_view
@require_POST
def homework_done(request, student_id: int, homework_id: int):
    """Tick (or untick) a homework done; htmx swaps the button, a plain form goes back."""
    ctx = request.school_ctx
    student = access_for(request, student_id).student
    item = get_object_or_404(
        Homework.objects.filter(
            school=ctx.school, lesson__assignment__school_class__enrollments__student=student
        ).distinct(),
        pk=homework_id,
    )
    done = request.POST.get("done") == "1"
    services.homework_done_set(acting_user=ctx.user, student=student, homework=item, done=done)
    if request.htmx:
        item.done = done
        return render(
            request,
            "diary/_done_button.html",
            {"hw": item, "student": student, "school": ctx.school},
        )
    return redirect("diary:homework", school_id=ctx.school.pk, student_id=student.pk)


@_diary_view
def homework_file(request, student_id: int, attachment_id: int):
    """A file of a homework set to the student's class (or subgroup); anyone else's is 404."""
    ctx = request.school_ctx
    student = access_for(request, student_id).student
    attachment = get_object_or_404(
        HomeworkAttachment.objects.filter(
            school=ctx.school,
            homework__lesson__assignment__school_class__enrollments__student=student,
        )
        .filter(_in_subgroup(student, "homework__lesson__assignment__"))
        .distinct(),
        pk=attachment_id,
    )
    return download(request, file=attachment.file, filename=attachment.name)


@_diary_view
@diary_page("timetable")
def timetable(request, student_id: int):
    ctx = request.school_ctx
    student = access_for(request, student_id).student
    data = selectors.diary_timetable(student=student, day=school_today(ctx.school))
    return _page(request, "diary/timetable.html", student, "timetable", {"tt": data})


@_diary_view
@diary_page("stats", conditional=False)
def stats(request, student_id: int):
    """Not conditional: the rank moves with classmates' marks, which this student's stamps do not see."""
    ctx = request.school_ctx
    student = access_for(request, student_id).student
    data = selectors.diary_stats(
        student=student, period_id=_int(request.GET.get("period")), today=school_today(ctx.school)
    )
    return _page(
        request,
        "diary/stats.html",
        student,
        "stats",
        {
            "stats": data,
            "chart": charts.line_chart(data.timeline),
            "bars": charts.bar_chart(data.distribution),
        },
    )


@_diary_view
def calendar(request, student_id: int):
    """The personal calendar address: issue, re-issue (the old one stops working) or turn off."""
    ctx = request.school_ctx
    student = access_for(request, student_id).student
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(acting_user=ctx.user, student=student)
            messages.success(request, _("Адрес календаря отключён."))
        elif request.POST.get("action") == "renew":
            services.calendar_feed_renew(acting_user=ctx.user, student=student)
            messages.success(request, _("Адрес календаря продлён на год; он остался прежним."))
        else:
            services.calendar_feed_issue(acting_user=ctx.user, student=student)
            messages.success(request, _("Новый адрес календаря готов. Старый больше не работает."))
        return redirect("diary:calendar", school_id=ctx.school.pk, student_id=student.pk)
    feed = selectors.calendar_feed_of(user=ctx.user, student=student)
    feed_url = (
        request.build_absolute_uri(reverse("diary:ical-feed", args=[feed.token])) if feed else ""
    )
    return _page(
        request,
        "diary/calendar.html",
        student,
        "calendar",
        {
            "feed": feed,
            "feed_url": feed_url,
            "feed_expires": (feed.expires_at or feed.created_at + services.FEED_LIFETIME)
            if feed
            else None,
        },
    )


def ical_feed(request, token: str):
    """The calendar itself: no login, the secret token is the key (404 once revoked)."""
    body = ical.feed_for_token(token=token)
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="diary.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@school_view(check=_is_parent)
def digest(request):
    """The parent's daily e-mail digest: off by default, at the hour they choose."""
    ctx = request.school_ctx
    sub = selectors.digest_of(user=ctx.user, school=ctx.school)
    initial = (
        {"enabled": sub.enabled, "hour": sub.hour, "email": sub.email}
        if sub
        else {"enabled": False, "hour": 19, "email": ctx.user.email}
    )
    form = DigestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.digest_save(acting_user=ctx.user, school=ctx.school, **form.cleaned_data)
            messages.success(request, _("Настройки сводки сохранены."))
            return redirect("diary:digest", school_id=ctx.school.pk)
        except ValidationError as error:
            for fieldname, errors in error.message_dict.items():
                form.add_error(fieldname if fieldname in form.fields else None, errors)
    family = selectors.family_of(user=ctx.user, roles=ctx.roles, school=ctx.school)
    return render(
        request, "diary/digest.html", {"form": form, "sub": sub, "family": family, "tab": "digest"}
    )


@csrf_exempt
def unsubscribe(request, token: str):
    """The signed link of every digest: a page with one button (one-click POST works too, RFC 8058)."""
    if request.method == "POST":
        sub = services.digest_unsubscribe(token=token)
        if sub is None:
            raise Http404
        return render(request, "diary/unsubscribe.html", {"done": True})
    from django.core import signing

    try:
        signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise Http404 from None
    return render(request, "diary/unsubscribe.html", {"done": False})


# --- the class teacher's weekly printouts ------------------------------------------------------------


@school_view(check=_leads_a_class)
def printouts(request):
    """The class teacher's classes: who reads a printout instead of the e-diary."""
    ctx = request.school_ctx
    return render(request, "diary/printouts.html", {"classes": ctx.led_classes})


def _led_class(ctx, class_id: int):
    found = next((c for c in ctx.led_classes if c.pk == class_id), None)
    if found is None:
        raise Http404
    return found


@school_view(check=_leads_a_class)
def printout_class(request, class_id: int):
    ctx = request.school_ctx
    school_class = _led_class(ctx, class_id)
    today = school_today(ctx.school)
    if request.method == "POST":
        guardian = get_object_or_404(
            Guardian.objects.filter(school=ctx.school), pk=_int(request.POST.get("guardian"))
        )
        try:
            services.paper_report_set(
                acting_user=ctx.user,
                school_class=school_class,
                guardian=guardian,
                wanted=request.POST.get("wanted") == "1",
                declared_on=today,
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(reverse("diary:printout-class", args=[ctx.school.pk, school_class.pk]))
    monday = selectors.monday_of(_date(request.GET.get("week"), today - timedelta(days=2)))
    rows = printout.class_roster(school_class=school_class, day=today)
    return render(
        request,
        "diary/printout_class.html",
        {
            "school_class": school_class,
            "rows": rows,
            "monday": monday,
            "saturday": monday + timedelta(days=5),
            "flagged": sum(1 for r in rows if r["paper"]),
        },
    )


@school_view(check=_leads_a_class)
def printout_pdf(request, class_id: int):
    """One student's weekly report, or the whole class's (those whose parents asked, or all) in one PDF."""
    ctx = request.school_ctx
    school_class = _led_class(ctx, class_id)
    today = school_today(ctx.school)
    monday = selectors.monday_of(_date(request.GET.get("week"), today))
    student_id = _int(request.GET.get("student"))
    pdf = printout.weekly_pdf(
        school_class=school_class,
        monday=monday,
        today=today,
        teacher=ctx.user,
        student_id=student_id,
        everyone=request.GET.get("all") == "1",
    )
    if pdf is None:
        raise Http404
    if student_id:
        people = 1
    else:
        rows = printout.class_roster(school_class=school_class, day=today)
        people = sum(1 for r in rows if r["paper"] or request.GET.get("all") == "1")
    name = _("Дневник %(cls)s, неделя с %(d)s.pdf") % {
        "cls": school_class.name,
        "d": f"{monday:%d.%m.%Y}",
    }
    return download(
        request,
        content=pdf,
        filename=name,
        content_type=PDF,
        access=Access(AccessRecord.Kind.PRINTOUT, name, people),
    )
