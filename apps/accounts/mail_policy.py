"""Who may write to whom in the internal mail, and who may post on the board (SPEC §7, seed 002).

Read it as a table: each kind of writer, then the people (or groups) they reach. The writer's
kind follows from their roles in the school and, for the class teacher, from data (the class
they lead in the open year). What «the classes a teacher teaches» or «the teachers of my
children» means is resolved from data in apps/messaging/recipients.py, row by row of this table.

A reply is always allowed inside a thread one has received: it goes back to the people of
that thread only (a parent who got «родителям 5А» answers the class teacher, not the class).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.policy import ADMINISTRATION, Role


class Writer(models.TextChoices):
    ADMINISTRATION = "administration", _("администрация")
    CLASS_TEACHER = "class_teacher", _("классный руководитель")
    TEACHER = "teacher", _("учитель")
    SPECIALIST = "specialist", _("медицинский работник, психолог")
    OFFICE = "office", _("другие сотрудники")
    PARENT = "parent", _("родитель")
    STUDENT = "student", _("обучающийся")


class Reach(models.TextChoices):
    # One person at a time.
    ANYONE = "anyone", _("любой человек школы")
    COLLEAGUES = "colleagues", _("коллеги (сотрудники школы)")
    ADMINISTRATION = "administration", _("администрация")
    TAUGHT_FAMILIES = (
        "taught_families",
        _("родители и ученики классов и групп, где ведёт уроки в этом году"),
    )
    ALL_PARENTS = "all_parents", _("родители любого класса")
    CHILDREN_TEACHERS = "children_teachers", _("учителя своих детей")
    CHILDREN_CLASS_TEACHERS = "children_class_teachers", _("классные руководители своих детей")
    OWN_TEACHERS = "own_teachers", _("свои учителя")
    OWN_CLASS_TEACHER = "own_class_teacher", _("свой классный руководитель")
    # A group, expanded to people at send time.
    LED_CLASS_GROUPS = "led_class_groups", _("родителям / ученикам своего класса")
    ANY_GROUP = "any_group", _("всем: по ролям, параллелям, классам")


R = Reach
MAIL_POLICY: dict[Writer, frozenset[Reach]] = {
    Writer.ADMINISTRATION: frozenset({R.ANYONE, R.ANY_GROUP}),
    Writer.CLASS_TEACHER:  frozenset({R.COLLEAGUES, R.ADMINISTRATION, R.TAUGHT_FAMILIES, R.LED_CLASS_GROUPS}),
    Writer.TEACHER:        frozenset({R.COLLEAGUES, R.ADMINISTRATION, R.TAUGHT_FAMILIES}),
    # The nurse and the psychologist correspond with parents of any class (seed 002).
    Writer.SPECIALIST:     frozenset({R.COLLEAGUES, R.ADMINISTRATION, R.ALL_PARENTS}),
    Writer.OFFICE:         frozenset({R.COLLEAGUES, R.ADMINISTRATION}),
    Writer.PARENT:         frozenset({R.CHILDREN_TEACHERS, R.CHILDREN_CLASS_TEACHERS, R.ADMINISTRATION}),
    Writer.STUDENT:        frozenset({R.OWN_TEACHERS, R.OWN_CLASS_TEACHER}),
}  # fmt: skip

GROUP_REACHES = frozenset({R.LED_CLASS_GROUPS, R.ANY_GROUP})


def writers_of(roles: frozenset[str], *, class_teacher: bool) -> frozenset[Writer]:
    """The kinds of writer a person is in a school (a person may be several)."""
    kinds: set[Writer] = set()
    if not ADMINISTRATION.isdisjoint(roles):
        kinds.add(Writer.ADMINISTRATION)
    if Role.TEACHER in roles:
        kinds.add(Writer.CLASS_TEACHER if class_teacher else Writer.TEACHER)
    if roles & {Role.MEDIC, Role.PSYCHOLOGIST}:
        kinds.add(Writer.SPECIALIST)
    if roles & {Role.SECRETARY, Role.DISPATCHER, Role.TECHNICAL}:
        kinds.add(Writer.OFFICE)
    if Role.PARENT in roles:
        kinds.add(Writer.PARENT)
    if Role.STUDENT in roles:
        kinds.add(Writer.STUDENT)
    return frozenset(kinds)


def reaches_of(roles: frozenset[str], *, class_teacher: bool) -> frozenset[Reach]:
    """Everything a person may write to, the union of their rows."""
    reaches: set[Reach] = set()
    for writer in writers_of(roles, class_teacher=class_teacher):
        reaches |= MAIL_POLICY[writer]
    return frozenset(reaches)


# --- the board and the events: who posts to which audience -----------------------------------


class Poster(models.TextChoices):
    ANY_AUDIENCE = "any", _("любая аудитория")
    SERVED_AUDIENCES = "served", _("вся школа, параллели, классы (кого обслуживает)")
    LED_CLASS = "led_class", _("свой класс")


BOARD_POLICY: dict[Writer, Poster] = {
    Writer.ADMINISTRATION: Poster.ANY_AUDIENCE,
    Writer.SPECIALIST: Poster.SERVED_AUDIENCES,
    Writer.CLASS_TEACHER: Poster.LED_CLASS,
}


def board_reach_of(roles: frozenset[str], *, class_teacher: bool) -> frozenset[Poster]:
    return frozenset(
        BOARD_POLICY[w] for w in writers_of(roles, class_teacher=class_teacher) if w in BOARD_POLICY
    )
