"""Reads of the timetable."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum

from apps.classes.models import SchoolClass
from apps.schedule.models import WEEKDAYS, Lesson, PlanTopic, TimetableEntry
from apps.school.models import AcademicYear, Bell


def timetable_grid(*, school_class: SchoolClass) -> dict:
    """The class's week: {(weekday, lesson_number): [entries]} with the lesson numbers used."""
    entries = list(
        TimetableEntry.objects.filter(assignment__school_class=school_class)
        .select_related("assignment__subject", "assignment__subgroup", "assignment__teacher")
        .order_by("weekday", "lesson_number", "starts_on")
    )
    slots: dict[tuple[int, int], list[TimetableEntry]] = defaultdict(list)
    for entry in entries:
        slots[(entry.weekday, entry.lesson_number)].append(entry)
    numbers = set(range(1, 8)) | {e.lesson_number for e in entries}
    if school_class.shift_id:
        numbers |= set(
            Bell.objects.filter(shift_id=school_class.shift_id).values_list(
                "lesson_number", flat=True
            )
        )
    rows = [
        (n, [(day, slots.get((day, n), [])) for day, _label in WEEKDAYS]) for n in sorted(numbers)
    ]
    return {"weekdays": WEEKDAYS, "rows": rows}


def year_classes(year: AcademicYear | None):
    if year is None:
        return []
    return list(SchoolClass.objects.filter(year=year).order_by("grade", "letter"))


# --- КТП (calendar-thematic plan) ---------------------------------------------------------


def ktp_topics(*, assignment) -> list[PlanTopic]:
    """The plan of an assignment in order, each topic with `lessons_count` (lessons linked)
    and `expected_on` (its planned date, or the date of the lesson it falls on when the
    plan is laid over the assignment's lessons in order). Two queries."""
    topics = list(
        PlanTopic.objects.filter(assignment=assignment)
        .annotate(
            lessons_count=Count("lessons", filter=~Q(lessons__status=Lesson.Status.CANCELLED))
        )
        .order_by("position")
    )
    dates = list(
        Lesson.objects.filter(assignment=assignment)
        .exclude(status=Lesson.Status.CANCELLED)
        .order_by("date", "lesson_number")
        .values_list("date", flat=True)
    )
    hour = 0
    for topic in topics:
        topic.expected_on = topic.planned_on or (dates[hour] if hour < len(dates) else None)
        hour += topic.hours
    return topics


def ktp_suggestion(lesson: Lesson) -> PlanTopic | None:
    """The КТП topic a lesson takes by default: the topic of the previous lesson linked to
    the plan while its hours last, else the next one; the first topic for the first lesson.
    None when the plan is empty or used up. At most three queries."""
    before = Q(date__lt=lesson.date) | Q(date=lesson.date, lesson_number__lt=lesson.lesson_number)
    previous = (
        Lesson.objects.filter(before, assignment_id=lesson.assignment_id, plan_topic__isnull=False)
        .exclude(pk=lesson.pk)
        .exclude(status=Lesson.Status.CANCELLED)
        .order_by("-date", "-lesson_number")
        .values_list("plan_topic_id", flat=True)
        .first()
    )
    topics = PlanTopic.objects.filter(assignment_id=lesson.assignment_id).order_by("position")
    if previous is None:
        return topics.first()
    current = topics.filter(pk=previous).first()
    if current is None:
        return topics.first()
    used = (
        Lesson.objects.filter(before, assignment_id=lesson.assignment_id, plan_topic_id=previous)
        .exclude(status=Lesson.Status.CANCELLED)
        .count()
    )
    if used < current.hours:
        return current
    return topics.filter(position__gt=current.position).first()


@dataclass(frozen=True)
class KtpProgress:
    """Curriculum completion of one assignment on a date (SPEC §6: КТП planned vs held)."""

    assignment_id: int
    total_hours: int  # hours in the whole plan
    planned_hours: int  # hours the plan expects to be given by the date
    lessons_to_date: int  # lessons scheduled up to the date, cancelled ones excluded
    held: int  # lessons held up to the date
    held_on_plan: int  # of them, linked to a КТП topic
    cancelled: int  # lessons cancelled up to the date

    @property
    def has_plan(self) -> bool:
        return self.total_hours > 0

    @property
    def behind(self) -> int:
        """Hours the teacher is behind the plan (0 when on time or ahead)."""
        return max(self.planned_hours - self.held, 0)


def ktp_progress(assignments, on_date: date) -> dict[int, KtpProgress]:
    """Planned-to-date vs held for many assignments at once: two queries whatever their number.

    A topic's date is its `planned_on` when every topic of the plan has one; otherwise the
    plan is laid over the assignment's lessons in order (hour k falls on the k-th lesson
    that is not cancelled), so the planned hours to date are min(plan hours, lessons to
    date). `assignments`: TeachingAssignment objects or ids (a queryset costs one more
    query). Every assignment gets an entry, zeros when it has no plan or no lessons.
    """
    ids = [a if isinstance(a, int) else a.pk for a in assignments]
    scope = ids
    plans = {
        row["assignment_id"]: row
        for row in PlanTopic.objects.filter(assignment_id__in=scope)
        .values("assignment_id")
        .annotate(
            total=Sum("hours"),
            dated_due=Sum("hours", filter=Q(planned_on__lte=on_date)),
            undated=Count("pk", filter=Q(planned_on__isnull=True)),
        )
    }
    cancelled = Q(status=Lesson.Status.CANCELLED)
    held = Q(status=Lesson.Status.HELD)
    lessons = {
        row["assignment_id"]: row
        for row in Lesson.objects.filter(assignment_id__in=scope, date__lte=on_date)
        .values("assignment_id")
        .annotate(
            to_date=Count("pk", filter=~cancelled),
            held=Count("pk", filter=held),
            on_plan=Count("pk", filter=held & Q(plan_topic__isnull=False)),
            cancelled=Count("pk", filter=cancelled),
        )
    }
    result = {}
    for pk in ids:
        plan, done = plans.get(pk, {}), lessons.get(pk, {})
        total = plan.get("total") or 0
        to_date = done.get("to_date", 0)
        planned = (
            (plan.get("dated_due") or 0)
            if total and not plan.get("undated")
            else min(total, to_date)
        )
        result[pk] = KtpProgress(
            assignment_id=pk,
            total_hours=total,
            planned_hours=planned,
            lessons_to_date=to_date,
            held=done.get("held", 0),
            held_on_plan=done.get("on_plan", 0),
            cancelled=done.get("cancelled", 0),
        )
    return result


# --- the dispatcher's day: substitutions, cancellations, moves --------------------------


def school_day_lessons(*, school, day: date) -> list[Lesson]:
    """Every lesson of the school on a day, by class and lesson number (one query)."""
    return list(
        Lesson.objects.filter(school=school, date=day)
        .select_related(
            "assignment__school_class",
            "assignment__subgroup",
            "assignment__subject",
            "assignment__teacher",
            "substitute_teacher",
        )
        .order_by(
            "assignment__school_class__grade",
            "assignment__school_class__letter",
            "lesson_number",
            "assignment__subgroup__name",
        )
    )


def changes_between(*, school, date_from: date, date_to: date) -> list[Lesson]:
    """Substituted, cancelled and moved lessons of a date range (one query)."""
    return list(
        Lesson.objects.filter(school=school, date__range=(date_from, date_to))
        .filter(
            Q(substitute_teacher__isnull=False)
            | Q(status=Lesson.Status.CANCELLED)
            | Q(moved_from_date__isnull=False)
        )
        .select_related(
            "assignment__school_class",
            "assignment__subgroup",
            "assignment__subject",
            "assignment__teacher",
            "substitute_teacher",
        )
        .order_by("date", "lesson_number")
    )


def school_teachers(*, school):
    """Teachers of the school, for substitution pickers (one query)."""
    from apps.accounts.models import User
    from apps.accounts.policy import Role

    return (
        User.objects.filter(role_grants__school=school, role_grants__role=Role.TEACHER)
        .order_by("last_name", "first_name")
        .distinct()
    )


def substitution_candidates(*, school, lesson: Lesson) -> tuple[list, dict[int, str]]:
    """The school's teachers for one lesson's substitution, those free at that lesson first,
    and what each busy one teaches then (two queries)."""
    teachers = list(school_teachers(school=school))
    busy: dict[int, str] = {}
    for other in (
        Lesson.objects.filter(school=school, date=lesson.date, lesson_number=lesson.lesson_number)
        .exclude(pk=lesson.pk)
        .exclude(status=Lesson.Status.CANCELLED)
        .select_related("assignment__school_class")
        .only("assignment__teacher_id", "substitute_teacher_id", "assignment__school_class")
    ):
        teacher_id = other.substitute_teacher_id or other.assignment.teacher_id
        busy[teacher_id] = other.assignment.school_class.name
    busy.setdefault(lesson.assignment.teacher_id, "")
    teachers.sort(key=lambda u: u.pk in busy)  # stable: alphabetical within each group
    return teachers, busy
