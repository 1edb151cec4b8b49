"""Queries over generated examples: batch inserts, review status, lookups for duplicates and held-out text."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyarrow as pa

from curator.storage.database import Database

REVIEWABLE = ("proposed", "accepted", "rejected")


@dataclass(frozen=True)
class ExampleRow:
    """One generated example with its lineage, its check results and where it stands in review."""

    example_id: int
    batch_id: int
    template_id: int | None
    template_name: str | None
    bucket_id: int | None
    bucket_name: str | None
    source_run_id: int | None
    source_item_key: int | None
    seed: int
    position: int
    variant: str
    slot_values: dict
    input: str
    target: str
    status: str
    reason: str | None
    check_results: dict
    rollout_id: int | None = None
    """Set for an example proposed from a model's own sample (rejection sampling); it then has no template."""
    model: str | None = None
    """The model (+ adapter) that wrote a sampled example."""


_SELECT = """SELECT e.example_id, e.batch_id, e.template_id, t.name, e.bucket_id, b.name, e.source_run_id,
                    e.source_item_key, e.seed, e.position, e.variant, e.slot_values, e.input, e.target,
                    e.status, e.reason, e.check_results, e.rollout_id, e.model
             FROM examples e
             LEFT JOIN templates t ON t.template_id = e.template_id
             LEFT JOIN buckets b ON b.bucket_id = e.bucket_id"""


def _row(values: tuple) -> ExampleRow:
    values = list(values)
    values[11] = json.loads(values[11]) if values[11] else {}
    values[16] = json.loads(values[16]) if values[16] else {}
    return ExampleRow(*values)


def next_batch_id(cur) -> int:
    return cur.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM examples").fetchall()[0][0]


def insert_examples(cur, batch_id: int, lineage: dict, rows: list[dict]) -> int:
    """Insert one generation batch inside the caller's transaction; `lineage` holds the columns all rows share."""
    table = pa.table(
        {
            "position": pa.array([r["position"] for r in rows], pa.int64()),
            "variant": pa.array([r["variant"] for r in rows], pa.string()),
            "slot_values": pa.array([json.dumps(r["slot_values"], default=str) for r in rows], pa.string()),
            "input": pa.array([r["input"] for r in rows], pa.string()),
            "target": pa.array([r["target"] for r in rows], pa.string()),
            "status": pa.array([r["status"] for r in rows], pa.string()),
            "reason": pa.array([r["reason"] for r in rows], pa.string()),
            "check_results": pa.array([json.dumps(r["check_results"]) for r in rows], pa.string()),
        }
    )
    cur.register("_curator_new_examples", table)
    try:
        cur.execute(
            """INSERT INTO examples (batch_id, template_id, bucket_id, source_run_id, source_item_key, seed,
                                     position, variant, slot_values, input, target, status, reason, check_results)
               SELECT ?, ?, ?, ?, ?, ?, position, variant, slot_values::JSON, input, target, status, reason,
                      check_results::JSON
               FROM _curator_new_examples""",
            [
                batch_id,
                lineage["template_id"],
                lineage["bucket_id"],
                lineage["source_run_id"],
                lineage["source_item_key"],
                lineage["seed"],
            ],
        )
    finally:
        cur.unregister("_curator_new_examples")
    return len(rows)


def insert_sampled_examples(cur, batch_id: int, lineage: dict, rows: list[dict]) -> int:
    """Insert examples taken from rollouts (one per input) inside the caller's transaction.

    `lineage` holds bucket_id, source_run_id, seed and model; each row its source_item_key and rollout_id.
    """
    for position, r in enumerate(rows):
        cur.execute(
            """INSERT INTO examples (batch_id, template_id, bucket_id, source_run_id, source_item_key, seed, position,
                                     variant, slot_values, input, target, status, reason, check_results, rollout_id,
                                     model)
               VALUES (?, NULL, ?, ?, ?, ?, ?, 'sampled', '{}', ?, ?, ?, ?, ?::JSON, ?, ?)""",
            [
                batch_id,
                lineage["bucket_id"],
                lineage["source_run_id"],
                r["source_item_key"],
                lineage["seed"],
                position,
                r["input"],
                r["target"],
                r["status"],
                r["reason"],
                json.dumps(r["check_results"], ensure_ascii=False),
                r["rollout_id"],
                lineage["model"],
            ],
        )
    return len(rows)


def sampled_examples(db: Database, run_id: int | None = None, statuses: tuple[str, ...] = ("accepted",)):
    """Examples proposed from rollouts (of one source run, or any), with the given statuses, in order."""
    where = "e.rollout_id IS NOT NULL AND list_contains(?::VARCHAR[], e.status)"
    params: list = [list(statuses)]
    if run_id is not None:
        where += " AND e.source_run_id = ?"
        params.append(run_id)
    return [_row(r) for r in db.fetchall(_SELECT + " WHERE " + where + " ORDER BY e.example_id", params)]


def list_examples(
    db: Database,
    *,
    template_id: int | None = None,
    batch_id: int | None = None,
    statuses: tuple[str, ...] | None = None,
    bucket_ids: list[int] | None = None,
) -> list[ExampleRow]:
    """Examples matching every filter given, in generation order."""
    where, params = ["TRUE"], []
    if template_id is not None:
        where.append("e.template_id = ?")
        params.append(template_id)
    if batch_id is not None:
        where.append("e.batch_id = ?")
        params.append(batch_id)
    if statuses:
        where.append("list_contains(?::VARCHAR[], e.status)")
        params.append(list(statuses))
    if bucket_ids is not None:
        where.append("list_contains(?::INTEGER[], e.bucket_id)")
        params.append(list(bucket_ids))
    sql = _SELECT + " WHERE " + " AND ".join(where) + " ORDER BY e.example_id"
    return [_row(r) for r in db.fetchall(sql, params)]


def get_example(db: Database, example_id: int) -> ExampleRow | None:
    row = db.fetchone(_SELECT + " WHERE e.example_id = ?", [example_id])
    return _row(row) if row else None


def kept_pairs(db: Database) -> list[tuple[str, str]]:
    """(input, target) of every example still in play (proposed or accepted): the existing training examples."""
    return db.fetchall(
        "SELECT input, target FROM examples WHERE status IN ('proposed', 'accepted') ORDER BY example_id"
    )


def set_status(db: Database, example_ids: list[int], status: str) -> int:
    """Move examples under review to `status`; examples refused before review are left alone. Returns how many moved."""
    with db.transaction() as cur:
        moved = cur.execute(
            """UPDATE examples SET status = ?, reviewed_at = current_timestamp
               WHERE list_contains(?::BIGINT[], example_id) AND status IN ('proposed', 'accepted', 'rejected')
               RETURNING example_id""",
            [status, list(example_ids)],
        ).fetchall()
    return len(moved)


def update_text(db: Database, example_id: int, input_text: str, target: str, check_results: dict) -> None:
    with db.transaction() as cur:
        cur.execute(
            """UPDATE examples SET input = ?, target = ?, check_results = ?, reviewed_at = current_timestamp
               WHERE example_id = ?""",
            [input_text, target, json.dumps(check_results), example_id],
        )


def status_counts(db: Database, batch_id: int | None = None) -> dict[str, int]:
    sql = "SELECT status, count(*) FROM examples" + (" WHERE batch_id = ?" if batch_id is not None else "")
    rows = db.fetchall(sql + " GROUP BY status", [batch_id] if batch_id is not None else None)
    return dict(rows)


def held_out_inputs(db: Database, run_ids: list[int] | None = None) -> list[str]:
    """The input text of every held-out item (of the given runs, or of all runs)."""
    sql = "SELECT DISTINCT input FROM items WHERE split = 'held_out' AND input IS NOT NULL"
    if run_ids is None:
        return [r[0] for r in db.fetchall(sql + " ORDER BY input")]
    return [r[0] for r in db.fetchall(sql + " AND list_contains(?::INTEGER[], run_id) ORDER BY input", [run_ids])]


def held_out_ids(db: Database) -> list[tuple[str, str]]:
    """(input, item id) of every distinct held-out input, ordered as `held_out_inputs` orders them (the id is the
    smallest of the items that share the input)."""
    return db.fetchall(
        """SELECT input, min(item_id) FROM items
           WHERE split = 'held_out' AND input IS NOT NULL GROUP BY input ORDER BY input"""
    )
