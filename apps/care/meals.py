"""Free meals (seed 004: «постановка на бесплатное питание, включая льготные категории»).

A student's right follows from their benefits and the dates: a benefit is valid from its
first to its last day inclusive; grades 1–4 eat free by law (ФЗ «Об образовании» ст. 37
ч. 2.1). Each morning the class teacher confirms who eats, starting from the day's
attendance; at the school's deadline («Правила школы», 09:00 school time by default) the
kitchen's order is fixed: counts per class, per meal and per category. Changes after that
are refused unless the school's rules allow corrections.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.policy import SpecialField
from apps.attendance.selectors import absent_now
from apps.care.models import (
    HealthRecord,
    MealBenefit,
    MealCategory,
    MealConfirmation,
    MealKind,
    MealLine,
    MealOrder,
)
from apps.care.roster import class_roster, enrolled_ids_in_range, rosters
from apps.school.clock import now as clock_now
from apps.school.models import Holiday
from apps.school.policy import (
    is_working_day,
    meals_order_deadline,
    public_days_off,
    school_policy,
)

# When a student has several benefits, the order of categories in the табель.
CATEGORY_PRIORITY = [
    MealCategory.OVZ,
    MealCategory.ORPHAN,
    MealCategory.SVO,
    MealCategory.LARGE_FAMILY,
    MealCategory.LOW_INCOME,
]
FREE_GRADES = range(1, 5)
# Column headings of the kitchen's order and the summaries.
SHORT_LABELS = {
    MealCategory.PRIMARY: gettext_lazy("1–4 классы"),
    MealCategory.OVZ: gettext_lazy("ОВЗ, инвалиды"),
    MealCategory.LARGE_FAMILY: gettext_lazy("многодетные"),
    MealCategory.LOW_INCOME: gettext_lazy("малоимущие"),
    MealCategory.SVO: gettext_lazy("семьи СВО"),
    MealCategory.ORPHAN: gettext_lazy("сироты"),
    MealCategory.PAID: gettext_lazy("за плату"),
}
MEALS = [MealKind.BREAKFAST, MealKind.LUNCH]


def free_category(*, grade: int, benefits: list[MealBenefit], day: date) -> str | None:
    """The category a student eats free on, on `day` (None: they pay)."""
    valid = {
        b.category
        for b in benefits
        if b.valid_from <= day and (b.valid_until is None or b.valid_until >= day)
    }
    for category in CATEGORY_PRIORITY:
        if category in valid:
            return category
    if grade in FREE_GRADES:
        return MealCategory.PRIMARY
    return None


def default_meals(*, category: str | None, shift_number: int) -> set[str]:
    """Students with ОВЗ eat twice (ФЗ «Об образовании» ст. 79 ч. 7); any other free category
    once: breakfast in the first shift, lunch in the second. A paying student is ticked by hand."""
    if category == MealCategory.OVZ:
        return {MealKind.BREAKFAST, MealKind.LUNCH}
    if category:
        return {MealKind.BREAKFAST if shift_number <= 1 else MealKind.LUNCH}
    return set()


def benefits_of(student_ids) -> dict[int, list[MealBenefit]]:
    out: dict[int, list[MealBenefit]] = defaultdict(list)
    for b in MealBenefit.objects.filter(student_id__in=list(student_ids)):
        out[b.student_id].append(b)
    return out


def is_meal_day(school, day: date, policy=None) -> bool:
    """Meals are ordered on working days outside the school-wide holidays (2 queries)."""
    policy = policy or school_policy(school)
    if not is_working_day(policy, day, public_days_off(school, day, day)):
        return False
    return not Holiday.objects.filter(
        school_id=school.pk, starts_on__lte=day, ends_on__gte=day, grades=[]
    ).exists()


@dataclass
class MealRow:
    student: object
    category: str | None
    absent: bool
    meals: set[str]
    allergies: str = ""

    @property
    def category_label(self) -> str:
        return str(MealCategory(self.category).label) if self.category else ""


@dataclass
class MealSheet:
    school_class: object
    day: date
    rows: list[MealRow]
    confirmation: MealConfirmation | None
    order: MealOrder | None
    deadline: datetime
    corrections_allowed: bool
    meals: list = field(default_factory=lambda: list(MEALS))

    @property
    def locked(self) -> bool:
        return self.order is not None and not self.corrections_allowed

    def counts(self) -> dict[str, Counter]:
        out = {m: Counter() for m in MEALS}
        for row in self.rows:
            for m in row.meals:
                out[m][row.category or MealCategory.PAID] += 1
        return out


def class_meal_sheet(*, access, day: date, now: datetime, school, policy=None) -> MealSheet:
    """Who eats today in the class: saved choices if confirmed, else the defaults from
    benefits and attendance; food allergies for whoever confirms (6–7 queries)."""
    school_class = access.school_class
    policy = policy or school_policy(school)
    students = class_roster(school_class, day)
    ids = [s.pk for s in students]
    benefits = benefits_of(ids)
    away = absent_now(class_students={school_class.pk: ids}, day=day, now=now)
    confirmation = MealConfirmation.objects.filter(school_class=school_class, day=day).first()
    saved: dict[int, set[str]] = defaultdict(set)
    if confirmation is not None:
        for student_id, meal in MealLine.objects.filter(
            school_class=school_class, day=day
        ).values_list("student_id", "meal"):
            saved[student_id].add(meal)
    allergies: dict[int, str] = {}
    if access.sees(SpecialField.FOOD_ALLERGIES):
        year_id = school_class.year_id
        allergies = {
            r.student_id: r.food_allergies
            for r in HealthRecord.objects.filter(year_id=year_id, student_id__in=ids).only(
                "student_id", "food_allergies"
            )
            if r.food_allergies
        }
    shift = school_class.shift.number if school_class.shift_id else 1
    rows = []
    for s in students:
        category = free_category(grade=school_class.grade, benefits=benefits[s.pk], day=day)
        if confirmation is not None:
            meals = saved[s.pk]
        else:
            meals = set() if s.pk in away else default_meals(category=category, shift_number=shift)
        rows.append(MealRow(s, category, s.pk in away, meals, allergies.get(s.pk, "")))
    return MealSheet(
        school_class=school_class,
        day=day,
        rows=rows,
        confirmation=confirmation,
        order=MealOrder.objects.filter(school=school, day=day).first(),
        deadline=meals_order_deadline(policy, school=school, day=day),
        corrections_allowed=policy.meals_corrections_allowed,
    )


def order_counts(school, day: date) -> dict:
    """The order's counts from the day's lines (one query after the classes)."""
    classes = {c.pk: c for c in classes_of_day(school, day)}
    confirmed = set(
        MealConfirmation.objects.filter(school=school, day=day).values_list(
            "school_class_id", flat=True
        )
    )
    counts: dict[int, dict] = {
        cid: {"name": c.name, "confirmed": cid in confirmed, "counts": {m: {} for m in MEALS}}
        for cid, c in classes.items()
    }
    for class_id, meal, category in MealLine.objects.filter(school=school, day=day).values_list(
        "school_class_id", "meal", "category"
    ):
        if class_id in counts:
            bucket = counts[class_id]["counts"][meal]
            bucket[category] = bucket.get(category, 0) + 1
    return {str(k): v for k, v in counts.items()}


def classes_of_day(school, day: date):
    from apps.classes.models import SchoolClass

    return list(
        SchoolClass.objects.filter(school=school, year__starts_on__lte=day, year__ends_on__gte=day)
        .select_related("shift")
        .order_by("grade", "letter")
    )


def _check_open(school, day: date, now: datetime) -> MealOrder | None:
    """Refuse a change once the order is fixed (or its deadline passed), unless allowed."""
    policy = school_policy(school)
    order = MealOrder.objects.select_for_update().filter(school=school, day=day).first()
    past_deadline = now >= meals_order_deadline(policy, school=school, day=day)
    if (order is not None or past_deadline) and not policy.meals_corrections_allowed:
        raise ValidationError(
            _(
                "Заявка на питание на %(day)s уже передана на пищеблок в %(time)s: список "
                "класса больше не меняется. Исправления после фиксации разрешают «Правила школы»."
            )
            % {
                "day": date_format(day, "SHORT_DATE_FORMAT"),
                "time": policy.meals_order_deadline.strftime("%H:%M"),
            }
        )
    return order


@transaction.atomic
def meals_confirm(
    *,
    acting_user,
    school,
    school_class,
    day: date,
    choices: dict[int, set[str]],
    expected_version: int | None,
    now: datetime,
) -> MealConfirmation:
    """The class teacher's list of who eats `day`. Students away by the attendance and
    students not in the class that day are not counted, whatever was ticked."""
    order = _check_open(school, day, now)
    if day < now.astimezone(school.tz).date() and order is None:
        raise ValidationError(_("Питание за прошедший день не подтверждается."))
    students = class_roster(school_class, day)
    ids = [s.pk for s in students]
    away = absent_now(class_students={school_class.pk: ids}, day=day, now=now)
    benefits = benefits_of(ids)
    confirmation = (
        MealConfirmation.objects.select_for_update()
        .filter(school_class=school_class, day=day)
        .first()
    )
    stale = confirmation is not None and expected_version not in (None, confirmation.version)
    if stale:
        raise ValidationError(
            _("Список питания класса уже подтвердил %(who)s. Обновите страницу.")
            % {"who": confirmation.confirmed_by.full_name if confirmation.confirmed_by else "—"}
        )
    lines = []
    for s in students:
        if s.pk in away:
            continue
        category = free_category(grade=school_class.grade, benefits=benefits[s.pk], day=day)
        for meal in sorted(choices.get(s.pk, set()) & set(MealKind.values)):
            lines.append(
                MealLine(
                    school=school,
                    school_class=school_class,
                    day=day,
                    student=s,
                    meal=meal,
                    category=category or MealCategory.PAID,
                )
            )
    MealLine.objects.filter(school_class=school_class, day=day).delete()
    MealLine.objects.bulk_create(lines)
    if confirmation is None:
        try:
            with transaction.atomic():
                confirmation = MealConfirmation.objects.create(
                    school=school,
                    school_class=school_class,
                    day=day,
                    confirmed_by=acting_user,
                    confirmed_at=now,
                )
        except IntegrityError:
            raise ValidationError(
                _(
                    "Список питания класса только что подтвердил другой пользователь. Обновите страницу."
                )
            ) from None
    else:
        confirmation.confirmed_by, confirmation.confirmed_at = acting_user, now
        confirmation.version += 1
        confirmation.save(update_fields=["confirmed_by", "confirmed_at", "version"])
    if order is not None:  # a correction the school allows: the kitchen's counts follow
        order.counts = order_counts(school, day)
        order.corrected_at = now
        order.save(update_fields=["counts", "corrected_at"])
    return confirmation


def _unconfirmed_defaults(school, day: date, now: datetime):
    """What the classes not confirmed yet eat by default (their present students with a
    free category), and who is away by the attendance at `now` (6 queries)."""
    classes = classes_of_day(school, day)
    by_class = rosters(classes, day)
    class_students = {cid: [s.pk for s in students] for cid, students in by_class.items()}
    away = absent_now(class_students=class_students, day=day, now=now)
    confirmed = set(
        MealConfirmation.objects.filter(school=school, day=day).values_list(
            "school_class_id", flat=True
        )
    )
    benefits = benefits_of([i for ids in class_students.values() for i in ids])
    lines = []
    for c in classes:
        if c.pk in confirmed:
            continue
        shift = c.shift.number if c.shift_id else 1
        for s in by_class[c.pk]:
            if s.pk in away:
                continue
            category = free_category(grade=c.grade, benefits=benefits[s.pk], day=day)
            lines.extend(
                MealLine(
                    school=school,
                    school_class=c,
                    day=day,
                    student=s,
                    meal=meal,
                    category=category or MealCategory.PAID,
                )
                for meal in sorted(default_meals(category=category, shift_number=shift))
            )
    return classes, confirmed, away, lines


@transaction.atomic
def meal_order_fix(*, school, day: date, now: datetime | None = None) -> MealOrder:
    """Fix the kitchen's order of `day` (idempotent). A class not confirmed by then eats by
    its defaults: the students present with a free category. Students away by the
    attendance at this moment are dropped from confirmed lists too."""
    now = now or clock_now()
    existing = MealOrder.objects.select_for_update().filter(school=school, day=day).first()
    if existing is not None:
        return existing
    classes, confirmed, away, lines = _unconfirmed_defaults(school, day, now)
    if away:
        MealLine.objects.filter(school=school, day=day, student_id__in=away).delete()
    MealLine.objects.filter(
        school=school, day=day, school_class_id__in=[c.pk for c in classes if c.pk not in confirmed]
    ).delete()
    MealLine.objects.bulk_create(lines)
    return MealOrder.objects.create(
        school=school, day=day, fixed_at=now, counts=order_counts(school, day)
    )


def meal_order_fix_if_due(*, school, day: date, now: datetime, policy=None) -> MealOrder | None:
    """Catch up on an order the beat has not fixed yet (a worker down at the deadline):
    any page of the day's meals opened after the deadline fixes it first."""
    policy = policy or school_policy(school)
    if now < meals_order_deadline(policy, school=school, day=day):
        return None
    if MealOrder.objects.filter(school=school, day=day).exists():
        return None
    if day < now.astimezone(school.tz).date() - timedelta(days=7) or not is_meal_day(
        school, day, policy
    ):
        return None
    return meal_order_fix(school=school, day=day, now=now)


def meal_orders_due(*, now: datetime) -> list[tuple[int, date]]:
    """(school id, day) of every school whose deadline has come today with no order yet."""
    from apps.school.models import School

    due = []
    fixed = set(
        MealOrder.objects.filter(day__gte=(now - timedelta(days=2)).date()).values_list(
            "school_id", "day"
        )
    )
    for school in School.objects.all():
        policy = school_policy(school)
        day = now.astimezone(school.tz).date()
        if (school.pk, day) in fixed:
            continue
        if now >= meals_order_deadline(policy, school=school, day=day) and is_meal_day(
            school, day, policy
        ):
            due.append((school.pk, day))
    return due


def meals_reminders_send(*, school, now: datetime) -> int:
    """Remind the class teachers who have not confirmed today's meals, once a day each."""
    from apps.messaging.services import notify
    from apps.school.policy import may_remind_at, meals_reminder_at

    policy = school_policy(school)
    day = now.astimezone(school.tz).date()
    deadline = meals_order_deadline(policy, school=school, day=day)
    if not (meals_reminder_at(policy, school=school, day=day) <= now < deadline):
        return 0
    if not may_remind_at(policy, school=school, moment=now) or not is_meal_day(school, day, policy):
        return 0
    confirmed = set(
        MealConfirmation.objects.filter(school=school, day=day).values_list(
            "school_class_id", flat=True
        )
    )
    sent = 0
    for c in classes_of_day(school, day):
        if c.pk in confirmed or c.class_teacher_id is None:
            continue
        from django.urls import reverse

        link = reverse("care:meals-class", kwargs={"school_id": school.pk, "class_id": c.pk})
        created = notify(
            school=school,
            user=c.class_teacher,
            title=_("Подтвердите питание %(cls)s до %(time)s")
            % {"cls": c.name, "time": policy.meals_order_deadline.strftime("%H:%M")},
            link=link,
            dedupe_key=f"meals:{day.isoformat()}:{c.pk}",
        )
        sent += created is not None
    return sent


# --- benefits --------------------------------------------------------------------------


@transaction.atomic
def meal_benefit_save(
    *,
    acting_user,
    school,
    student,
    category: str,
    basis: str,
    valid_from: date,
    valid_until: date | None,
    benefit: MealBenefit | None = None,
) -> MealBenefit:
    """Record (or correct) a benefit; two benefits of one category may not overlap."""
    import pghistory

    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(
            {"valid_until": _("Льгота не может закончиться раньше, чем началась.")}
        )
    if not basis.strip():
        raise ValidationError({"basis": _("Укажите документ-основание льготы.")})
    others = MealBenefit.objects.select_for_update().filter(student=student)
    if benefit is not None:
        others = others.exclude(pk=benefit.pk)
    for other in others:
        if other.category != category:
            continue
        if (other.valid_until is None or other.valid_until >= valid_from) and (
            valid_until is None or valid_until >= other.valid_from
        ):
            raise ValidationError(
                _("У обучающегося уже есть эта льгота на эти даты (с %(start)s).")
                % {"start": date_format(other.valid_from, "SHORT_DATE_FORMAT")}
            )
    if benefit is None:
        benefit = MealBenefit(school=school, student=student)
    benefit.category, benefit.basis = category, basis.strip()
    benefit.valid_from, benefit.valid_until = valid_from, valid_until
    benefit.recorded_by, benefit.recorded_at = acting_user, clock_now()
    with pghistory.context(user=acting_user.pk):
        benefit.save()
    return benefit


def benefits_list(*, school, day: date, show: str = "current", class_id: int | None = None):
    """Benefits with each student's class on `day` (3 queries)."""
    from apps.care.roster import class_of_students

    qs = MealBenefit.objects.filter(school=school).select_related("student", "recorded_by")
    if show == "current":
        qs = qs.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )
    benefits = list(qs.order_by("student__last_name", "student__first_name", "-valid_from"))
    classes = class_of_students({b.student_id for b in benefits}, day)
    rows = [(b, classes.get(b.student_id)) for b in benefits]
    if class_id:
        rows = [(b, c) for b, c in rows if c is not None and c.pk == class_id]
    return rows


# --- the monthly register (табель питания) and the school's summary ------------------------


def month_days(month: date) -> list[date]:
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return [first + timedelta(days=i) for i in range((nxt - first).days)]


@dataclass
class TabelRow:
    student: object
    cells: list[str]  # per day: "З", "О", "ЗО" or ""
    totals: Counter  # meal -> days
    categories: list[str]


def class_tabel(*, school_class, month: date) -> dict:
    """The month's табель питания of a class: who ate what each day, with totals (3 queries)."""
    days = month_days(month)
    spans = enrolled_ids_in_range(school_class, days[0], days[-1])
    lines = list(
        MealLine.objects.filter(
            school_class=school_class, day__range=(days[0], days[-1])
        ).values_list("student_id", "day", "meal", "category")
    )
    from apps.students.models import Student

    ids = set(spans) | {line[0] for line in lines}
    students = list(
        Student.objects.filter(pk__in=ids).order_by("last_name", "first_name", "patronymic")
    )
    index = {d: i for i, d in enumerate(days)}
    marks: dict[int, list[set]] = {s.pk: [set() for _ in days] for s in students}
    totals: dict[int, Counter] = {s.pk: Counter() for s in students}
    cats: dict[int, set] = defaultdict(set)
    by_day: dict[date, Counter] = defaultdict(Counter)
    by_category: dict[str, Counter] = defaultdict(Counter)
    for student_id, day, meal, category in lines:
        marks[student_id][index[day]].add(meal)
        totals[student_id][meal] += 1
        cats[student_id].add(category)
        by_day[day][meal] += 1
        by_category[category][meal] += 1
    letter = {MealKind.BREAKFAST: _("З"), MealKind.LUNCH: _("О")}
    rows = [
        TabelRow(
            student=s,
            cells=["".join(letter[m] for m in MEALS if m in cell) for cell in marks[s.pk]],
            totals=totals[s.pk],
            categories=[str(MealCategory(c).label) for c in MealCategory.values if c in cats[s.pk]],
        )
        for s in students
    ]
    served_days = [d for d in days if by_day.get(d)]
    return {
        "school_class": school_class,
        "month": days[0],
        "days": days,
        "served_days": served_days,
        "rows": rows,
        "by_day": [by_day.get(d, Counter()) for d in days],
        "by_category": [
            (str(MealCategory(c).label), by_category[c])
            for c in MealCategory.values
            if c in by_category
        ],
        "totals": sum((Counter(t) for t in totals.values()), Counter()),
    }


def school_meals_summary(*, school, month: date) -> dict:
    """The month's meals of the school per category and per class, for the accounting
    department: portions of each meal and students (2 queries)."""
    days = month_days(month)
    portions: dict[str, Counter] = defaultdict(Counter)
    students: dict[str, set] = defaultdict(set)
    per_class: dict[int, Counter] = defaultdict(Counter)
    for class_id, student_id, meal, category in MealLine.objects.filter(
        school=school, day__range=(days[0], days[-1])
    ).values_list("school_class_id", "student_id", "meal", "category"):
        portions[category][meal] += 1
        students[category].add(student_id)
        per_class[class_id][category] += 1
    from apps.classes.models import SchoolClass

    classes = list(SchoolClass.objects.filter(pk__in=list(per_class)).order_by("grade", "letter"))
    categories = [c for c in MealCategory.values if c in portions]
    return {
        "month": days[0],
        "categories": [(c, str(MealCategory(c).label)) for c in categories],
        "rows": [
            {
                "label": str(MealCategory(c).label),
                "students": len(students[c]),
                "portions": portions[c],
                "total": sum(portions[c].values()),
            }
            for c in categories
        ],
        "classes": [(c, [per_class[c.pk].get(cat, 0) for cat in categories]) for c in classes],
        "total": sum(sum(p.values()) for p in portions.values()),
        "total_by_meal": sum(portions.values(), Counter()),
    }


def kitchen_order(*, school, day: date, now: datetime) -> dict:
    """The day's order as the kitchen reads it: per class, meal and category, with totals.
    Before the deadline it is a forecast: the confirmed classes as confirmed, the others
    by their defaults from benefits and the attendance so far."""
    order = MealOrder.objects.filter(school=school, day=day).first()
    if order is not None:
        counts = order.counts
    else:
        counts = order_counts(school, day)
        _classes, _confirmed, _away, planned = _unconfirmed_defaults(school, day, now)
        for line in planned:
            bucket = counts[str(line.school_class_id)]["counts"][line.meal]
            bucket[line.category] = bucket.get(line.category, 0) + 1
    totals: dict[str, Counter] = {m: Counter() for m in MEALS}
    rows = []
    for data in counts.values():
        per_meal = {m: Counter(data["counts"].get(m, {})) for m in MEALS}
        for m in MEALS:
            totals[m].update(per_meal[m])
        rows.append(
            {
                "name": data["name"],
                "confirmed": data["confirmed"],
                "per_meal": {m: sum(per_meal[m].values()) for m in MEALS},
                "per_category": per_meal,
            }
        )
    categories = [c for c in MealCategory.values if any(totals[m].get(c) for m in MEALS)]
    return {
        "order": order,
        "rows": rows,
        "categories": [(c, str(SHORT_LABELS[c])) for c in categories],
        "totals": {m: sum(totals[m].values()) for m in MEALS},
        "totals_by_category": totals,
        "unconfirmed": [r["name"] for r in rows if not r["confirmed"]],
    }
