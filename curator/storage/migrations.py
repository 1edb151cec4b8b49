"""Schema versions: numbered SQL files applied in order, each in one transaction."""

from __future__ import annotations

import re
from importlib import resources

import duckdb

_MIGRATION_NAME = re.compile(r"^v(\d{3})_[a-z0-9_]+\.sql$")


def available_migrations() -> list[tuple[int, str]]:
    """Every migration shipped with the package as (version, SQL), oldest first."""
    folder = resources.files("curator.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    return available_migrations()[-1][0]


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The schema version stored in the file; 0 for an empty database."""
    has_meta = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: duckdb.DuckDBPyConnection, target: int | None = None) -> int:
    """Bring the schema forward to `target` (default: the newest); returns the version reached."""
    version = current_version(conn)
    for number, sql in available_migrations():
        if number <= version or (target is not None and number > target):
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)])
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        version = number
    return version
