"""The demo school: deterministic, realistic, complete — every role can log in and look around."""

from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from apps.accounts.models import RoleGrant, User
from apps.accounts.policy import STAFF_ROLES, Role
from apps.classes.models import CurriculumLine, SchoolClass, Subgroup, TeachingAssignment
from apps.school.demo import DEMO_PASSWORD
from apps.school.demo.curriculum import SUBJECTS
from apps.school.demo.names import name_lists
from apps.school.demo.plan import plan_school
from apps.school.demo.structure import build_structure
from apps.school.models import AcademicYear, Holiday, School, StudyPeriod
from apps.school.policy import public_days_off
from apps.school.services import ClosedYearError, ensure_year_writable
from apps.staff.models import StaffMember
from apps.students.models import Enrollment, Guardian, Guardianship, Student

TODAY = date(2026, 11, 24)
SCALE = 0.1
DEMO_ROLES = {
    "admin": Role.ADMIN,
    "director": Role.DIRECTOR,
    "deputy": Role.DEPUTY,
    "dispatcher": Role.DISPATCHER,
    "teacher": Role.TEACHER,
    "secretary": Role.SECRETARY,
    "medic": Role.MEDIC,
    "psychologist": Role.PSYCHOLOGIST,
    "technical": Role.TECHNICAL,
    "parent": Role.PARENT,
    "student": Role.STUDENT,
}
SPLIT = {s.name: s for s in SUBJECTS}


@pytest.fixture
def demo(db):
    return build_structure(seed=7, today=TODAY, scale=SCALE)


def _roster(school_class) -> set[int]:
    return set(
        Student.objects.enrolled_on(
            TODAY if school_class.year.status == "open" else school_class.year.ends_on
        )
        .filter(enrollments__school_class=school_class)
        .values_list("pk", flat=True)
    )


# --- the plan at full scale (no database) -------------------------------------------------


def test_the_full_school_is_the_size_of_a_real_one():
    plan = plan_school(seed=2026, today=TODAY, scale=1.0)
    students = sum(len(c.students) for c in plan.current.classes)
    assert 650 <= students <= 750
    assert 50 <= len(plan.staff) <= 60
    assert {s.role for s in plan.staff} == set(Role.values) - {Role.PARENT, Role.STUDENT}
    per_grade = Counter(c.grade for c in plan.current.classes)
    assert set(per_grade) == set(range(1, 12)) and set(per_grade.values()) <= {2, 3}
    teachers = [i for i, s in enumerate(plan.staff) if s.role == Role.TEACHER]
    assert 38 <= len(teachers) <= 44
    loads = plan.loads()
    assert all(18 <= loads[t] <= 27 for t in teachers), sorted(loads.values())
    assert all(1 <= (f.mother is not None) + (f.father is not None) <= 2 for f in plan.families)
    assert all(len(c.students) <= c.capacity for c in plan.current.classes + plan.last.classes)


def test_a_seed_gives_one_school_and_another_seed_another():
    first, again = (
        plan_school(seed=3, today=TODAY, scale=0.3),
        plan_school(seed=3, today=TODAY, scale=0.3),
    )
    other = plan_school(seed=4, today=TODAY, scale=0.3)
    assert first == again
    assert [s.person for s in first.students] != [s.person for s in other.students]


# --- the school written to the database ---------------------------------------------------


def _fingerprint(school) -> tuple:
    users = sorted(
        User.objects.filter(role_grants__school=school).values_list(
            "username", "last_name", "first_name", "patronymic", "role_grants__role"
        )
    )
    classes = sorted(
        SchoolClass.objects.filter(school=school).values_list(
            "year__name", "grade", "letter", "class_teacher__username", "shift__number", "capacity"
        )
    )
    enrolments = sorted(
        Enrollment.objects.filter(school=school).values_list(
            "student__last_name",
            "student__first_name",
            "student__birth_date",
            "school_class__year__name",
            "school_class__grade",
            "school_class__letter",
            "starts_on",
            "ends_on",
            "note",
        )
    )
    load = sorted(
        TeachingAssignment.objects.filter(school=school).values_list(
            "year__name",
            "school_class__grade",
            "school_class__letter",
            "subject__name",
            "subgroup__name",
            "teacher__username",
            "hours_per_week",
        )
    )
    groups = sorted(
        Subgroup.members.through.objects.filter(subgroup__school=school).values_list(
            "subgroup__school_class__year__name",
            "subgroup__school_class__grade",
            "subgroup__school_class__letter",
            "subgroup__subject__name",
            "subgroup__name",
            "student__last_name",
            "student__first_name",
        )
    )
    families = sorted(
        Guardianship.objects.filter(school=school).values_list(
            "guardian__user__username", "relationship", "student__last_name", "student__first_name"
        )
    )
    return users, classes, enrolments, load, groups, families


class Rollback(Exception):
    pass


def test_the_same_seed_builds_the_same_school(db):
    try:
        with transaction.atomic():
            first = _fingerprint(build_structure(seed=11, today=TODAY, scale=SCALE).school)
            raise Rollback
    except Rollback:
        pass
    assert not School.objects.exists()
    again = _fingerprint(build_structure(seed=11, today=TODAY, scale=SCALE).school)
    assert first == again


def test_every_demo_login_opens_its_role(demo):
    assert set(demo.users) == set(DEMO_ROLES)
    for login, role in DEMO_ROLES.items():
        user = User.objects.get(username=login)
        assert user == demo.users[login]
        assert user.check_password(DEMO_PASSWORD) and not user.must_change_password
        assert RoleGrant.objects.filter(user=user, school=demo.school, role=role).exists(), login
        assert user.last_name and user.first_name and user.patronymic

    teacher = demo.users["teacher"]
    five_a = SchoolClass.objects.get(year=demo.year, grade=5, letter="А")
    assert five_a.class_teacher == teacher
    assert TeachingAssignment.objects.filter(
        teacher=teacher, school_class=five_a, subject__name="Математика"
    ).exists()
    student = Student.objects.get(user=demo.users["student"])
    assert Enrollment.objects.get(student=student, ends_on__isnull=True).school_class == five_a
    children_classes = set(
        Enrollment.objects.filter(
            student__guardianships__guardian__user=demo.users["parent"],
            ends_on__isnull=True,
        ).values_list("school_class", flat=True)
    )
    assert len(children_classes) == 2 and five_a.pk in children_classes
    assert demo.school.director == demo.users["director"]


def test_every_person_has_an_account_with_one_shared_password_hash(demo):
    students = Student.objects.filter(school=demo.school).enrolled_on(TODAY)
    assert students.count() == len(demo.students) > 0
    assert not students.filter(user__isnull=True).exists()
    assert not Guardian.objects.filter(school=demo.school, user__isnull=True).exists()
    staff_users = set(StaffMember.objects.filter(school=demo.school).values_list("user", flat=True))
    staff_grants = RoleGrant.objects.filter(school=demo.school, role__in=STAFF_ROLES)
    assert staff_users == set(staff_grants.values_list("user", flat=True))
    hashes = set(
        User.objects.filter(role_grants__school=demo.school).values_list("password", flat=True)
    )
    assert len(hashes) == 1
    logins = list(User.objects.values_list("username", flat=True))
    assert len(logins) == len(set(logins))
    assert all(login.isascii() for login in logins)
    for student in students.filter(guardianships__isnull=True):
        pytest.fail(f"{student} has no parent")
    per_student = Counter(
        Guardianship.objects.filter(school=demo.school, student__in=students).values_list(
            "student", flat=True
        )
    )
    assert set(per_student.values()) <= {1, 2}


def test_every_class_has_a_class_teacher_and_a_teacher_for_each_subject(demo):
    teachers = set(
        RoleGrant.objects.filter(school=demo.school, role=Role.TEACHER).values_list(
            "user", flat=True
        )
    )
    for year in (demo.year, demo.last_year):
        lines = defaultdict(dict)
        for line in CurriculumLine.objects.filter(year=year).select_related("subject"):
            lines[line.grade][line.subject.name] = line.hours_per_week
        for school_class in SchoolClass.objects.filter(year=year):
            assert school_class.class_teacher_id in teachers, school_class
            taught = defaultdict(list)
            for a in TeachingAssignment.objects.filter(school_class=school_class).select_related(
                "subject", "subgroup"
            ):
                assert a.teacher_id in teachers
                taught[a.subject.name].append(a)
            assert set(taught) == set(lines[school_class.grade]), school_class
            for subject, assignments in taught.items():
                expected_groups = 2 if SPLIT[subject].splits(school_class.grade) else 1
                assert len(assignments) == expected_groups, (school_class, subject)
                assert all((a.subgroup is not None) == (expected_groups == 2) for a in assignments)
                assert all(
                    a.hours_per_week == lines[school_class.grade][subject] for a in assignments
                )
    assert len(demo.classes) == SchoolClass.objects.filter(year=demo.year).count()
    assert len(demo.assignments) == TeachingAssignment.objects.filter(year=demo.year).count()


def test_subgroups_split_each_class_in_halves(demo):
    pairs = defaultdict(list)
    for subgroup in Subgroup.objects.filter(school=demo.school).prefetch_related("members"):
        pairs[(subgroup.school_class_id, subgroup.subject_id)].append(
            {m.pk for m in subgroup.members.all()}
        )
    assert pairs
    english_from_2 = Subgroup.objects.filter(
        school_class__year=demo.year, subject__name__startswith="Иностранный"
    )
    assert set(english_from_2.values_list("school_class__grade", flat=True)) == set(range(2, 12))
    for (class_id, _subject), (first, second) in pairs.items():
        assert not first & second
        assert first | second == _roster(SchoolClass.objects.get(pk=class_id))
        assert abs(len(first) - len(second)) <= 1


def test_classes_stay_within_capacity_and_last_year_is_closed(demo):
    assert demo.year.status == AcademicYear.Status.OPEN and demo.year.name == "2026/2027"
    assert (
        demo.last_year.status == AcademicYear.Status.CLOSED and demo.last_year.name == "2025/2026"
    )
    with pytest.raises(ClosedYearError):
        ensure_year_writable(demo.last_year)
    for school_class in SchoolClass.objects.filter(school=demo.school).select_related("year"):
        assert 0 < len(_roster(school_class)) <= school_class.capacity, school_class


def test_last_year_the_students_were_a_grade_lower(demo):
    history = defaultdict(list)
    for e in (
        Enrollment.objects.filter(school=demo.school)
        .select_related("school_class__year")
        .order_by("starts_on")
    ):
        history[e.student_id].append(e)
    moved_up = 0
    for enrolments in history.values():
        for earlier, later in zip(enrolments, enrolments[1:], strict=False):
            assert earlier.ends_on is not None and earlier.ends_on < later.starts_on
            assert (
                earlier.school_class.year == demo.last_year and later.school_class.year == demo.year
            )
            assert later.school_class.grade == earlier.school_class.grade + 1
            moved_up += 1
    assert moved_up > len(demo.students) // 2
    graduates = Enrollment.objects.filter(school_class__year=demo.last_year, school_class__grade=11)
    assert (
        graduates.exists()
        and not graduates.filter(student__enrollments__ends_on__isnull=True).exists()
    )
    first_graders = Student.objects.filter(
        enrollments__school_class__grade=1, enrollments__school_class__year=demo.year
    )
    assert not Enrollment.objects.filter(
        student__in=first_graders, school_class__year=demo.last_year
    ).exists()


def test_the_calendar_has_quarters_half_years_holidays_and_public_days_off(demo):
    periods = StudyPeriod.objects.filter(year=demo.year)
    assert Counter(periods.values_list("scheme", flat=True)) == {"quarter": 4, "half": 2}
    assert periods.get(scheme="quarter", number=1).starts_on == date(2026, 9, 1)
    names = set(Holiday.objects.filter(year=demo.year).values_list("name", flat=True))
    assert {"Осенние каникулы", "Зимние каникулы", "Весенние каникулы"} <= names
    february = Holiday.objects.get(year=demo.year, grades=[1])
    assert february.starts_on.month == 2
    days_off = public_days_off(demo.school, date(2026, 9, 1), date(2027, 5, 31))
    assert {
        date(2026, 11, 4),
        date(2027, 1, 1),
        date(2027, 2, 23),
        date(2027, 3, 8),
        date(2027, 5, 3),
        date(2027, 5, 10),
    } <= days_off
    quarters = periods.filter(scheme="quarter").order_by("number")
    for holiday in Holiday.objects.filter(year=demo.year, kind=Holiday.Kind.VACATION, grades=[]):
        assert not any(q.starts_on <= holiday.starts_on <= q.ends_on for q in quarters), holiday


def test_two_shifts_with_the_younger_grades_in_the_afternoon(demo):
    assert len(demo.shifts) == 2
    for school_class in SchoolClass.objects.filter(year=demo.year).select_related("shift"):
        assert school_class.shift.number == (2 if school_class.grade in (2, 3, 4) else 1)
    first, second = demo.shifts
    assert first.bells.order_by("lesson_number").first().starts_at.hour == 8
    assert second.bells.order_by("-lesson_number").first().ends_at.hour < 19


def test_names_are_russian_and_children_take_their_fathers_patronymic(demo):
    lists = name_lists()
    patronymics = {m.name: m for gen in ("old", "adult", "child") for m in lists[f"male_{gen}"]}
    surnames = {male: (male, female) for male, female in lists["surnames"]}
    surnames |= {female: (male, female) for male, female in lists["surnames"]}
    checked = 0
    for link in Guardianship.objects.filter(school=demo.school).select_related(
        "student", "guardian"
    ):
        student, parent = link.student, link.guardian
        pair = surnames[parent.last_name]
        assert student.last_name == pair[0 if student.sex == "m" else 1]
        if link.relationship == Guardianship.Relationship.FATHER:
            father = patronymics[parent.first_name]
            assert student.patronymic == (
                father.patronymic_male if student.sex == "m" else father.patronymic_female
            )
            checked += 1
    assert checked > 0


# --- the commands -------------------------------------------------------------------------


def test_demo_school_refuses_a_database_with_a_school(world):
    with pytest.raises(CommandError, match="уже есть школа"):
        call_command("demo_school", "--scale", "0.1")


def test_demo_prints_one_login_per_role(db):
    out = StringIO()
    call_command("demo", "--no-server", "--scale", str(SCALE), stdout=out)
    table = out.getvalue()
    for login in DEMO_ROLES:
        assert f"\n{login} " in table
    assert table.count(DEMO_PASSWORD) == len(DEMO_ROLES)
    assert "5А" in table
    # A second run finds the school and does not build another one.
    call_command("demo", "--no-server", stdout=StringIO())
    assert School.objects.count() == 1
