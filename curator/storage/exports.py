"""Queries behind exports: a run's items copied out by DuckDB, and dev items with their pass/fail verdict."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from curator.storage.database import Database

# USE_TMP_FILE false: the path is already Curator's hidden temporary; DuckDB's own `tmp_` copy would be visible debris.
_FORMATS = {"jsonl": "FORMAT json, USE_TMP_FILE false", "parquet": "FORMAT parquet, USE_TMP_FILE false"}


_SPLIT_SQL = {None: "", "dev": " AND split = 'dev'", "held_out": " AND split = 'held_out'"}


def copy_run_items(db: Database, run_id: int, path: Path, file_format: str, split: str | None = None) -> int:
    """Write every item of a run (or of one split; all columns, item_key order) to `path` as JSONL or Parquet;
    returns the count."""
    literal = str(path).replace("'", "''")
    where = f"run_id = {int(run_id)}{_SPLIT_SQL[split]}"
    try:
        db.execute(
            f"""COPY (SELECT item_key, item_id, split, input, input_messages, target, output, metadata, source_line
                      FROM items WHERE {where} ORDER BY item_key)
                TO '{literal}' ({_FORMATS[file_format]})"""
        )
    except duckdb.IOException as error:  # disk full, read-only: the caller reports an OSError as one line
        raise OSError(str(error).splitlines()[0] if str(error) else "write failed") from None
    return db.fetchone(f"SELECT count(*) FROM items WHERE {where}")[0]


def dev_items_with_verdict(db: Database, run_id: int) -> list[dict]:
    """Dev items (never held-out ones) with `passed`: True/False over their checks, None when no check applied."""
    rows = db.fetchall(
        """SELECT i.item_key, i.input, i.input_messages, i.target, i.output, v.passed
           FROM items i LEFT JOIN (
               SELECT item_key, bool_and(passed) AS passed FROM check_results WHERE run_id = ? GROUP BY item_key
           ) v ON v.item_key = i.item_key
           WHERE i.run_id = ? AND i.split = 'dev' AND i.input IS NOT NULL
           ORDER BY i.item_key""",
        [run_id, run_id],
    )
    names = ("item_key", "input", "input_messages", "target", "output", "passed")
    out = []
    for row in rows:
        item = dict(zip(names, row, strict=False))
        item["input_messages"] = json.loads(item["input_messages"]) if item["input_messages"] else None
        out.append(item)
    return out
