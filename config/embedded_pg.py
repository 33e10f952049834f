"""An embedded PostgreSQL for a bare laptop: used only when DATABASE_URL is unset.

The `pgserver` package ships PostgreSQL binaries; the data lives under var/. Several
processes (runserver and its reloader, pytest workers) share one server: pgserver starts
it once and stops it when the last process using it exits.
"""

from functools import cache
from pathlib import Path

DATABASE_NAME = "journal"


@cache
def embedded_database_settings(data_dir: Path) -> dict:
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(data_dir),
        "PORT": "",
    }
