"""Queries comparing two runs: per check and split the paired outcomes, per item what flipped, and the buckets
an item carries in the run or in its ancestors (matched on item_id)."""

from __future__ import annotations

from curator.storage.database import Database

# One row per (matched item, check that applied on either side): items of the two runs are matched on item_id
# (a re-eval run copies its parent's items) and counted under the earlier run's split label.
_PAIRED = """
WITH pairs AS (
    SELECT b.item_id, b.item_key AS before_key, a.item_key AS after_key, b.split
    FROM items b JOIN items a ON a.run_id = $after AND a.item_id = b.item_id
    WHERE b.run_id = $before
), rb AS (
    SELECT item_key, check_name, passed FROM check_results WHERE run_id = $before
), ra AS (
    SELECT item_key, check_name, passed FROM check_results WHERE run_id = $after
), applied AS (
    SELECT p.*, rb.check_name FROM pairs p JOIN rb ON rb.item_key = p.before_key
    UNION
    SELECT p.*, ra.check_name FROM pairs p JOIN ra ON ra.item_key = p.after_key
), paired AS (
    SELECT k.check_name, k.split, k.item_id, k.before_key, k.after_key, rb.passed AS pb, ra.passed AS pa
    FROM applied k
    LEFT JOIN rb ON rb.item_key = k.before_key AND rb.check_name = k.check_name
    LEFT JOIN ra ON ra.item_key = k.after_key AND ra.check_name = k.check_name
)
"""

_CHECK_PAIRS = (
    _PAIRED
    + """
SELECT check_name, split,
       count(*) FILTER (WHERE pb), count(pb), count(*) FILTER (WHERE pa), count(pa),
       coalesce(list(after_key ORDER BY after_key) FILTER (WHERE NOT pb AND pa), []),
       coalesce(list(after_key ORDER BY after_key) FILTER (WHERE pb AND NOT pa), []),
       coalesce(list(after_key ORDER BY after_key) FILTER (WHERE NOT pb AND NOT pa), [])
FROM paired GROUP BY check_name, split ORDER BY check_name, split
"""
)

_ITEM_OUTCOMES = (
    _PAIRED
    + """
SELECT item_id, before_key, after_key, split, bool_and(pb), bool_and(pa),
       coalesce(list(check_name ORDER BY check_name) FILTER (WHERE NOT pb), []),
       coalesce(list(check_name ORDER BY check_name) FILTER (WHERE NOT pa), []),
       coalesce(list(check_name ORDER BY check_name) FILTER (WHERE NOT pb AND pa), []),
       coalesce(list(check_name ORDER BY check_name) FILTER (WHERE pb AND NOT pa), [])
FROM paired GROUP BY item_id, before_key, after_key, split ORDER BY before_key
"""
)


def paired_check_counts(db: Database, before_run_id: int, after_run_id: int) -> list[tuple]:
    """Per (check, split) over the matched items: passed before, applied before, passed after, applied after,
    and the after-run item keys fixed (fail -> pass), regressed (pass -> fail) and still failing."""
    return db.fetchall(_CHECK_PAIRS, {"before": before_run_id, "after": after_run_id})


def item_outcomes(db: Database, before_run_id: int, after_run_id: int) -> list[tuple]:
    """Per matched item with a check result: (item_id, key before, key after, split, passed every check before,
    passed every check after, failing checks before, failing checks after, checks fixed, checks regressed)."""
    return db.fetchall(_ITEM_OUTCOMES, {"before": before_run_id, "after": after_run_id})


def check_order(db: Database, run_id: int) -> list[str]:
    return [r[0] for r in db.fetchall("SELECT name FROM checks WHERE run_id = ? ORDER BY position, name", [run_id])]


# The buckets of the run's own items and of the same items (by item_id) in its ancestors: a re-eval run copies
# its parent's items but not their labels.
_INHERITED_LABELS = """
WITH RECURSIVE chain(run_id, depth) AS (
    SELECT $run, 0
    UNION
    SELECT r.parent_run_id, c.depth + 1 FROM runs r JOIN chain c ON r.run_id = c.run_id
    WHERE r.parent_run_id IS NOT NULL AND c.depth < 1000
)
SELECT DISTINCT b.bucket_id, b.name, t.item_key
FROM (SELECT DISTINCT run_id FROM chain) c
JOIN labels l ON l.run_id = c.run_id
JOIN items s ON s.run_id = l.run_id AND s.item_key = l.item_key
JOIN items t ON t.run_id = $run AND t.item_id = s.item_id
JOIN buckets b ON b.bucket_id = l.bucket_id
WHERE $bucket IS NULL OR b.bucket_id = $bucket
ORDER BY b.name, t.item_key
"""


def inherited_labels(db: Database, run_id: int, bucket_id: int | None = None) -> list[tuple[int, str, int]]:
    """(bucket_id, bucket name, item_key of `run_id`) for every bucket on the run's items or on the same items
    in the run's ancestors; only bucket `bucket_id` when given."""
    return db.fetchall(_INHERITED_LABELS, {"run": run_id, "bucket": bucket_id})


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
