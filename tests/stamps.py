"""Which tables a page read: for the tests that every table a cached page shows is declared
as a source of its change stamps (apps/stamps/pages.py)."""

import re

from apps.stamps.pages import Page

_TABLE_REF = re.compile(r'(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?', re.IGNORECASE)
_SQL_WORDS = {"lateral", "unnest", "select", "values", "json_array_elements"}


def tables_read(captured) -> set[str]:
    """Tables named after FROM or JOIN in the captured statements (writes are not reads)."""
    found = set()
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "RELEASE")):
            continue
        found |= {t.lower() for t in _TABLE_REF.findall(sql)}
    return {t for t in found if t not in _SQL_WORDS and "_" in t}


def undeclared(page: Page, tables: set[str]) -> set[str]:
    return tables - page.tables - set(page.keyed_otherwise)
