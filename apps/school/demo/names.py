"""Russian ФИО for the demo school, from the name lists in fixtures/names/.

Surnames come in a male and a female form (Иванов / Иванова, Толстой / Толстая, Черных /
Черных); a child's patronymic is derived from the father's name (Илья → Ильич / Ильинична).
First names belong to generations: «old» (grandparents, whose names give the parents'
and the staff's patronymics), «adult» (parents and staff) and «child» (today's students).
"""

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from apps.accounts.logins import LoginAllocator, login_base

NAMES_DIR = Path(settings.BASE_DIR) / "fixtures" / "names"


@dataclass(frozen=True)
class MaleName:
    name: str
    patronymic_male: str
    patronymic_female: str


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    patronymic: str
    sex: str  # "m" / "f"

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name} {self.patronymic}"


def _read(name: str) -> list[dict]:
    with open(NAMES_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def name_lists() -> dict:
    males = _read("male_names.csv")
    females = _read("female_names.csv")
    lists: dict = {"surnames": [(r["male"], r["female"]) for r in _read("surnames.csv")]}
    for generation in ("old", "adult", "child"):
        lists[f"male_{generation}"] = [
            MaleName(r["name"], r["patronymic_male"], r["patronymic_female"])
            for r in males
            if generation in r["generations"].split()
        ]
        lists[f"female_{generation}"] = [
            r["name"] for r in females if generation in r["generations"].split()
        ]
    return lists


class NameBank:
    """Draws realistic names with the demo's seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lists = name_lists()

    def surname_pair(self) -> tuple[str, str]:
        return self.rng.choice(self.lists["surnames"])

    def male_first(self, generation: str) -> MaleName:
        return self.rng.choice(self.lists[f"male_{generation}"])

    def female_first(self, generation: str) -> str:
        return self.rng.choice(self.lists[f"female_{generation}"])

    def patronymic(self, father: MaleName, sex: str) -> str:
        return father.patronymic_male if sex == "m" else father.patronymic_female

    def adult(self, sex: str, surname_pair: tuple[str, str] | None = None) -> Person:
        """A parent or a member of staff: their patronymic comes from the older generation."""
        male, female = surname_pair or self.surname_pair()
        father = self.male_first("old")
        if sex == "m":
            return Person(male, self.male_first("adult").name, father.patronymic_male, "m")
        return Person(female, self.female_first("adult"), father.patronymic_female, "f")

    def child(self, sex: str, surname_pair: tuple[str, str], father: MaleName) -> Person:
        male, female = surname_pair
        if sex == "m":
            return Person(male, self.male_first("child").name, father.patronymic_male, "m")
        return Person(female, self.female_first("child"), father.patronymic_female, "f")


class LoginMaker:
    """Demo logins as the school would issue them (apps/accounts/logins.py): Иванова Анна
    Петровна → ivanova.ap, then ivanova.ap2…; planned in memory, no database needed."""

    def __init__(self, taken: set[str] | None = None):
        self.allocator = LoginAllocator(taken)

    def make(self, person: Person) -> str:
        return self.allocator.take(
            login_base(person.last_name, person.first_name, person.patronymic)
        )
