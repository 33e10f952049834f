"""Change stamps of the e-diary, kept by database triggers so no write path can forget them.

A diary page depends on three scopes of data: the student's own rows (marks, attendance,
period marks, enrolments, subgroups, guardians), the class's rows (lessons, homework and
files, the timetable, the teaching load) and the school's reference rows (work types and
their weights, bells, periods, holidays, subjects, rules). Each scope has a stamp row with
a version counter and the moment of the last change; a statement-level trigger on every
source table bumps the stamps of the keys its statement touched, once per statement (a
bulk insert of a whole quarter's lessons bumps each class once, not once per lesson).

Reading the three stamps is one indexed lookup per scope, done in the single query that
also checks access (see `selectors.diary_access`); the sum of versions is the ETag and
the latest moment is Last-Modified. The version only grows: `changed_at` never goes
back either (GREATEST under the row lock), so If-Modified-Since stays correct when two
transactions commit out of order.
"""

from dataclasses import dataclass

import pgtrigger

STUDENT, CLASS, SCHOOL = "diary_studentstamp", "diary_classstamp", "diary_schoolstamp"
_KEY_COLUMN = {STUDENT: "student_id", CLASS: "school_class_id", SCHOOL: "school_id"}


@dataclass(frozen=True)
class Source:
    """A table whose rows feed a scope. `keys` selects the scope keys from `{rows}`."""

    name: str  # short, for trigger names
    scope: str
    keys: str  # SQL with a `{rows}` placeholder for the transition table (aliased r)
    changed: tuple[
        str, ...
    ] = ()  # columns (or `{t}.` expressions) whose update matters; empty: any


def _upsert(scope: str, keys_sql: str) -> str:
    key = _KEY_COLUMN[scope]
    return (
        f"INSERT INTO {scope} ({key}, version, changed_at) "
        f"SELECT k, 1, clock_timestamp() FROM (SELECT DISTINCT k FROM ({keys_sql}) AS touched(k) "
        f"WHERE k IS NOT NULL) AS d ORDER BY k "
        f"ON CONFLICT ({key}) DO UPDATE SET version = {scope}.version + 1, "
        f"changed_at = GREATEST({scope}.changed_at, EXCLUDED.changed_at); RETURN NULL;"
    )


def _column(alias: str, column: str) -> str:
    """A column of a transition row, or an expression over it written with `{t}`."""
    return column.format(t=alias) if "{t}" in column else f"{alias}.{column}"


def _changed_rows(side: str, other: str, columns: tuple[str, ...]) -> str:
    cols_side = ", ".join(_column(side[0], c) for c in columns)
    cols_other = ", ".join(_column(other[0], c) for c in columns)
    return (
        f"(SELECT {side[0]}.* FROM {side} {side[0]} JOIN {other} {other[0]} ON {other[0]}.id = {side[0]}.id "
        f"WHERE ROW({cols_side}) IS DISTINCT FROM ROW({cols_other}))"
    )


def triggers_for(source: Source) -> list[pgtrigger.Trigger]:
    """Three statement-level triggers (Postgres allows transition tables for one event each)."""
    on_insert = source.keys.format(rows="new_values")
    on_delete = source.keys.format(rows="old_values")
    if source.changed:
        new_rows = _changed_rows("new_values", "old_values", source.changed)
        old_rows = _changed_rows("old_values", "new_values", source.changed)
        on_update = f"{source.keys.format(rows=new_rows)} UNION {source.keys.format(rows=old_rows)}"
    else:
        on_update = (
            f"{source.keys.format(rows='new_values')} UNION {source.keys.format(rows='old_values')}"
        )
    return [
        pgtrigger.Trigger(
            name=f"stamp_{source.name}_ins",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_values"),
            func=_upsert(source.scope, on_insert),
        ),
        pgtrigger.Trigger(
            name=f"stamp_{source.name}_upd",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_values", new="new_values"),
            func=_upsert(source.scope, on_update),
        ),
        pgtrigger.Trigger(
            name=f"stamp_{source.name}_del",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_values"),
            func=_upsert(source.scope, on_delete),
        ),
    ]


_OWN = "SELECT r.student_id FROM {rows} r"
_VIA_ASSIGNMENT = "SELECT a.school_class_id FROM {rows} r JOIN classes_teachingassignment a ON a.id = r.assignment_id"
_VIA_LESSON = (
    "SELECT a.school_class_id FROM {rows} r JOIN schedule_lesson l ON l.id = r.lesson_id "
    "JOIN classes_teachingassignment a ON a.id = l.assignment_id"
)
_VIA_HOMEWORK = (
    "SELECT a.school_class_id FROM {rows} r JOIN homework_homework h ON h.id = r.homework_id "
    "JOIN schedule_lesson l ON l.id = h.lesson_id JOIN classes_teachingassignment a ON a.id = l.assignment_id"
)
_SCHOOL = "SELECT r.school_id FROM {rows} r"

MARK = Source(
    "mark", STUDENT, _OWN, changed=("value", "comment", "work_type_id", "lesson_id", "student_id")
)
PERIOD_MARK = Source(
    "pmark", STUDENT, _OWN, changed=("value", "kind", "period_id", "assignment_id", "student_id")
)
ATTENDANCE = Source("att", STUDENT, _OWN, changed=("kind", "lesson_id", "student_id"))
ENROLLMENT = Source("enrol", STUDENT, _OWN)
SUBGROUP_MEMBER = Source("subgrp", STUDENT, _OWN)
HOMEWORK_DONE = Source("hwdone", STUDENT, _OWN)
# A new or removed guardian changes the child switcher of every child of that guardian.
GUARDIANSHIP = Source(
    "guard",
    STUDENT,
    "SELECT r.student_id FROM {rows} r UNION "
    "SELECT g.student_id FROM {rows} r JOIN students_guardianship g ON g.guardian_id = r.guardian_id",
)
STUDENT_CARD = Source(
    "student",
    STUDENT,
    "SELECT r.id FROM {rows} r",
    changed=("last_name", "first_name", "patronymic"),
)

# planned → held (the first mark of a lesson) shows nothing new: only cancelling does.
LESSON = Source(
    "lesson",
    CLASS,
    _VIA_ASSIGNMENT,
    changed=(
        "assignment_id",
        "date",
        "lesson_number",
        "starts_at",
        "ends_at",
        "room",
        "topic",
        "lesson_type",
        "({t}.status = 'cancelled')",
        "substitute_teacher_id",
        "moved_from_date",
        "moved_from_number",
        "comment",
        "cancel_reason",
    ),
)
HOMEWORK = Source("hw", CLASS, _VIA_LESSON)
HOMEWORK_FILE = Source("hwfile", CLASS, _VIA_HOMEWORK)
TIMETABLE = Source("tt", CLASS, _VIA_ASSIGNMENT)
ASSIGNMENT = Source("assign", CLASS, "SELECT r.school_class_id FROM {rows} r")

WORK_TYPE = Source("worktype", SCHOOL, _SCHOOL)
BELL = Source("bell", SCHOOL, _SCHOOL)
PERIOD = Source("period", SCHOOL, _SCHOOL)
HOLIDAY = Source("holiday", SCHOOL, _SCHOOL)
RULES = Source("rules", SCHOOL, _SCHOOL)
SUBJECT = Source("subject", SCHOOL, _SCHOOL)
SCHOOL_CLASS = Source("class", SCHOOL, _SCHOOL)
# Teachers' names stand on every page of their schools; a login (last_login) bumps nothing.
PERSON_NAME = Source(
    "person",
    SCHOOL,
    "SELECT g.school_id FROM {rows} r JOIN accounts_rolegrant g ON g.user_id = r.id",
    changed=("last_name", "first_name", "patronymic"),
)
