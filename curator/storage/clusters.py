"""Queries over suggested buckets (clusters of a run's failures) and the failed checks they are built from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from curator.storage.database import Database
from curator.storage.embeddings import arrow_table


@dataclass(frozen=True)
class SuggestionRow:
    """One suggested bucket of a run."""

    suggestion_id: int
    run_id: int
    number: int
    name: str
    keywords: list[str]
    status: str
    bucket_id: int | None
    model: str
    text_field: str
    size: int


@dataclass(frozen=True)
class NewSuggestion:
    """A cluster to store: its name, keywords and members (most representative first)."""

    name: str
    keywords: list[str]
    item_keys: list[int]


def failed_checks(db: Database, run_id: int, item_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Every failed check among `item_keys` as (item keys, check numbers, check names by number)."""
    table = arrow_table(
        db,
        """SELECT item_key, dense_rank() OVER (ORDER BY check_name) - 1 AS check_number, check_name
           FROM check_results
           WHERE run_id = ? AND NOT passed AND item_key IN (SELECT unnest(?::BIGINT[]))""",
        [run_id, item_keys.tolist()],
    )
    numbers = table.column("check_number").to_numpy().astype(np.int64)
    names = dict(zip(numbers.tolist(), table.column("check_name").to_pylist(), strict=False))
    return table.column("item_key").to_numpy(), numbers, [names[n] for n in range(len(names))]


def replace_suggestions(db: Database, run_id: int, model: str, field: str, clusters: list[NewSuggestion]) -> None:
    """Drop the run's earlier suggestions and store `clusters` numbered 1.. in one transaction."""
    with db.transaction() as cur:
        cur.execute("DELETE FROM cluster_suggestion_items WHERE run_id = ?", [run_id])
        cur.execute("DELETE FROM cluster_suggestions WHERE run_id = ?", [run_id])
        for number, cluster in enumerate(clusters, start=1):
            _insert_suggestion(cur, run_id, number, cluster, model, field)


def _insert_suggestion(cur, run_id: int, number: int, cluster: NewSuggestion, model: str, field: str) -> int:
    suggestion_id = cur.execute(
        """INSERT INTO cluster_suggestions (run_id, number, name, keywords, model, text_field)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING suggestion_id""",
        [run_id, number, cluster.name, cluster.keywords, model, field],
    ).fetchone()[0]
    members = pa.table(
        {
            "item_key": pa.array(cluster.item_keys, pa.int64()),
            "rank": pa.array(range(len(cluster.item_keys)), pa.int32()),
        }
    )
    cur.register("_curator_cluster_members", members)
    try:
        cur.execute(
            """INSERT INTO cluster_suggestion_items (run_id, suggestion_id, item_key, rank)
               SELECT ?, ?, item_key, rank FROM _curator_cluster_members""",
            [run_id, suggestion_id],
        )
    finally:
        cur.unregister("_curator_cluster_members")
    return suggestion_id


_SUGGESTION_SELECT = """
SELECT s.suggestion_id, s.run_id, s.number, s.name, s.keywords, s.status, s.bucket_id, s.model, s.text_field,
       (SELECT count(*) FROM cluster_suggestion_items m WHERE m.suggestion_id = s.suggestion_id)
FROM cluster_suggestions s
"""


def list_suggestions(db: Database, run_id: int) -> list[SuggestionRow]:
    """The run's suggestions in number order."""
    return [
        SuggestionRow(*r) for r in db.fetchall(_SUGGESTION_SELECT + " WHERE s.run_id = ? ORDER BY s.number", [run_id])
    ]


def get_suggestion(db: Database, run_id: int, number: int) -> SuggestionRow | None:
    row = db.fetchone(_SUGGESTION_SELECT + " WHERE s.run_id = ? AND s.number = ?", [run_id, number])
    return SuggestionRow(*row) if row else None


def member_keys(db: Database, suggestion_id: int, limit: int | None = None) -> list[int]:
    """Item keys of a suggestion, most representative first."""
    sql = "SELECT item_key FROM cluster_suggestion_items WHERE suggestion_id = ? ORDER BY rank"
    params = [suggestion_id]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in db.fetchall(sql, params)]


def member_check_counts(db: Database, run_id: int, suggestion_id: int) -> list[tuple[str, int]]:
    """(check, how many members fail it), most failed first."""
    return db.fetchall(
        """SELECT r.check_name, count(*) AS failing FROM cluster_suggestion_items m
           JOIN check_results r ON r.run_id = m.run_id AND r.item_key = m.item_key AND NOT r.passed
           WHERE m.suggestion_id = ? AND m.run_id = ?
           GROUP BY r.check_name ORDER BY failing DESC, r.check_name""",
        [suggestion_id, run_id],
    )


def set_status(db: Database, suggestion_id: int, status: str, bucket_id: int | None = None) -> None:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE cluster_suggestions SET status = ?, bucket_id = ? WHERE suggestion_id = ?",
            [status, bucket_id, suggestion_id],
        )


def rename(db: Database, suggestion_id: int, name: str) -> None:
    with db.transaction() as cur:
        cur.execute("UPDATE cluster_suggestions SET name = ? WHERE suggestion_id = ?", [name, suggestion_id])


def split_off(db: Database, source: SuggestionRow, item_keys: list[int], cluster: NewSuggestion) -> int:
    """Move `item_keys` out of `source` into a new suggestion numbered after the run's last; returns its number."""
    with db.transaction() as cur:
        number = cur.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM cluster_suggestions WHERE run_id = ?", [source.run_id]
        ).fetchone()[0]
        cur.execute(
            """DELETE FROM cluster_suggestion_items
               WHERE suggestion_id = ? AND item_key IN (SELECT unnest(?::BIGINT[]))""",
            [source.suggestion_id, list(item_keys)],
        )
        _insert_suggestion(cur, source.run_id, number, cluster, source.model, source.text_field)
    return number
