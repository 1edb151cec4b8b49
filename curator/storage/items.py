"""Bulk writes and point reads of items."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyarrow as pa

from curator.storage.database import Database

ITEM_COLUMNS = ("item_id", "input", "input_messages", "target", "output", "metadata", "split", "source_line")


@dataclass(frozen=True)
class ItemRow:
    run_id: int
    item_key: int
    item_id: str
    input: str | None
    input_messages: list[dict] | None
    target: str | None
    output: str | None
    metadata: dict
    split: str
    source_line: int | None


def insert_records(cur, run_id: int, records: list[dict], first_key: int = 0) -> int:
    """Insert Python records (keys as ITEM_COLUMNS) as items first_key.. of `run_id`, in the caller's transaction.

    A record without an item_id gets its position as id.
    """

    def column(name: str, encode=None) -> list:
        values = [r.get(name) for r in records]
        return [None if v is None else encode(v) for v in values] if encode else values

    table = pa.table(
        {
            "item_key": pa.array(range(first_key, first_key + len(records)), pa.int64()),
            "item_id": pa.array(
                [
                    str(r["item_id"]) if r.get("item_id") is not None else str(first_key + i)
                    for i, r in enumerate(records)
                ],
                pa.string(),
            ),
            "input": pa.array(column("input"), pa.string()),
            "input_messages": pa.array(column("input_messages", json.dumps), pa.string()),
            "target": pa.array(column("target"), pa.string()),
            "output": pa.array(column("output"), pa.string()),
            "metadata": pa.array([json.dumps(r.get("metadata") or {}) for r in records], pa.string()),
            "split": pa.array([r.get("split") or "dev" for r in records], pa.string()),
            "source_line": pa.array(column("source_line"), pa.int64()),
        }
    )
    cur.register("_curator_new_items", table)
    try:
        cur.execute(
            """INSERT INTO items (run_id, item_key, item_id, input, input_messages, target, output, metadata, split, source_line)
               SELECT ?, item_key, item_id, input, input_messages::JSON, target, output, metadata::JSON, split, source_line
               FROM _curator_new_items""",
            [run_id],
        )
    finally:
        cur.unregister("_curator_new_items")
    return len(records)


_ITEM_SELECT = """SELECT run_id, item_key, item_id, input, input_messages, target, output, metadata, split, source_line
                  FROM items"""


def _first_value_wins(pairs: list[tuple[str, object]]) -> dict:
    """A key repeated in stored JSON keeps its first value, as DuckDB's JSON functions read it."""
    record: dict = {}
    for key, value in pairs:
        record.setdefault(key, value)
    return record


def _item(row: tuple) -> ItemRow:
    values = list(row)
    values[4] = json.loads(values[4]) if values[4] else None
    values[7] = json.loads(values[7], object_pairs_hook=_first_value_wins) if values[7] else {}
    return ItemRow(*values)


def get_item(db: Database, run_id: int, item_key: int) -> ItemRow | None:
    row = db.fetchone(_ITEM_SELECT + " WHERE run_id = ? AND item_key = ?", [run_id, item_key])
    return _item(row) if row else None


def find_item_key(db: Database, run_id: int, item_id: str) -> int | None:
    row = db.fetchone("SELECT item_key FROM items WHERE run_id = ? AND item_id = ?", [run_id, item_id])
    return row[0] if row else None


def find_item_by_ref(db: Database, run_id: int, ref: str | int) -> ItemRow | None:
    """The run's item whose id is `ref` (the id every screen shows, e.g. `dev-act-28`), else whose key is `ref`
    when it is a whole number (an id wins when both match)."""
    row = db.fetchone(_ITEM_SELECT + " WHERE run_id = ? AND item_id = ?", [run_id, str(ref)])
    if row is None and str(ref).strip().isdigit():
        row = db.fetchone(_ITEM_SELECT + " WHERE run_id = ? AND item_key = ?", [run_id, int(str(ref))])
    return _item(row) if row else None


def iter_items(db: Database, run_id: int, split: str | None = None, batch: int = 10_000):
    """All items of a run in item_key order, fetched in batches (the file stays open until the last one)."""
    where = " WHERE run_id = ?" + (" AND split = ?" if split else "")
    params = [run_id] + ([split] if split else [])
    with db.held():
        cur = db.cursor().execute(_ITEM_SELECT + where + " ORDER BY item_key", params)
        while rows := cur.fetchmany(batch):
            yield from (_item(r) for r in rows)
