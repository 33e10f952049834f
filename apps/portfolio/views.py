"""Portfolio pages: HTTP only — check access, validate, call one service, render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm, Role
from apps.portfolio import permissions, selectors, services
from apps.portfolio.forms import (
    AchievementForm,
    CategoryForm,
    CharacteristicForm,
    PortraitForm,
    TeacherEntryForm,
)
from apps.portfolio.models import Achievement, TeacherEntry
from apps.privacy.downloads import PDF, download
from apps.privacy.models import AccessRecord
from apps.privacy.services import Access
from apps.school.access import school_view
from apps.school.clock import now as clock_now
from apps.school.inputs import add_validation_errors, int_param
from apps.school.models import AcademicYear

_portfolio_view = school_view(check=permissions.may_open_portfolios)


def _stale_or_errors(request, form, error: ValidationError) -> None:
    if isinstance(error, services.StaleVersion):
        messages.error(request, error.messages[0])
    add_validation_errors(form, error)


@_portfolio_view
def index(request):
    """The family goes to their own portfolios; teachers and the administration see a roster."""
    ctx = request.school_ctx
    year = ctx.open_year
    students = permissions.students_visible_to(ctx)
    if year is None:
        raise Http404
    class_id = int_param(request.GET.get("class"))
    rows = selectors.roster(students=students, year=year)
    classes = sorted({r.school_class for r in rows}, key=lambda c: (c.grade, c.letter))
    if class_id:
        rows = [r for r in rows if r.school_class.pk == class_id]
    elif len(classes) > 1 and not (ctx.roles & {Role.STUDENT, Role.PARENT}):
        first = next((c for c in classes if c.class_teacher_id == ctx.user.pk), classes[0])
        class_id = first.pk
        rows = [r for r in rows if r.school_class.pk == class_id]
    return render(
        request,
        "portfolio/index.html",
        {
            "rows": rows,
            "classes": classes,
            "class_id": class_id,
            "is_teacher": Role.TEACHER in ctx.roles,
            "may_all": ctx.may(Perm.VIEW_PORTFOLIOS),
        },
    )


def _student_page(request, access, *, forms=None):
    ctx = request.school_ctx
    data = selectors.student_portfolio(student=access.student)
    teachers = selectors.teachers_of_class(access.school_class)
    forms = forms or {}
    portrait = data.portrait
    version = portrait.version if portrait else None
    context = {
        "access": access,
        "student": access.student,
        "data": data,
        "achievement_form": forms.get("achievement") or AchievementForm(teachers=teachers),
        "portrait_form": forms.get("portrait")
        or PortraitForm(initial={"essay": portrait.essay if portrait else "", "version": version}),
        "characteristic_form": forms.get("characteristic")
        or CharacteristicForm(
            initial={
                "characteristic": portrait.characteristic if portrait else "",
                "version": version,
            }
        ),
        "years": AcademicYear.objects.filter(school=ctx.school).order_by("-starts_on"),
    }
    return render(request, "portfolio/student.html", context, status=400 if forms else 200)


@_portfolio_view
def student(request, student_id: int):
    return _student_page(request, permissions.portfolio_access(request.school_ctx, student_id))


@_portfolio_view
@require_POST
def achievement_add(request, student_id: int):
    ctx = request.school_ctx
    access = permissions.portfolio_access(ctx, student_id)
    if not access.may_add:
        raise PermissionDenied
    teachers = selectors.teachers_of_class(access.school_class)
    form = AchievementForm(request.POST, request.FILES, teachers=teachers)
    if form.is_valid():
        data = form.cleaned_data
        try:
            achievement = services.achievement_add(
                acting_user=request.user,
                access=access,
                kind=data["kind"],
                event=data["event"],
                subject=data["subject"],
                level=data["level"],
                result=data["result"],
                happened_on=data["happened_on"],
                teacher=form.teachers.get(data["teacher"]),
                diploma=data["diploma"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("Достижение добавлено и подтверждено.")
                if achievement.is_confirmed
                else _("Достижение добавлено: его подтвердит классный руководитель."),
            )
            return redirect("portfolio:student", school_id=ctx.school.pk, student_id=student_id)
    return _student_page(request, access, forms={"achievement": form})


@_portfolio_view
@require_POST
def achievement_confirm(request, student_id: int, achievement_id: int):
    ctx = request.school_ctx
    access = permissions.portfolio_access(ctx, student_id)
    if not access.may_confirm:
        raise PermissionDenied
    try:
        services.achievement_confirm(
            acting_user=request.user,
            access=access,
            achievement_id=achievement_id,
            version=int_param(request.POST.get("version")) or None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Достижение подтверждено."))
    return redirect("portfolio:student", school_id=ctx.school.pk, student_id=student_id)


@_portfolio_view
@require_POST
def achievement_delete(request, student_id: int, achievement_id: int):
    ctx = request.school_ctx
    access = permissions.portfolio_access(ctx, student_id)
    try:
        services.achievement_delete(
            acting_user=request.user, access=access, achievement_id=achievement_id
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Запись удалена."))
    return redirect("portfolio:student", school_id=ctx.school.pk, student_id=student_id)


@_portfolio_view
@require_POST
def portrait(request, student_id: int):
    ctx = request.school_ctx
    access = permissions.portfolio_access(ctx, student_id)
    if not access.may_edit_portrait:
        raise PermissionDenied
    form = PortraitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.portrait_save(
                acting_user=request.user,
                access=access,
                essay=form.cleaned_data["essay"],
                photo=form.cleaned_data["photo"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            _stale_or_errors(request, form, error)
        else:
            messages.success(request, _("Портрет сохранён."))
            return redirect("portfolio:student", school_id=ctx.school.pk, student_id=student_id)
    return _student_page(request, access, forms={"portrait": form})


@_portfolio_view
@require_POST
def characteristic(request, student_id: int):
    ctx = request.school_ctx
    access = permissions.portfolio_access(ctx, student_id)
    if not access.may_write_characteristic:
        raise PermissionDenied
    form = CharacteristicForm(request.POST)
    if form.is_valid():
        try:
            services.characteristic_save(
                acting_user=request.user,
                access=access,
                characteristic=form.cleaned_data["characteristic"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            _stale_or_errors(request, form, error)
        else:
            messages.success(request, _("Характеристика сохранена."))
            return redirect("portfolio:student", school_id=ctx.school.pk, student_id=student_id)
    return _student_page(request, access, forms={"characteristic": form})


@_portfolio_view
def diploma(request, student_id: int, achievement_id: int):
    access = permissions.portfolio_access(request.school_ctx, student_id)
    achievement = Achievement.objects.filter(student=access.student, pk=achievement_id).first()
    if achievement is None or not achievement.diploma:
        raise Http404
    return download(
        request, file=achievement.diploma, filename=achievement.diploma_name or "diploma"
    )


@_portfolio_view
def photo(request, student_id: int):
    access = permissions.portfolio_access(request.school_ctx, student_id)
    data = selectors.student_portfolio(student=access.student, year=None)
    if data.portrait is None or not data.portrait.photo:
        raise Http404
    name = f"{access.student.full_name}.{data.portrait.photo.name.rsplit('.', 1)[-1]}"
    return download(request, file=data.portrait.photo, filename=name)


@_portfolio_view
def student_pdf(request, student_id: int):
    """The printable portfolio of one student for a school year (confirmed entries only)."""
    ctx = request.school_ctx
    access = permissions.portfolio_access(ctx, student_id)
    year = AcademicYear.objects.filter(
        school=ctx.school, pk=int_param(request.GET.get("year"))
    ).first()
    year = year or ctx.open_year
    if year is None:
        raise Http404
    data = selectors.student_portfolio(student=access.student, year=year)
    confirmed = [a for a in data.achievements if a.is_confirmed]
    html = render_to_string(
        "portfolio/pdf_student.html",
        {
            "school": ctx.school,
            "student": access.student,
            "school_class": access.school_class,
            "year": year,
            "portrait": data.portrait,
            "achievements": confirmed,
            "generated": clock_now().astimezone(ctx.school.tz),
        },
    )
    from weasyprint import HTML

    content = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return download(
        request,
        content=content,
        filename=f"Портфолио {access.student.full_name} {year.name.replace('/', '-')}.pdf",
        content_type=PDF,
        access=Access(AccessRecord.Kind.EXPORT, _("Портфолио обучающегося (PDF)"), 1),
    )


# --- teachers ----------------------------------------------------------------------------


@school_view(Perm.VIEW_PORTFOLIOS, check=permissions.is_teacher)
def teachers(request):
    ctx = request.school_ctx
    if not ctx.may(Perm.VIEW_PORTFOLIOS):
        return redirect("portfolio:teacher", school_id=ctx.school.pk, teacher_id=ctx.user.pk)
    if ctx.open_year is None:
        raise Http404
    rows = selectors.fill_by_teacher(school=ctx.school, year=ctx.open_year)
    return render(request, "portfolio/teachers.html", {"rows": rows})


def _teacher_page(request, teacher, *, forms=None):
    ctx = request.school_ctx
    category, by_kind, results = selectors.teacher_portfolio(school=ctx.school, teacher=teacher)
    forms = forms or {}
    initial = (
        {
            "category": category.category,
            "assigned_on": category.assigned_on,
            "expires_on": category.expires_on,
            "order_ref": category.order_ref,
            "version": category.version,
        }
        if category
        else {}
    )
    sections = [(kind, label, by_kind[kind]) for kind, label in TeacherEntry.Kind.choices]
    return render(
        request,
        "portfolio/teacher.html",
        {
            "teacher": teacher,
            "category": category,
            "sections": sections,
            "results": results,
            "may_edit": permissions.may_edit_teacher_portfolio(ctx, teacher),
            "category_form": forms.get("category") or CategoryForm(initial=initial),
            "entry_form": forms.get("entry") or TeacherEntryForm(),
        },
        status=400 if forms else 200,
    )


@school_view(Perm.VIEW_PORTFOLIOS, check=permissions.is_teacher)
def teacher(request, teacher_id: int):
    ctx = request.school_ctx
    return _teacher_page(request, permissions.teacher_visible(ctx, teacher_id))


@school_view(Perm.VIEW_PORTFOLIOS, check=permissions.is_teacher)
@require_POST
def teacher_category(request, teacher_id: int):
    ctx = request.school_ctx
    person = permissions.teacher_visible(ctx, teacher_id)
    form = CategoryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.category_save(
                acting_user=request.user,
                school=ctx.school,
                teacher=person,
                category=data["category"],
                assigned_on=data["assigned_on"],
                expires_on=data["expires_on"],
                order_ref=data["order_ref"],
                version=data["version"],
            )
        except ValidationError as error:
            _stale_or_errors(request, form, error)
        else:
            messages.success(request, _("Категория сохранена."))
            return redirect("portfolio:teacher", school_id=ctx.school.pk, teacher_id=teacher_id)
    return _teacher_page(request, person, forms={"category": form})


@school_view(Perm.VIEW_PORTFOLIOS, check=permissions.is_teacher)
@require_POST
def teacher_entry_add(request, teacher_id: int):
    ctx = request.school_ctx
    person = permissions.teacher_visible(ctx, teacher_id)
    form = TeacherEntryForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.teacher_entry_add(
                acting_user=request.user,
                school=ctx.school,
                teacher=person,
                kind=data["kind"],
                title=data["title"],
                organisation=data["organisation"],
                hours=data["hours"],
                happened_on=data["happened_on"],
                file=data["file"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Запись добавлена."))
            return redirect("portfolio:teacher", school_id=ctx.school.pk, teacher_id=teacher_id)
    return _teacher_page(request, person, forms={"entry": form})


@school_view(Perm.VIEW_PORTFOLIOS, check=permissions.is_teacher)
def teacher_file(request, teacher_id: int, entry_id: int):
    ctx = request.school_ctx
    person = permissions.teacher_visible(ctx, teacher_id)
    entry = TeacherEntry.objects.filter(school=ctx.school, teacher=person, pk=entry_id).first()
    if entry is None or not entry.file:
        raise Http404
    return download(request, file=entry.file, filename=entry.file_name or "document")
