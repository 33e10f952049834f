"""Demo step of care: health sheets, ОВЗ with ПМПК conclusions, the social passport and its
registers, meal benefits and a month of meal orders, so the medic, the psychologist, the
secretary and the deputy find work on their first login. Bulk inserts; the history rows
name the medic and the psychologist as the authors."""

from datetime import date, datetime, time, timedelta

import pghistory
from django.db import transaction

from apps.attendance.selectors import absent_now
from apps.care import meals
from apps.care.models import (
    Characteristic,
    HealthRecord,
    MealBenefit,
    MealConfirmation,
    MealLine,
    MealOrder,
    RegisterEntry,
    SocialCategory,
    SocialPassport,
)
from apps.care.roster import rosters
from apps.students.models import PersonalDataConsent

DISEASES = [
    (["respiratory"], "бронхиальная астма, ремиссия; ингалятор с собой"),
    (["vision"], "миопия слабой степени, сидеть на первых партах"),
    (["musculoskeletal"], "нарушение осанки, сколиоз I степени"),
    (["endocrine"], "сахарный диабет 1 типа, помпа; перекус по часам"),
    (["cardio"], "функциональный шум в сердце, наблюдение кардиолога"),
    (["digestive"], "хронический гастрит"),
    (["neuro"], "эпилепсия, ремиссия; препараты дома"),
    (["hearing"], "тугоухость I степени"),
]
FOOD_ALLERGIES = ["орехи, арахис", "цитрусовые", "мёд", "молоко (лактоза)", "рыба", "яйца"]
OVZ_CONDITIONS = [
    "АООП НОО для обучающихся с ЗПР, вариант 7.1; занятия с логопедом и психологом",
    "АООП ООО для обучающихся с нарушениями опорно-двигательного аппарата; тьютор",
    "АООП для слабовидящих, вариант 4.1; увеличенный шрифт, дополнительное время",
    "АООП ООО для обучающихся с ТНР; на ГИА — увеличение времени на 1,5 часа",
]
REASONS = [
    "систематические пропуски уроков без уважительной причины",
    "нарушение дисциплины, конфликты со сверстниками",
    "постановление КДН и ЗП",
    "правонарушение, информация ПДН",
]
CHARACTERISTICS = [
    "Учится с интересом, но быстро утомляется; лучше работает в паре. Рекомендована "
    "поддержка классного руководителя и консультации педагога-психолога.",
    "Тревожен на контрольных, в классе общителен. Семья на контакт идёт, рекомендации "
    "выполняет. Рекомендованы занятия по снижению тревожности.",
    "Конфликтен, трудно принимает замечания; интерес к спорту. Рекомендовано вовлечение "
    "в секцию, индивидуальные беседы, контроль посещаемости.",
]


def _moment(school, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=school.tz)


@transaction.atomic
def populate(demo) -> None:
    school, year, rng = demo.school, demo.year, demo.rng
    medic, psychologist = demo.users.get("medic"), demo.users.get("psychologist")
    students = list(demo.students)
    if not students:
        return
    # Consents naming health and social data: most families signed the full form.
    covered = [s.pk for s in students if rng.random() < 0.93]
    PersonalDataConsent.objects.filter(student_id__in=covered).update(covers=["health", "social"])
    covered = set(
        PersonalDataConsent.objects.filter(student_id__in=covered).values_list(
            "student_id", flat=True
        )
    )
    filled_at = _moment(school, min(year.starts_on + timedelta(days=5), demo.today), 14)

    records, ovz_ids = [], []
    for s in students:
        if s.pk not in covered or rng.random() > 0.9:
            continue  # the medic has not reached everyone yet
        roll = rng.random()
        health_group = "1" if roll < 0.25 else "2" if roll < 0.8 else "3" if roll < 0.97 else "4"
        pe_roll = rng.random()
        pe_group = (
            "main"
            if pe_roll < 0.66
            else "preparatory"
            if pe_roll < 0.88
            else "special_a"
            if pe_roll < 0.95
            else "special_b"
            if pe_roll < 0.97
            else "exempt"
        )
        r = HealthRecord(
            school=school,
            year=year,
            student=s,
            health_group=health_group,
            pe_group=pe_group,
            updated_by=medic,
            updated_at=filled_at,
        )
        if pe_group != "main":
            decided = year.starts_on - timedelta(days=rng.randint(5, 60))
            r.pe_decision = f"Справка ВК № {rng.randint(100, 999)} ГБУЗ «Детская поликлиника»"
            r.pe_decided_on = decided
            r.pe_valid_until = (
                year.ends_on if pe_group != "exempt" else decided + timedelta(days=180)
            )
        if health_group in ("3", "4") or rng.random() < 0.08:
            categories, text = rng.choice(DISEASES)
            r.disease_categories, r.diseases = categories, text
        if rng.random() < 0.06:
            r.food_allergies = rng.choice(FOOD_ALLERGIES)
        records.append(r)
    # A few students with ОВЗ on a ПМПК conclusion (about 1.5 %, as in an ordinary school).
    for r in rng.sample(records, min(len(records), max(3, len(students) // 65))):
        r.ovz = True
        pmpk = year.starts_on - timedelta(days=rng.randint(60, 700))
        r.pmpk_number = f"{rng.randint(10, 480)}-ПМПК"
        r.pmpk_date = pmpk
        r.pmpk_valid_until = pmpk + timedelta(days=3 * 365) if rng.random() < 0.7 else None
        r.pmpk_conditions = rng.choice(OVZ_CONDITIONS)
        r.disability = rng.random() < 0.4
        ovz_ids.append(r.student_id)
    with pghistory.context(user=medic.pk if medic else None):
        HealthRecord.objects.bulk_create(records, batch_size=500)

    # The social passport.
    categories = {c.code: c for c in SocialCategory.objects.filter(school__isnull=True)}
    passports, registers, characteristics = [], [], []
    when = _moment(school, min(year.starts_on + timedelta(days=12), demo.today), 11)
    pool = sorted(covered)
    on_register = set(rng.sample(pool, min(len(pool), max(3, len(students) // 50))))
    characterised = set(rng.sample(pool, min(len(pool), max(4, len(students) // 30))))
    for s in students:
        if s.pk not in covered:
            continue
        chosen = set()
        for code, p in (
            ("large_family", 0.12),
            ("low_income", 0.06),
            ("single_parent", 0.1),
            ("foster", 0.01),
            ("svo", 0.02),
        ):
            if rng.random() < p:
                chosen.add(str(categories[code].pk))
        if s.pk in ovz_ids and rng.random() < 0.5:
            chosen.add(str(categories["disabled_child"].pk))
        if chosen:
            passports.append(
                SocialPassport(
                    school=school,
                    student=s,
                    categories=sorted(chosen, key=int),
                    updated_by=psychologist,
                    updated_at=when,
                )
            )
        if s.pk in on_register:
            kind = rng.choice(["school", "school", "pdn", "kdn"])
            put_on = year.starts_on + timedelta(
                days=rng.randint(0, max(1, (demo.today - year.starts_on).days))
            )
            put_on = min(put_on, demo.today)
            registers.append(
                RegisterEntry(
                    school=school,
                    student=s,
                    kind=kind,
                    put_on=put_on,
                    reason=rng.choice(REASONS),
                    recorded_by=psychologist,
                    recorded_at=_moment(school, put_on, 15),
                )
            )
        if s.pk in characterised:
            written = min(year.starts_on + timedelta(days=rng.randint(10, 40)), demo.today)
            characteristics.append(
                Characteristic(
                    school=school,
                    student=s,
                    written_on=written,
                    text=rng.choice(CHARACTERISTICS),
                    author=psychologist,
                    created_at=_moment(school, written, 16),
                )
            )
    with pghistory.context(user=psychologist.pk if psychologist else None):
        SocialPassport.objects.bulk_create(passports, batch_size=500)
        RegisterEntry.objects.bulk_create(registers)
        Characteristic.objects.bulk_create(characteristics)

    # Meal benefits: ОВЗ students and the families of the passport, on their documents.
    category_of = {
        str(categories[c].pk): c for c in ("large_family", "low_income", "svo", "foster")
    }
    meal_category = {
        "large_family": "large_family",
        "low_income": "low_income",
        "svo": "svo",
        "foster": "orphan",
    }
    benefits = []
    secretary = demo.users.get("secretary")
    for p in passports:
        for cat in p.categories:
            if cat in category_of and rng.random() < 0.85:
                code = category_of[cat]
                benefits.append(
                    MealBenefit(
                        school=school,
                        student=p.student,
                        category=meal_category[code],
                        basis=f"Справка УСЗН № {rng.randint(1000, 9999)} от {year.starts_on - timedelta(days=rng.randint(3, 40)):%d.%m.%Y}",
                        valid_from=year.starts_on,
                        valid_until=date(year.starts_on.year, 12, 31)
                        if rng.random() < 0.3
                        else None,
                        recorded_by=secretary,
                        recorded_at=when,
                    )
                )
    for student_id in ovz_ids:
        benefits.append(
            MealBenefit(
                school=school,
                student_id=student_id,
                category="disabled",
                basis="Заключение ПМПК",
                valid_from=year.starts_on,
                recorded_by=secretary,
                recorded_at=when,
            )
        )
    with pghistory.context(user=secretary.pk if secretary else None):
        MealBenefit.objects.bulk_create(benefits, batch_size=500)

    _meal_month(demo)


def _meal_month(demo) -> None:
    """Confirmations, lines and fixed orders for the school days of the last month (today
    is left to the class teachers: it is their morning's work)."""
    school, year = demo.school, demo.year
    first = max(year.starts_on, demo.today - timedelta(days=31))
    day = first
    while day < demo.today:
        if day <= year.ends_on and meals.is_meal_day(school, day):
            _meal_day(demo, day)
        day += timedelta(days=1)


def _meal_day(demo, day: date) -> None:
    school, rng = demo.school, demo.rng
    deadline = _moment(school, day, 9)
    classes = meals.classes_of_day(school, day)
    class_teacher = {c.pk: c.class_teacher_id for c in classes}
    confirmations = [
        MealConfirmation(
            school=school,
            school_class=c,
            day=day,
            confirmed_by_id=class_teacher[c.pk],
            confirmed_at=_moment(school, day, 8, rng.randint(5, 55)),
        )
        for c in classes
        if class_teacher[c.pk] and rng.random() < 0.93
    ]
    MealConfirmation.objects.bulk_create(confirmations)
    confirmed = {m.school_class_id for m in confirmations}
    by_class = rosters(classes, day)
    away = absent_now(
        class_students={cid: [s.pk for s in ss] for cid, ss in by_class.items()},
        day=day,
        now=deadline,
    )
    benefits = meals.benefits_of([s.pk for ss in by_class.values() for s in ss])
    lines = []
    for c in classes:
        shift = c.shift.number if c.shift_id else 1
        for s in by_class[c.pk]:
            if s.pk in away:
                continue
            category = meals.free_category(grade=c.grade, benefits=benefits[s.pk], day=day)
            eats = meals.default_meals(category=category, shift_number=shift)
            if not category and c.pk in confirmed and rng.random() < 0.3:
                eats = {"lunch"}  # some families pay for lunch
            lines.extend(
                MealLine(
                    school=school,
                    school_class=c,
                    day=day,
                    student=s,
                    meal=m,
                    category=category or "paid",
                )
                for m in sorted(eats)
            )
    MealLine.objects.bulk_create(lines, batch_size=2000)
    MealOrder.objects.create(
        school=school, day=day, fixed_at=deadline, counts=meals.order_counts(school, day)
    )
