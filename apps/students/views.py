"""Personal files, parents, consents, duplicates, import. HTTP only: access, forms, services."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.policy import FieldGroup, Perm
from apps.orders import imports
from apps.orders.models import ImportBatch
from apps.privacy.downloads import XLSX, download
from apps.privacy.models import AccessRecord
from apps.privacy.services import Access, access_record
from apps.school.access import school_view
from apps.school.clock import school_today
from apps.school.inputs import add_validation_errors, int_param
from apps.students import merge as merge_services
from apps.students import permissions, selectors, services
from apps.students.forms import (
    ConsentForm,
    GuardianForm,
    ImportConfirmForm,
    ImportUploadForm,
    LinkGuardianForm,
    StudentForm,
    WithdrawForm,
)
from apps.students.models import Guardian, PersonalDataConsent, Student

PAGE_SIZE = 50
cards = school_view(check=permissions.may_open_cards)


def _visible_student(request, pk: int) -> Student:
    return get_object_or_404(permissions.students_visible_to(request.school_ctx), pk=pk)


def _editable_student(request, pk: int) -> Student:
    student = _visible_student(request, pk)
    if not permissions.students_editable_by(request.school_ctx).filter(pk=pk).exists():
        raise PermissionDenied
    return student


def _hidden_student_fields(ctx, student) -> frozenset[str]:
    groups = permissions.field_groups_for(ctx, student)
    return frozenset(permissions.hidden_fields(permissions.STUDENT_FIELD_GROUPS, groups))


def _hidden_guardian_fields(ctx, student) -> frozenset[str]:
    groups = permissions.field_groups_for(ctx, student)
    hidden = permissions.hidden_fields(permissions.GUARDIAN_FIELD_GROUPS, groups)
    # Names are needed to add a parent at all; the family group decides reading others'.
    return frozenset(hidden - {"last_name", "first_name", "patronymic", "work_place"})


def _version(form) -> int | None:
    return form.cleaned_data.get("version")


def _save_file(request, form, save) -> tuple[Student | None, services.DuplicateStudentError | None]:
    """Validate and save a personal file. A refused duplicate is returned, not added to the
    form: the page shows it once, with a link to the existing record."""
    if request.method != "POST" or not form.is_valid():
        return None, None
    try:
        return save(form.cleaned_data), None
    except services.DuplicateStudentError as error:
        return None, error
    except ValidationError as error:
        add_validation_errors(form, error)
        return None, None


@cards
def student_list(request):
    ctx = request.school_ctx
    today = school_today(ctx.school)
    classes = list(ctx.open_year.classes.order_by("grade", "letter")) if ctx.open_year else []
    if not ctx.may(Perm.VIEW_STUDENTS):
        classes = [c for c in classes if c.pk in permissions.own_class_ids(ctx)]
    class_id = request.GET.get("class")
    class_id = int_param(class_id, None)
    query = request.GET.get("q", "").strip()[:100]
    reads_identity = FieldGroup.IDENTITY in permissions.field_groups_for(ctx)
    qs = selectors.students_list(
        students=permissions.students_visible_to(ctx),
        on=today,
        query=query,
        class_id=class_id,
        by_snils=reads_identity,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "students/list.html",
        {
            "page": page,
            "query": query,
            "classes": classes,
            "class_id": class_id,
            "can_manage": ctx.may(Perm.MANAGE_STUDENTS),
            "reads_identity": reads_identity,
        },
    )


@school_view(Perm.MANAGE_STUDENTS)
def student_create(request):
    ctx = request.school_ctx
    form = StudentForm(request.POST or None, school=ctx.school)
    student, duplicate = _save_file(
        request,
        form,
        lambda data: services.student_create(
            acting_user=request.user, school=ctx.school, data=data
        ),
    )
    if student is not None:
        messages.success(request, _("Личное дело открыто: %(name)s.") % {"name": student.full_name})
        nxt = request.GET.get("next", "")
        if nxt.startswith(f"/s/{ctx.school.pk}/"):
            return redirect(f"{nxt}{'&' if '?' in nxt else '?'}student={student.pk}")
        return redirect("students:card", school_id=ctx.school.pk, pk=student.pk)
    return render(
        request, "students/form.html", {"form": form, "duplicate": duplicate, "student": None}
    )


@cards
def student_card(request, pk: int):
    ctx = request.school_ctx
    try:
        student = selectors.personal_file(
            students=permissions.students_visible_to(ctx), student_id=pk
        )
    except Student.DoesNotExist as exc:
        raise Http404 from exc
    can_edit = permissions.students_editable_by(ctx).filter(pk=pk).exists()
    groups = permissions.field_groups_for(ctx, student)
    guardian_ids = [g.guardian_id for g in student.guardianships.all()]
    history = selectors.change_history(Student, [student.pk], limit=15)
    orders = selectors.student_orders(student)
    today = school_today(ctx.school)
    access_record(
        school=ctx.school,
        user=request.user,
        access=Access(AccessRecord.Kind.PERSONAL_FILE, student.full_name),
    )
    return render(
        request,
        "students/card.html",
        {
            "student": student,
            "can_edit": can_edit,
            "orders": orders,
            "left_by": selectors.left_by_order(student=student, items=orders, today=today),
            "history": selectors.card_history(
                events=history, items=orders, with_snils=FieldGroup.IDENTITY in groups
            ),
            "guardian_history": selectors.change_history(Guardian, guardian_ids, limit=10)
            if FieldGroup.FAMILY in groups
            else [],
            "groups": {g.value for g in groups},
            "today": today,
            "can_issue_logins": ctx.may(Perm.ISSUE_LOGINS) or ctx.is_class_teacher,
            "can_draft_orders": ctx.may(Perm.DRAFT_ORDERS),
        },
    )


@cards
def student_edit(request, pk: int):
    ctx = request.school_ctx
    student = _editable_student(request, pk)
    form = StudentForm(
        request.POST or None,
        instance=student,
        school=ctx.school,
        hidden=_hidden_student_fields(ctx, student),
    )
    saved, duplicate = _save_file(
        request,
        form,
        lambda data: services.student_update(
            acting_user=request.user, student=student, changes=data, expected_version=_version(form)
        ),
    )
    if saved is not None:
        messages.success(request, _("Личное дело сохранено."))
        return redirect("students:card", school_id=ctx.school.pk, pk=student.pk)
    return render(
        request, "students/form.html", {"form": form, "duplicate": duplicate, "student": student}
    )


@cards
def guardian_add(request, pk: int):
    """A new parent for the student, or one already known to the school (siblings)."""
    ctx = request.school_ctx
    student = _editable_student(request, pk)
    new_form = GuardianForm(
        request.POST if "create" in request.POST else None,
        school=ctx.school,
        with_relationship=True,
        hidden=_hidden_guardian_fields(ctx, student),
    )
    link_form = None
    if ctx.may(Perm.MANAGE_STUDENTS):
        link_form = LinkGuardianForm(
            request.POST if "link" in request.POST else None,
            guardians=Guardian.objects.filter(school=ctx.school).exclude(
                guardianships__student=student
            ),
        )
    if request.method == "POST":
        if "create" in request.POST and new_form.is_valid():
            try:
                guardian = services.guardian_save(
                    acting_user=request.user,
                    school=ctx.school,
                    guardian=None,
                    data=new_form.cleaned_data,
                )
                services.guardian_link(
                    acting_user=request.user,
                    student=student,
                    guardian=guardian,
                    relationship=new_form.cleaned_data["relationship"],
                )
            except ValidationError as error:
                add_validation_errors(new_form, error)
            else:
                messages.success(
                    request, _("Родитель добавлен: %(name)s.") % {"name": guardian.full_name}
                )
                return redirect("students:card", school_id=ctx.school.pk, pk=student.pk)
        elif "link" in request.POST and link_form is not None and link_form.is_valid():
            services.guardian_link(
                acting_user=request.user, student=student, **link_form.cleaned_data
            )
            messages.success(request, _("Родитель связан с обучающимся."))
            return redirect("students:card", school_id=ctx.school.pk, pk=student.pk)
    return render(
        request,
        "students/guardian_form.html",
        {
            "student": student,
            "form": new_form,
            "link_form": link_form,
            "guardian": None,
        },
    )


@cards
def guardian_edit(request, pk: int):
    ctx = request.school_ctx
    guardian = get_object_or_404(permissions.guardians_visible_to(ctx), pk=pk)
    if not permissions.guardians_editable_by(ctx).filter(pk=pk).exists():
        raise PermissionDenied
    form = GuardianForm(
        request.POST or None,
        instance=guardian,
        school=ctx.school,
        hidden=_hidden_guardian_fields(ctx, guardian.guardianships.first().student)
        if guardian.guardianships.exists()
        else _hidden_guardian_fields(ctx, None),
    )
    back = request.GET.get("student", "")
    back = back if back.isdigit() and len(back) < 19 else ""
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_save(
                acting_user=request.user,
                school=ctx.school,
                guardian=guardian,
                data=form.cleaned_data,
                expected_version=_version(form),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Карточка родителя сохранена."))
            if back and back.isdigit():
                return redirect("students:card", school_id=ctx.school.pk, pk=int(back))
            return redirect("students:guardians", school_id=ctx.school.pk)
    return render(
        request,
        "students/guardian_form.html",
        {"form": form, "guardian": guardian, "student": None, "back": back},
    )


@cards
@require_POST
def guardian_unlink(request, pk: int, guardian_id: int):
    ctx = request.school_ctx
    student = _editable_student(request, pk)
    guardian = get_object_or_404(Guardian, school=ctx.school, pk=guardian_id)
    services.guardian_unlink(acting_user=request.user, student=student, guardian=guardian)
    messages.success(request, _("Связь с родителем удалена."))
    return redirect("students:card", school_id=ctx.school.pk, pk=student.pk)


@cards
def consent_add(request, pk: int):
    ctx = request.school_ctx
    student = _editable_student(request, pk)
    form = ConsentForm(
        request.POST or None, request.FILES or None, school=ctx.school, student=student
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                acting_user=request.user,
                student=student,
                guardian=data["guardian"],
                given_on=data["given_on"],
                document=data["document"],
                covers=data.get("covers") or [],
                scan=data.get("scan"),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Согласие на обработку персональных данных записано."))
            return redirect("students:card", school_id=ctx.school.pk, pk=student.pk)
    return render(request, "students/consent_form.html", {"form": form, "student": student})


@cards
def consent_scan(request, pk: int):
    """The scan of a consent, for those who read the student's family part of the file."""
    ctx = request.school_ctx
    consent = get_object_or_404(
        PersonalDataConsent.objects.filter(student__in=permissions.students_visible_to(ctx))
        .exclude(scan="")
        .select_related("student"),
        pk=pk,
    )
    if FieldGroup.FAMILY not in permissions.field_groups_for(ctx, consent.student):
        raise Http404
    extension = consent.scan.name.rsplit(".", 1)[-1] if "." in consent.scan.name else "pdf"
    name = _("Согласие %(name)s, %(doc)s.%(ext)s") % {
        "name": consent.student.full_name,
        "doc": consent.document,
        "ext": extension,
    }
    return download(
        request,
        file=consent.scan,
        filename=name,
        access=Access(AccessRecord.Kind.SCAN, f"{consent.student.full_name}: {consent.document}"),
    )


@cards
@require_POST
def consent_withdraw(request, pk: int):
    ctx = request.school_ctx
    consent = get_object_or_404(
        PersonalDataConsent.objects.filter(student__in=permissions.students_editable_by(ctx)), pk=pk
    )
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(
                acting_user=request.user,
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Отзыв согласия записан."))
    else:
        messages.error(request, _("Укажите дату отзыва."))
    return redirect("students:card", school_id=ctx.school.pk, pk=consent.student_id)


@school_view(Perm.READ_FAMILY)
def guardian_list(request):
    ctx = request.school_ctx
    query = request.GET.get("q", "").strip()[:100]
    reads_contacts = FieldGroup.CONTACTS in permissions.field_groups_for(ctx)
    qs = (
        Guardian.objects.filter(school=ctx.school)
        .select_related("user")
        .prefetch_related("guardianships__student")
    )
    for word in query.split():
        from django.db.models import Q

        by_phone = Q(phone__icontains=word) if reads_contacts else Q()
        qs = qs.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word) | by_phone)
    page = Paginator(qs.order_by("last_name", "first_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "students/guardians.html",
        {
            "page": page,
            "query": query,
            "can_manage": ctx.may(Perm.MANAGE_STUDENTS),
            "reads_contacts": reads_contacts,
        },
    )


# --- duplicates ----------------------------------------------------------------------------


@school_view(Perm.MANAGE_STUDENTS)
def duplicates(request):
    ctx = request.school_ctx
    return render(
        request,
        "students/duplicates.html",
        {"groups": selectors.duplicate_groups(school=ctx.school)},
    )


@school_view(Perm.MANAGE_STUDENTS)
def merge(request):
    """Preview what merging two files moves, then merge on confirmation."""
    ctx = request.school_ctx
    data = request.POST if request.method == "POST" else request.GET
    ids = [data.get("keep", ""), data.get("remove", "")]
    if not all(i.isdigit() for i in ids):
        return render(request, "students/merge.html", {"keep": None, "remove": None})
    people = {
        s.pk: s for s in Student.objects.filter(school=ctx.school, pk__in=[int(i) for i in ids])
    }
    if len(people) != 2:
        raise Http404
    keep, remove = people[int(ids[0])], people[int(ids[1])]
    if request.method == "POST":
        try:
            merge_services.students_merge(acting_user=request.user, keep=keep, remove=remove)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Записи объединены: %(name)s.") % {"name": keep.full_name})
            return redirect("students:card", school_id=ctx.school.pk, pk=keep.pk)
    counts = []
    for fk in merge_services.student_relations():
        n = fk.model._default_manager.filter(**{fk.attname: remove.pk}).count()
        if n and not fk.model._meta.label.endswith("Event"):
            counts.append((fk.model._meta.verbose_name_plural, n))
    return render(
        request, "students/merge.html", {"keep": keep, "remove": remove, "counts": counts}
    )


# --- import --------------------------------------------------------------------------------


@school_view(Perm.MANAGE_STUDENTS)
def import_template(request):
    return download(
        request,
        content=imports.template_workbook(),
        filename=_("Контингент — шаблон.xlsx"),
        content_type=XLSX,
        personal=False,
    )


@school_view(Perm.MANAGE_STUDENTS)
def import_upload(request):
    ctx = request.school_ctx
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.import_preview(
                acting_user=request.user,
                school=ctx.school,
                year=ctx.open_year,
                file_name=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("students:import-preview", school_id=ctx.school.pk, pk=batch.pk)
    return render(request, "students/import.html", {"form": form})


@school_view(Perm.MANAGE_STUDENTS)
def import_preview(request, pk: int):
    ctx = request.school_ctx
    batch = get_object_or_404(ImportBatch, school=ctx.school, pk=pk)
    form = ImportConfirmForm(request.POST or None, initial={"enrol_on": school_today(ctx.school)})
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.import_confirm(
                acting_user=request.user,
                batch=batch,
                year=ctx.open_year,
                enrol_on=form.cleaned_data["enrol_on"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
            batch.refresh_from_db()
        else:
            messages.success(request, _("Загружено обучающихся: %(n)s.") % {"n": len(batch.rows)})
            if batch.order_id:
                messages.info(
                    request,
                    _(
                        "Обучающиеся с классом включены в проект приказа о зачислении — его подписывает директор."
                    ),
                )
                return redirect("orders:detail", school_id=ctx.school.pk, pk=batch.order_id)
            return redirect("students:list", school_id=ctx.school.pk)
    errors_by_row: dict[int, list[dict]] = {}
    for e in batch.errors:
        errors_by_row.setdefault(e["row"], []).append(e)
    rows = [
        {
            "number": r["_row"],
            "errors": errors_by_row.get(r["_row"], []),
            "name": " ".join(
                x for x in (r.get("last_name"), r.get("first_name"), r.get("patronymic")) if x
            ),
            "birth": r.get("birth_date")
            and date.fromisoformat(r["birth_date"]).strftime("%d.%m.%Y"),
            "class_name": r.get("class_name", ""),
            "parents": "; ".join(
                f"{p['last_name']} {p['first_name']} {p['patronymic']}".strip()
                for p in r.get("parents", [])
            ),
        }
        for r in batch.rows
    ]
    rows.sort(key=lambda r: (not r["errors"], r["number"]))
    with_class = sum(1 for r in batch.rows if r.get("class_id"))
    return render(
        request,
        "students/import_preview.html",
        {
            "batch": batch,
            "rows": rows[:500],
            "more": max(len(rows) - 500, 0),
            "form": form,
            "with_class": with_class,
            "error_rows": len(errors_by_row),
        },
    )
