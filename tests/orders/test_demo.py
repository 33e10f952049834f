"""The contingent demo step on a small school built from factories (the structure builder
of the demo may not be on this branch; `populate` only needs the DemoSchool contract)."""

import random
from datetime import date

from apps.orders.demo import populate
from apps.orders.models import Order, OrderKind, SchoolDocument
from apps.orders.selectors import movement_report
from apps.school.demo import DEMO_STEPS, DemoSchool
from apps.students.identity import snils_is_valid
from apps.students.models import PersonalDataConsent, Student
from tests import factories as f


def test_demo_step_is_registered():
    assert "apps.orders.demo.populate" in DEMO_STEPS


def test_populate_fills_files_and_the_register(world):
    classes = [
        world.school_class,
        f.SchoolClassFactory(year=world.year, grade=5, letter="Б"),
        f.SchoolClassFactory(year=world.year, grade=1, letter="А"),
    ]
    students = [world.student]
    for cls in classes:
        for _ in range(6):
            students.append(f.EnrollmentFactory(school_class=cls).student)
    demo = DemoSchool(
        school=world.school,
        year=world.year,
        last_year=None,
        today=date(2026, 11, 24),
        rng=random.Random(1),
        classes=classes,
        students=students,
    )
    populate(demo)
    sample = Student.objects.get(pk=world.student.pk)
    assert snils_is_valid(sample.snils) and sample.document_number and sample.registration_address
    assert PersonalDataConsent.objects.filter(school=world.school).count() >= 15
    kinds = set(
        Order.objects.filter(school=world.school, status="signed").values_list("kind", flat=True)
    )
    assert {OrderKind.ENROLMENT, OrderKind.LEAVING, OrderKind.TRANSFER} <= kinds
    assert Order.objects.filter(school=world.school, status="draft").exists()
    # A register where a later number carries an earlier date would puzzle any secretary.
    register = Order.objects.filter(school=world.school, status="signed").order_by("sequence")
    dates = [o.order_date for o in register]
    assert dates == sorted(dates)
    assert (
        SchoolDocument.objects.filter(school=world.school).count()
        == Order.objects.filter(status="signed").count()
    )
    report = movement_report(
        school=world.school, date_from=world.year.starts_on, date_to=date(2026, 11, 24)
    )
    assert report.totals["came"] >= 3 and report.totals["left"] >= 3


def test_the_demo_places_transferred_and_arriving_pupils_in_subgroups(world):
    from apps.students.selectors import subgroup_gaps

    classes = [world.school_class, f.SchoolClassFactory(year=world.year, grade=5, letter="Б")]
    students = [world.student]
    for cls in classes:
        english = f.SubjectFactory(school=world.school, name=f"Английский язык {cls.letter}")
        groups = [
            f.SubgroupFactory(school_class=cls, subject=english, name=f"{n} группа") for n in (1, 2)
        ]
        for i in range(6):
            pupil = f.EnrollmentFactory(school_class=cls).student
            groups[i % 2].members.add(pupil)
            students.append(pupil)
    groups_of_5a = world.school_class.subgroups.exclude(pk=world.subgroup.pk)
    groups_of_5a.first().members.add(world.student)
    world.subgroup.members.set(
        [s for s in students if s.enrollments.filter(school_class=world.school_class).exists()]
    )
    today = date(2026, 11, 24)
    populate(
        DemoSchool(
            school=world.school,
            year=world.year,
            last_year=None,
            today=today,
            rng=random.Random(1),
            classes=classes,
            students=students,
        )
    )
    assert subgroup_gaps(classes=world.year.classes.all(), on=today) == []


def test_demo_pupils_live_in_the_schools_own_town(world):
    world.school.address = "170100, Тверская область, г. Тверь, ул. Школьная, д. 17"
    world.school.save(update_fields=["address"])
    demo = DemoSchool(
        school=world.school,
        year=world.year,
        last_year=None,
        today=date(2026, 11, 24),
        rng=random.Random(3),
        classes=[world.school_class],
        students=[world.student],
    )
    populate(demo)
    addresses = set(
        Student.objects.filter(school=world.school).values_list("registration_address", flat=True)
    )
    addresses.discard("")  # pupils who arrive later are filed by the order step
    assert addresses and all(a.startswith("г. Тверь, ") for a in addresses)
