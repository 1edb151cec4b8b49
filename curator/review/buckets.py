"""Buckets: named failure patterns that items are labelled with, their notes and the undo of label actions."""

from __future__ import annotations

from dataclasses import dataclass

from curator.errors import CuratorError, NotFoundError
from curator.storage import buckets as bucket_queries
from curator.storage.browse import ItemFilter
from curator.storage.bucket_rows import BucketCount, BucketImpact, BucketItem, BucketRow, NoteRow, UndoneAction
from curator.workspace import Workspace

__all__ = ["BucketCount", "BucketImpact", "BucketItem", "BucketRow", "NewBucket", "NoteRow", "UndoneAction"]


@dataclass(frozen=True)
class NewBucket:
    """A bucket the analyst named but that is not created yet (it is made together with its first labels)."""

    name: str
    description: str = ""


def _valid_new_name(ws: Workspace, name: str) -> str:
    name = name.strip()
    if not name:
        raise CuratorError("a bucket needs a name")
    if bucket_queries.find_bucket(ws.db, name):
        raise CuratorError(f"a bucket named '{name}' already exists")
    return name


def create_bucket(ws: Workspace, name: str, description: str = "") -> BucketRow:
    return bucket_queries.create_bucket(ws.db, _valid_new_name(ws, name), description.strip())


def get_bucket(ws: Workspace, name: str) -> BucketRow:
    bucket = bucket_queries.find_bucket(ws.db, name)
    if bucket is None:
        raise NotFoundError(f"no bucket named '{name}'")
    return bucket


def get_bucket_by_id(ws: Workspace, bucket_id: int) -> BucketRow:
    bucket = bucket_queries.get_bucket_by_id(ws.db, bucket_id)
    if bucket is None:
        raise NotFoundError(f"no bucket with id {bucket_id}")
    return bucket


def list_buckets(ws: Workspace) -> list[BucketRow]:
    return bucket_queries.list_buckets(ws.db)


def recent_buckets(ws: Workspace, limit: int = 9) -> list[BucketRow]:
    """The buckets the keys 1-9 apply: the most recently used first."""
    return bucket_queries.recent_buckets(ws.db, limit)


def bucket_counts(ws: Workspace) -> list[BucketCount]:
    return bucket_queries.bucket_counts(ws.db)


def bucket_items(ws: Workspace, bucket: BucketRow, limit: int = 500) -> list[BucketItem]:
    return bucket_queries.bucket_items(ws.db, bucket.bucket_id, limit)


def rename_bucket(ws: Workspace, bucket: BucketRow, new_name: str) -> BucketRow:
    if new_name.strip() == bucket.name:
        return bucket
    name = _valid_new_name(ws, new_name)
    bucket_queries.rename_bucket(ws.db, bucket.bucket_id, name)
    return get_bucket_by_id(ws, bucket.bucket_id)


def set_description(ws: Workspace, bucket: BucketRow, description: str) -> BucketRow:
    bucket_queries.set_description(ws.db, bucket.bucket_id, description.strip())
    return get_bucket_by_id(ws, bucket.bucket_id)


def delete_bucket(ws: Workspace, bucket: BucketRow) -> None:
    """Delete a bucket and its labels; items and notes stay."""
    bucket_queries.delete_bucket(ws.db, bucket.bucket_id)


def merge_buckets(ws: Workspace, source: BucketRow, target: BucketRow) -> int:
    """Fold `source` into `target` (labels and notes move, source is deleted); returns labels gained."""
    if source.bucket_id == target.bucket_id:
        raise CuratorError("cannot merge a bucket into itself")
    return bucket_queries.merge_buckets(ws.db, source.bucket_id, target.bucket_id)


def label_items(ws: Workspace, run_id: int, item_keys: list[int], bucket: BucketRow) -> int:
    """Put items in a bucket; returns how many were not in it yet."""
    return bucket_queries.add_labels(ws.db, run_id, list(item_keys), bucket.bucket_id)


def label_filter(ws: Workspace, item_filter: ItemFilter, bucket: BucketRow | NewBucket) -> int:
    """Put every item the filter matches in a bucket, as one undoable action; returns how many were new.

    A `NewBucket` is created only here, in the same transaction as its labels: declining the labelling (or a
    failure) leaves no empty bucket.
    """
    if isinstance(bucket, NewBucket):
        name = _valid_new_name(ws, bucket.name)
        return bucket_queries.add_labels_for_filter(ws.db, item_filter, None, (name, bucket.description.strip()))
    return bucket_queries.add_labels_for_filter(ws.db, item_filter, bucket.bucket_id)


def unlabel_items(ws: Workspace, run_id: int, item_keys: list[int], bucket: BucketRow) -> int:
    """Take items out of a bucket (one transaction); returns how many were in it. Items and notes stay."""
    return bucket_queries.remove_labels(ws.db, run_id, list(item_keys), bucket.bucket_id)


def unlabel_filter(ws: Workspace, item_filter: ItemFilter, bucket: BucketRow) -> int:
    """Take every item the filter matches out of a bucket (one transaction); returns how many were in it."""
    return bucket_queries.remove_labels_for_filter(ws.db, item_filter, bucket.bucket_id)


def add_note(ws: Workspace, run_id: int, item_key: int, text: str, bucket: BucketRow | None = None) -> int:
    text = text.strip()
    if not text:
        raise CuratorError("a note needs some text")
    return bucket_queries.add_note(ws.db, run_id, item_key, text, bucket.bucket_id if bucket else None)


def undo_last(ws: Workspace, run_id: int) -> UndoneAction | None:
    """Take back the newest label or note of the run; None when there is nothing to undo."""
    return bucket_queries.undo_last_action(ws.db, run_id)


def item_buckets(ws: Workspace, run_id: int, item_key: int) -> list[BucketRow]:
    return bucket_queries.item_buckets(ws.db, run_id, item_key)


def item_notes(ws: Workspace, run_id: int, item_key: int) -> list[NoteRow]:
    return bucket_queries.item_notes(ws.db, run_id, item_key)


def bucket_impact(ws: Workspace, run_id: int) -> list[BucketImpact]:
    return bucket_queries.bucket_impact(ws.db, run_id)


def fuzzy_score(query: str, name: str) -> float | None:
    """How well `query` matches `name` as an in-order subsequence (higher is better); None when it does not."""
    query, name = query.lower().strip(), name.lower()
    if not query:
        return 0.0
    position, score, previous = 0, 0.0, -2
    for char in query:
        found = name.find(char, position)
        if found < 0:
            return None
        score += 2.0 if found == previous + 1 else 1.0
        score += 1.0 if found == 0 or name[found - 1] in " -_" else 0.0
        previous, position = found, found + 1
    return score / (len(name) ** 0.5)
