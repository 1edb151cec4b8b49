"""Queries over buckets, labels, notes and the undo log of label actions."""

from __future__ import annotations

from curator.storage.browse import ItemFilter, filter_sql
from curator.storage.bucket_rows import BucketCount, BucketImpact, BucketItem, BucketRow, NoteRow, UndoneAction
from curator.storage.database import Database

_BUCKET_COLUMNS = "bucket_id, name, description"


def create_bucket(db: Database, name: str, description: str = "") -> BucketRow:
    row = db.fetchone(
        f"INSERT INTO buckets (name, description) VALUES (?, ?) RETURNING {_BUCKET_COLUMNS}", [name, description]
    )
    return BucketRow(*row)


def find_bucket(db: Database, name: str) -> BucketRow | None:
    row = db.fetchone(f"SELECT {_BUCKET_COLUMNS} FROM buckets WHERE name = ?", [name])
    return BucketRow(*row) if row else None


def get_bucket_by_id(db: Database, bucket_id: int) -> BucketRow | None:
    row = db.fetchone(f"SELECT {_BUCKET_COLUMNS} FROM buckets WHERE bucket_id = ?", [bucket_id])
    return BucketRow(*row) if row else None


def list_buckets(db: Database) -> list[BucketRow]:
    return [BucketRow(*r) for r in db.fetchall(f"SELECT {_BUCKET_COLUMNS} FROM buckets ORDER BY name")]


def recent_buckets(db: Database, limit: int = 9) -> list[BucketRow]:
    """The buckets used (or created) most recently, newest first."""
    rows = db.fetchall(
        f"""SELECT {_BUCKET_COLUMNS} FROM buckets
            ORDER BY coalesce(last_used_at, created_at) DESC, bucket_id DESC LIMIT ?""",
        [limit],
    )
    return [BucketRow(*r) for r in rows]


def bucket_counts(db: Database) -> list[BucketCount]:
    rows = db.fetchall(
        f"""SELECT {", ".join("b." + c.strip() for c in _BUCKET_COLUMNS.split(","))},
                   count(l.item_key), count(DISTINCT l.run_id)
            FROM buckets b LEFT JOIN labels l USING (bucket_id)
            GROUP BY ALL ORDER BY b.name"""
    )
    return [BucketCount(BucketRow(*r[:3]), r[3], r[4]) for r in rows]


def bucket_items(db: Database, bucket_id: int, limit: int = 500) -> list[BucketItem]:
    rows = db.fetchall(
        """SELECT l.run_id, r.name, l.item_key, i.item_id
           FROM labels l JOIN runs r USING (run_id)
           JOIN items i ON i.run_id = l.run_id AND i.item_key = l.item_key
           WHERE l.bucket_id = ? ORDER BY l.run_id, l.item_key LIMIT ?""",
        [bucket_id, limit],
    )
    return [BucketItem(*r) for r in rows]


def rename_bucket(db: Database, bucket_id: int, name: str) -> None:
    db.execute("UPDATE buckets SET name = ? WHERE bucket_id = ?", [name, bucket_id])


def set_description(db: Database, bucket_id: int, description: str) -> None:
    db.execute("UPDATE buckets SET description = ? WHERE bucket_id = ?", [description, bucket_id])


def delete_bucket(db: Database, bucket_id: int) -> None:
    """Delete a bucket with its labels; notes stay on their items, detached from it."""
    with db.transaction() as cur:
        cur.execute("DELETE FROM labels WHERE bucket_id = ?", [bucket_id])
        cur.execute("UPDATE notes SET bucket_id = NULL WHERE bucket_id = ?", [bucket_id])
        cur.execute("DELETE FROM label_actions WHERE bucket_id = ?", [bucket_id])
        cur.execute("DELETE FROM buckets WHERE bucket_id = ?", [bucket_id])


def merge_buckets(db: Database, source_id: int, target_id: int) -> int:
    """Move every label and note of `source_id` to `target_id` and delete the source; returns labels moved."""
    with db.transaction() as cur:
        before = cur.execute("SELECT count(*) FROM labels WHERE bucket_id = ?", [target_id]).fetchone()[0]
        cur.execute(
            """INSERT OR IGNORE INTO labels (run_id, item_key, bucket_id, created_at)
               SELECT run_id, item_key, ?, created_at FROM labels WHERE bucket_id = ?""",
            [target_id, source_id],
        )
        after = cur.execute("SELECT count(*) FROM labels WHERE bucket_id = ?", [target_id]).fetchone()[0]
        cur.execute("DELETE FROM labels WHERE bucket_id = ?", [source_id])
        cur.execute("UPDATE notes SET bucket_id = ? WHERE bucket_id = ?", [target_id, source_id])
        cur.execute("DELETE FROM label_actions WHERE bucket_id IN (?, ?)", [source_id, target_id])
        cur.execute("UPDATE labels SET action_id = NULL WHERE bucket_id = ?", [target_id])
        cur.execute("UPDATE buckets SET last_used_at = current_timestamp WHERE bucket_id = ?", [target_id])
        cur.execute("DELETE FROM buckets WHERE bucket_id = ?", [source_id])
    return after - before


def _start_action(cur, run_id: int, kind: str, bucket_id: int | None) -> int:
    return cur.execute(
        "INSERT INTO label_actions (run_id, kind, bucket_id) VALUES (?, ?, ?) RETURNING action_id",
        [run_id, kind, bucket_id],
    ).fetchone()[0]


def _finish_label_action(cur, action_id: int, bucket_id: int) -> int:
    """Record how many labels the action added (dropping it when none), mark the bucket used."""
    added = cur.execute("SELECT count(*) FROM labels WHERE action_id = ?", [action_id]).fetchone()[0]
    if added:
        cur.execute("UPDATE label_actions SET item_count = ? WHERE action_id = ?", [added, action_id])
    else:
        cur.execute("DELETE FROM label_actions WHERE action_id = ?", [action_id])
    cur.execute("UPDATE buckets SET last_used_at = current_timestamp WHERE bucket_id = ?", [bucket_id])
    return added


def add_labels(db: Database, run_id: int, item_keys: list[int], bucket_id: int) -> int:
    """Label items with a bucket (labels already there are kept); returns how many were new."""
    with db.transaction() as cur:
        action_id = _start_action(cur, run_id, "label", bucket_id)
        cur.execute(
            """INSERT OR IGNORE INTO labels (run_id, item_key, bucket_id, action_id)
               SELECT ?, unnest(?::BIGINT[]), ?, ?""",
            [run_id, item_keys, bucket_id, action_id],
        )
        return _finish_label_action(cur, action_id, bucket_id)


def add_labels_for_filter(db: Database, item_filter: ItemFilter, bucket_id: int | None, new_bucket=None) -> int:
    """Label every item the filter matches, as one undoable action; returns how many were new.

    With `new_bucket` (name, description) the bucket is created in the same transaction, so a failed labelling
    leaves no empty bucket behind.
    """
    keys_sql, params = filter_sql(item_filter)
    with db.transaction() as cur:
        if new_bucket is not None:
            bucket_id = cur.execute(
                "INSERT INTO buckets (name, description) VALUES (?, ?) RETURNING bucket_id", list(new_bucket)
            ).fetchone()[0]
        action_id = _start_action(cur, item_filter.run_id, "label", bucket_id)
        cur.execute(
            f"""INSERT OR IGNORE INTO labels (run_id, item_key, bucket_id, action_id)
                SELECT ?, item_key, ?, ? FROM ({keys_sql})""",
            [item_filter.run_id, bucket_id, action_id, *params],
        )
        return _finish_label_action(cur, action_id, bucket_id)


def _forget_removed(cur, action_ids: list[int | None]) -> None:
    """Lower the undo log's counts by the labels taken out (an action left with none is dropped from it)."""
    counts: dict[int, int] = {}
    for action_id in action_ids:
        if action_id is not None:
            counts[action_id] = counts.get(action_id, 0) + 1
    for action_id, n in counts.items():
        cur.execute("UPDATE label_actions SET item_count = item_count - ? WHERE action_id = ?", [n, action_id])
    cur.execute("DELETE FROM label_actions WHERE kind = 'label' AND item_count <= 0")


def _delete_labels(cur, run_id: int, item_keys: list[int], bucket_id: int) -> int:
    removed = cur.execute(
        """DELETE FROM labels WHERE run_id = ? AND bucket_id = ? AND item_key IN (SELECT unnest(?::BIGINT[]))
           RETURNING action_id""",
        [run_id, bucket_id, item_keys],
    ).fetchall()
    _forget_removed(cur, [a for (a,) in removed])
    return len(removed)


def remove_labels(db: Database, run_id: int, item_keys: list[int], bucket_id: int) -> int:
    """Take items out of a bucket; returns how many were in it."""
    with db.transaction() as cur:
        return _delete_labels(cur, run_id, item_keys, bucket_id)


def remove_labels_for_filter(db: Database, item_filter: ItemFilter, bucket_id: int) -> int:
    """Take every item the filter matches out of a bucket (one transaction); returns how many were in it."""
    keys_sql, params = filter_sql(item_filter)
    with db.transaction() as cur:
        keys = [k for (k,) in cur.execute(keys_sql, params).fetchall()]
        return _delete_labels(cur, item_filter.run_id, keys, bucket_id)


def add_note(db: Database, run_id: int, item_key: int, text: str, bucket_id: int | None = None) -> int:
    with db.transaction() as cur:
        action_id = _start_action(cur, run_id, "note", bucket_id)
        note_id = cur.execute(
            "INSERT INTO notes (run_id, item_key, bucket_id, text) VALUES (?, ?, ?, ?) RETURNING note_id",
            [run_id, item_key, bucket_id, text],
        ).fetchone()[0]
        cur.execute("UPDATE label_actions SET note_id = ?, item_count = 1 WHERE action_id = ?", [note_id, action_id])
    return note_id


def undo_last_action(db: Database, run_id: int) -> UndoneAction | None:
    """Take back the newest label action of a run (its labels or its note); None when there is none."""
    with db.transaction() as cur:
        row = cur.execute(
            """SELECT a.action_id, a.kind, a.note_id, a.item_count, b.name
               FROM label_actions a LEFT JOIN buckets b USING (bucket_id)
               WHERE a.run_id = ? ORDER BY a.action_id DESC LIMIT 1""",
            [run_id],
        ).fetchone()
        if row is None:
            return None
        action_id, kind, note_id, item_count, bucket_name = row
        if kind == "note":
            cur.execute("DELETE FROM notes WHERE note_id = ?", [note_id])
        else:
            cur.execute("DELETE FROM labels WHERE action_id = ?", [action_id])
        cur.execute("DELETE FROM label_actions WHERE action_id = ?", [action_id])
    return UndoneAction(kind=kind, bucket_name=bucket_name, item_count=item_count)


def item_buckets(db: Database, run_id: int, item_key: int) -> list[BucketRow]:
    rows = db.fetchall(
        f"""SELECT {", ".join("b." + c.strip() for c in _BUCKET_COLUMNS.split(","))}
            FROM labels l JOIN buckets b USING (bucket_id)
            WHERE l.run_id = ? AND l.item_key = ? ORDER BY b.name""",
        [run_id, item_key],
    )
    return [BucketRow(*r) for r in rows]


def item_notes(db: Database, run_id: int, item_key: int) -> list[NoteRow]:
    rows = db.fetchall(
        """SELECT n.note_id, n.text, b.name, n.created_at FROM notes n LEFT JOIN buckets b USING (bucket_id)
           WHERE n.run_id = ? AND n.item_key = ? ORDER BY n.note_id""",
        [run_id, item_key],
    )
    return [NoteRow(*r) for r in rows]


_IMPACT = """
WITH item_state AS (
    SELECT item_key, bool_or(NOT passed) AS failed FROM check_results WHERE run_id = $run GROUP BY item_key
), bucket_items AS (
    SELECT l.bucket_id, l.item_key, coalesce(s.failed, false) AS failed
    FROM labels l LEFT JOIN item_state s USING (item_key) WHERE l.run_id = $run
)
SELECT b.bucket_id, b.name, b.description, count(*) AS items, count(*) FILTER (WHERE bi.failed) AS failing,
       (SELECT count(*) FROM item_state WHERE failed) AS all_failing
FROM bucket_items bi JOIN buckets b USING (bucket_id)
GROUP BY ALL ORDER BY failing DESC, items DESC, b.name
"""

_IMPACT_CHECKS = """
SELECT l.bucket_id, c.check_name, avg(c.passed::DOUBLE)
FROM labels l JOIN check_results c ON c.run_id = l.run_id AND c.item_key = l.item_key
WHERE l.run_id = $run GROUP BY ALL
"""

_IMPACT_NOTES = """
SELECT bucket_id, arg_max(text, note_id) FROM (
    SELECT n.bucket_id, n.text, n.note_id FROM notes n WHERE n.run_id = $run AND n.bucket_id IS NOT NULL
    UNION ALL
    SELECT l.bucket_id, n.text, n.note_id FROM notes n
    JOIN labels l ON l.run_id = n.run_id AND l.item_key = n.item_key WHERE n.run_id = $run
) GROUP BY bucket_id
"""


def bucket_impact(db: Database, run_id: int) -> list[BucketImpact]:
    """The buckets used in a run, the one holding the most failing items first."""
    params = {"run": run_id}
    rates: dict[int, dict[str, float]] = {}
    for bucket_id, check, rate in db.fetchall(_IMPACT_CHECKS, params):
        rates.setdefault(bucket_id, {})[check] = rate
    notes = dict(db.fetchall(_IMPACT_NOTES, params))
    return [
        BucketImpact(BucketRow(bid, name, desc), items, failing, all_failing, rates.get(bid, {}), notes.get(bid))
        for bid, name, desc, items, failing, all_failing in db.fetchall(_IMPACT, params)
    ]
