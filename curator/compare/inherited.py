"""The buckets a run's items carry from the runs before it.

A re-eval run copies its parent's items, not their labels; these functions show the labels of the run itself and
of its ancestors on the run's own items, matched by item_id (for the compare screen and the browser's bucket filter).
"""

from __future__ import annotations

from curator.storage import compare as compare_queries
from curator.workspace import Workspace


def inherited_buckets(ws: Workspace, run_id: int) -> dict[int, list[str]]:
    """item_key of `run_id` -> names of the buckets labelling that item here or in an ancestor run."""
    buckets: dict[int, list[str]] = {}
    for _bucket_id, name, item_key in compare_queries.inherited_labels(ws.db, run_id):
        buckets.setdefault(item_key, []).append(name)
    return buckets


def inherited_bucket_keys(ws: Workspace, run_id: int, bucket_id: int) -> tuple[int, ...]:
    """The keys of `run_id`'s items in bucket `bucket_id`, here or in an ancestor run (an `ItemFilter.item_keys`)."""
    return tuple(sorted({key for _id, _name, key in compare_queries.inherited_labels(ws.db, run_id, bucket_id)}))


def bucket_members(ws: Workspace, run_id: int) -> dict[str, list[int]]:
    """bucket name -> item keys of `run_id` it labels, here or in an ancestor run."""
    members: dict[str, list[int]] = {}
    for _bucket_id, name, item_key in compare_queries.inherited_labels(ws.db, run_id):
        members.setdefault(name, []).append(item_key)
    return members
