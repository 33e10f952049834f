"""The demo school planned in plain Python: who is who, which class, who teaches what.

Planning needs no database, so it is deterministic for a seed and cheap to test at full
scale; `structure.py` writes the plan in a few bulk inserts. At scale 1.0: grades 1–11 with
three parallel classes in 1–7 and two in 8–11 (29 classes, about 700 students), one or
two parents per family, 41 teachers and 14 other staff.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.accounts.policy import Role
from apps.school.demo.curriculum import (
    DEPARTMENTS,
    SUBJECTS,
    SubjectPlan,
    curriculum_for,
    department_for,
)
from apps.school.demo.names import LoginMaker, MaleName, NameBank, Person
from apps.school.demo.school_calendar import SECOND_SHIFT_GRADES, YearCalendar, year_calendar
from apps.staff.models import Position

LETTERS = "АБВГДЕЖИКЛМН"
BASE_PARALLELS = {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3, 8: 2, 9: 2, 10: 2, 11: 2}
TARGET_LOAD = 22  # hours a week: a full teaching load is 18, most teachers work 18–27
CAPACITY = {grade: 28 if grade <= 9 else 25 for grade in range(1, 12)}
DEMO_STUDENT_CLASS = (5, "А")

# Staff besides teachers: (demo login or None, position, role, chance of being a woman).
OTHER_STAFF = (
    ("director", Position.DIRECTOR, Role.DIRECTOR, 0.7),
    ("deputy", Position.DEPUTY_ACADEMIC, Role.DEPUTY, 0.9),
    (None, Position.DEPUTY_ACADEMIC, Role.DEPUTY, 0.9),
    (None, Position.DEPUTY_EDUCATION, Role.DEPUTY, 0.9),
    ("admin", Position.DEPUTY_IT, Role.ADMIN, 0.4),
    ("dispatcher", Position.DISPATCHER, Role.DISPATCHER, 0.9),
    ("secretary", Position.SECRETARY, Role.SECRETARY, 1.0),
    (None, Position.HR_INSPECTOR, Role.SECRETARY, 1.0),
    ("medic", Position.NURSE, Role.MEDIC, 1.0),
    ("psychologist", Position.PSYCHOLOGIST, Role.PSYCHOLOGIST, 0.9),
    (None, Position.SOCIAL_PEDAGOGUE, Role.PSYCHOLOGIST, 0.9),
    ("technical", Position.CARETAKER, Role.TECHNICAL, 0.3),
    (None, Position.DEPUTY_FACILITIES, Role.TECHNICAL, 0.4),
    (None, Position.LIBRARIAN, Role.TECHNICAL, 0.95),
)
CATEGORIES = ("Высшая", "Первая", "Соответствие занимаемой должности", "Без категории")

ClassKey = tuple[int, str]  # (grade, letter)


@dataclass
class StaffPlan:
    person: Person
    login: str
    position: str
    role: str
    department: str | None = None
    qualification: str = ""
    education: str = ""
    hired_on: date | None = None


@dataclass
class ClassPlan:
    grade: int
    letter: str
    capacity: int
    shift: int
    class_teacher: int | None = None  # index in SchoolPlan.staff
    students: list[int] = field(default_factory=list)  # indexes in SchoolPlan.students

    @property
    def key(self) -> ClassKey:
        return (self.grade, self.letter)


@dataclass
class StudentPlan:
    person: Person
    birth_date: date
    snils: str
    family: int | None
    login: str | None = None
    current: ClassKey | None = None  # class in the open year
    last: ClassKey | None = None  # class in the closed year
    last_note: str = ""  # how the last year's enrolment ended


@dataclass
class FamilyPlan:
    surnames: tuple[str, str]
    father_name: MaleName
    mother: Person | None
    father: Person | None
    children: list[int] = field(default_factory=list)
    mother_login: str | None = None
    father_login: str | None = None
    phones: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)


@dataclass
class Unit:
    """One line of teaching load: a class (or one of its two subgroups) × subject."""

    class_key: ClassKey
    subject: SubjectPlan
    group: int  # 0: the whole class; 1, 2: the subgroups
    hours: int
    teacher: int | None = None


@dataclass
class YearPlan:
    calendar: YearCalendar
    classes: list[ClassPlan]
    units: list[Unit] = field(default_factory=list)

    def by_key(self) -> dict[ClassKey, ClassPlan]:
        return {c.key: c for c in self.classes}


@dataclass
class SchoolPlan:
    seed: int
    scale: float
    current: YearPlan
    last: YearPlan
    staff: list[StaffPlan] = field(default_factory=list)
    students: list[StudentPlan] = field(default_factory=list)
    families: list[FamilyPlan] = field(default_factory=list)
    demo_logins: dict[str, int] = field(default_factory=dict)  # login -> staff index
    demo_student: int | None = None
    demo_family: int | None = None

    def loads(self) -> dict[int, int]:
        """Hours a week of each teacher in the open year."""
        loads: dict[int, int] = defaultdict(int)
        for unit in self.current.units:
            loads[unit.teacher] += unit.hours
        return dict(loads)


def _layout(
    parallels: dict[int, int], rng: random.Random, size_factor: float
) -> list[tuple[ClassKey, int]]:
    """Classes of a year and how many students each has."""
    layout = []
    for grade, count in parallels.items():
        for letter in LETTERS[:count]:
            base = rng.randint(22, 27) if grade <= 9 else rng.randint(18, 24)
            size = min(CAPACITY[grade], max(4, round(base * size_factor)))
            layout.append(((grade, letter), size))
    return layout


def _units(classes: list[ClassPlan]) -> list[Unit]:
    units = []
    for c in classes:
        for subject, hours in curriculum_for(c.grade):
            groups = (1, 2) if subject.splits(c.grade) else (0,)
            units.extend(Unit(c.key, subject, g, hours) for g in groups)
    return units


def _unit_order(unit: Unit) -> tuple:
    # Whole classes stay with one teacher (algebra, geometry and statistics of 8А together);
    # first subgroups go to one teacher and second subgroups to another, so both halves of
    # a class can have the lesson at the same time.
    return (unit.group, unit.class_key, SUBJECTS.index(unit.subject))


def _allocate(units: list[Unit], teachers: list[int]) -> None:
    """Split a department's units among its teachers in contiguous, balanced runs."""
    total = sum(u.hours for u in units)
    target = total / len(teachers)
    i, load = 0, 0
    for unit in sorted(units, key=_unit_order):
        if i < len(teachers) - 1 and load > 0 and load + unit.hours - target > target - load:
            i, load = i + 1, 0
        unit.teacher = teachers[i]
        load += unit.hours


class Planner:
    def __init__(self, *, seed: int, today: date, scale: float):
        self.rng = random.Random(seed)
        self.names = NameBank(self.rng)
        self.logins = LoginMaker(
            taken={
                "admin",
                "director",
                "deputy",
                "dispatcher",
                "teacher",
                "secretary",
                "medic",
                "psychologist",
                "technical",
                "parent",
                "student",
            }
        )
        self.seed, self.today, self.scale = seed, today, scale
        self.start_year = today.year if today.month >= 9 else today.year - 1
        self.snils_numbers = iter(
            self.rng.sample(range(2_000_000, 999_999_999), 2000 + int(1500 * scale))
        )

    # --- classes -------------------------------------------------------------------------

    def plan(self) -> SchoolPlan:
        parallels = {g: max(1, round(n * self.scale)) for g, n in BASE_PARALLELS.items()}
        base_classes = sum(BASE_PARALLELS.values())
        size_factor = self.scale * base_classes / sum(parallels.values())
        current = YearPlan(year_calendar(self.start_year), [])
        for key, size in _layout(parallels, self.rng, size_factor):
            current.classes.append(self._class(key, size))
        # Last year the same children were a grade lower; last year's 11th grade has left.
        last_parallels = {g: parallels[g + 1] for g in range(1, 11)} | {11: parallels[11]}
        last = YearPlan(year_calendar(self.start_year - 1), [])
        for key, size in _layout(last_parallels, self.rng, size_factor):
            last.classes.append(self._class(key, size))
        plan = SchoolPlan(seed=self.seed, scale=self.scale, current=current, last=last)
        self._plan_staff(plan)
        self._plan_students(plan)
        return plan

    def _class(self, key: ClassKey, size: int) -> ClassPlan:
        grade, letter = key
        c = ClassPlan(grade, letter, CAPACITY[grade], 2 if grade in SECOND_SHIFT_GRADES else 1)
        c.students = [None] * size  # filled by _plan_students
        return c

    # --- staff and teaching load ---------------------------------------------------------

    def _staff(
        self,
        plan: SchoolPlan,
        *,
        login: str | None,
        position: str,
        role: str,
        woman: float,
        department: str | None = None,
    ) -> int:
        sex = "f" if self.rng.random() < woman else "m"
        person = self.names.adult(sex)
        plan.staff.append(
            StaffPlan(
                person=person,
                login=login or self.logins.make(person),
                position=position,
                role=role,
                department=department,
                qualification=self.rng.choices(CATEGORIES, weights=(35, 35, 20, 10))[0]
                if department
                else "",
                education=f"Высшее педагогическое ({DEPARTMENTS[department][0]})"
                if department
                else "Высшее",
                hired_on=date(
                    self.rng.randint(1995, self.start_year),
                    self.rng.randint(1, 8),
                    self.rng.randint(1, 28),
                ),
            )
        )
        index = len(plan.staff) - 1
        if login:
            plan.demo_logins[login] = index
        return index

    def _plan_staff(self, plan: SchoolPlan) -> None:
        for login, position, role, woman in OTHER_STAFF:
            self._staff(plan, login=login, position=position, role=role, woman=woman)

        current, last = plan.current, plan.last
        current.units, last.units = _units(current.classes), _units(last.classes)
        by_department: dict[str, list[Unit]] = defaultdict(list)
        for unit in current.units:
            by_department[department_for(unit.subject, unit.class_key[0])].append(unit)

        # Grades 1–4: each class has its own primary teacher, who is its class teacher.
        primary_of: dict[str, list[int]] = defaultdict(list)  # letter -> teachers of grades 1..4
        teacher_of_class: dict[ClassKey, int] = {}
        for c in current.classes:
            if c.grade <= 4:
                teacher_of_class[c.key] = c.class_teacher = self._teacher(plan, "primary")
                primary_of[c.letter].append(c.class_teacher)
        for unit in by_department.pop("primary", []):
            unit.teacher = teacher_of_class[unit.class_key]

        teachers: dict[str, list[int]] = {}
        for department in DEPARTMENTS:
            units = by_department.get(department)
            if not units:
                continue
            hours = sum(u.hours for u in units)
            count = max(1, round(hours / TARGET_LOAD), math.ceil(hours / 27))
            teachers[department] = [
                self._teacher(
                    plan, department, login="teacher" if department == "math" and i == 0 else None
                )
                for i in range(count)
            ]
            _allocate(units, teachers[department])

        self._class_teachers(current, reserved={DEMO_STUDENT_CLASS: plan.demo_logins["teacher"]})

        # Last year: the same teachers. A primary teacher went up with the class, and the one
        # whose class finished grade 4 took a new first grade.
        by_department = defaultdict(list)
        for unit in last.units:
            by_department[department_for(unit.subject, unit.class_key[0])].append(unit)
        current_by_key = current.by_key()
        all_primary = sorted(teacher_of_class.values())
        for c in last.classes:
            if c.grade <= 4:
                successor = current_by_key.get(
                    (c.grade + 1, c.letter) if c.grade < 4 else (1, c.letter)
                )
                c.class_teacher = (
                    successor.class_teacher
                    if successor
                    else all_primary[LETTERS.index(c.letter) % len(all_primary)]
                )
        last_by_key = last.by_key()
        for unit in by_department.pop("primary", []):
            unit.teacher = last_by_key[unit.class_key].class_teacher
        for department, units in by_department.items():
            _allocate(units, teachers.get(department) or teachers["math"])
        reserved = {}
        for c in last.classes:
            successor = current_by_key.get((c.grade + 1, c.letter))
            if c.grade >= 5 and successor is not None:
                reserved[c.key] = successor.class_teacher
        self._class_teachers(last, reserved=reserved)

    def _teacher(self, plan: SchoolPlan, department: str, login: str | None = None) -> int:
        woman = DEPARTMENTS[department][1]
        return self._staff(
            plan,
            login=login,
            position=Position.TEACHER,
            role=Role.TEACHER,
            woman=woman,
            department=department,
        )

    def _class_teachers(self, year: YearPlan, reserved: dict[ClassKey, int]) -> None:
        """Grades 5–11: a teacher of the class who leads no other class, the one with most hours."""
        hours: dict[ClassKey, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for unit in year.units:
            hours[unit.class_key][unit.teacher] += unit.hours
        leading = {c.class_teacher for c in year.classes if c.class_teacher is not None}
        for c in year.classes:
            if c.grade <= 4:
                continue
            chosen = reserved.get(c.key)
            if chosen is None or chosen in leading:
                ranked = sorted(hours[c.key].items(), key=lambda item: (-item[1], item[0]))
                free = [t for t, _h in ranked if t not in leading]
                others = sorted({u.teacher for u in year.units} - leading)
                chosen = free[0] if free else (others[0] if others else ranked[0][0])
            c.class_teacher = chosen
            leading.add(chosen)

    # --- students and families -----------------------------------------------------------

    def _snils(self) -> str:
        n = next(self.snils_numbers)
        digits = f"{n:09d}"
        total = sum(int(d) * (9 - i) for i, d in enumerate(digits))
        check = total if total < 100 else (0 if total in (100, 101) else total % 101 % 100)
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]} {check:02d}"

    def _birth_date(self, grade: int) -> date:
        # Children start school at 7: a first-grader of 2026/2027 was born in 2018/2019.
        first = date(self.start_year - 7 - grade, 9, 1)
        return first + timedelta(days=self.rng.randrange(365))

    def _phone(self) -> str:
        r = self.rng
        return f"+7 9{r.randint(0, 99):02d} {r.randint(0, 999):03d}-{r.randint(0, 99):02d}-{r.randint(0, 99):02d}"

    def _family(self, plan: SchoolPlan, both: bool = False) -> int:
        surnames = self.names.surname_pair()
        roll = 0.0 if both else self.rng.random()
        father_name = self.names.male_first("adult")
        mother = self.names.adult("f", surnames) if roll < 0.93 else None
        father = None
        if roll < 0.72 or roll >= 0.93:
            father = Person(
                surnames[0], father_name.name, self.names.male_first("old").patronymic_male, "m"
            )
        family = FamilyPlan(
            surnames=surnames, father_name=father_name, mother=mother, father=father
        )
        plan.families.append(family)
        return len(plan.families) - 1

    def _student(self, plan: SchoolPlan, grade: int, family: int | None) -> int:
        sex = self.rng.choice("mf")
        if family is None:
            person = self.names.child(
                sex, self.names.surname_pair(), self.names.male_first("adult")
            )
        else:
            f = plan.families[family]
            siblings = {plan.students[i].person.first_name for i in f.children}
            person = self.names.child(sex, f.surnames, f.father_name)
            while person.first_name in siblings:
                person = self.names.child(sex, f.surnames, f.father_name)
            f.children.append(len(plan.students))
        plan.students.append(StudentPlan(person, self._birth_date(grade), self._snils(), family))
        return len(plan.students) - 1

    def _plan_students(self, plan: SchoolPlan) -> None:
        current, last = plan.current, plan.last
        last_by_key = last.by_key()
        grade_two = [c for c in current.classes if c.grade == 2]
        sibling_class = grade_two[-1].key if grade_two else None
        single_child: list[int] = []  # families that may get a second child in another grade

        for c in current.classes:
            for slot in range(len(c.students)):
                if c.key == sibling_class and slot == 0:
                    family = plan.demo_family = self._family(plan, both=True)
                elif c.key == DEMO_STUDENT_CLASS and slot == 0 and plan.demo_family is not None:
                    family = plan.demo_family
                else:
                    candidates = [
                        f
                        for f in single_child
                        if plan.students[plan.families[f].children[0]].current[0] != c.grade
                    ]
                    if candidates and self.rng.random() < 0.12:
                        family = self.rng.choice(candidates)
                        single_child.remove(family)
                    else:
                        family = self._family(plan)
                        single_child.append(family)
                index = self._student(plan, c.grade, family)
                if c.key == DEMO_STUDENT_CLASS and slot == 0:
                    plan.demo_student = index
                student = plan.students[index]
                student.current = c.key
                c.students[slot] = index
                # A few children came from other schools this year; a fifth of grade 10 did.
                newcomer = c.grade == 1 or self.rng.random() < (0.2 if c.grade == 10 else 0.03)
                if not newcomer or index == plan.demo_student:
                    student.last = (c.grade - 1, c.letter)

        # Last year's rosters: the children above, plus those who have left since —
        # the graduates of grade 11 and those who went to college after grade 9.
        for c in last.classes:
            members = [i for i in range(len(plan.students)) if plan.students[i].last == c.key]
            planned = len(c.students)
            c.students = members
            if c.grade in (9, 11):
                for _ in range(max(planned - len(members), 0)):
                    index = self._student(plan, c.grade + 1, None)
                    plan.students[index].last = c.key
                    plan.students[index].last_note = (
                        "Выпуск: получил(а) аттестат о среднем общем образовании"
                        if c.grade == 11
                        else "Выбыл(а) после 9 класса для продолжения обучения в колледже"
                    )
                    c.students.append(index)
            assert len(c.students) <= last_by_key[c.key].capacity

        self._logins(plan)

    def _logins(self, plan: SchoolPlan) -> None:
        for index, student in enumerate(plan.students):
            if student.current is not None:
                student.login = (
                    "student" if index == plan.demo_student else self.logins.make(student.person)
                )
        for index, family in enumerate(plan.families):
            if family.mother is not None:
                family.mother_login = (
                    "parent" if index == plan.demo_family else self.logins.make(family.mother)
                )
            if family.father is not None:
                family.father_login = self.logins.make(family.father)
            for who, login in (("mother", family.mother_login), ("father", family.father_login)):
                if login:
                    family.phones[who] = self._phone()
                    if self.rng.random() < 0.6:
                        family.emails[who] = f"{login}@example.com"


def plan_school(*, seed: int, today: date, scale: float) -> SchoolPlan:
    return Planner(seed=seed, today=today, scale=scale).plan()
