"""The demo school's curriculum: the federal plans (ФООП НОО, ООО, СОО, five-day week).

Hours per week per grade, the teachers' departments, and which subjects split a class
into two subgroups: the foreign language from grade 2, informatics, and labour in 5–9
(the usual division of classes of 25 and more).
"""

from dataclasses import dataclass

FEDERAL, SCHOOL = "federal", "school"


@dataclass(frozen=True)
class SubjectPlan:
    name: str
    short_name: str
    department: str  # who teaches it from grade 5 (grades 1–4: see department_for)
    hours: dict[int, int]  # grade -> hours per week
    component: str = FEDERAL
    split_from: int | None = None  # grade from which the class is split in two subgroups
    split_until: int = 11

    def splits(self, grade: int) -> bool:
        return self.split_from is not None and self.split_from <= grade <= self.split_until


def _grades(first: int, last: int, hours: int) -> dict[int, int]:
    return dict.fromkeys(range(first, last + 1), hours)


SUBJECTS: tuple[SubjectPlan, ...] = (
    SubjectPlan(
        "Русский язык",
        "Рус. яз.",
        "russian",
        {1: 5, 2: 5, 3: 5, 4: 5, 5: 5, 6: 6, 7: 4, 8: 3, 9: 3, 10: 2, 11: 2},
    ),
    SubjectPlan("Литературное чтение", "Лит. чтение", "primary", {1: 4, 2: 4, 3: 4, 4: 3}),
    SubjectPlan("Литература", "Лит-ра", "russian", {5: 3, 6: 3, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3}),
    SubjectPlan(
        "Иностранный язык (английский)",
        "Англ. яз.",
        "english",
        {2: 2, 3: 2, 4: 2, **_grades(5, 11, 3)},
        split_from=2,
    ),
    SubjectPlan("Математика", "Матем.", "math", {1: 4, 2: 4, 3: 4, 4: 4, 5: 5, 6: 5}),
    SubjectPlan("Алгебра", "Алгебра", "math", _grades(7, 9, 3)),
    SubjectPlan(
        "Алгебра и начала математического анализа",
        "Алг. и нач. анализа",
        "math",
        _grades(10, 11, 2),
    ),
    SubjectPlan("Геометрия", "Геом.", "math", _grades(7, 11, 2)),
    SubjectPlan("Вероятность и статистика", "Вер. и стат.", "math", _grades(7, 11, 1)),
    SubjectPlan("Информатика", "Информ.", "informatics", _grades(7, 11, 1), split_from=7),
    SubjectPlan("Окружающий мир", "Окр. мир", "primary", _grades(1, 4, 2)),
    SubjectPlan("Основы религиозных культур и светской этики", "ОРКСЭ", "primary", {4: 1}),
    SubjectPlan(
        "Основы духовно-нравственной культуры народов России", "ОДНКНР", "history", _grades(5, 6, 1)
    ),
    SubjectPlan("История", "История", "history", _grades(5, 11, 2)),
    SubjectPlan("Обществознание", "Общ.", "history", {6: 1, 7: 1, 8: 1, 9: 1, 10: 2, 11: 2}),
    SubjectPlan("География", "Геогр.", "science", {5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 1, 11: 1}),
    SubjectPlan("Биология", "Биол.", "science", {5: 1, 6: 1, 7: 1, 8: 2, 9: 2, 10: 1, 11: 1}),
    SubjectPlan("Физика", "Физика", "physics", {7: 2, 8: 2, 9: 3, 10: 2, 11: 2}),
    SubjectPlan("Химия", "Химия", "science", {8: 2, 9: 2, 10: 1, 11: 1}),
    SubjectPlan("Изобразительное искусство", "ИЗО", "arts", _grades(1, 7, 1)),
    SubjectPlan("Музыка", "Музыка", "arts", _grades(1, 8, 1)),
    SubjectPlan(
        "Труд (технология)",
        "Труд",
        "labour",
        {1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 2, 7: 1, 8: 1, 9: 1},
        split_from=5,
        split_until=9,
    ),
    SubjectPlan("Основы безопасности и защиты Родины", "ОБЗР", "pe", _grades(8, 11, 1)),
    SubjectPlan("Физическая культура", "Физ-ра", "pe", _grades(1, 11, 2)),
    SubjectPlan("Индивидуальный проект", "Инд. проект", "history", {10: 1}),
    SubjectPlan(
        "Финансовая грамотность", "Фин. грамотность", "math", _grades(10, 11, 1), component=SCHOOL
    ),
)

# Specialists teach these in grades 1–4 too; the class's own primary teacher teaches the rest.
SPECIALIST_IN_PRIMARY = frozenset({"english", "pe"})

# Departments: what their teachers are called and how likely a teacher is a woman.
DEPARTMENTS: dict[str, tuple[str, float]] = {
    "primary": ("учитель начальных классов", 0.97),
    "russian": ("учитель русского языка и литературы", 0.95),
    "english": ("учитель английского языка", 0.9),
    "math": ("учитель математики", 0.8),
    "informatics": ("учитель информатики", 0.5),
    "history": ("учитель истории и обществознания", 0.7),
    "science": ("учитель географии, биологии и химии", 0.85),
    "physics": ("учитель физики", 0.5),
    "arts": ("учитель ИЗО и музыки", 0.8),
    "labour": ("учитель труда (технологии)", 0.5),
    "pe": ("учитель физической культуры и ОБЗР", 0.35),
}


def department_for(subject: SubjectPlan, grade: int) -> str:
    if grade <= 4 and subject.department not in SPECIALIST_IN_PRIMARY:
        return "primary"
    return subject.department


def curriculum_for(grade: int) -> list[tuple[SubjectPlan, int]]:
    return [(s, s.hours[grade]) for s in SUBJECTS if grade in s.hours]
