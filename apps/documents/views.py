"""Pages of the document store, the school's open page and the resource catalogue: HTTP
only. Every file goes out through apps/privacy/downloads.py (attachment, nosniff)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import Perm, Role
from apps.classes.models import Subject
from apps.documents import selectors, services
from apps.documents.forms import (
    DocumentSettingsForm,
    DocumentUploadForm,
    DocumentVersionForm,
    ResourceForm,
)
from apps.documents.models import DocumentVersion, Resource
from apps.gradebook.errors import ConflictError
from apps.orders.models import SchoolDocument
from apps.privacy.downloads import download
from apps.schedule.models import Lesson
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import add_validation_errors, int_param
from apps.school.models import School

PAGE_SIZE = 50


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# --- the store ----------------------------------------------------------------------------


@school_view(Perm.READ_DOCUMENTS)
def index(request):
    ctx = request.school_ctx
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()[:200]
    qs = selectors.document_list(
        selectors.documents_visible_to(ctx), category=category, query=query
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/index.html",
        {
            "page": page,
            "categories": SchoolDocument.Category.choices,
            "category": category,
            "query": query,
            "can_manage": ctx.may(Perm.MANAGE_DOCUMENTS),
        },
    )


@school_view(Perm.MANAGE_DOCUMENTS)
def upload(request):
    ctx = request.school_ctx
    form = DocumentUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"dated": school_today(ctx.school), "category": request.GET.get("category")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services.document_upload(
                    acting_user=ctx.user,
                    school=ctx.school,
                    title=data["title"],
                    category=data["category"],
                    visibility=data["visibility"],
                    roles=data["roles"],
                    dated=data["dated"],
                    file=data["file"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Документ загружен."))
                return redirect("documents:detail", school_id=ctx.school.pk, pk=document.pk)
        status = 422
    return render(request, "documents/upload.html", {"form": form}, status=status)


def _document(ctx, pk: int) -> SchoolDocument:
    return get_object_or_404(
        selectors.documents_visible_to(ctx).select_related("order", "added_by"), pk=pk
    )


def _detail(request, document, *, settings_form=None, version_form=None, status=200):
    ctx = request.school_ctx
    editable = ctx.may(Perm.MANAGE_DOCUMENTS) and not document.order_id
    if editable and settings_form is None:
        settings_form = DocumentSettingsForm(
            initial={
                "title": document.title,
                "category": document.category,
                "visibility": document.visibility,
                "roles": document.roles,
                "version": document.version,
            }
        )
    if editable and version_form is None:
        version_form = DocumentVersionForm(initial={"version": document.version})
    versions = list(document.versions.select_related("uploaded_by"))
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "versions": versions,
            "editable": editable,
            "settings_form": settings_form,
            "version_form": version_form,
            "role_labels": [label for value, label in Role.choices if value in document.roles],
        },
        status=status,
    )


@school_view(Perm.READ_DOCUMENTS)
def detail(request, pk: int):
    return _detail(request, _document(request.school_ctx, pk))


@school_view(Perm.MANAGE_DOCUMENTS)
@require_POST
def settings_change(request, pk: int):
    ctx = request.school_ctx
    document = _document(ctx, pk)
    form = DocumentSettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.document_settings_change(
                acting_user=ctx.user,
                document=document,
                title=data["title"],
                category=data["category"],
                visibility=data["visibility"],
                roles=data["roles"],
                expected_version=data["version"],
            )
        except services.StaleDocumentError as stale:
            form.add_error(None, str(stale))
        except (ValidationError, PermissionDenied) as error:
            add_validation_errors(
                form, ValidationError(str(error)) if isinstance(error, PermissionDenied) else error
            )
        else:
            messages.success(request, _("Сведения о документе сохранены."))
            return redirect("documents:detail", school_id=ctx.school.pk, pk=document.pk)
    return _detail(request, document, settings_form=form, status=422)


@school_view(Perm.MANAGE_DOCUMENTS)
@require_POST
def version_add(request, pk: int):
    ctx = request.school_ctx
    document = _document(ctx, pk)
    form = DocumentVersionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = services.document_new_version(
                acting_user=ctx.user,
                document=document,
                file=data["file"],
                note=data["note"],
                expected_version=data["version"],
            )
        except services.StaleDocumentError as stale:
            form.add_error(None, str(stale))
        except PermissionDenied as refused:
            messages.error(request, str(refused))
            return redirect("documents:detail", school_id=ctx.school.pk, pk=document.pk)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Загружена версия %(n)s.") % {"n": version.number})
            return redirect("documents:detail", school_id=ctx.school.pk, pk=document.pk)
    return _detail(request, document, version_form=form, status=422)


@school_view(Perm.READ_DOCUMENTS)
def document_file(request, pk: int):
    ctx = request.school_ctx
    document = _document(ctx, pk)
    if document.order_id:
        # A signed order goes out as signed, with the read logged (apps/orders).
        return redirect("orders:document-file", school_id=ctx.school.pk, pk=document.pk)
    if not document.file:
        raise Http404
    return download(
        request,
        file=document.file,
        filename=f"{document.title}.{_extension(document.file.name)}",
        personal=document.visibility != SchoolDocument.Visibility.PUBLIC,
    )


@school_view(Perm.READ_DOCUMENTS)
def version_file(request, pk: int):
    ctx = request.school_ctx
    version = get_object_or_404(
        DocumentVersion.objects.filter(document__in=selectors.documents_visible_to(ctx)),
        pk=pk,
    )
    return download(request, file=version.file, filename=version.file_name)


# --- the school's open page ----------------------------------------------------------------


def public_page(request, school_id: int):
    """The school's public documents (устав, лицензия, отчёт о самообследовании…) for
    anyone, signed in or not; nothing else of the school shows here."""
    school = get_object_or_404(School, pk=school_id)
    query = request.GET.get("q", "").strip()[:200]
    qs = selectors.document_list(selectors.public_documents(school=school), query=query)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/public.html",
        {"public_school": school, "page": page, "query": query},
    )


def public_file(request, school_id: int, pk: int):
    document = get_object_or_404(
        selectors.public_documents(school=get_object_or_404(School, pk=school_id)), pk=pk
    )
    return download(
        request,
        file=document.file,
        filename=f"{document.title}.{_extension(document.file.name)}",
        personal=False,
    )


# --- the resource catalogue ----------------------------------------------------------------


@school_view(Perm.USE_CATALOGUE)
def resources(request):
    ctx = request.school_ctx
    subject_id = int_param(request.GET.get("subject"))
    grade = int_param(request.GET.get("grade"))
    query = request.GET.get("q", "").strip()[:200]
    mine = request.GET.get("mine") == "1"
    qs = selectors.resource_search(
        selectors.resources_visible_to(ctx),
        subject_id=subject_id,
        grade=grade if 1 <= grade <= 11 else 0,
        query=query,
        mine=mine,
        user=ctx.user,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/resources.html",
        {
            "page": page,
            "subjects": Subject.objects.filter(school=ctx.school).order_by("order", "name"),
            "subject_id": subject_id,
            "grade": grade,
            "grades": range(1, 12),
            "query": query,
            "mine": mine,
        },
    )


@school_view(Perm.USE_CATALOGUE)
def resource_add(request):
    ctx = request.school_ctx
    form = ResourceForm(request.POST or None, request.FILES or None, school=ctx.school)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.resource_add(
                    acting_user=ctx.user,
                    school=ctx.school,
                    title=data["title"],
                    subject=data["subject"],
                    grades=data["grades"],
                    topic=data["topic"],
                    file=data["file"],
                    url=data["url"],
                    shared=data["shared"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Материал добавлен в каталог."))
                return redirect("documents:resources", school_id=ctx.school.pk)
        status = 422
    return render(request, "documents/resource_form.html", {"form": form}, status=status)


def _resource(ctx, pk: int) -> Resource:
    return get_object_or_404(selectors.resources_visible_to(ctx).for_list(), pk=pk)


@school_view(Perm.USE_CATALOGUE)
def resource_file(request, pk: int):
    resource = _resource(request.school_ctx, pk)
    if resource.kind != Resource.Kind.FILE:
        raise Http404
    return download(request, file=resource.file, filename=resource.file_name, personal=False)


def _back_to_catalogue(request):
    return redirect("documents:resources", school_id=request.school_ctx.school.pk)


@school_view(Perm.USE_CATALOGUE)
@require_POST
def resource_share(request, pk: int):
    ctx = request.school_ctx
    resource = _resource(ctx, pk)
    shared = request.POST.get("shared") == "1"
    try:
        services.resource_share(acting_user=ctx.user, resource=resource, shared=shared)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Материал доступен учителям школы.") if shared else _("Материал виден только вам."),
        )
    return _back_to_catalogue(request)


@school_view(Perm.USE_CATALOGUE)
@require_POST
def resource_delete(request, pk: int):
    ctx = request.school_ctx
    resource = _resource(ctx, pk)
    try:
        services.resource_delete(acting_user=ctx.user, resource=resource)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Материал удалён из каталога."))
    return _back_to_catalogue(request)


@school_view(Perm.KEEP_JOURNAL)
@require_POST
def resource_attach(request):
    """From the lesson page: give a catalogue item as homework without uploading it again."""
    ctx = request.school_ctx
    lesson = get_object_or_404(
        Lesson.objects.filter(school=ctx.school), pk=int_param(request.POST.get("lesson"))
    )
    if not ctx.may(Perm.USE_CATALOGUE):
        raise PermissionDenied
    resource = _resource(ctx, int_param(request.POST.get("resource")))
    try:
        services.resource_attach_to_homework(acting_user=ctx.user, resource=resource, lesson=lesson)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    except (PermissionDenied, ConflictError) as refused:
        messages.error(request, str(refused) or _("Этот урок ведёт другой учитель."))
    else:
        messages.success(request, _("Материал «%(t)s» приложен к заданию.") % {"t": resource.title})
    return redirect("journal:lesson", school_id=ctx.school.pk, lesson_id=lesson.pk)
