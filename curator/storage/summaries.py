"""Aggregates over a run's items and check results."""

from __future__ import annotations

from curator.storage.database import Database


def split_counts(db: Database, run_id: int) -> dict[str, int]:
    rows = db.fetchall("SELECT split, count(*) FROM items WHERE run_id = ? GROUP BY split ORDER BY split", [run_id])
    return dict(rows)


def check_pass_counts(db: Database, run_id: int) -> list[tuple[str, str, int, int, dict[str, tuple[int, int]]]]:
    """Per check of the run, in spec order: (name, kind, passed, total, {split: (passed, total)})."""
    rows = db.fetchall(
        """
        SELECT c.name, c.kind, i.split,
               count(*) FILTER (WHERE r.passed) AS passed, count(r.passed) AS total
        FROM checks c
        JOIN check_results r ON r.run_id = c.run_id AND r.check_name = c.name
        JOIN items i ON i.run_id = r.run_id AND i.item_key = r.item_key AND i.run_id = ?
        WHERE c.run_id = ?
        GROUP BY c.name, c.kind, c.position, i.split
        ORDER BY c.position, c.name, i.split
        """,
        [run_id, run_id],
    )
    out: dict[str, list] = {}
    for name, kind, split, passed, total in rows:
        entry = out.setdefault(name, [name, kind, 0, 0, {}])
        entry[2] += passed
        entry[3] += total
        entry[4][split] = (passed, total)
    return [tuple(v) for v in out.values()]


def every_check_counts(db: Database, run_id: int) -> dict[str, tuple[int, int]]:
    """Per split: (items passing every check, items graded), counted as the run's pass rate is (an item with no
    failing result passes)."""
    rows = db.fetchall(
        """
        SELECT i.split, count(*) - count(*) FILTER (WHERE r.failed), count(*)
        FROM (SELECT item_key, bool_or(NOT passed) AS failed FROM check_results WHERE run_id = ? GROUP BY item_key) r
        JOIN items i ON i.run_id = ? AND i.item_key = r.item_key
        GROUP BY i.split ORDER BY i.split
        """,
        [run_id, run_id],
    )
    return {split: (passed, total) for split, passed, total in rows}
