"""The monthly user-activity report (отчёт по активности пользователей, seed 002 section 8).

Who logged in, who entered what into the journal (counted from the journal rows' own
authors, not copied anywhere), and what parents and students read in the e-diary — per
person, per role and per class. A fixed number of queries for any school.
"""

from datetime import date

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import ActivityEvent, RoleGrant
from apps.accounts.policy import Role
from apps.attendance.models import AttendanceMark
from apps.classes.models import SchoolClass
from apps.gradebook.models import Mark, PeriodMark
from apps.homework.models import Homework
from apps.reports.periods import local_bounds, month_end
from apps.schedule.models import Lesson
from apps.school.models import School
from apps.students.models import Enrollment, Guardianship

ENTRY_KINDS = (
    ("marks", _("отметки")),
    ("attendance", _("посещаемость")),
    ("topics", _("темы уроков")),
    ("homework", _("д/з")),
    ("period_marks", _("итоговые")),
)
ROLE_ORDER = [r.value for r in Role]


def _counts(qs, user_field: str) -> dict[int, int]:
    return dict(qs.values(user_field).annotate(n=Count("pk")).values_list(user_field, "n"))


def compute_activity(*, school: School, month: date) -> tuple[list[dict], list[dict], list[dict]]:
    """Rows per person, totals per role, totals per class for one calendar month."""
    first, last = month, month_end(month)
    since, until = local_bounds(school.tz, first, last)
    grants = list(
        RoleGrant.objects.filter(school=school).values(
            "user_id",
            "role",
            "user__last_name",
            "user__first_name",
            "user__patronymic",
            "user__username",
        )
    )
    people: dict[int, dict] = {}
    for g in grants:
        name = " ".join(
            p for p in (g["user__last_name"], g["user__first_name"], g["user__patronymic"]) if p
        )
        person = people.setdefault(
            g["user_id"],
            {
                "id": g["user_id"],
                "name": name or g["user__username"],
                "roles": [],
                "classes": [],
                "logins": 0,
                "diary_views": 0,
                **{k: 0 for k, _label in ENTRY_KINDS},
            },
        )
        person["roles"].append(g["role"])

    events = (
        ActivityEvent.objects.filter(at__gte=since, at__lt=until, user_id__in=people)
        .filter(
            Q(kind=ActivityEvent.Kind.LOGIN) | Q(kind=ActivityEvent.Kind.DIARY_VIEW, school=school)
        )
        .values("user_id", "kind")
        .annotate(n=Sum("count"))
    )
    for e in events:
        people[e["user_id"]][
            "logins" if e["kind"] == ActivityEvent.Kind.LOGIN else "diary_views"
        ] += e["n"]
    in_month = {"school": school}
    entries = {
        "marks": _counts(
            Mark.objects.filter(**in_month, entered_at__gte=since, entered_at__lt=until),
            "entered_by",
        ),
        "attendance": _counts(
            AttendanceMark.objects.filter(**in_month, entered_at__gte=since, entered_at__lt=until),
            "entered_by",
        ),
        "homework": _counts(
            Homework.objects.filter(**in_month, set_at__gte=since, set_at__lt=until), "set_by"
        ),
        "period_marks": _counts(
            PeriodMark.objects.filter(**in_month, entered_at__gte=since, entered_at__lt=until),
            "set_by",
        ),
        "topics": _counts(
            Lesson.objects.filter(
                **in_month, topic_set_at__gte=since, topic_set_at__lt=until
            ).annotate(author=Coalesce(F("substitute_teacher_id"), F("assignment__teacher_id"))),
            "author",
        ),
    }
    for kind, counted in entries.items():
        for user_id, n in counted.items():
            if user_id in people:
                people[user_id][kind] += n

    # Classes: the class a teacher leads, a student's class, the classes of a parent's children.
    classes = {
        c.pk: c
        for c in SchoolClass.objects.filter(
            school=school, year__starts_on__lte=last, year__ends_on__gte=first
        )
    }
    for c in classes.values():
        if c.class_teacher_id in people:
            people[c.class_teacher_id]["classes"].append(c.pk)
    class_of_student: dict[int, int] = {}
    for student_id, class_id, user_id in (
        Enrollment.objects.filter(school_class_id__in=classes)
        .overlapping(first, last)
        .order_by("starts_on")
        .values_list("student_id", "school_class_id", "student__user_id")
    ):
        class_of_student[student_id] = class_id
        if user_id in people and class_id not in people[user_id]["classes"]:
            people[user_id]["classes"].append(class_id)
    for student_id, user_id in Guardianship.objects.filter(
        school=school, guardian__user__isnull=False
    ).values_list("student_id", "guardian__user_id"):
        class_id = class_of_student.get(student_id)
        if class_id and user_id in people and class_id not in people[user_id]["classes"]:
            people[user_id]["classes"].append(class_id)

    rows = []
    for person in people.values():
        person["roles"].sort(key=ROLE_ORDER.index)
        person["entries"] = sum(person[k] for k, _label in ENTRY_KINDS)
        ordered = sorted(person["classes"], key=lambda c: (classes[c].grade, classes[c].letter))
        person["class_names"] = ", ".join(classes[c].name for c in ordered)
        person["classes"] = ordered
        rows.append(person)
    rows.sort(key=lambda p: (ROLE_ORDER.index(p["roles"][0]), p["name"]))

    by_role = []
    for role in Role:
        members = [p for p in rows if role.value in p["roles"]]
        if not members:
            continue
        by_role.append(
            {
                "role": role.value,
                "label": str(role.label),
                "users": len(members),
                "active": sum(1 for p in members if p["logins"]),
                "logins": sum(p["logins"] for p in members),
                "entries": sum(p["entries"] for p in members),
                "diary_views": sum(p["diary_views"] for p in members),
            }
        )
    by_class = []
    for c in sorted(classes.values(), key=lambda c: (c.grade, c.letter)):
        parents = [p for p in rows if Role.PARENT in p["roles"] and c.pk in p["classes"]]
        students = [p for p in rows if Role.STUDENT in p["roles"] and c.pk in p["classes"]]
        teachers = [p for p in rows if Role.TEACHER in p["roles"] and c.pk in p["classes"]]
        by_class.append(
            {
                "id": c.pk,
                "name": c.name,
                "parents": len(parents),
                "parents_active": sum(1 for p in parents if p["logins"] or p["diary_views"]),
                "parent_views": sum(p["diary_views"] for p in parents),
                "students": len(students),
                "students_active": sum(1 for p in students if p["logins"] or p["diary_views"]),
                "student_views": sum(p["diary_views"] for p in students),
                "class_teacher": teachers[0]["name"] if teachers else "",
            }
        )
    return rows, by_role, by_class
