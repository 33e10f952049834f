"""Logins for students and parents: the class page, bulk issue, reissue, the issue log.

The administrator works with any class or the whole school; a class teacher only with
their own class (seed 001 item 18); any other class answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import logins
from apps.accounts.models import LoginIssue
from apps.accounts.policy import Perm, Role
from apps.classes.models import SchoolClass
from apps.orders.exports import login_slips_pdf
from apps.privacy.downloads import PDF, download
from apps.privacy.models import AccessRecord
from apps.privacy.services import Access
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.students.models import Enrollment, Guardianship, Student


def may_issue_logins(ctx) -> bool:
    return ctx.may(Perm.ISSUE_LOGINS) or ctx.is_class_teacher


def classes_for_logins(ctx) -> list[SchoolClass]:
    if ctx.open_year is None:
        return []
    if ctx.may(Perm.ISSUE_LOGINS):
        return list(ctx.open_year.classes.order_by("grade", "letter"))
    return list(ctx.led_classes)


def _chosen(ctx, value: str) -> list[SchoolClass] | None:
    """The class (or, for the administrator, every class: «all») of the request; 404 if not theirs."""
    allowed = classes_for_logins(ctx)
    if value == "all" and ctx.may(Perm.ISSUE_LOGINS):
        return allowed
    if value.isdigit():
        chosen = [c for c in allowed if c.pk == int(value)]
        if not chosen:
            raise Http404
        return chosen
    return None


def people_of(ctx, classes: list[SchoolClass]) -> list[Student]:
    """Students of the classes today, with their class and parents (3 queries)."""
    day = school_today(ctx.school)
    if ctx.open_year is not None:
        day = min(max(day, ctx.open_year.starts_on), ctx.open_year.ends_on)
    enrolments = (
        Enrollment.objects.filter(school_class__in=classes)
        .active_on(day)
        .select_related("student__user", "school_class")
        .prefetch_related(
            Prefetch(
                "student__guardianships",
                queryset=Guardianship.objects.select_related("guardian__user").order_by("pk"),
            )
        )
        .order_by(
            "school_class__grade",
            "school_class__letter",
            "student__last_name",
            "student__first_name",
        )
    )
    students = []
    for e in enrolments:
        e.student.class_name = e.school_class.name
        students.append(e.student)
    return students


def _persons(students: list[Student], *, kids: bool, parents: bool) -> list[logins.Person]:
    out = []
    for s in students:
        if kids:
            out.append(
                logins.Person(record=s, role=Role.STUDENT, class_name=s.class_name, student_id=s.pk)
            )
        if parents:
            for g in s.guardianships.all():
                out.append(
                    logins.Person(
                        record=g.guardian,
                        role=Role.PARENT,
                        class_name=s.class_name,
                        child_name=s.full_name,
                        email=g.guardian.email,
                        student_id=s.pk,
                    )
                )
    return out


def _back(ctx, class_value: str):
    url = reverse("accounts:logins", kwargs={"school_id": ctx.school.pk})
    return redirect(f"{url}?{urlencode({'class': class_value})}")


def _slips(request, credentials, school, name: str) -> HttpResponse:
    return download(
        request,
        content=login_slips_pdf(credentials, school=school),
        filename=name,
        content_type=PDF,
        access=Access(
            AccessRecord.Kind.SLIPS,
            _("Бланки логинов: %(n)s чел.") % {"n": len(credentials)},
            len(credentials),
        ),
    )


@school_view(check=may_issue_logins)
def logins_page(request):
    ctx = request.school_ctx
    classes = classes_for_logins(ctx)
    chosen = _chosen(ctx, request.GET.get("class", ""))
    if chosen is None and len(classes) == 1:
        chosen = classes
    students = people_of(ctx, chosen) if chosen else []
    log = LoginIssue.objects.filter(school=ctx.school).select_related(
        "user", "issued_by", "student"
    )
    if not ctx.may(Perm.ISSUE_LOGINS):
        log = log.filter(student__in=[s.pk for s in students])
    elif chosen and len(chosen) == 1:
        log = log.filter(student__enrollments__school_class=chosen[0]).distinct()
    without = sum(1 for s in students if s.user_id is None) + sum(
        1 for s in students for g in s.guardianships.all() if g.guardian.user_id is None
    )
    return render(
        request,
        "accounts/logins.html",
        {
            "classes": classes,
            "chosen": chosen,
            "students": students,
            "log": list(log[:40]),
            "class_value": request.GET.get("class", "")
            or (str(chosen[0].pk) if chosen and len(chosen) == 1 else ""),
            "may_all": ctx.may(Perm.ISSUE_LOGINS),
            "without": without,
            "site_problem": logins.site_address_problem(),
        },
    )


@school_view(check=may_issue_logins)
@require_POST
def logins_issue(request):
    ctx = request.school_ctx
    chosen = _chosen(ctx, request.POST.get("class", ""))
    if chosen is None:
        raise Http404
    channel = request.POST.get("channel", LoginIssue.Channel.SLIP)
    people = _persons(
        people_of(ctx, chosen), kids="students" in request.POST, parents="parents" in request.POST
    )
    back = _back(ctx, request.POST.get("class", ""))
    try:
        credentials = logins.logins_issue(
            acting_user=request.user, school=ctx.school, people=people, channel=channel
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    if not credentials:
        messages.info(
            request,
            _("У всех выбранных уже есть учётные записи. Для утерянного пароля — «Новый пароль»."),
        )
        return back
    if channel == LoginIssue.Channel.EMAIL:
        messages.success(
            request,
            _("Учётные записи созданы: %(n)s. Письма с паролями отправляются.")
            % {"n": len(credentials)},
        )
        return back
    name = "logins-all.pdf" if len(chosen) > 1 else f"logins-{chosen[0].grade}-{chosen[0].pk}.pdf"
    return _slips(request, credentials, ctx.school, name)


@school_view(check=may_issue_logins)
@require_POST
def login_reissue(request, kind: str, pk: int):
    """A new temporary password for one student or parent of an allowed class."""
    ctx = request.school_ctx
    students = people_of(ctx, classes_for_logins(ctx))
    person = None
    for s in students:
        if kind == "student" and s.pk == pk and s.user_id:
            person = logins.Person(
                record=s, role=Role.STUDENT, class_name=s.class_name, student_id=s.pk
            )
        if kind == "guardian":
            for g in s.guardianships.all():
                if g.guardian_id == pk and g.guardian.user_id:
                    person = logins.Person(
                        record=g.guardian,
                        role=Role.PARENT,
                        class_name=s.class_name,
                        child_name=s.full_name,
                        email=g.guardian.email,
                        student_id=s.pk,
                    )
    if person is None or kind not in ("student", "guardian"):
        raise Http404
    channel = request.POST.get("channel", LoginIssue.Channel.SLIP)
    try:
        credential = logins.login_reissue(
            acting_user=request.user,
            school=ctx.school,
            person=person,
            channel=channel,
            class_teacher_of=None
            if ctx.may(Perm.ISSUE_LOGINS)
            else [c.pk for c in ctx.led_classes],
            today=school_today(ctx.school),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(ctx, request.POST.get("class", ""))
    if channel == LoginIssue.Channel.EMAIL:
        messages.success(
            request,
            _("Новый пароль отправляется письмом: %(name)s.") % {"name": credential.full_name},
        )
        return _back(ctx, request.POST.get("class", ""))
    return _slips(request, [credential], ctx.school, f"login-{credential.user.username}.pdf")
