"""Suggested buckets: cluster a run's unbucketed failures, name each cluster, and let the analyst accept, rename,
split or dismiss it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from curator.errors import CuratorError, NotFoundError
from curator.patterns.cluster_names import class_keywords, propose_names
from curator.patterns.embeddings import (
    DIFFERENCE_FIELD,
    CancelCheck,
    Embedder,
    ProgressCallback,
    embed_run,
    field_texts,
    run_vectors,
)
from curator.patterns.grouping import ClusterSettings, cluster_features, failure_features, ranked_clusters
from curator.review import buckets as bucket_domain
from curator.storage import clusters as cluster_queries
from curator.storage import items as item_queries
from curator.storage.buckets import BucketRow
from curator.storage.clusters import NewSuggestion, SuggestionRow
from curator.storage.items import ItemRow
from curator.workspace import Workspace

# Members per cluster whose text goes into naming (the most representative ones): keeps 100k failures fast.
NAMING_MEMBERS = 500
REPRESENTATIVES = 3


PhaseCallback = Callable[[str, int], None]
"""Told when suggesting enters a phase (`embedding`, `clustering`, `naming`, `saving`) and over how many items."""
PHASES = ("embedding", "clustering", "naming", "saving")


class EmbeddingCancelled(CuratorError):
    """Embedding was stopped before every failure had a vector; what was done stays cached."""


@dataclass(frozen=True)
class Suggestion:
    """A suggested bucket as the analyst sees it."""

    number: int
    name: str
    keywords: list[str]
    status: str
    size: int
    bucket_name: str | None
    failed_checks: list[tuple[str, int]]
    representatives: list[ItemRow]


def failed_check_matrix(ws: Workspace, run_id: int, keys: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """A 0/1 matrix (rows aligned with `keys`, one column per check) of which checks each item fails."""
    item_keys, columns, names = cluster_queries.failed_checks(ws.db, run_id, keys)
    matrix = np.zeros((len(keys), len(names)), dtype=np.float32)
    matrix[np.searchsorted(keys, item_keys), columns] = 1.0
    return matrix, names


def name_clusters(
    texts: dict[int, str], members: list[np.ndarray], taken: set[str] = frozenset(), keep_tags: bool = False
) -> tuple[list[str], list[list[str]]]:
    """(names, keywords) of clusters given as arrays of item keys, from their most representative members' texts:
    the terms that set each cluster apart from the others (c-TF-IDF)."""
    docs = [" ".join(texts[int(k)] for k in keys[:NAMING_MEMBERS]) for keys in members]
    keywords = class_keywords(docs, keep_tags=keep_tags)
    return propose_names(keywords, taken), keywords


def suggest_buckets(
    ws: Workspace,
    run_id: int,
    *,
    settings: ClusterSettings | None = None,
    embedder: Embedder | None = None,
    model: str | None = None,
    field: str | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    phase: PhaseCallback | None = None,
) -> list[Suggestion]:
    """Embed what is missing, cluster the run's unbucketed failures and store the clusters as its suggestions.

    By default the text embedded is what each output got wrong against its target (the failing span), beside the
    failed checks; clusters are named from the terms that set them apart.
    """
    settings = settings or ClusterSettings()
    tell = phase or (lambda _name, _count: None)
    tell("embedding", 0)
    report = embed_run(
        ws,
        run_id,
        embedder=embedder,
        model=model,
        field=field,
        scope="unbucketed",
        progress=progress,
        cancelled=cancelled,
    )
    if report.cancelled:
        raise EmbeddingCancelled(
            f"embedding cancelled after {report.computed:,} new texts (kept in the cache); nothing was clustered"
        )
    tell("clustering", report.items)
    members = cluster_unbucketed(ws, run_id, report.model, report.field, settings)
    tell("naming", len(members))
    texts = field_texts(ws, run_id, report.field, [int(k) for m in members for k in m[:NAMING_MEMBERS]])
    names, keywords = name_clusters(texts, members, keep_tags=report.field == DIFFERENCE_FIELD)
    tell("saving", len(members))
    cluster_queries.replace_suggestions(
        ws.db,
        run_id,
        report.model,
        report.field,
        [
            NewSuggestion(name=n, keywords=w, item_keys=m.tolist())
            for n, w, m in zip(names, keywords, members, strict=True)
        ],
    )
    return list_suggestions(ws, run_id)


def cluster_unbucketed(
    ws: Workspace, run_id: int, model: str, field: str, settings: ClusterSettings
) -> list[np.ndarray]:
    """The item keys of each cluster of the run's unbucketed failures (cached vectors), largest cluster first."""
    _, _, keys, vectors = run_vectors(ws, run_id, model=model, field=field, scope="unbucketed")
    onehot, _ = failed_check_matrix(ws, run_id, keys)
    features = failure_features(vectors, onehot, settings.check_weight)
    labels = cluster_features(features, settings)
    return [keys[rows] for rows in ranked_clusters(features, labels)]


def _suggestion(ws: Workspace, row: SuggestionRow, bucket_names: dict[int, str]) -> Suggestion:
    representatives = _distinct_items(
        ws, row.run_id, cluster_queries.member_keys(ws.db, row.suggestion_id, REPRESENTATIVES * 10), REPRESENTATIVES
    )
    return Suggestion(
        number=row.number,
        name=row.name,
        keywords=list(row.keywords),
        status=row.status,
        size=row.size,
        bucket_name=bucket_names.get(row.bucket_id) if row.bucket_id is not None else None,
        failed_checks=cluster_queries.member_check_counts(ws.db, row.run_id, row.suggestion_id),
        representatives=representatives,
    )


def _distinct_items(ws: Workspace, run_id: int, keys: list[int], wanted: int) -> list[ItemRow]:
    """Up to `wanted` items of `keys` in order, skipping repeats of an input and output already taken."""
    seen: set[tuple] = set()
    out: list[ItemRow] = []
    for key in keys:
        item = item_queries.get_item(ws.db, run_id, key)
        if item is not None and (item.input, item.output) not in seen:
            seen.add((item.input, item.output))
            out.append(item)
            if len(out) == wanted:
                break
    return out


def list_suggestions(ws: Workspace, run_id: int, include_closed: bool = True) -> list[Suggestion]:
    """The run's stored suggestions in number order (open ones only unless `include_closed`)."""
    bucket_names = {b.bucket_id: b.name for b in bucket_domain.list_buckets(ws)}
    rows = cluster_queries.list_suggestions(ws.db, run_id)
    return [_suggestion(ws, r, bucket_names) for r in rows if include_closed or r.status == "open"]


def _open_suggestion(ws: Workspace, run_id: int, number: int) -> SuggestionRow:
    row = cluster_queries.get_suggestion(ws.db, run_id, number)
    if row is None:
        raise NotFoundError(f"no suggested bucket {number} for this run (see `curator cluster RUN --show`)")
    if row.status != "open":
        raise CuratorError(f"suggested bucket {number} is already {row.status}")
    return row


def suggestion_members(ws: Workspace, run_id: int, number: int, limit: int = 200) -> list[ItemRow]:
    """The items of a suggestion, most representative first."""
    row = cluster_queries.get_suggestion(ws.db, run_id, number)
    if row is None:
        raise NotFoundError(f"no suggested bucket {number} for this run")
    keys = cluster_queries.member_keys(ws.db, row.suggestion_id, limit)
    return [item for k in keys if (item := item_queries.get_item(ws.db, run_id, k)) is not None]


@dataclass(frozen=True)
class Accepted:
    """A suggestion turned into a bucket: the bucket, how many items were newly labelled, whether it was new."""

    bucket: BucketRow
    labelled: int
    created: bool


def accept_suggestion(ws: Workspace, run_id: int, number: int, name: str | None = None) -> Accepted:
    """Create the bucket (or reuse one of that name) and label the suggestion's items with it."""
    row = _open_suggestion(ws, run_id, number)
    name = (name or row.name).strip()
    if not name:
        raise CuratorError("a bucket needs a name")
    with ws.db.transaction():  # one change: no empty bucket is left behind if labelling fails
        bucket = next((b for b in bucket_domain.list_buckets(ws) if b.name == name), None)
        created = bucket is None
        if created:
            bucket = bucket_domain.create_bucket(ws, name, f"suggested from clustering: {', '.join(row.keywords)}")
        members = cluster_queries.member_keys(ws.db, row.suggestion_id)
        labelled = bucket_domain.label_items(ws, run_id, members, bucket)
        if name != row.name:
            cluster_queries.rename(ws.db, row.suggestion_id, name)
        cluster_queries.set_status(ws.db, row.suggestion_id, "accepted", bucket.bucket_id)
    return Accepted(bucket=bucket, labelled=labelled, created=created)


def rename_suggestion(ws: Workspace, run_id: int, number: int, name: str) -> None:
    """Give an open suggestion the name its bucket will have."""
    row = _open_suggestion(ws, run_id, number)
    if not name.strip():
        raise CuratorError("a suggested bucket needs a name")
    cluster_queries.rename(ws.db, row.suggestion_id, name.strip())


def dismiss_suggestion(ws: Workspace, run_id: int, number: int) -> None:
    """Set a suggestion aside: its items stay unbucketed and come back in the next clustering."""
    cluster_queries.set_status(ws.db, _open_suggestion(ws, run_id, number).suggestion_id, "dismissed")


def split_suggestion(ws: Workspace, run_id: int, number: int, item_keys: list[int], name: str | None = None) -> int:
    """Move some items of a suggestion into a new suggestion (named from its words unless given); returns its number."""
    row = _open_suggestion(ws, run_id, number)
    members = cluster_queries.member_keys(ws.db, row.suggestion_id)
    chosen = list(dict.fromkeys(int(k) for k in item_keys))
    strangers = sorted(set(chosen) - set(members))
    if strangers:
        raise CuratorError(f"{len(strangers)} of the chosen items are not in suggested bucket {number}")
    if not chosen or len(chosen) == len(members):
        raise CuratorError("choose some, but not all, of the suggestion's items to split off")
    rest = [k for k in members if k not in set(chosen)]
    texts = field_texts(ws, run_id, row.text_field, chosen + rest)
    taken = {s.name for s in cluster_queries.list_suggestions(ws.db, run_id)}
    names, keywords = name_clusters(
        texts, [np.array(chosen), np.array(rest)], taken, keep_tags=row.text_field == DIFFERENCE_FIELD
    )
    new = NewSuggestion(name=(name or names[0]).strip(), keywords=keywords[0], item_keys=chosen)
    return cluster_queries.split_off(ws.db, row, chosen, new)
