"""Pages of the school structure. HTTP only: access, validation, one service call, render."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Perm
from apps.classes.models import SchoolClass, Subgroup
from apps.school import services
from apps.school.access import school_view
from apps.school.forms import (
    BellFormSet,
    SchoolCardForm,
    SchoolRulesForm,
)
from apps.school.inputs import add_validation_errors
from apps.school.models import AcademicYear, Shift
from apps.school.navigation import landing_sections
from apps.school.policy import policy_of
from apps.school.sections import Section
from apps.students import selectors as student_selectors
from apps.students import services as student_services

PAGE_SIZE = 50


def selected_year(request) -> AcademicYear | None:
    ctx = request.school_ctx
    years = list(AcademicYear.objects.filter(school=ctx.school))
    wanted = request.GET.get("year")
    if wanted and wanted.isdigit():
        for year in years:
            if year.pk == int(wanted):
                return year
        raise Http404
    open_years = [y for y in years if y.status == AcademicYear.Status.OPEN]
    return open_years[0] if open_years else (years[0] if years else None)


def choose_school(request):
    """The root page: straight to the only school, or a choice among several."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    grants = (
        RoleGrant.objects.filter(user=request.user)
        .select_related("school")
        .order_by("school__short_name")
    )
    schools = {g.school_id: g.school for g in grants}
    if len(schools) == 1:
        return redirect("school:home", school_id=next(iter(schools)))
    return render(request, "school/choose_school.html", {"schools": list(schools.values())})


@school_view()
def home(request):
    ctx = request.school_ctx
    return render(request, "school/home.html", {"sections": landing_sections(ctx)})


@school_view(Perm.VIEW_SCHOOL_CARD)
def school_card(request):
    ctx = request.school_ctx
    form = None
    if ctx.may(Perm.EDIT_SCHOOL_CARD):
        form = SchoolCardForm(request.POST or None, instance=ctx.school, school=ctx.school)
        if request.method == "POST" and form.is_valid():
            try:
                services.record_save(
                    acting_user=request.user,
                    school=ctx.school,
                    instance=ctx.school,
                    changes=form.changes(),
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Карточка школы сохранена."))
                return redirect("school:card", school_id=ctx.school.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "school/card.html", {"form": form, "school": ctx.school})


@school_view(Perm.VIEW_SCHOOL_CARD)
def school_rules(request):
    """«Правила школы»: staff read the school's deadlines and norms; the administration edits them."""
    ctx = request.school_ctx
    can_manage = ctx.may(Perm.MANAGE_RULES)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    rules = services.school_rules_of(ctx.school)
    # Read before the form writes the posted values into the row.
    policy = policy_of(rules)
    form = SchoolRulesForm(
        request.POST or None,
        instance=rules,
        read_only=not can_manage,
        initial={"fingerprint": services.rules_fingerprint(rules)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.school_rules_update(
                acting_user=request.user,
                school=ctx.school,
                changes=form.changes(),
                expected_fingerprint=form.cleaned_data["fingerprint"] or None,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Правила школы сохранены."))
            return redirect("school:rules", school_id=ctx.school.pk)
    return render(
        request,
        "school/rules.html",
        {
            "form": form,
            "can_manage": can_manage,
            "working_days": [policy.deadlines_in_working_days_label, policy.working_days_label],
        },
    )


def _section_context(request, section: Section, year):
    ctx = request.school_ctx
    years = AcademicYear.objects.filter(school=ctx.school) if section.year_lookup else []
    return {
        "section": section,
        "year": year,
        "years": years,
        "can_manage": ctx.may(section.manage_perm)
        and not (year and year.is_read_only and section.year_lookup),
    }


def section_list(request, section: Section):
    ctx = request.school_ctx
    year = selected_year(request) if section.year_lookup else None
    qs = section.queryset(ctx.school, year)
    query = request.GET.get("q", "").strip()
    if query and section.search_fields:
        cond = Q()
        for word in query.split():
            word_cond = Q()
            for field in section.search_fields:
                word_cond |= Q(**{f"{field}__icontains": word})
            cond &= word_cond
        qs = qs.filter(cond)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(obj, [col(obj) for _label, col in section.columns]) for obj in page.object_list]
    return render(
        request,
        "school/section_list.html",
        {**_section_context(request, section, year), "rows": rows, "page": page, "query": query},
    )


def section_edit(request, section: Section, pk: int | None = None):
    ctx = request.school_ctx
    year = selected_year(request) if section.year_lookup else None
    if pk is None:
        instance = section.model()
        if section.year_lookup == "year":
            instance.year = year
    else:
        instance = get_object_or_404(section.model.objects.filter(school=ctx.school), pk=pk)
        if section.year_lookup == "year":
            year = instance.year
        elif section.year_lookup:
            year = instance.academic_year
    if year is None and section.year_lookup:
        messages.error(request, _("Сначала создайте учебный год."))
        return redirect("school:years-list", school_id=ctx.school.pk)
    form = section.form(request.POST or None, instance=instance, school=ctx.school, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.record_save(
                acting_user=request.user,
                school=ctx.school,
                instance=instance,
                changes=form.changes(),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            m2m = {f.name for f in obj._meta.many_to_many} & set(form.cleaned_data)
            for name in m2m:
                getattr(obj, name).set(form.cleaned_data[name])
            messages.success(request, _("Сохранено: %(obj)s.") % {"obj": obj})
            url = reverse(section.list_url, kwargs={"school_id": ctx.school.pk})
            return redirect(f"{url}?year={year.pk}" if year else url)
    return render(
        request,
        "school/section_form.html",
        {
            **_section_context(request, section, year),
            "form": form,
            "instance": instance,
            "read_only": bool(year and year.is_read_only),
        },
    )


@require_POST
def section_delete(request, section: Section, pk: int):
    ctx = request.school_ctx
    instance = get_object_or_404(section.model.objects.filter(school=ctx.school), pk=pk)
    try:
        services.record_delete(acting_user=request.user, school=ctx.school, instance=instance)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Удалено: %(obj)s.") % {"obj": instance})
    return redirect(section.list_url, school_id=ctx.school.pk)


@school_view(Perm.MANAGE_YEARS)
@require_POST
def year_open(request, pk: int):
    ctx = request.school_ctx
    year = get_object_or_404(AcademicYear, school=ctx.school, pk=pk)
    try:
        services.academic_year_open(acting_user=request.user, year=year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Учебный год %(year)s открыт. Предыдущий год закрыт для изменений.")
            % {"year": year.name},
        )
    return redirect("school:years-list", school_id=ctx.school.pk)


@school_view(Perm.VIEW_STRUCTURE)
def shift_bells(request, pk: int):
    ctx = request.school_ctx
    shift = get_object_or_404(Shift, school=ctx.school, pk=pk)
    can_manage = ctx.may(Perm.MANAGE_BELLS)
    initial = [
        {"lesson_number": b.lesson_number, "starts_at": b.starts_at, "ends_at": b.ends_at}
        for b in shift.bells.all()
    ]
    formset = BellFormSet(request.POST or None, initial=initial, prefix="bells")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if formset.is_valid():
            rows = [
                (
                    f.cleaned_data["lesson_number"],
                    f.cleaned_data["starts_at"],
                    f.cleaned_data["ends_at"],
                )
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.bells_replace(acting_user=request.user, shift=shift, rows=rows)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Расписание звонков сохранено."))
                return redirect("school:shift-bells", school_id=ctx.school.pk, pk=shift.pk)
    return render(
        request, "school/bells.html", {"shift": shift, "formset": formset, "can_manage": can_manage}
    )


@school_view(Perm.VIEW_STRUCTURE)
def class_detail(request, pk: int):
    ctx = request.school_ctx
    school_class = get_object_or_404(
        SchoolClass.objects.select_related("year__school", "class_teacher", "shift"),
        school=ctx.school,
        pk=pk,
    )
    enrolments = list(student_selectors.class_enrolments(school_class=school_class))
    # Counted on the day the class list counts them (after a June order the pupils still
    # finished this year in the class).
    day = student_selectors.roster_day(school_class.year)
    current = [e for e in enrolments if e.is_active_on(day)]
    subgroups = list(school_class.subgroups.select_related("subject").prefetch_related("members"))
    assignments = school_class.assignments.select_related("teacher", "subject", "subgroup")
    # A student who came during the year is in no group of a divided subject until placed.
    placed, first_group = defaultdict(set), {}
    for g in subgroups:
        placed[g.subject_id].update(m.pk for m in g.members.all())
        first_group.setdefault(g.subject_id, g)
    unplaced = []
    for subject_id, ids in placed.items():
        missing = [e.student for e in current if e.student_id not in ids]
        if missing:
            unplaced.append((first_group[subject_id], missing))
    return render(
        request,
        "school/class_detail.html",
        {
            "school_class": school_class,
            "enrolments": enrolments,
            "current_count": len(current),
            "vacancies": max(school_class.capacity - len(current), 0),
            "subgroups": subgroups,
            "unplaced": unplaced,
            "assignments": assignments,
            "can_manage": ctx.may(Perm.MANAGE_CLASSES) and not school_class.year.is_read_only,
        },
    )


@school_view(Perm.VIEW_STRUCTURE)
def subgroup_members(request, pk: int):
    ctx = request.school_ctx
    subgroup = get_object_or_404(
        Subgroup.objects.select_related("school_class__year__school", "subject"),
        school=ctx.school,
        pk=pk,
    )
    # The class teacher forms the subgroups of their own class (SPEC §1).
    can_manage = (
        ctx.may(Perm.MANAGE_SUBGROUPS) or subgroup.school_class.class_teacher_id == ctx.user.pk
    ) and not subgroup.school_class.year.is_read_only
    year = subgroup.school_class.year
    roster_day = student_selectors.roster_day(year)
    roster = list(student_selectors.class_roster(school_class=subgroup.school_class, on=roster_day))
    member_ids = set(subgroup.members.values_list("pk", flat=True))
    unplaced = next(
        (
            gap.students
            for gap in student_selectors.subgroup_gaps(
                classes=SchoolClass.objects.filter(pk=subgroup.school_class_id), on=roster_day
            )
            if gap.subject_id == subgroup.subject_id
        ),
        [],
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        chosen = {int(v) for v in request.POST.getlist("members") if v.isdigit()}
        try:
            student_services.subgroup_set_members(
                acting_user=request.user,
                subgroup=subgroup,
                students=[s for s in roster if s.pk in chosen],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Состав подгруппы сохранён."))
            return redirect("school:subgroup-members", school_id=ctx.school.pk, pk=subgroup.pk)
    return render(
        request,
        "school/subgroup_members.html",
        {
            "subgroup": subgroup,
            "roster": roster,
            "member_ids": member_ids,
            "unplaced_ids": {s.pk for s in unplaced},
            "can_manage": can_manage,
        },
    )
