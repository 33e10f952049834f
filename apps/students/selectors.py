from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from apps.classes.models import SchoolClass, TeachingAssignment
from apps.school.clock import school_today
from apps.school.spans import active_on_q
from apps.students.models import Enrollment, Guardianship, Student


def roster_day(year) -> date:
    """The day a year's class lists are read on: today, or the nearest day of the year (its
    first before it starts, its last once it is over)."""
    return min(max(school_today(year.school), year.starts_on), year.ends_on)


def roster_of(
    unit: SchoolClass | TeachingAssignment, span: tuple[date, date]
) -> QuerySet[Enrollment]:
    """The enrolments of a class in force on some day of `span` (first, last); for a teaching
    assignment, of its class, narrowed to its subgroup's members when it has one."""
    if isinstance(unit, TeachingAssignment):
        roster = Enrollment.objects.filter(school_class_id=unit.school_class_id)
        if unit.subgroup_id:
            roster = roster.filter(student__subgroups=unit.subgroup_id)
    else:
        roster = Enrollment.objects.filter(school_class=unit)
    return roster.overlapping(*span)


def children_of(*, user, school=None) -> QuerySet[Student]:
    """The children `user` is a guardian of: in `school`, or in every school when None."""
    links = Guardianship.objects.filter(guardian__user=user)
    if school is not None:
        links = links.filter(school=school)
    return Student.objects.filter(pk__in=links.values("student_id"))


def class_roster(*, school_class: SchoolClass, on: date) -> QuerySet[Student]:
    """The students of a class on a date, in journal order."""
    return (
        Student.objects.filter(
            Q(enrollments__school_class=school_class) & active_on_q(on, "enrollments__")
        )
        .order_by("last_name", "first_name", "patronymic")
        .distinct()
    )


def class_enrolments(*, school_class: SchoolClass) -> QuerySet[Enrollment]:
    """Everyone who was in the class at any time of the year, with dates."""
    return (
        Enrollment.objects.filter(school_class=school_class)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "starts_on")
    )


def student_card(*, school, student_id: int) -> Student:
    """A student of this school with class history and parents; 404-friendly lookup."""
    return (
        Student.objects.filter(school=school)
        .prefetch_related(
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.select_related("school_class__year").order_by(
                    "starts_on"
                ),
            ),
            Prefetch(
                "guardianships", queryset=Guardianship.objects.select_related("guardian__user")
            ),
        )
        .get(pk=student_id)
    )


def current_class_of(students: list[Student], on: date) -> dict[int, SchoolClass]:
    rows = (
        Enrollment.objects.filter(student__in=students).active_on(on).select_related("school_class")
    )
    return {e.student_id: e.school_class for e in rows}


def students_list(
    *,
    students: QuerySet[Student],
    on: date,
    query: str = "",
    class_id: int | None = None,
    by_snils: bool = True,
):
    """Students with their class on a date: one query for the page's rows, one for classes."""
    from django.db.models import OuterRef, Subquery

    current = Enrollment.objects.filter(student=OuterRef("pk")).active_on(on)
    qs = students.annotate(
        class_id=Subquery(current.values("school_class_id")[:1]),
        class_grade=Subquery(current.values("school_class__grade")[:1]),
        class_letter=Subquery(current.values("school_class__letter")[:1]),
    ).select_related("user")
    for word in query.split():
        qs = qs.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(patronymic__icontains=word)
            | (Q(snils__icontains=word) if by_snils else Q(pk__in=[]))
            | Q(personal_file_number__iexact=word)
        )
    if class_id:
        qs = qs.filter(class_id=class_id)
    return qs.order_by("last_name", "first_name", "patronymic", "pk")


def personal_file(*, students: QuerySet[Student], student_id: int) -> Student:
    """Everything on the card: history of classes, parents, consents, orders (5 queries)."""
    from apps.students.models import PersonalDataConsent

    return (
        students.select_related("user")
        .prefetch_related(
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.select_related("school_class__year").order_by(
                    "starts_on"
                ),
            ),
            Prefetch(
                "guardianships",
                queryset=Guardianship.objects.select_related("guardian__user").order_by("pk"),
            ),
            Prefetch(
                "consents",
                queryset=PersonalDataConsent.objects.select_related("guardian").order_by(
                    "-given_on", "-pk"
                ),
            ),
        )
        .get(pk=student_id)
    )


def student_orders(student: Student):
    from apps.orders.models import OrderItem

    return list(
        OrderItem.objects.filter(student=student)
        .exclude(order__status="draft")
        .select_related("order__signed_by", "from_class", "to_class")
        .order_by("order__order_date", "order__pk")
    )


def left_by_order(*, student: Student, items: list, today):
    """The signed leaving order line of a pupil who is in no class today, or None."""
    from apps.orders.models import Order, OrderKind

    in_a_class = any(
        e.starts_on <= today and (e.ends_on is None or e.ends_on >= today)
        for e in student.enrollments.all()
    )
    if in_a_class:
        return None
    leaving = [
        item
        for item in items
        if item.order.kind == OrderKind.LEAVING and item.order.status == Order.Status.SIGNED
    ]
    return leaving[-1] if leaving else None


def card_history(*, events: list, items: list, with_snils: bool) -> list[dict]:
    """The card's history, newest first: changes of the personal file and the signed orders
    about the pupil (an order moves a pupil without touching the file itself)."""
    rows = [
        {
            "at": ev.pgh_created_at,
            "action": _("создано") if ev.pgh_label == "insert" else _("изменено"),
            "text": f"{ev.last_name} {ev.first_name}"
            + (f", {ev.snils}" if with_snils and ev.snils else ""),
            "who": ev.who or "",
        }
        for ev in events
    ]
    for item in items:
        order = item.order
        if order.signed_at is None:
            continue
        rows.append(
            {
                "at": order.signed_at,
                "action": _("приказ"),
                "text": _("№ %(number)s от %(date)s — %(title)s")
                % {
                    "number": order.number,
                    "date": order.order_date.strftime("%d.%m.%Y"),
                    "title": order.title,
                },
                "who": order.signed_by.short_name if order.signed_by else "",
                "order_id": order.pk,
            }
        )
    return sorted(rows, key=lambda row: row["at"], reverse=True)


def change_history(model, obj_ids, limit: int = 30):
    """Who changed a record and when (pghistory events with their context), newest first."""
    from apps.accounts.models import User

    event_model = model.pgh_event_model
    events = list(
        event_model.objects.filter(pgh_obj_id__in=list(obj_ids))
        .select_related("pgh_context")
        .order_by("-pgh_created_at")[:limit]
    )
    ids = {(e.pgh_context.metadata or {}).get("user") for e in events if e.pgh_context_id}
    names = {u.pk: u.short_name for u in User.objects.filter(pk__in=[i for i in ids if i])}
    for e in events:
        e.who = names.get((e.pgh_context.metadata or {}).get("user")) if e.pgh_context_id else None
    return events


def duplicate_groups(*, school) -> list[list[Student]]:
    """Near-duplicates already on the list (seed 000 item 20): the same ФИО and birth date
    once case, «ё» and spaces are ignored, or the same SNILS, or the same document. Two queries."""
    from django.db.models import Count, Func, Value
    from django.db.models.functions import Concat, Upper

    from apps.students.identity import sql_name_key

    base = Student.objects.filter(school=school).annotate(
        key=sql_name_key(),
        snils_key=Func("snils", Value(r"\D"), Value(""), Value("g"), function="regexp_replace"),
        doc_key=Upper(
            Func(
                Concat("document_series", "document_number"),
                Value(r"[\s\-№]"),
                Value(""),
                Value("g"),
                function="regexp_replace",
            )
        ),
    )
    by_name = (
        base.values("key", "birth_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("key", "birth_date")
    )
    by_snils = (
        base.exclude(snils_key="")
        .values("snils_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("snils_key", flat=True)
    )
    by_doc = (
        base.filter(doc_key__regex=r"^.{4,}$")
        .values("doc_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("doc_key", flat=True)
    )
    names, snilses, docs = list(by_name), list(by_snils), list(by_doc)
    if not (names or snilses or docs):
        return []
    cond = Q(snils_key__in=snilses) | Q(doc_key__in=docs)
    for key, birth in names:
        cond |= Q(key=key, birth_date=birth)
    rows = list(base.filter(cond).order_by("last_name", "first_name", "pk"))
    # Union the three kinds of match into groups of the same person.
    parent = {s.pk: s.pk for s in rows}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    seen: dict[tuple, int] = {}
    for s in rows:
        for k in (("n", s.key, s.birth_date), ("s", s.snils_key), ("d", s.doc_key)):
            if not k[1] or (k[0] == "d" and len(k[1]) < 4):
                continue
            if k in seen:
                parent[find(s.pk)] = find(seen[k])
            else:
                seen[k] = s.pk
    groups: dict[int, list[Student]] = {}
    for s in rows:
        groups.setdefault(find(s.pk), []).append(s)
    return [g for g in groups.values() if len(g) > 1]


@dataclass
class SubgroupGap:
    """Pupils of a class in none of its subgroups of a split subject: their cells in that
    subject's journal are hatched until someone places them (after a transfer, mostly)."""

    school_class: SchoolClass
    subject_id: int
    subject_name: str
    first_subgroup_id: int
    students: list[Student]


def subgroup_gaps(*, classes: QuerySet[SchoolClass], on: date) -> list[SubgroupGap]:
    """Every class × split subject with pupils in no subgroup, on a date (three queries)."""
    from apps.classes.models import Subgroup

    subgroups = list(
        Subgroup.objects.filter(school_class__in=classes)
        .select_related("school_class__class_teacher", "subject")
        .prefetch_related(Prefetch("members", queryset=Student.objects.only("pk")))
        .order_by("school_class__grade", "school_class__letter", "subject__name", "name")
    )
    if not subgroups:
        return []
    enrolled: dict[int, list[Student]] = {}
    for e in (
        Enrollment.objects.filter(
            school_class_id__in={g.school_class_id for g in subgroups}, starts_on__lte=on
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("student")
        .order_by("student__last_name", "student__first_name")
    ):
        enrolled.setdefault(e.school_class_id, []).append(e.student)
    split: dict[tuple[int, int], list] = {}
    for g in subgroups:
        split.setdefault((g.school_class_id, g.subject_id), []).append(g)
    gaps = []
    for groups in split.values():
        placed = {m.pk for g in groups for m in g.members.all()}
        missing = [s for s in enrolled.get(groups[0].school_class_id, []) if s.pk not in placed]
        if missing:
            gaps.append(
                SubgroupGap(
                    groups[0].school_class,
                    groups[0].subject_id,
                    groups[0].subject.name,
                    groups[0].pk,
                    missing,
                )
            )
    return gaps
