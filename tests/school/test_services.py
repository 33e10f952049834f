from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.classes.models import CurriculumLine, SchoolClass, Subgroup, TeachingAssignment
from apps.school import clock, services
from apps.school.models import AcademicYear, Holiday, StudyPeriod
from apps.school.services import ClosedYearError
from apps.students import services as student_services
from apps.students.models import Enrollment
from apps.students.movement import Move, moves_apply
from apps.students.selectors import class_roster
from tests import factories as f


@pytest.fixture
def deputy(world):
    return world.users["deputy"]


def _open_next_year(world, deputy):
    nxt = f.AcademicYearFactory(
        school=world.school,
        name="2027/2028",
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 5, 31),
        status=AcademicYear.Status.PLANNED,
    )
    services.academic_year_open(acting_user=deputy, year=nxt)
    world.year.refresh_from_db()
    nxt.refresh_from_db()
    return nxt


def test_opening_a_new_year_closes_the_previous_one(world, deputy):
    nxt = _open_next_year(world, deputy)
    assert world.year.status == AcademicYear.Status.CLOSED
    assert nxt.status == AcademicYear.Status.OPEN
    assert AcademicYear.objects.filter(school=world.school).open().get() == nxt
    # The other school's year is untouched.
    world.other.year.refresh_from_db()
    assert world.other.year.status == AcademicYear.Status.OPEN


def test_a_closed_year_is_never_reopened(world, deputy):
    _open_next_year(world, deputy)
    with pytest.raises(ClosedYearError):
        services.academic_year_open(acting_user=deputy, year=world.year)


def test_an_earlier_year_cannot_replace_the_current_one(world, deputy):
    earlier = f.AcademicYearFactory(
        school=world.school,
        name="2025/2026",
        starts_on=date(2025, 9, 1),
        ends_on=date(2026, 5, 31),
        status=AcademicYear.Status.PLANNED,
    )
    with pytest.raises(ValidationError):
        services.academic_year_open(acting_user=deputy, year=earlier)
    world.year.refresh_from_db()
    assert world.year.status == AcademicYear.Status.OPEN


def _year_scoped_rows(world):
    return [
        StudyPeriod.objects.get(year=world.year),
        Holiday.objects.get(year=world.year),
        world.school_class,
        CurriculumLine.objects.get(year=world.year),
        world.subgroup,
        world.assignment,
    ]


def test_no_service_changes_a_closed_year(world, deputy):
    """Seed 000 item 10: after the new year is opened, the old one is read-only everywhere."""
    _open_next_year(world, deputy)
    rows = _year_scoped_rows(world)
    for row in rows:
        row.refresh_from_db()
        with pytest.raises(ClosedYearError):
            services.record_save(acting_user=deputy, school=world.school, instance=row, changes={})
        with pytest.raises(ClosedYearError):
            services.record_delete(acting_user=deputy, school=world.school, instance=row)
    # Creating new rows in the closed year is refused too.
    new_rows = [
        (
            StudyPeriod(year=world.year),
            {
                "scheme": "quarter",
                "number": 2,
                "name": "2 четверть",
                "starts_on": date(2026, 11, 5),
                "ends_on": date(2026, 12, 28),
            },
        ),
        (
            Holiday(year=world.year),
            {
                "name": "Зимние каникулы",
                "starts_on": date(2026, 12, 29),
                "ends_on": date(2027, 1, 8),
            },
        ),
        (SchoolClass(year=world.year), {"grade": 6, "letter": "Б"}),
        (
            CurriculumLine(year=world.year),
            {"grade": 6, "subject": world.subject, "hours_per_week": 4},
        ),
        (
            Subgroup(),
            {"school_class": world.school_class, "subject": world.subject, "name": "2 группа"},
        ),
        (
            TeachingAssignment(year=world.year),
            {
                "teacher": world.users["teacher"],
                "school_class": world.school_class,
                "subject": f.SubjectFactory(school=world.school),
            },
        ),
    ]
    for instance, changes in new_rows:
        with pytest.raises(ClosedYearError):
            services.record_save(
                acting_user=deputy, school=world.school, instance=instance, changes=changes
            )
    with pytest.raises(ValidationError, match="закрыт"):
        moves_apply(
            acting_user=deputy,
            moves=[
                Move(
                    student=f.StudentFactory(school=world.school),
                    on=date(2026, 10, 1),
                    to_class=world.school_class,
                    entering=True,
                )
            ],
        )
    with pytest.raises(ValidationError, match="закрыт"):
        moves_apply(
            acting_user=deputy,
            moves=[Move(student=world.student, on=date(2027, 3, 2), leaving=True)],
        )
    with pytest.raises(ClosedYearError):
        student_services.subgroup_set_members(
            acting_user=deputy, subgroup=world.subgroup, students=[world.student]
        )
    # Nothing changed.
    world.school_class.refresh_from_db()
    assert world.school_class.letter == "А"
    assert Enrollment.objects.get(student=world.student).ends_on is None
    assert StudyPeriod.objects.filter(year=world.year).count() == 1


def test_a_record_cannot_point_to_another_schools_rows(world, deputy):
    foreign_teacher_class = world.other.school_class
    with pytest.raises(ValidationError):
        services.record_save(
            acting_user=deputy,
            school=world.school,
            instance=TeachingAssignment(year=world.year),
            changes={
                "teacher": world.users["teacher"],
                "school_class": foreign_teacher_class,
                "subject": world.subject,
            },
        )


def test_a_duplicate_class_is_refused_with_a_russian_message(world, deputy):
    with pytest.raises(ValidationError) as error:
        services.record_save(
            acting_user=deputy,
            school=world.school,
            instance=SchoolClass(year=world.year),
            changes={"grade": 5, "letter": "А", "capacity": 25},
        )
    assert "Такой класс в этом году уже есть." in str(error.value)


def test_the_same_class_name_is_fine_in_another_school(world, deputy):
    # Uniqueness is per school: 5А exists in both schools.
    assert SchoolClass.objects.filter(grade=5, letter="А").count() == 2


def test_transfer_closes_the_previous_enrolment_the_day_before(world, deputy):
    other_class = f.SchoolClassFactory(year=world.year, grade=5, letter="Б")
    moves_apply(
        acting_user=deputy,
        moves=[
            Move(student=world.student, on=date(2026, 11, 16), to_class=other_class, leaving=True)
        ],
    )
    history = list(Enrollment.objects.filter(student=world.student).order_by("starts_on"))
    assert [(e.school_class.name, e.ends_on) for e in history] == [
        ("5А", date(2026, 11, 15)),
        ("5Б", None),
    ]
    assert world.student not in class_roster(school_class=world.school_class, on=date(2026, 11, 16))
    assert world.student in class_roster(school_class=world.school_class, on=date(2026, 11, 15))
    assert world.student in class_roster(school_class=other_class, on=date(2026, 11, 16))


def test_a_student_who_joined_later_is_not_in_the_roster_before(world, deputy):
    newcomer = f.StudentFactory(school=world.school)
    moves_apply(
        acting_user=deputy,
        moves=[
            Move(
                student=newcomer,
                on=date(2026, 11, 10),
                to_class=world.school_class,
                entering=True,
            )
        ],
    )
    assert newcomer not in class_roster(school_class=world.school_class, on=date(2026, 11, 9))
    assert newcomer in class_roster(school_class=world.school_class, on=date(2026, 11, 10))


def test_enrolment_outside_the_year_or_overlapping_is_refused(world, deputy):
    with pytest.raises(ValidationError, match="не входит в учебный год"):
        moves_apply(
            acting_user=deputy,
            moves=[
                Move(
                    student=f.StudentFactory(school=world.school),
                    on=date(2027, 7, 1),
                    to_class=world.school_class,
                    entering=True,
                )
            ],
        )
    moves_apply(
        acting_user=deputy,
        moves=[Move(student=world.student, on=date(2026, 12, 2), leaving=True)],
    )
    with pytest.raises(ValidationError, match="уже числится"):
        # Back-dated into the time the student was still in 5А.
        moves_apply(
            acting_user=deputy,
            moves=[
                Move(
                    student=world.student,
                    on=date(2026, 11, 1),
                    to_class=f.SchoolClassFactory(year=world.year, grade=5, letter="В"),
                    entering=True,
                )
            ],
        )
    with pytest.raises(ValidationError, match="класс другой школы"):
        moves_apply(
            acting_user=deputy,
            moves=[
                Move(
                    student=world.student,
                    on=date(2026, 12, 10),
                    to_class=world.other.school_class,
                    entering=True,
                )
            ],
        )


def test_subgroup_members_must_be_from_the_class(world, deputy):
    stranger = f.EnrollmentFactory(
        school_class=f.SchoolClassFactory(year=world.year, grade=6)
    ).student
    with pytest.raises(ValidationError):
        student_services.subgroup_set_members(
            acting_user=deputy, subgroup=world.subgroup, students=[stranger]
        )
    student_services.subgroup_set_members(
        acting_user=deputy, subgroup=world.subgroup, students=[world.student]
    )
    assert list(world.subgroup.members.all()) == [world.student]


def test_bells_must_not_overlap(world, deputy):
    with pytest.raises(ValidationError) as error:
        services.bells_replace(
            acting_user=deputy,
            shift=world.shift,
            rows=[(1, time(8, 0), time(8, 45)), (2, time(8, 40), time(9, 25))],
        )
    assert "начинается раньше" in str(error.value)
    services.bells_replace(
        acting_user=deputy,
        shift=world.shift,
        rows=[(1, time(8, 0), time(8, 45)), (2, time(8, 55), time(9, 40))],
    )
    assert [b.lesson_number for b in world.shift.bells.all()] == [1, 2]


def test_school_today_uses_the_school_time_zone(world):

    world.school.time_zone = "Asia/Kamchatka"
    kamchatka = clock.school_today(world.school)
    world.school.time_zone = "Europe/Kaliningrad"
    kaliningrad = clock.school_today(world.school)
    utc_today = clock.now().date()
    assert kamchatka - kaliningrad in (timedelta(0), timedelta(days=1))
    assert kaliningrad in (utc_today, utc_today + timedelta(days=1), utc_today - timedelta(days=1))


def test_history_records_who_changed_an_enrolment(world, deputy):
    moves_apply(
        acting_user=deputy,
        moves=[Move(student=world.student, on=date(2026, 12, 2), leaving=True)],
    )
    from apps.students.models import Enrollment as E

    events = E.pgh_event_model.objects.filter(pgh_obj__student=world.student).order_by("pgh_id")
    last = events.last()
    assert last.ends_on == date(2026, 12, 1)
    assert last.pgh_context.metadata["user"] == deputy.pk


def test_enrolment_in_force_on_a_day_and_over_a_span(world):
    """The one definition of "enrolled then": from the first day to the last, open ends run on."""
    from apps.students.selectors import children_of, roster_of

    enrolment = Enrollment.objects.get(student=world.student)
    Enrollment.objects.filter(pk=enrolment.pk).update(
        starts_on=date(2026, 9, 10), ends_on=date(2026, 12, 1)
    )
    enrolment.refresh_from_db()
    assert [enrolment.is_active_on(d) for d in (date(2026, 9, 9), date(2026, 9, 10))] == [
        False,
        True,
    ]
    assert Enrollment.objects.active_on(date(2026, 12, 1)).filter(pk=enrolment.pk).exists()
    assert not Enrollment.objects.active_on(date(2026, 12, 2)).filter(pk=enrolment.pk).exists()
    assert Enrollment.objects.overlapping(date(2026, 11, 30), date(2027, 1, 10)).exists()
    assert not Enrollment.objects.filter(pk=enrolment.pk).overlapping(
        date(2026, 12, 2), date(2027, 1, 10)
    )
    span = (date(2026, 9, 1), date(2026, 9, 9))
    assert not roster_of(world.school_class, span).filter(student=world.student).exists()
    assert roster_of(world.assignment, (date(2026, 9, 1), date(2026, 9, 10))).exists()
    assert list(children_of(user=world.users["parent"], school=world.school)) == [world.student]
    assert not children_of(user=world.users["parent"], school=world.other.school).exists()
