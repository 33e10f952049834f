"""Reads of the portfolios that cross relations: each owns its joins, none grows with rows."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from apps.accounts.models import RoleGrant
from apps.accounts.policy import Role
from apps.classes.models import SchoolClass, TeachingAssignment
from apps.portfolio.models import (
    Achievement,
    Level,
    Portrait,
    Result,
    TeacherCategory,
    TeacherEntry,
)
from apps.students.models import Enrollment

HONOURS = (Result.WINNER, Result.PRIZE)


def class_of_students(year) -> dict[int, SchoolClass]:
    """Each student's class in the year (the latest enrolment), in one query."""
    out: dict[int, SchoolClass] = {}
    for e in (
        Enrollment.objects.filter(school_class__year=year)
        .select_related("school_class")
        .order_by("starts_on")
    ):
        out[e.student_id] = e.school_class
    return out


def teachers_of_class(school_class) -> list:
    """The teachers of a class this year (the mentor choices of an achievement)."""
    if school_class is None:
        return []
    seen = {}
    for a in TeachingAssignment.objects.filter(school_class=school_class).select_related("teacher"):
        seen.setdefault(a.teacher_id, a.teacher)
    if school_class.class_teacher_id and school_class.class_teacher_id not in seen:
        seen[school_class.class_teacher_id] = school_class.class_teacher
    return sorted(seen.values(), key=lambda t: t.full_name)


@dataclass
class StudentPortfolio:
    portrait: Portrait | None
    achievements: list[Achievement]
    pending: int


def student_portfolio(*, student, year=None) -> StudentPortfolio:
    portrait = Portrait.objects.filter(student=student).select_related("characteristic_by").first()
    qs = Achievement.objects.filter(student=student).select_related(
        "teacher", "added_by", "confirmed_by", "year"
    )
    if year is not None:
        qs = qs.filter(year=year)
    achievements = list(qs)
    return StudentPortfolio(
        portrait=portrait,
        achievements=achievements,
        pending=sum(1 for a in achievements if a.confirmed_at is None),
    )


@dataclass
class RosterRow:
    student: object
    school_class: SchoolClass
    has_portrait: bool
    confirmed: int
    pending: int


def roster(*, students, year) -> list[RosterRow]:
    """Students (a queryset) with their class, portrait and counts of the year: 3 queries."""
    classes = class_of_students(year)
    students = list(students.filter(pk__in=list(classes)).order_by("last_name", "first_name"))
    ids = [s.pk for s in students]
    portraits = {
        p.student_id: p.is_filled
        for p in Portrait.objects.filter(student_id__in=ids).only("student_id", "essay", "photo")
    }
    counts = {
        row["student_id"]: row
        for row in Achievement.objects.filter(student_id__in=ids, year=year)
        .values("student_id")
        .annotate(
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            pending=Count("pk", filter=Q(confirmed_at__isnull=True)),
        )
    }
    rows = [
        RosterRow(
            student=s,
            school_class=classes[s.pk],
            has_portrait=portraits.get(s.pk, False),
            confirmed=counts.get(s.pk, {}).get("confirmed", 0),
            pending=counts.get(s.pk, {}).get("pending", 0),
        )
        for s in students
    ]
    rows.sort(
        key=lambda r: (
            r.school_class.grade,
            r.school_class.letter,
            r.student.last_name,
            r.student.first_name,
        )
    )
    return rows


# --- the deputy's view of how full they are (SPEC §8) -------------------------------------


@dataclass
class ClassFill:
    school_class: SchoolClass
    students: int = 0
    with_portrait: int = 0
    with_achievements: int = 0
    pending: int = 0
    by_level: Counter = field(default_factory=Counter)


def fill_by_class(*, school, year) -> list[ClassFill]:
    """Per class of the year: students, how many have a portrait and confirmed achievements,
    the confirmed achievements of the year by level, the entries waiting. Four queries."""
    classes = class_of_students(year)
    rows = {
        c.pk: ClassFill(school_class=c)
        for c in SchoolClass.objects.filter(year=year)
        .select_related("class_teacher")
        .order_by("grade", "letter")
    }
    for c in classes.values():
        rows[c.pk].students += 1
    filled = {
        p.student_id
        for p in Portrait.objects.filter(student_id__in=list(classes)).only(
            "student_id", "essay", "photo"
        )
        if p.is_filled
    }
    for student_id in filled:
        rows[classes[student_id].pk].with_portrait += 1
    achievers: dict[int, set] = defaultdict(set)
    for student_id, level, confirmed in Achievement.objects.filter(
        school=school, year=year
    ).values_list("student_id", "level", "confirmed_at"):
        c = classes.get(student_id)
        if c is None:
            continue
        if confirmed is None:
            rows[c.pk].pending += 1
        else:
            rows[c.pk].by_level[level] += 1
            achievers[c.pk].add(student_id)
    for class_id, ids in achievers.items():
        rows[class_id].with_achievements = len(ids)
    return list(rows.values())


@dataclass
class TeacherFill:
    teacher: object
    category: TeacherCategory | None
    courses: int = 0
    course_hours: int = 0
    awards: int = 0
    publications: int = 0
    open_lessons: int = 0
    students_results: int = 0
    students_honours: int = 0


def fill_by_teacher(*, school, year) -> list[TeacherFill]:
    """Per teacher of the school: category and expiry, entries of the year by section, and
    their students' confirmed achievements naming them. Four queries."""
    teachers = [
        g.user
        for g in RoleGrant.objects.filter(school=school, role=Role.TEACHER)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ]
    categories = {c.teacher_id: c for c in TeacherCategory.objects.filter(school=school)}
    rows = {t.pk: TeacherFill(teacher=t, category=categories.get(t.pk)) for t in teachers}
    for row in (
        TeacherEntry.objects.filter(
            school=school, happened_on__gte=year.starts_on, happened_on__lte=year.ends_on
        )
        .values("teacher_id", "kind")
        .annotate(n=Count("pk"), hours=Sum("hours"))
    ):
        fill = rows.get(row["teacher_id"])
        if fill is None:
            continue
        kind = row["kind"]
        if kind == TeacherEntry.Kind.COURSE:
            fill.courses, fill.course_hours = row["n"], row["hours"] or 0
        elif kind == TeacherEntry.Kind.AWARD:
            fill.awards = row["n"]
        elif kind == TeacherEntry.Kind.PUBLICATION:
            fill.publications = row["n"]
        else:
            fill.open_lessons = row["n"]
    for row in (
        Achievement.objects.filter(
            school=school, year=year, confirmed_at__isnull=False, teacher__isnull=False
        )
        .values("teacher_id")
        .annotate(n=Count("pk"), honours=Count("pk", filter=Q(result__in=HONOURS)))
    ):
        fill = rows.get(row["teacher_id"])
        if fill is not None:
            fill.students_results, fill.students_honours = row["n"], row["honours"]
    return list(rows.values())


def summary_by_level(*, school, year) -> dict[str, Counter]:
    """Confirmed achievements of the year: level → result → count (one query)."""
    out: dict[str, Counter] = {level: Counter() for level in Level.values}
    for row in (
        Achievement.objects.filter(school=school, year=year, confirmed_at__isnull=False)
        .values("level", "result")
        .annotate(n=Count("pk"))
    ):
        out[row["level"]][row["result"]] = row["n"]
    return out


def honours(*, school, year) -> list[tuple[Achievement, SchoolClass | None]]:
    """Winners and prize-winners of the year, confirmed, highest level first (two queries)."""
    classes = class_of_students(year)
    order = {level: i for i, level in enumerate(reversed(Level.values))}
    rows = list(
        Achievement.objects.filter(
            school=school, year=year, confirmed_at__isnull=False, result__in=HONOURS
        ).select_related("student", "teacher")
    )
    rows.sort(
        key=lambda a: (
            order[a.level],
            a.result != Result.WINNER,
            a.student.last_name,
            a.happened_on,
        )
    )
    return [(a, classes.get(a.student_id)) for a in rows]


def teacher_portfolio(*, school, teacher):
    """The teacher's category, entries and their students' confirmed results (3 queries)."""
    category = TeacherCategory.objects.filter(school=school, teacher=teacher).first()
    entries = list(TeacherEntry.objects.filter(school=school, teacher=teacher))
    results = list(
        Achievement.objects.filter(school=school, teacher=teacher, confirmed_at__isnull=False)
        .select_related("student", "year")
        .order_by("-happened_on")
    )
    by_kind: dict[str, list] = {k: [] for k in TeacherEntry.Kind.values}
    for e in entries:
        by_kind[e.kind].append(e)
    return category, by_kind, results
