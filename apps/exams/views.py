"""ГИА pages: HTTP only — check access, validate, call one service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm
from apps.classes.models import Subject
from apps.exams import permissions, selectors, services
from apps.exams.forms import CandidateForm, ChoiceForm, ResultForm, ScaleForm
from apps.exams.models import ConversionScale, Exam
from apps.privacy.downloads import PDF, download
from apps.privacy.models import AccessRecord
from apps.privacy.services import Access
from apps.school.access import school_view
from apps.school.clock import now as clock_now
from apps.school.clock import school_today
from apps.school.inputs import add_validation_errors, int_param
from apps.school.models import AcademicYear
from apps.school.policy import school_policy

_gia_view = school_view(Perm.VIEW_GIA)
_keep_view = school_view(Perm.MANAGE_GIA)


def _year(ctx):
    if ctx.open_year is None:
        raise Http404
    return ctx.open_year


@_gia_view
def index(request):
    ctx = request.school_ctx
    year = _year(ctx)
    grade = int_param(request.GET.get("grade")) or None
    grade = grade if grade in (9, 11) else None
    rows = selectors.candidates(
        school=ctx.school, year=year, policy=school_policy(ctx.school), grade=grade
    )
    return render(
        request,
        "exams/index.html",
        {
            "rows": rows,
            "grade": grade,
            "may_keep": permissions.may_keep(ctx),
            "classes": selectors.graduating_classes(year),
        },
    )


@_keep_view
@require_POST
def register(request):
    ctx = request.school_ctx
    added = services.candidates_register(
        acting_user=request.user, school=ctx.school, year=_year(ctx), on=school_today(ctx.school)
    )
    messages.success(request, _("Добавлено участников ГИА: %(n)s.") % {"n": added})
    return redirect("exams:index", school_id=ctx.school.pk)


def _candidate_page(request, candidate, *, forms=None, status=200):
    ctx = request.school_ctx
    forms = forms or {}
    keep = permissions.may_keep(ctx)
    reads_document = permissions.reads_document(ctx)
    policy = school_policy(ctx.school)
    row = selectors.candidates(
        school=ctx.school, year=candidate.year, policy=policy, grade=candidate.grade
    )
    row = next(r for r in row if r.candidate.pk == candidate.pk)
    subjects = Subject.objects.filter(school=ctx.school).order_by("order", "name")
    ovz = None
    if ctx.may(Perm.READ_SPECIAL) or ctx.may(Perm.READ_HEALTH):
        from apps.care.health import ovz_status_of
        from apps.care.readlog import special_read_log

        ovz = ovz_status_of([candidate.student_id], year=candidate.year).get(candidate.student_id)
        if ovz is not None and not (ovz.ovz or ovz.disability):
            ovz = None  # nothing the exam's conditions depend on
        if ovz is not None:
            special_read_log(
                ctx=ctx,
                area="health",
                what=_("ОВЗ для условий ГИА"),
                students=[candidate.student_id],
            )
    return render(
        request,
        "exams/candidate.html",
        {
            "row": row,
            "candidate": candidate,
            "may_keep": keep,
            "reads_document": reads_document,
            "ovz": ovz,
            "form": forms.get("candidate")
            or CandidateForm(
                instance=candidate,
                initial={"version": candidate.version},
                reads_document=reads_document,
                read_only=not keep,
            ),
            "choice_form": forms.get("choice") or ChoiceForm(subjects=subjects),
            "result_forms": {
                e.pk: forms.get(f"result-{e.pk}")
                or ResultForm(
                    prefix=f"r{e.pk}",
                    initial={
                        "exam_on": e.exam_on,
                        "published_on": e.published_on,
                        "primary_score": e.primary_score,
                        "version": e.version,
                    },
                )
                for e in row.exams
            },
        },
        status=status,
    )


@_gia_view
def candidate(request, candidate_id: int):
    ctx = request.school_ctx
    candidate = permissions.candidate_of(ctx, candidate_id)
    if request.method == "POST":
        if not permissions.may_keep(ctx):
            raise PermissionDenied
        form = CandidateForm(
            request.POST,
            instance=candidate,
            reads_document=permissions.reads_document(ctx),
            read_only=False,
        )
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.candidate_save(
                    acting_user=request.user,
                    candidate=candidate,
                    data=data,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Заявление сохранено."))
                return redirect(
                    "exams:candidate", school_id=ctx.school.pk, candidate_id=candidate.pk
                )
        candidate.refresh_from_db()
        return _candidate_page(request, candidate, forms={"candidate": form}, status=400)
    return _candidate_page(request, candidate)


@_keep_view
@require_POST
def choose(request, candidate_id: int):
    ctx = request.school_ctx
    candidate = permissions.candidate_of(ctx, candidate_id)
    form = ChoiceForm(request.POST, subjects=Subject.objects.filter(school=ctx.school))
    if form.is_valid():
        try:
            services.exam_choose(
                acting_user=request.user,
                candidate=candidate,
                subject=form.subjects[form.cleaned_data["subject"]],
                level=form.cleaned_data["level"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("exams:candidate", school_id=ctx.school.pk, candidate_id=candidate.pk)
    return _candidate_page(request, candidate, forms={"choice": form}, status=400)


@_keep_view
@require_POST
def drop(request, candidate_id: int, exam_id: int):
    ctx = request.school_ctx
    candidate = permissions.candidate_of(ctx, candidate_id)
    try:
        services.exam_drop(acting_user=request.user, candidate=candidate, exam_id=exam_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("exams:candidate", school_id=ctx.school.pk, candidate_id=candidate.pk)


@_keep_view
@require_POST
def result(request, candidate_id: int, exam_id: int):
    ctx = request.school_ctx
    candidate = permissions.candidate_of(ctx, candidate_id)
    exam = Exam.objects.filter(candidate=candidate, pk=exam_id).first()
    if exam is None:
        raise Http404
    form = ResultForm(request.POST, prefix=f"r{exam.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.result_enter(
                acting_user=request.user,
                exam=exam,
                exam_on=data["exam_on"],
                published_on=data["published_on"],
                primary_score=data["primary_score"],
                version=data["version"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("Результат внесён: %(subject)s.") % {"subject": exam.subject.name}
            )
            return redirect("exams:candidate", school_id=ctx.school.pk, candidate_id=candidate.pk)
    return _candidate_page(request, candidate, forms={f"result-{exam.pk}": form}, status=400)


@_gia_view
def scales(request):
    ctx = request.school_ctx
    year = _year(ctx)
    subjects = Subject.objects.filter(school=ctx.school).order_by("order", "name")
    editing = None
    if pk := int_param(request.GET.get("edit") or request.POST.get("scale")):
        editing = ConversionScale.objects.filter(school=ctx.school, year=year, pk=pk).first()
        if editing is None:
            raise Http404
    instance = editing or ConversionScale(school=ctx.school, year=year)
    form = ScaleForm(
        request.POST or None,
        instance=instance,
        subjects=subjects,
        initial={"version": instance.version if instance.pk else None},
    )
    status = 200
    if request.method == "POST":
        if not permissions.may_keep(ctx):
            raise PermissionDenied
        if form.is_valid():
            scale = form.save(commit=False)
            scale.test_scores = form.cleaned_data["test_scores_text"]
            try:
                count = services.scale_save(
                    acting_user=request.user, scale=scale, version=form.cleaned_data["version"]
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(
                    request, _("Шкала сохранена; пересчитано результатов: %(n)s.") % {"n": count}
                )
                return redirect("exams:scales", school_id=ctx.school.pk)
        status = 400
    rows = list(
        ConversionScale.objects.filter(school=ctx.school, year=year)
        .select_related("subject")
        .order_by("grade", "subject__order", "subject__name", "level")
    )
    return render(
        request,
        "exams/scales.html",
        {"rows": rows, "form": form, "editing": editing, "may_keep": permissions.may_keep(ctx)},
        status=status,
    )


@_gia_view
def audit(request):
    ctx = request.school_ctx
    years = list(AcademicYear.objects.filter(school=ctx.school).order_by("-starts_on"))
    year = next((y for y in years if y.pk == int_param(request.GET.get("year"))), None)
    year = year or _year(ctx)
    policy = school_policy(ctx.school)
    lines = selectors.results_audit(
        school=ctx.school, year=year, policy=policy, today=school_today(ctx.school)
    )
    late_applications = [
        r
        for r in selectors.candidates(school=ctx.school, year=year, policy=policy)
        if r.late_application
    ]
    return render(
        request,
        "exams/audit.html",
        {
            "lines": lines,
            "late_applications": late_applications,
            "days": policy.gia_results_days,
            "years": years,
            "year": year,
        },
    )


@_gia_view
def certificate(request, candidate_id: int):
    """The certificate's marks of one student: a printable list to check the blank against."""
    ctx = request.school_ctx
    candidate = permissions.candidate_of(ctx, candidate_id)
    lines = selectors.certificate_sheet(
        candidate=candidate, thresholds=school_policy(ctx.school).thresholds
    )
    context = {
        "candidate": candidate,
        "lines": lines,
        "generated": clock_now().astimezone(ctx.school.tz),
    }
    if request.GET.get("format") == "pdf":
        from apps.exams.exports import certificate_pdf

        return download(
            request,
            content=certificate_pdf(context | {"school": ctx.school}),
            filename=f"Аттестат {candidate.student.full_name}.pdf",
            content_type=PDF,
            access=Access(AccessRecord.Kind.EXPORT, _("Отметки аттестата (PDF)"), 1),
        )
    return render(request, "exams/certificate.html", context)
