"""Buckets: named failure patterns that items are labelled with."""

from __future__ import annotations

from curator.errors import CuratorError, NotFoundError
from curator.storage import buckets as bucket_queries
from curator.storage.buckets import BucketRow
from curator.workspace import Workspace


def create_bucket(ws: Workspace, name: str, description: str = "") -> BucketRow:
    name = name.strip()
    if not name:
        raise CuratorError("a bucket needs a name")
    if bucket_queries.find_bucket(ws.db, name):
        raise CuratorError(f"a bucket named '{name}' already exists")
    return bucket_queries.create_bucket(ws.db, name, description.strip())


def get_bucket(ws: Workspace, name: str) -> BucketRow:
    bucket = bucket_queries.find_bucket(ws.db, name)
    if bucket is None:
        raise NotFoundError(f"no bucket named '{name}'")
    return bucket


def list_buckets(ws: Workspace) -> list[BucketRow]:
    return bucket_queries.list_buckets(ws.db)


def label_items(ws: Workspace, run_id: int, item_keys: list[int], bucket: BucketRow) -> int:
    """Put items in a bucket; returns how many were not in it yet."""
    return bucket_queries.add_labels(ws.db, run_id, list(item_keys), bucket.bucket_id)


def bucket_item_keys(ws: Workspace, run_id: int, bucket: BucketRow) -> list[int]:
    return bucket_queries.labelled_item_keys(ws.db, run_id, bucket.bucket_id)
