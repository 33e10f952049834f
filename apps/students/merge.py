"""Merging two personal files of one person into one (duplicates, seed 000 item 20).

Everything that points to the removed record — class history, marks, attendance,
subgroups, orders, consents, history events, whatever any app adds later — is found with
Django's model meta API and re-pointed to the kept record. No list of tables is kept here:
a new app's foreign key to Student is merged without anyone remembering to add it.
"""

from collections import defaultdict

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from apps.students.models import Student, StudentMerge
from apps.students.services import PERSONAL_FIELDS


def student_relations() -> list[models.ForeignKey]:
    """Every foreign key (and one-to-one) to Student in the project, hidden ones included
    (many-to-many tables, history event tables)."""
    fields = []
    for rel in Student._meta.get_fields(include_hidden=True):
        if (rel.one_to_many or rel.one_to_one) and rel.auto_created and not rel.concrete:
            fields.append(rel.field)
    return fields


def _unique_sets(model, field_name: str) -> list[tuple[str, ...]]:
    """Sets of other columns that, with the student, must be unique in `model`."""
    sets = []
    for constraint in model._meta.constraints:
        # A conditional constraint (one open enrolment) is left to the database to enforce.
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.condition is None
            and field_name in constraint.fields
        ):
            sets.append(tuple(f for f in constraint.fields if f != field_name))
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append(tuple(f for f in together if f != field_name))
    return sets


def _key(row, names: tuple[str, ...]) -> tuple:
    return tuple(getattr(row, row._meta.get_field(n).attname) for n in names)


def _comparable(row, exclude: set[str]) -> dict:
    return {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if f.attname not in exclude and not f.primary_key
    }


@transaction.atomic
def students_merge(*, acting_user, keep: Student, remove: Student) -> StudentMerge:
    """Move everything of `remove` onto `keep`, then delete `remove`.

    A row that would collide with one `keep` already has (the same mark slot, the same
    parent link) is dropped when it says the same thing, and stops the merge when it
    differs: two different marks for one lesson need a person to decide.
    """
    if keep.pk == remove.pk:
        raise ValidationError(_("Выберите две разные записи."))
    if keep.school_id != remove.school_id:
        raise ValidationError(_("Записи из разных школ."))
    locked = {
        s.pk: s for s in Student.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])
    }
    keep, remove = locked[keep.pk], locked[remove.pk]
    snapshot = model_to_dict(remove)
    snapshot["birth_date"] = remove.birth_date.isoformat()
    snapshot = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in snapshot.items()
        if k not in ("subgroups",)
    }
    moved: dict[str, int] = defaultdict(int)
    conflicts: list[str] = []
    with pghistory.context(user=acting_user.pk, merged_student=remove.pk):
        # The account moves with the person when the kept record has none.
        if remove.user_id and not keep.user_id:
            keep.user_id, remove.user_id = remove.user_id, None
            remove.save(update_fields=["user"])
        for fk in student_relations():
            model = fk.model
            rows = list(model._default_manager.filter(**{fk.attname: remove.pk}))
            if not rows:
                continue
            sets = _unique_sets(model, fk.name)
            drop, move_ids = [], []
            taken: dict[tuple, object] = {}
            if sets:
                for row in model._default_manager.filter(**{fk.attname: keep.pk}):
                    for names in sets:
                        taken[(names, _key(row, names))] = row
            for row in rows:
                clash = next(
                    (taken[(n, _key(row, n))] for n in sets if (n, _key(row, n)) in taken), None
                )
                if clash is None:
                    move_ids.append(row.pk)
                elif _comparable(row, {fk.attname}) == _comparable(clash, {fk.attname}):
                    drop.append(row.pk)
                else:
                    conflicts.append(f"{model._meta.verbose_name}: {row}")
            if conflicts:
                continue
            if drop:
                model._default_manager.filter(pk__in=drop).delete()
            if move_ids:
                try:
                    with transaction.atomic():
                        moved[model._meta.label] += model._default_manager.filter(
                            pk__in=move_ids
                        ).update(**{fk.attname: keep.pk})
                except IntegrityError:
                    conflicts.append(str(model._meta.verbose_name))
        if conflicts:
            raise ValidationError(
                [
                    _(
                        "Записи нельзя объединить автоматически: у обеих есть разные данные в одном месте."
                    )
                ]
                + conflicts[:20]
            )
        # Blank fields of the kept file are filled from the removed one.
        filled = []
        for name in PERSONAL_FIELDS:
            if getattr(keep, name) in ("", None) and getattr(remove, name) not in ("", None):
                setattr(keep, name, getattr(remove, name))
                filled.append(name)
        keep.version += 1
        keep.save(update_fields=[*filled, "version", "user"])
        _check_history(keep)
        remove.delete()
        return StudentMerge.objects.create(
            school_id=keep.school_id,
            kept=keep,
            removed_id=snapshot.get("id"),
            removed_data=snapshot,
            moved=dict(moved),
            merged_by=acting_user,
        )


def _check_history(student: Student) -> None:
    """Two class histories put together must not overlap in time."""
    spans = sorted(
        student.enrollments.values_list(
            "starts_on", "ends_on", "school_class__grade", "school_class__letter"
        )
    )
    for (_s1, e1, g1, l1), (s2, _e2, g2, l2) in zip(spans, spans[1:], strict=False):
        if e1 is None or e1 >= s2:
            raise ValidationError(
                _(
                    "История классов пересекается: %(a)s и %(b)s в одно время. Сначала исправьте зачисления одной из записей."
                )
                % {"a": f"{g1}{l1}", "b": f"{g2}{l2}"}
            )
