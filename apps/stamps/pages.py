"""One way to know that what a page shows has changed: change stamps kept by database triggers.

A page that is cached (a 304, a rendered grid, a rendered diary week) declares once, as a
`Page`, every table it reads. Each `Source` says which stamp a row of that table bumps: a
scope (`diary.student`, `grid.assignment`…) and the SQL that finds the scope's keys among
the rows a statement touched. `Page.proxies()` turns the declaration into proxy models that
carry statement-level triggers (django-pgtrigger, so `makemigrations` writes them): any
write, whatever code path made it — a service, a bulk insert, a raw UPDATE, an order applied
by the secretary — bumps the stamps once per statement (a bulk insert of a quarter's lessons
bumps each class once, not once per lesson).

The page's cache key (or ETag) is then the versions of its few stamps, read in one indexed
query (`apps.stamps.selectors.read`). `tests/test_stamps.py` renders each declared page and
fails when it read a table the page did not declare: a new column families see, a new table
on the diary week, costs one line here and a migration, nothing else.

Declaring a new source (e.g. board posts on the diary week), in the page's declaration:

    Source(BoardPost, "diary.school", "SELECT r.school_id FROM {rows} r"),

then `manage.py makemigrations`.
"""

from dataclasses import dataclass, field

import pgtrigger

TABLE = "stamps_stamp"


@dataclass(frozen=True)
class Source:
    """A table whose rows feed a scope.

    `keys` is SQL with a `{rows}` placeholder for the rows the statement touched (aliased
    `r`), returning one column: the keys of `scope` to bump. `changed`, when given, limits
    updates to those columns (or `{t}.`-expressions): an update touching none bumps nothing
    (a login's `last_login` is not a teacher's new name).
    """

    model: type
    scope: str
    keys: str
    changed: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return self.model._meta.db_table


@dataclass(frozen=True)
class Page:
    """A cached page (or fragment) and every table its content is read from.

    `keyed_otherwise` names tables the page reads that are not stamp sources because the
    page's key already holds what it shows of them (e.g. the periods and their locks the
    grid's key lists), each with the reason.
    """

    name: str  # short, for trigger names
    sources: tuple[Source, ...]
    keyed_otherwise: dict[str, str] = field(default_factory=dict)

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.scope for s in self.sources))

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(s.table for s in self.sources)

    def proxies(self, module: str) -> dict[str, type]:
        """One proxy model per source model, in `module` (a models module of the page's app),
        carrying the three triggers that bump every scope the model feeds."""
        by_model: dict[type, list[Source]] = {}
        for source in self.sources:
            by_model.setdefault(source.model, []).append(source)
        made = {}
        for model, sources in by_model.items():
            name = f"{model.__name__}{self.name.title()}Stamped"
            meta = type(
                "Meta",
                (),
                {
                    "proxy": True,
                    "triggers": triggers_for(f"{self.name}_{model._meta.model_name}", sources),
                    "default_permissions": (),
                },
            )
            made[name] = type(name, (model,), {"__module__": module, "Meta": meta})
        return made


def _column(alias: str, column: str) -> str:
    """A column of a transition row, or an expression over it written with `{t}`."""
    return column.format(t=alias) if "{t}" in column else f"{alias}.{column}"


def _changed_rows(side: str, other: str, columns: tuple[str, ...]) -> str:
    """The rows of `side` whose `columns` differ from the same row on the `other` side."""
    a, b = side[0], other[0]
    cols_a = ", ".join(_column(a, c) for c in columns)
    cols_b = ", ".join(_column(b, c) for c in columns)
    return (
        f"(SELECT {a}.* FROM {side} {a} JOIN {other} {b} ON {b}.id = {a}.id "
        f"WHERE ROW({cols_a}) IS DISTINCT FROM ROW({cols_b}))"
    )


def _touched(source: Source, operation: str) -> str:
    """`SELECT scope, key` of the stamps one statement of `operation` touches via `source`."""
    if operation == "insert":
        keys = source.keys.format(rows="new_values")
    elif operation == "delete":
        keys = source.keys.format(rows="old_values")
    elif source.changed:
        new_rows = _changed_rows("new_values", "old_values", source.changed)
        old_rows = _changed_rows("old_values", "new_values", source.changed)
        keys = f"{source.keys.format(rows=new_rows)} UNION {source.keys.format(rows=old_rows)}"
    else:
        keys = (
            f"{source.keys.format(rows='new_values')} UNION {source.keys.format(rows='old_values')}"
        )
    return f"SELECT '{source.scope}'::varchar AS s, k FROM ({keys}) AS keys(k)"


def bump_sql(sources: list[Source], operation: str) -> str:
    """One upsert bumping every (scope, key) the statement touched, in key order (no deadlock
    between two statements bumping the same stamps); GREATEST keeps `changed_at` monotonic
    when two transactions commit out of order."""
    touched = " UNION ALL ".join(_touched(s, operation) for s in sources)
    return (
        f"INSERT INTO {TABLE} (scope, key, version, changed_at) "
        f"SELECT s, k, 1, clock_timestamp() FROM (SELECT DISTINCT s, k FROM ({touched}) AS t "
        f"WHERE k IS NOT NULL) AS d ORDER BY s, k "
        f"ON CONFLICT (scope, key) DO UPDATE SET version = {TABLE}.version + 1, "
        f"changed_at = GREATEST({TABLE}.changed_at, EXCLUDED.changed_at); RETURN NULL;"
    )


def triggers_for(name: str, sources: list[Source]) -> list[pgtrigger.Trigger]:
    """Three statement-level triggers (Postgres allows transition tables for one event each)."""
    referencing = {
        "insert": pgtrigger.Referencing(new="new_values"),
        "update": pgtrigger.Referencing(old="old_values", new="new_values"),
        "delete": pgtrigger.Referencing(old="old_values"),
    }
    operations = {
        "insert": pgtrigger.Insert,
        "update": pgtrigger.Update,
        "delete": pgtrigger.Delete,
    }
    return [
        pgtrigger.Trigger(
            name=f"stamp_{name}_{op[:3]}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operations[op],
            referencing=referencing[op],
            func=bump_sql(sources, op),
        )
        for op in ("insert", "update", "delete")
    ]
