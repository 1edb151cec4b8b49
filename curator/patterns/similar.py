"""More like this: an item's nearest neighbours in a run by cosine similarity of cached embeddings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curator.errors import CuratorError, NotFoundError
from curator.patterns.embeddings import SCOPES, Embedder, ProgressCallback, embed_run, run_vectors
from curator.storage import browse as browse_queries
from curator.storage import items as item_queries
from curator.storage.items import ItemRow
from curator.workspace import Workspace


def find_item(ws: Workspace, run_id: int, item_id: str) -> ItemRow:
    """The run's item with source id `item_id`; a clear error if there is none."""
    key = item_queries.find_item_key(ws.db, run_id, item_id)
    item = item_queries.get_item(ws.db, run_id, key) if key is not None else None
    if item is None:
        raise NotFoundError(f"no item with id '{item_id}' in run {run_id}")
    return item


def similar_items(
    ws: Workspace,
    run_id: int,
    item_key: int,
    k: int = 20,
    among: str = "failures",
    *,
    model: str | None = None,
    field: str | None = None,
    embedder: Embedder | None = None,
    progress: ProgressCallback | None = None,
) -> list[tuple[int, float]]:
    """The `k` items of the run (among all | failures | unbucketed) most like `item_key`, as (item_key, similarity)."""
    if among not in SCOPES:
        raise CuratorError(f"unknown set '{among}': choose one of {', '.join(SCOPES)}")
    if item_queries.get_item(ws.db, run_id, item_key) is None:
        raise NotFoundError(f"no item {item_key} in run {run_id}")
    report = embed_run(ws, run_id, embedder=embedder, model=model, field=field, scope="all", item_keys=[item_key])
    embed_run(ws, run_id, embedder=embedder, model=report.model, field=report.field, scope=among, progress=progress)
    _, _, _, anchor = run_vectors(ws, run_id, model=report.model, field=report.field, scope="all", item_keys=[item_key])
    _, _, keys, vectors = run_vectors(ws, run_id, model=report.model, field=report.field, scope=among)
    return nearest(anchor[0], keys, vectors, k, exclude=item_key)


@dataclass(frozen=True)
class Neighbour:
    """One item of "more like this": the item, its cosine similarity to the anchor, the checks it fails."""

    item: ItemRow
    similarity: float
    failing: list[str]


def neighbours(ws: Workspace, run_id: int, found: list[tuple[int, float]]) -> list[Neighbour]:
    """`similar_items`' (item_key, similarity) pairs with their items and failed checks, best first."""
    rows = []
    for (item, similarity), (key, _) in zip(with_items(ws, run_id, found), found, strict=True):
        failing = [c.name for c in browse_queries.item_check_results(ws.db, run_id, key) if c.passed is False]
        rows.append(Neighbour(item, similarity, failing))
    return rows


def with_items(ws: Workspace, run_id: int, found: list[tuple[int, float]]) -> list[tuple[ItemRow, float]]:
    """(item, similarity) for each (item_key, similarity) of `similar_items`."""
    return [(item_queries.get_item(ws.db, run_id, key), similarity) for key, similarity in found]


def nearest(
    anchor: np.ndarray, keys: np.ndarray, vectors: np.ndarray, k: int, exclude: int | None = None
) -> list[tuple[int, float]]:
    """The `k` rows most cosine-similar to `anchor` (unit vectors), best first, leaving out key `exclude`."""
    if len(keys) == 0:
        return []
    scores = vectors @ anchor
    if exclude is not None:
        scores = np.where(keys == exclude, -np.inf, scores)
    count = min(k, int(np.isfinite(scores).sum()))
    top = np.argpartition(-scores, count - 1)[:count] if count else np.zeros(0, dtype=np.int64)
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(keys[i]), float(scores[i])) for i in top]
