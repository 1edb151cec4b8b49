"""Queries over buckets and labels."""

from __future__ import annotations

from dataclasses import dataclass

from curator.storage.database import Database


@dataclass(frozen=True)
class BucketRow:
    bucket_id: int
    name: str
    description: str


def create_bucket(db: Database, name: str, description: str = "") -> BucketRow:
    row = db.fetchone(
        "INSERT INTO buckets (name, description) VALUES (?, ?) RETURNING bucket_id, name, description",
        [name, description],
    )
    return BucketRow(*row)


def find_bucket(db: Database, name: str) -> BucketRow | None:
    row = db.fetchone("SELECT bucket_id, name, description FROM buckets WHERE name = ?", [name])
    return BucketRow(*row) if row else None


def list_buckets(db: Database) -> list[BucketRow]:
    return [BucketRow(*r) for r in db.fetchall("SELECT bucket_id, name, description FROM buckets ORDER BY name")]


def add_labels(db: Database, run_id: int, item_keys: list[int], bucket_id: int) -> int:
    """Label items with a bucket (labels already there are kept); returns how many were new."""
    with db.transaction() as cur:
        before = cur.execute("SELECT count(*) FROM labels WHERE bucket_id = ?", [bucket_id]).fetchone()[0]
        cur.execute(
            """INSERT OR IGNORE INTO labels (run_id, item_key, bucket_id)
               SELECT ?, unnest(?::BIGINT[]), ?""",
            [run_id, item_keys, bucket_id],
        )
        cur.execute("UPDATE buckets SET last_used_at = current_timestamp WHERE bucket_id = ?", [bucket_id])
        after = cur.execute("SELECT count(*) FROM labels WHERE bucket_id = ?", [bucket_id]).fetchone()[0]
    return after - before


def labelled_item_keys(db: Database, run_id: int, bucket_id: int) -> list[int]:
    rows = db.fetchall(
        "SELECT item_key FROM labels WHERE run_id = ? AND bucket_id = ? ORDER BY item_key", [run_id, bucket_id]
    )
    return [r[0] for r in rows]
