"""Demo step of the contingent area: personal files, consents and this year's orders.

`populate(demo)` runs after the structure builder (apps/school/demo): the students are
already in their classes from 1 September. It fills their personal files and consents,
records the September enrolment orders of the first and tenth grades that put them there,
and signs a few realistic movements (leavings with the destination school, transfers
between parallel classes, arrivals) through the real services, so the register, the
movement report and the document store have content.
"""

import re
from collections import defaultdict
from datetime import timedelta

from django.db import transaction

from apps.accounts.models import RoleGrant
from apps.orders import services
from apps.orders.models import KIND_TITLES, Order, OrderItem, OrderKind, SchoolDocument
from apps.school import clock
from apps.school.demo.statistics import analyze
from apps.students.models import (
    Enrollment,
    Guardianship,
    PersonalDataConsent,
    Student,
)

STREETS = (
    "ул. Ленина",
    "ул. Мира",
    "ул. Советская",
    "ул. Школьная",
    "пр. Октябрьский",
    "ул. Гагарина",
    "ул. Молодёжная",
    "ул. Первомайская",
    "ул. Пушкина",
    "ул. Садовая",
)
SCHOOLS_ELSEWHERE = (
    "МБОУ «СОШ № 5», г. Сыктывкар",
    "МАОУ «Гимназия № 1», г. Ухта",
    "МБОУ «Лицей № 2», г. Воркута",
    "ГБОУ «Школа № 1502», г. Москва",
    "МАОУ «СОШ № 3 им. И. И. Рынкового», г. Мегион",
)
SCHOOLS_BEFORE = (
    "МБОУ «СОШ № 12», г. Киров",
    "МАОУ «СОШ № 7», г. Пермь",
    "МБОУ «ООШ № 4», с. Выльгорт",
)
ARRIVALS = (
    ("Лазарева", "Ксения", "Олеговна", "f"),
    ("Никитин", "Артём", "Денисович", "m"),
    ("Голубева", "Вероника", "Ильинична", "f"),
)


def _snils(rng) -> str:
    digits = [rng.randint(0, 9) for _ in range(9)]
    digits[0] = rng.randint(1, 9)  # well above 001-001-998, where the check number applies
    total = sum(d * (9 - i) for i, d in enumerate(digits)) % 101
    check = 0 if total == 100 else total
    d = "".join(map(str, digits))
    return f"{d[0:3]}-{d[3:6]}-{d[6:9]} {check:02d}"


def _role_user(school, role):
    grant = (
        RoleGrant.objects.filter(school=school, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return grant.user if grant else None


# The dative of the regions a demo school may stand in, for «УМВД России по …».
_REGION_DATIVE = {"Тверская область": "Тверской области", "Республика Коми": "Республике Коми"}


def _town_of(school) -> tuple[str, str]:
    """(town, region in the dative) read from the school's address: «…, г. Тверь, ул. …»."""
    town_match = re.search(r"г\.\s*([^,]+)", school.address or "")
    region_match = re.search(
        r"([А-ЯЁ][а-яё]+ (?:область|край)|Республика [А-ЯЁ][а-яё]+)", school.address or ""
    )
    region = region_match.group(1) if region_match else ""
    return (
        town_match.group(1).strip() if town_match else "Тверь",
        _REGION_DATIVE.get(region, ""),
    )


def fill_personal_files(demo) -> None:
    """Documents, SNILS, addresses and consents for every demo student (meals: apps/care)."""
    rng = demo.rng
    students = list(Student.objects.filter(school=demo.school))
    first_guardian = {}
    for g in Guardianship.objects.filter(student__in=students).order_by("pk"):
        first_guardian.setdefault(g.student_id, g.guardian_id)
    consents = []
    town, region = _town_of(demo.school)
    for n, s in enumerate(students, start=1):
        age = (demo.year.starts_on - s.birth_date).days // 365
        if age >= 14:
            s.document_type, s.document_series = (
                "passport",
                f"{rng.randint(10, 99)} {rng.randint(10, 25):02d}",
            )
            s.document_number = f"{rng.randint(100000, 999999)}"
            s.document_issued_by = f"УМВД России по {region}" if region else "УМВД России"
        else:
            s.document_type = "birth_certificate"
            s.document_series = f"{rng.choice(['I', 'II', 'III', 'IV'])}-ЕА"
            s.document_number = f"{rng.randint(100000, 999999)}"
            s.document_issued_by = f"Отдел ЗАГС, г. {town}"
        s.document_issued_on = s.birth_date + timedelta(
            days=rng.randint(10, 40) if age < 14 else 14 * 365 + 30
        )
        s.snils = _snils(rng)
        # Pupils live in the school's own town.
        address = (
            f"г. {town}, {rng.choice(STREETS)}, д. {rng.randint(1, 120)}, кв. {rng.randint(1, 200)}"
        )
        s.registration_address = s.residence_address = address
        s.personal_file_number = f"{s.last_name[:1]}-{n:04d}"
        if rng.random() < 0.96:  # a few consents are still being collected
            consents.append(
                PersonalDataConsent(
                    school=demo.school,
                    student=s,
                    guardian_id=first_guardian.get(s.pk),
                    given_on=demo.year.starts_on - timedelta(days=rng.randint(0, 5)),
                    document=f"Согласие № {n} на обработку персональных данных",
                )
            )
    Student.objects.bulk_update(
        students,
        [
            "document_type",
            "document_series",
            "document_number",
            "document_issued_on",
            "document_issued_by",
            "snils",
            "registration_address",
            "residence_address",
            "personal_file_number",
        ],
        batch_size=500,
    )
    PersonalDataConsent.objects.bulk_create(consents, batch_size=500)


@transaction.atomic
def record_september_enrolments(demo, secretary, director) -> list[Order]:
    """The enrolment orders of 1 September for grades 1 and 10, matching the class lists
    the structure builder made (the enrolments exist already; the orders are their basis)."""
    start = demo.year.starts_on
    orders = []
    for grades, title in (((1,), "О зачислении в 1 классы"), ((10,), "О зачислении в 10 классы")):
        enrolments = list(
            Enrollment.objects.filter(
                school_class__year=demo.year, school_class__grade__in=grades, starts_on=start
            )
            .select_related("student", "school_class")
            .order_by("school_class__letter", "student__last_name")
        )
        if not enrolments:
            continue
        order = services.order_draft(
            acting_user=secretary,
            school=demo.school,
            year=demo.year,
            kind=OrderKind.ENROLMENT,
            order_date=start - timedelta(days=3),
            effective_on=start,
            title=title,
            basis="заявления родителей (законных представителей)",
        )
        OrderItem.objects.bulk_create(
            [
                OrderItem(
                    school=demo.school,
                    order=order,
                    student=e.student,
                    to_class=e.school_class,
                    position=i,
                    created_enrollment=e,
                )
                for i, e in enumerate(enrolments, start=1)
            ]
        )
        order.sequence, order.number = services._next_number(order)
        order.status, order.signed_by, order.signed_at = (
            Order.Status.SIGNED,
            director,
            clock.now(),
        )
        order.save()
        SchoolDocument.objects.create(
            school=demo.school,
            category=SchoolDocument.Category.ORDERS,
            order=order,
            dated=order.order_date,
            title=f"Приказ № {order.number} от {order.order_date:%d.%m.%Y} «{order.title}»",
            added_by=director,
        )
        orders.append(order)
    return orders


def sign_movements(demo, secretary, director) -> None:
    """A few leavings, transfers and arrivals during the year, signed through the services."""
    rng, year = demo.rng, demo.year
    last = min(demo.today, year.ends_on)
    span = (last - year.starts_on).days
    if span < 20:
        return
    by_grade = defaultdict(list)
    for cls in sorted(demo.classes, key=lambda c: (c.grade, c.letter)):
        by_grade[cls.grade].append(cls)
    current = {
        e.student_id: e.school_class
        for e in Enrollment.objects.filter(
            school_class__year=year, ends_on__isnull=True
        ).select_related("school_class")
    }
    pool = [s for s in demo.students if s.pk in current]
    rng.shuffle(pool)

    def day(fraction: float):
        """A weekday that far into the year so far: orders are signed in office hours."""
        d = year.starts_on + timedelta(days=max(1, int(span * fraction)))
        while d.isoweekday() > 5:
            d += timedelta(days=1)
        return min(d, last)

    # Numbers follow the order of signing, so the orders are signed in date order at the end.
    planned: list[tuple] = []

    def sign(kind, on, lines, basis):
        planned.append((kind, on, lines, basis))

    def sign_now(kind, on, lines, basis):
        order = services.order_draft(
            acting_user=secretary,
            school=demo.school,
            year=year,
            kind=kind,
            order_date=on,
            effective_on=on,
            basis=basis,
        )
        for line in lines:
            services.order_item_add(acting_user=secretary, order=order, **line)
        services.order_sign(acting_user=director, order=order)

    leavers = pool[:3]
    for i, s in enumerate(leavers):
        sign(
            OrderKind.LEAVING,
            day(0.25 + 0.2 * i),
            [
                {
                    "student": s,
                    "destination": SCHOOLS_ELSEWHERE[i % 5],
                    "reason": "перевод по заявлению родителей",
                }
            ],
            "заявление родителя (законного представителя), справка о зачислении",
        )
    movers = [s for s in pool[3:] if len(by_grade[current[s.pk].grade]) > 1][:2]
    for i, s in enumerate(movers):
        target = next(c for c in by_grade[current[s.pk].grade] if c.pk != current[s.pk].pk)
        sign(
            OrderKind.TRANSFER,
            day(0.35 + 0.2 * i),
            [{"student": s, "to_class": target}],
            "заявление родителя (законного представителя)",
        )
    arrivals = []
    for last_name, first_name, patronymic, sex in ARRIVALS:
        cls = rng.choice(demo.classes)
        student = Student.objects.create(
            school=demo.school,
            last_name=last_name,
            first_name=first_name,
            patronymic=patronymic,
            sex=sex,
            birth_date=year.starts_on.replace(year=year.starts_on.year - cls.grade - 6)
            + timedelta(days=rng.randint(0, 300)),
            snils=_snils(rng),
        )
        arrivals.append({"student": student, "to_class": cls, "origin": rng.choice(SCHOOLS_BEFORE)})
    sign(
        OrderKind.ENROLMENT, day(0.5), arrivals, "заявления родителей, личные дела из прежних школ"
    )
    for kind, on, lines, basis in sorted(planned, key=lambda p: p[1]):
        sign_now(kind, on, lines, basis)
    # The class teachers have placed the newcomers in their class's subgroups, as a school
    # does in the first days (the reminder catches the ones forgotten).
    _place_in_subgroups(
        [(s, target) for s in movers for target in [_target_of(planned, s)] if target]
        + [(line["student"], line["to_class"]) for line in arrivals]
    )
    # One draft waits for the director's signature.
    candidates = [s for s in pool[5:] if s not in movers]
    if candidates:
        order = services.order_draft(
            acting_user=secretary,
            school=demo.school,
            year=year,
            kind=OrderKind.LEAVING,
            order_date=last,
            effective_on=last,
            title=str(KIND_TITLES[OrderKind.LEAVING]),
            basis="заявление родителя (законного представителя)",
        )
        services.order_item_add(
            acting_user=secretary,
            order=order,
            student=candidates[0],
            destination=SCHOOLS_ELSEWHERE[4],
        )


def populate(demo) -> None:
    secretary = _role_user(demo.school, "secretary")
    director = _role_user(demo.school, "director")
    if secretary is None or director is None:
        return
    fill_personal_files(demo)
    analyze(PersonalDataConsent)
    record_september_enrolments(demo, secretary, director)
    sign_movements(demo, secretary, director)


def _target_of(planned, student):
    for kind, _on, lines, _basis in planned:
        for line in lines:
            if kind == OrderKind.TRANSFER and line["student"] == student:
                return line["to_class"]
    return None


def _place_in_subgroups(placements) -> None:
    """Each pupil into the smaller subgroup of every split subject of their new class."""
    from apps.classes.models import Subgroup

    for student, school_class in placements:
        by_subject = defaultdict(list)
        for group in Subgroup.objects.filter(school_class=school_class).prefetch_related("members"):
            by_subject[group.subject_id].append(group)
        for groups in by_subject.values():
            if any(student in g.members.all() for g in groups):
                continue
            min(groups, key=lambda g: (len(g.members.all()), g.name)).members.add(student)
