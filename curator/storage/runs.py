"""Queries over runs: insert, look up, list with counts and pass rates, delete."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from curator.storage.database import Database


@dataclass(frozen=True)
class RunRow:
    """One run with its summary figures."""

    run_id: int
    name: str
    model: str | None
    adapter: str | None
    source_path: str | None
    source_format: str | None
    parent_run_id: int | None
    parent_name: str | None
    created_at: datetime
    item_count: int
    pass_rate: float | None
    settings: dict


_RUN_SUMMARY = """
SELECT r.run_id, r.name, r.model, r.adapter, r.source_path, r.source_format,
       r.parent_run_id, p.name, r.created_at,
       coalesce(ic.n, 0),
       cr.rate,
       r.settings
FROM runs r
LEFT JOIN runs p ON p.run_id = r.parent_run_id
LEFT JOIN (SELECT run_id, count(*) AS n FROM items GROUP BY run_id) ic ON ic.run_id = r.run_id
LEFT JOIN (
    -- An item passes when it passes every check of its run; counting distinct failing keys avoids grouping by item.
    SELECT run_id,
           1 - count(DISTINCT item_key) FILTER (WHERE NOT passed)::DOUBLE / count(DISTINCT item_key) AS rate
    FROM check_results GROUP BY run_id
) cr ON cr.run_id = r.run_id
"""


def _row(values: tuple) -> RunRow:
    *head, settings = values
    return RunRow(*head, settings=json.loads(settings) if settings else {})


def list_runs(db: Database) -> list[RunRow]:
    return [_row(r) for r in db.fetchall(_RUN_SUMMARY + " ORDER BY r.created_at, r.run_id")]


def get_run(db: Database, run_id: int) -> RunRow | None:
    row = db.fetchone(_RUN_SUMMARY + " WHERE r.run_id = ?", [run_id])
    return _row(row) if row else None


def find_run_id(db: Database, ref: str) -> int | None:
    """The id of the run named `ref`, or whose id is `ref`."""
    row = db.fetchone("SELECT run_id FROM runs WHERE name = ?", [ref])
    if row is None and ref.isdigit():
        row = db.fetchone("SELECT run_id FROM runs WHERE run_id = ?", [int(ref)])
    return row[0] if row else None


def name_taken(db: Database, name: str) -> bool:
    return db.fetchone("SELECT 1 FROM runs WHERE name = ?", [name]) is not None


def insert_run(
    cur,
    name: str,
    *,
    model: str | None = None,
    adapter: str | None = None,
    source_path: str | None = None,
    source_format: str | None = None,
    parent_run_id: int | None = None,
    settings: dict | None = None,
) -> int:
    """Insert a run inside the caller's transaction `cur`; returns its id."""
    return cur.execute(
        """INSERT INTO runs (name, model, adapter, source_path, source_format, parent_run_id, settings)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING run_id""",
        [name, model, adapter, source_path, source_format, parent_run_id, json.dumps(settings or {})],
    ).fetchone()[0]


def delete_run(db: Database, run_id: int) -> None:
    """Delete a run with its items, check results and anything else keyed on the run; its children lose their parent."""
    with db.transaction() as cur:
        for table in run_scoped_tables(cur):
            cur.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
        cur.execute("UPDATE runs SET parent_run_id = NULL WHERE parent_run_id = ?", [run_id])
        cur.execute("DELETE FROM runs WHERE run_id = ?", [run_id])


def run_scoped_tables(cur) -> list[str]:
    """Every table other than `runs` that has a run_id column (so later migrations are covered)."""
    rows = cur.execute(
        """SELECT table_name FROM information_schema.columns
           WHERE column_name = 'run_id' AND table_schema = 'main' AND table_name <> 'runs'
           AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')"""
    ).fetchall()
    return sorted(r[0] for r in rows)


def table_counts(db: Database) -> dict[str, int]:
    """Row count of every table: used to prove a failed write changed nothing."""
    names = [
        r[0]
        for r in db.fetchall(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        )
    ]
    return {name: db.fetchone(f'SELECT count(*) FROM "{name}"')[0] for name in sorted(names)}


def ancestors(db: Database, run_id: int) -> list[tuple[int, str | None]]:
    """(run_id, adapter) of the run's parent, its parent's parent, ... nearest first."""
    return db.fetchall(
        """WITH RECURSIVE chain(run_id, depth) AS (
               SELECT parent_run_id, 1 FROM runs WHERE run_id = ? AND parent_run_id IS NOT NULL
               UNION
               SELECT r.parent_run_id, c.depth + 1 FROM runs r JOIN chain c ON r.run_id = c.run_id
               WHERE r.parent_run_id IS NOT NULL AND c.depth < 1000
           )
           SELECT c.run_id, r.adapter FROM (SELECT run_id, min(depth) AS d FROM chain GROUP BY run_id) c
           JOIN runs r ON r.run_id = c.run_id ORDER BY c.d""",
        [run_id],
    )
