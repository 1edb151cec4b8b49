"""Queries comparing a run with its parent: pass counts per check and split, per-item outcome, per bucket."""

from __future__ import annotations

from curator.storage.database import Database

# Items of the two runs are matched on item_id (a re-eval run copies its parent's items).
_ITEM_OUTCOMES = """
WITH outcome AS (
    SELECT r.run_id, r.item_key, bool_and(r.passed) AS passed,
           list(r.check_name ORDER BY r.check_name) FILTER (WHERE NOT r.passed) AS failed_checks
    FROM check_results r WHERE r.run_id IN (?, ?) GROUP BY r.run_id, r.item_key
)
SELECT b.item_id, b.item_key, a.item_key, b.split, ob.passed, oa.passed,
       coalesce(ob.failed_checks, []), coalesce(oa.failed_checks, [])
FROM items b
JOIN items a ON a.run_id = ? AND a.item_id = b.item_id
LEFT JOIN outcome ob ON ob.run_id = b.run_id AND ob.item_key = b.item_key
LEFT JOIN outcome oa ON oa.run_id = a.run_id AND oa.item_key = a.item_key
WHERE b.run_id = ?
ORDER BY b.item_key
"""


# Per check, over the items present in both runs (matched on item_id), split by the earlier run's split labels.
_PAIRED_CHECK_COUNTS = """
WITH pairs AS (
    SELECT b.item_key AS before_key, a.item_key AS after_key, b.split
    FROM items b JOIN items a ON a.run_id = ? AND a.item_id = b.item_id
    WHERE b.run_id = ?
)
SELECT r.check_name, 'before' AS side, p.split, count(*) FILTER (WHERE r.passed), count(*)
FROM pairs p JOIN check_results r ON r.run_id = ? AND r.item_key = p.before_key
GROUP BY r.check_name, p.split
UNION ALL
SELECT r.check_name, 'after' AS side, p.split, count(*) FILTER (WHERE r.passed), count(*)
FROM pairs p JOIN check_results r ON r.run_id = ? AND r.item_key = p.after_key
GROUP BY r.check_name, p.split
ORDER BY 1, 2, 3
"""


def paired_check_counts(db: Database, before_run_id: int, after_run_id: int) -> list[tuple[str, str, str, int, int]]:
    """(check, 'before' | 'after', split, passed, applicable) over the items matched between the two runs,
    each counted under the earlier run's split."""
    return db.fetchall(_PAIRED_CHECK_COUNTS, [after_run_id, before_run_id, before_run_id, after_run_id])


def check_order(db: Database, run_id: int) -> list[str]:
    return [r[0] for r in db.fetchall("SELECT name FROM checks WHERE run_id = ? ORDER BY position, name", [run_id])]


def item_outcomes(db: Database, before_run_id: int, after_run_id: int) -> list[tuple]:
    """Per item of the earlier run: (item_id, key before, key after, split, passed before, passed after,
    failed checks before, failed checks after); passed is NULL when no check applied."""
    return db.fetchall(_ITEM_OUTCOMES, [before_run_id, after_run_id, after_run_id, before_run_id])


def bucket_members(db: Database, run_id: int) -> list[tuple[str, int]]:
    """(bucket name, item_key) for every label on the run's items."""
    return db.fetchall(
        """SELECT b.name, l.item_key FROM labels l JOIN buckets b ON b.bucket_id = l.bucket_id
           WHERE l.run_id = ? ORDER BY b.name, l.item_key""",
        [run_id],
    )


def failing_item_keys(db: Database, run_id: int, check_name: str, split: str | None = None) -> list[int]:
    """Keys of the run's items that fail `check_name` (optionally in one split)."""
    return [
        r[0]
        for r in db.fetchall(
            """SELECT r.item_key FROM check_results r JOIN items i ON i.run_id = r.run_id AND i.item_key = r.item_key
           WHERE r.run_id = ? AND r.check_name = ? AND NOT r.passed AND (? IS NULL OR i.split = ?)
           ORDER BY r.item_key""",
            [run_id, check_name, split, split],
        )
    ]
