"""Who is the same person: the keys duplicate control compares (seed 000 item 20).

A second record of a person is refused when it has the same ФИО and date of birth, the
same SNILS or the same identity document. Names are compared the way people mistype
them: case, «ё» for «е», extra spaces and hyphens with spaces around them do not count.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Func, Value
from django.db.models.functions import Concat, Lower, Replace, Trim

_SPACES = re.compile(r"\s+")


def name_key(*parts: str) -> str:
    text = " ".join(p for p in parts if p)
    text = _SPACES.sub(" ", text.replace("Ё", "Е").replace("ё", "е")).strip().lower()
    return text.replace(" - ", "-").replace(" -", "-").replace("- ", "-")


def snils_digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def format_snils(value: str) -> str:
    """«12345678901» → «123-456-789 01», the form printed on the card."""
    d = snils_digits(value)
    return f"{d[0:3]}-{d[3:6]}-{d[6:9]} {d[9:11]}" if len(d) == 11 else value.strip()


def snils_is_valid(value: str) -> bool:
    """Eleven digits with the Pension Fund's check number."""
    d = snils_digits(value)
    if len(d) != 11:
        return False
    total = sum(int(c) * (9 - i) for i, c in enumerate(d[:9]))
    check = total % 101
    if check == 100:
        check = 0
    return int(d[9:]) == check or int(d[:9]) <= 1001998


def document_key(series: str, number: str) -> str:
    """Series and number without spaces, dashes or case: «IV-АБ 123456» → «IVАБ123456»."""
    text = f"{series or ''}{number or ''}".upper().replace("Ё", "Е")
    return re.sub(r"[\s\-№]", "", text)


def sql_name_key(prefix: str = ""):
    """The same name key computed by PostgreSQL, to group a whole school in one query."""
    p = prefix
    joined = Concat(
        F(f"{p}last_name"),
        Value(" "),
        F(f"{p}first_name"),
        Value(" "),
        F(f"{p}patronymic"),
    )
    squeezed = Func(joined, Value(r"\s+"), Value(" "), Value("g"), function="regexp_replace")
    return Trim(Replace(Replace(Lower(squeezed), Value("ё"), Value("е")), Value(" - "), Value("-")))


@dataclass(frozen=True)
class Identity:
    """The keys of one person, to compare with others."""

    name: str
    birth_date: date | None
    snils: str
    document: str

    @classmethod
    def of(
        cls,
        *,
        last_name: str,
        first_name: str,
        patronymic: str,
        birth_date,
        snils: str = "",
        document_series: str = "",
        document_number: str = "",
    ) -> "Identity":
        return cls(
            name=name_key(last_name, first_name, patronymic),
            birth_date=birth_date,
            snils=snils_digits(snils),
            document=document_key(document_series, document_number),
        )

    @classmethod
    def of_student(cls, s) -> "Identity":
        return cls.of(
            last_name=s.last_name,
            first_name=s.first_name,
            patronymic=s.patronymic,
            birth_date=s.birth_date,
            snils=s.snils,
            document_series=s.document_series,
            document_number=s.document_number,
        )

    def match_keys(self) -> list[tuple]:
        keys: list[tuple] = [("name", self.name, self.birth_date)]
        if self.snils:
            keys.append(("snils", self.snils))
        if len(self.document) >= 4:
            keys.append(("document", self.document))
        return keys


class IdentityIndex:
    """Every known person's keys, to check many new records without a query each."""

    def __init__(self, people: Iterable = ()):
        self._by_key: dict[tuple, object] = {}
        for person in people:
            self.add(Identity.of_student(person), person)

    def add(self, identity: Identity, person) -> None:
        for key in identity.match_keys():
            self._by_key.setdefault(key, person)

    def find(self, identity: Identity, exclude_pk=None):
        """The first known person sharing a key, and which key: (person, "name"|"snils"|"document")."""
        for key in identity.match_keys():
            person = self._by_key.get(key)
            if person is not None and (
                exclude_pk is None or getattr(person, "pk", None) != exclude_pk
            ):
                return person, key[0]
        return None, None
