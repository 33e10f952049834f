"""The demo school's structure written to the database: `build_structure()`.

The plan (apps/school/demo/plan.py) decides everything; this module writes it with one
bulk insert per table, so the whole school of ~700 students builds in seconds. Every
person gets an account with the demo password, hashed once and shared.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

import pghistory
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import RoleGrant, User
from apps.accounts.policy import Role
from apps.classes.models import CurriculumLine, SchoolClass, Subgroup, Subject, TeachingAssignment
from apps.school import clock
from apps.school.demo import DEMO_PASSWORD, DemoSchool
from apps.school.demo.curriculum import SUBJECTS, curriculum_for
from apps.school.demo.plan import SchoolPlan, YearPlan, plan_school
from apps.school.demo.school_calendar import SHIFTS
from apps.school.demo.statistics import analyze
from apps.school.models import (
    AcademicYear,
    Bell,
    Holiday,
    Licence,
    School,
    SchoolRules,
    Shift,
    StudyPeriod,
)
from apps.staff.models import StaffMember
from apps.students.models import Enrollment, Guardian, Guardianship, Student

BATCH = 1000

# One line per demo login: the role it shows and what to try first.
DEMO_LOGINS = (
    ("admin", Role.ADMIN, "Пользователи и роли, логины для школы, правила школы, справочники"),
    ("director", Role.DIRECTOR, "Подписать проект приказа; журналы, контроль и отчёты для чтения"),
    (
        "deputy",
        Role.DEPUTY,
        "Контроль журнала и его динамика, успеваемость, закрытие периодов, новый год",
    ),
    ("dispatcher", Role.DISPATCHER, "Расписание уроков, замены и отмены на сегодня"),
    (
        "teacher",
        Role.TEACHER,
        "Уроки сегодня, журнал математики, КТП; класс {teacher_class}: реестр посещаемости",
    ),
    ("secretary", Role.SECRETARY, "Личные дела, импорт, приказы и отчёт о движении"),
    ("medic", Role.MEDIC, "Лист здоровья классов: группы, ОВЗ и ПМПК, печать листа класса"),
    (
        "psychologist",
        Role.PSYCHOLOGIST,
        "Социальный паспорт, учёт, характеристики; льготы на питание",
    ),
    ("technical", Role.TECHNICAL, "Уведомления"),
    ("parent", Role.PARENT, "Дневник двух детей ({parent_classes}), сводка на почту"),
    ("student", Role.STUDENT, "Свой дневник ученика {student_class}, задания, статистика"),
)


def demo_today(school_tz: str = "Europe/Moscow") -> date:
    from zoneinfo import ZoneInfo

    return timezone.localtime(clock.now(), ZoneInfo(school_tz)).date()


def build_structure(*, seed: int, today: date | None, scale: float) -> DemoSchool:
    """Plan the school for the seed and write it; the same seed and day give the same school."""
    today = today or demo_today()
    plan = plan_school(seed=seed, today=today, scale=scale)
    with transaction.atomic(), pghistory.context(demo_school=True):
        return _Writer(plan, today).write()


class _Writer:
    def __init__(self, plan: SchoolPlan, today: date):
        self.plan, self.today = plan, today
        self.password = make_password(DEMO_PASSWORD)
        self.classes_by_year: dict[str, dict] = {}

    def write(self) -> DemoSchool:
        plan = self.plan
        school = self.school = School.objects.create(
            full_name="Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 17»",
            short_name="МБОУ «СОШ № 17»",
            address="170100, Тверская область, г. Тверь, ул. Школьная, д. 17",
            inn="6950012345",
            kpp="695001001",
            ogrn="1026900512345",
            phone="+7 (4822) 32-17-17",
            email="school17@example.com",
            website="https://school17.example.com",
            time_zone="Europe/Moscow",
        )
        SchoolRules.objects.create(school=school)
        Licence.objects.bulk_create(
            [
                Licence(
                    school=school,
                    kind=Licence.Kind.LICENCE,
                    number="Л035-01234-69/00123456",
                    issued_on=date(2016, 2, 15),
                    issuer="Министерство образования Тверской области",
                ),
                Licence(
                    school=school,
                    kind=Licence.Kind.ACCREDITATION,
                    number="А007-01234-69/01234567",
                    issued_on=date(2015, 5, 20),
                    issuer="Министерство образования Тверской области",
                ),
            ]
        )
        self.shifts = {}
        for number, name, bells in SHIFTS:
            shift = self.shifts[number] = Shift.objects.create(
                school=school, number=number, name=name
            )
            Bell.objects.bulk_create(
                Bell(school=school, shift=shift, lesson_number=n, starts_at=s, ends_at=e)
                for n, s, e in bells
            )
        self.subjects = {
            s.name: Subject(
                school=school,
                name=s.name,
                short_name=s.short_name,
                component=s.component,
                order=(i + 1) * 10,
                physical_education=s.department == "pe",
            )
            for i, s in enumerate(SUBJECTS)
        }
        Subject.objects.bulk_create(self.subjects.values())

        self._people()
        last_year, last_classes, _last_assignments = self._year(
            plan.last, AcademicYear.Status.CLOSED
        )
        year, classes, assignments = self._year(plan.current, AcademicYear.Status.OPEN)
        school.director = self.staff_users[plan.demo_logins["director"]]
        school.save(update_fields=["director"])
        self._enrolments(year, last_year)
        analyze(
            User,
            RoleGrant,
            StaffMember,
            Student,
            Guardian,
            Guardianship,
            SchoolClass,
            Subgroup,
            Subgroup.members.through,
            CurriculumLine,
            TeachingAssignment,
            Enrollment,
        )

        students_now = [self.students[i] for c in plan.current.classes for i in c.students]
        users = {login: self.staff_users[i] for login, i in plan.demo_logins.items()}
        users["student"] = self.student_users[plan.demo_student]
        users["parent"] = self.parent_users[(plan.demo_family, "mother")]
        return DemoSchool(
            school=school,
            year=year,
            last_year=last_year,
            today=self.today,
            rng=random.Random(plan.seed + 1),
            users=users,
            teachers=[
                self.staff_users[i] for i, s in enumerate(plan.staff) if s.role == Role.TEACHER
            ],
            classes=list(classes.values()),
            assignments=assignments,
            students=students_now,
            subjects={s.name: s for s in self.subjects.values()},
            shifts=list(self.shifts.values()),
            last_year_classes=list(last_classes.values()),
            guardians=self.guardians,
        )

    # --- people ----------------------------------------------------------------------------

    def _user(self, person, login: str, email: str = "", phone: str = "") -> User:
        return User(
            username=login,
            last_name=person.last_name,
            first_name=person.first_name,
            patronymic=person.patronymic,
            email=email,
            phone=phone,
            password=self.password,
            must_change_password=False,
        )

    def _people(self) -> None:
        plan, school = self.plan, self.school
        self.staff_users = [self._user(s.person, s.login) for s in plan.staff]
        self.student_users = {
            i: self._user(s.person, s.login) for i, s in enumerate(plan.students) if s.login
        }
        self.parent_users = {}
        for i, f in enumerate(plan.families):
            for who, person, login in (
                ("mother", f.mother, f.mother_login),
                ("father", f.father, f.father_login),
            ):
                if login:
                    self.parent_users[(i, who)] = self._user(
                        person, login, email=f.emails.get(who, ""), phone=f.phones.get(who, "")
                    )
        User.objects.bulk_create(
            [*self.staff_users, *self.student_users.values(), *self.parent_users.values()],
            batch_size=BATCH,
        )
        grants = [
            RoleGrant(user=u, school=school, role=s.role)
            for u, s in zip(self.staff_users, plan.staff, strict=True)
        ]
        grants += [
            RoleGrant(user=u, school=school, role=Role.STUDENT) for u in self.student_users.values()
        ]
        grants += [
            RoleGrant(user=u, school=school, role=Role.PARENT) for u in self.parent_users.values()
        ]
        RoleGrant.objects.bulk_create(grants, batch_size=BATCH)
        StaffMember.objects.bulk_create(
            StaffMember(
                school=school,
                user=u,
                position=s.position,
                qualification=s.qualification,
                education=s.education,
                hired_on=s.hired_on,
            )
            for u, s in zip(self.staff_users, plan.staff, strict=True)
        )

        self.students = {
            i: Student(
                school=school,
                user=self.student_users.get(i),
                last_name=s.person.last_name,
                first_name=s.person.first_name,
                patronymic=s.person.patronymic,
                birth_date=s.birth_date,
                sex=s.person.sex,
                snils=s.snils,
            )
            for i, s in enumerate(plan.students)
        }
        Student.objects.bulk_create(self.students.values(), batch_size=BATCH)
        guardians = {
            key: Guardian(
                school=school,
                user=user,
                last_name=user.last_name,
                first_name=user.first_name,
                patronymic=user.patronymic,
                phone=user.phone,
                email=user.email,
            )
            for key, user in self.parent_users.items()
        }
        Guardian.objects.bulk_create(guardians.values(), batch_size=BATCH)
        self.guardians = list(guardians.values())
        Guardianship.objects.bulk_create(
            [
                Guardianship(
                    school=school,
                    student=self.students[child],
                    guardian=guardian,
                    relationship=Guardianship.Relationship.MOTHER
                    if who == "mother"
                    else Guardianship.Relationship.FATHER,
                )
                for (family, who), guardian in guardians.items()
                for child in plan.families[family].children
            ],
            batch_size=BATCH,
        )

    # --- a year: calendar, curriculum, classes, subgroups, teaching load -----------------------

    def _year(self, year_plan: YearPlan, status: str):
        school, cal = self.school, year_plan.calendar
        year = AcademicYear.objects.create(
            school=school,
            name=cal.name,
            starts_on=cal.starts_on,
            ends_on=cal.ends_on,
            status=status,
            half_year_grades=[10, 11],
        )
        StudyPeriod.objects.bulk_create(
            StudyPeriod(
                school=school,
                year=year,
                scheme=p.scheme,
                number=p.number,
                name=p.name,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
            )
            for p in cal.periods
        )
        Holiday.objects.bulk_create(
            Holiday(
                school=school,
                year=year,
                kind=h.kind,
                name=h.name,
                starts_on=h.starts_on,
                ends_on=h.ends_on,
                grades=list(h.grades),
            )
            for h in cal.holidays
        )
        grades = sorted({c.grade for c in year_plan.classes})
        CurriculumLine.objects.bulk_create(
            CurriculumLine(
                school=school,
                year=year,
                grade=grade,
                subject=self.subjects[s.name],
                hours_per_week=Decimal(hours),
            )
            for grade in grades
            for s, hours in curriculum_for(grade)
        )
        classes = {
            c.key: SchoolClass(
                school=school,
                year=year,
                grade=c.grade,
                letter=c.letter,
                capacity=c.capacity,
                shift=self.shifts[c.shift],
                class_teacher=self.staff_users[c.class_teacher],
                programme=_programme(c.grade),
            )
            for c in year_plan.classes
        }
        SchoolClass.objects.bulk_create(classes.values())

        # Two subgroups per split subject; the class list in alphabetical order, cut in half.
        subgroups = {}
        for unit in year_plan.units:
            if unit.group:
                subgroups[(unit.class_key, unit.subject.name, unit.group)] = Subgroup(
                    school=school,
                    school_class=classes[unit.class_key],
                    subject=self.subjects[unit.subject.name],
                    name=f"{unit.group} группа",
                )
        Subgroup.objects.bulk_create(subgroups.values(), batch_size=BATCH)
        rosters = {
            c.key: sorted(c.students, key=lambda i: (self.plan.students[i].person.full_name, i))
            for c in year_plan.classes
        }
        members = []
        for (class_key, _subject, group), subgroup in subgroups.items():
            roster = rosters[class_key]
            half = (len(roster) + 1) // 2
            for i in roster[:half] if group == 1 else roster[half:]:
                members.append(
                    Subgroup.members.through(
                        subgroup_id=subgroup.pk, student_id=self.students[i].pk
                    )
                )
        Subgroup.members.through.objects.bulk_create(members, batch_size=BATCH)

        assignments = [
            TeachingAssignment(
                school=school,
                year=year,
                teacher=self.staff_users[u.teacher],
                school_class=classes[u.class_key],
                subgroup=subgroups.get((u.class_key, u.subject.name, u.group)),
                subject=self.subjects[u.subject.name],
                hours_per_week=Decimal(u.hours),
            )
            for u in year_plan.units
        ]
        TeachingAssignment.objects.bulk_create(assignments, batch_size=BATCH)
        self.classes_by_year[status] = classes
        return year, classes, assignments

    def _enrolments(self, year: AcademicYear, last_year: AcademicYear) -> None:
        """Class history: last year's class until the summer, this year's from 1 September."""
        plan, school = self.plan, self.school
        now, before = (
            self.classes_by_year[AcademicYear.Status.OPEN],
            self.classes_by_year[AcademicYear.Status.CLOSED],
        )
        summer_end = year.starts_on - timedelta(days=1)
        graduation = date(last_year.ends_on.year, 6, 30)
        rows = []
        for i, s in enumerate(plan.students):
            if s.last is not None:
                first_grade = s.last[0] == 1
                rows.append(
                    Enrollment(
                        school=school,
                        student=self.students[i],
                        school_class=before[s.last],
                        starts_on=last_year.starts_on,
                        ends_on=graduation if s.last_note else summer_end,
                        note=s.last_note
                        or (
                            "Зачислен(а) в 1 класс"
                            if first_grade
                            else f"Переведён(а) в {s.last[0]} класс"
                        ),
                    )
                )
            if s.current is not None:
                if s.last is not None:
                    note = f"Переведён(а) в {s.current[0]} класс"
                elif s.current[0] == 1:
                    note = "Зачислен(а) в 1 класс"
                else:
                    note = "Зачислен(а) в порядке перевода из другой школы"
                rows.append(
                    Enrollment(
                        school=school,
                        student=self.students[i],
                        school_class=now[s.current],
                        starts_on=year.starts_on,
                        note=note,
                    )
                )
        Enrollment.objects.bulk_create(rows, batch_size=BATCH)


def _programme(grade: int) -> str:
    if grade <= 4:
        return "ООП НОО (ФООП)"
    if grade <= 9:
        return "ООП ООО (ФООП)"
    return "ООП СОО (ФООП), универсальный профиль"
