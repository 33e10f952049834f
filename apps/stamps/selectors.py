"""Reading the stamps of a page: one indexed query whatever the number of stamps."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from apps.stamps.pages import TABLE


@dataclass(frozen=True)
class Versions:
    """The versions of some stamps, as one string for a key or an ETag, and the latest change."""

    version: str
    changed_at: datetime | None


def read(keys: list[tuple[str, int]]) -> Versions:
    """The versions of `(scope, key)` stamps, in the order asked (a missing stamp is 0)."""
    if not keys:
        return Versions("", None)
    values = ", ".join(["(%s::varchar, %s::bigint)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT scope, key, version, changed_at FROM {TABLE} WHERE (scope, key) IN ({values})",
            [part for pair in keys for part in pair],
        )
        found = {(scope, key): (version, at) for scope, key, version, at in cursor.fetchall()}
    versions = [found.get((scope, int(key)), (0, None)) for scope, key in keys]
    moments = [at for _v, at in versions if at is not None]
    return Versions(".".join(str(v) for v, _at in versions), max(moments) if moments else None)
