"""Queries over revisions (an analyst's edit or a reviser model's revision of a failing output), the revise sets
that made them, and the SFT examples kept revisions propose. A kept revision's review status is its example's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from curator.storage.browse import ItemFilter, filter_sql
from curator.storage.database import Database

OWN_STATUSES = ("draft", "dropped", "kept")


@dataclass(frozen=True)
class RevisionRow:
    """One revision with its item, its grades, how much it changed and where it stands in review."""

    revision_id: int
    run_id: int
    item_key: int
    item_id: str
    input: str | None
    bucket_id: int | None
    bucket_name: str | None
    author: str
    revise_set_id: int | None
    model: str | None
    original: str
    revised: str
    critique: str | None
    check_results: dict
    change: float
    status: str
    """draft, dropped, or (kept) the example's status: proposed, accepted, rejected, contaminated, duplicate."""
    reason: str | None
    example_id: int | None
    created_at: datetime


_SELECT = """SELECT r.revision_id, r.run_id, r.item_key, i.item_id, i.input, r.bucket_id, b.name, r.author,
                    r.revise_set_id, s.model || coalesce('+' || s.adapter, ''), r.original, r.revised, r.critique,
                    r.check_results, r.change,
                    CASE WHEN r.status = 'kept' THEN coalesce(e.status, 'kept') ELSE r.status END,
                    CASE WHEN r.status = 'kept' THEN e.reason ELSE r.reason END,
                    r.example_id, r.created_at
             FROM revisions r
             JOIN items i ON i.run_id = r.run_id AND i.item_key = r.item_key
             LEFT JOIN buckets b ON b.bucket_id = r.bucket_id
             LEFT JOIN revise_sets s ON s.revise_set_id = r.revise_set_id
             LEFT JOIN examples e ON e.example_id = r.example_id"""


def _row(values: tuple) -> RevisionRow:
    values = list(values)
    values[13] = json.loads(values[13]) if values[13] else {}
    return RevisionRow(*values)


def insert_revise_set(cur, run_id: int, model: str, adapter: str | None, settings: dict, item_filter: dict) -> int:
    return cur.execute(
        """INSERT INTO revise_sets (run_id, model, adapter, settings, item_filter)
           VALUES (?, ?, ?, ?, ?) RETURNING revise_set_id""",
        [run_id, model, adapter, json.dumps(settings, ensure_ascii=False), json.dumps(item_filter)],
    ).fetchall()[0][0]


def revise_set_settings(db: Database, revise_set_id: int) -> dict | None:
    row = db.fetchone("SELECT settings FROM revise_sets WHERE revise_set_id = ?", [revise_set_id])
    return json.loads(row[0]) if row else None


def insert_example(cur, batch_id: int, row: dict) -> int:
    """One proposed SFT example from a kept revision (no template; variant `edit` or `revision`), in the caller's
    transaction; returns its id."""
    return cur.execute(
        """INSERT INTO examples (batch_id, template_id, bucket_id, source_run_id, source_item_key, seed, position,
                                 variant, slot_values, input, target, status, reason, check_results, model)
           VALUES (?, NULL, ?, ?, ?, 0, 0, ?, '{}', ?, ?, ?, ?, ?::JSON, ?) RETURNING example_id""",
        [
            batch_id,
            row["bucket_id"],
            row["run_id"],
            row["item_key"],
            row["variant"],
            row["input"],
            row["revised"],
            row["example_status"],
            row["example_reason"],
            json.dumps(row["check_results"], ensure_ascii=False),
            row["model"],
        ],
    ).fetchall()[0][0]


def insert_revision(cur, row: dict) -> int:
    """Store one revision inside the caller's transaction; returns its id."""
    return cur.execute(
        """INSERT INTO revisions (run_id, item_key, bucket_id, author, revise_set_id, original, revised, critique,
                                  check_results, change, status, reason, example_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::JSON, ?, ?, ?, ?) RETURNING revision_id""",
        [
            row["run_id"],
            row["item_key"],
            row["bucket_id"],
            row["author"],
            row.get("revise_set_id"),
            row["original"],
            row["revised"],
            row.get("critique"),
            json.dumps(row["check_results"], ensure_ascii=False),
            row["change"],
            row["status"],
            row["reason"],
            row.get("example_id"),
        ],
    ).fetchall()[0][0]


def delete_drafts(cur, run_id: int, item_key: int) -> int:
    """Remove the analyst's earlier drafts of one item (a new edit replaces them); returns how many."""
    return len(
        cur.execute(
            """DELETE FROM revisions WHERE run_id = ? AND item_key = ? AND author = 'analyst' AND status = 'draft'
               RETURNING revision_id""",
            [run_id, item_key],
        ).fetchall()
    )


def list_revisions(
    db: Database,
    *,
    run_id: int | None = None,
    revise_set_id: int | None = None,
    revision_ids: list[int] | None = None,
    item_key: int | None = None,
    example_id: int | None = None,
) -> list[RevisionRow]:
    """Revisions matching every filter given, oldest first."""
    where, params = ["TRUE"], []
    filters = (
        ("r.run_id", run_id),
        ("r.revise_set_id", revise_set_id),
        ("r.item_key", item_key),
        ("r.example_id", example_id),
    )
    for column, value in filters:
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if revision_ids is not None:
        where.append("list_contains(?::BIGINT[], r.revision_id)")
        params.append(list(revision_ids))
    sql = _SELECT + " WHERE " + " AND ".join(where) + " ORDER BY r.revision_id"
    return [_row(r) for r in db.fetchall(sql, params)]


def filtered_items(db: Database, item_filter: ItemFilter) -> list[dict]:
    """item_key, item_id, input, target, output and split of the items a filter selects, in item order."""
    columns = ("item_key", "item_id", "input", "target", "output", "split")
    sql, params = filter_sql(item_filter, columns=", ".join(f"i.{c}" for c in columns))
    return [dict(zip(columns, r, strict=True)) for r in db.fetchall(sql + " ORDER BY i.item_key", params)]


def failing_reasons(db: Database, run_id: int, item_keys: list[int]) -> dict[int, dict[str, str]]:
    """Per item: {check name: reason} of every check it fails, in check order."""
    rows = db.fetchall(
        """SELECT r.item_key, r.check_name, coalesce(r.reason, '') FROM check_results r
           JOIN checks c ON c.run_id = r.run_id AND c.name = r.check_name
           WHERE r.run_id = ? AND NOT r.passed AND list_contains(?::BIGINT[], r.item_key)
           ORDER BY r.item_key, c.position, c.name""",
        [run_id, list(item_keys)],
    )
    found: dict[int, dict[str, str]] = {}
    for key, name, reason in rows:
        found.setdefault(key, {})[name] = reason
    return found


def revision_pairs(
    db: Database, *, run_id: int | None = None, statuses: tuple[str, ...] = ("accepted",), bucket_ids=None
) -> list[dict]:
    """Kept revisions as preference pairs (prompt, chosen = the revision, rejected = the original output) with
    their lineage, never of a held-out item, whose example has one of `statuses`, oldest first."""
    where = ["r.status = 'kept'", "i.split <> 'held_out'", "list_contains(?::VARCHAR[], e.status)"]
    params: list = [list(statuses)]
    if run_id is not None:
        where.append("r.run_id = ?")
        params.append(run_id)
    if bucket_ids is not None:
        where.append("list_contains(?::INTEGER[], r.bucket_id)")
        params.append(list(bucket_ids))
    columns = (
        "revision_id",
        "prompt",
        "prompt_messages",
        "chosen",
        "rejected",
        "author",
        "model",
        "bucket",
        "source_run_id",
        "source_item_key",
        "example_id",
    )
    rows = db.fetchall(
        """SELECT r.revision_id, i.input, i.input_messages, r.revised, r.original, r.author,
                  s.model || coalesce('+' || s.adapter, ''), b.name, r.run_id, r.item_key, r.example_id
           FROM revisions r
           JOIN items i ON i.run_id = r.run_id AND i.item_key = r.item_key
           JOIN examples e ON e.example_id = r.example_id
           LEFT JOIN buckets b ON b.bucket_id = r.bucket_id
           LEFT JOIN revise_sets s ON s.revise_set_id = r.revise_set_id
           WHERE """
        + " AND ".join(where)
        + " ORDER BY r.revision_id",
        params,
    )
    pairs = [dict(zip(columns, r, strict=True)) for r in rows]
    for pair in pairs:
        pair["prompt_messages"] = json.loads(pair["prompt_messages"]) if pair["prompt_messages"] else None
    return pairs
