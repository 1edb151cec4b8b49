"""Clustering failure vectors into groups: features, agglomerative clustering, nearest-centre assignment at scale."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClusterSettings:
    """How failures are grouped."""

    distance_threshold: float = 0.5
    """Cosine distance (average linkage) under which groups merge: lower makes more, tighter clusters."""
    min_size: int = 3
    """Clusters smaller than this are not suggested."""
    check_weight: float = 1.0
    """Weight of the failed-checks profile beside the text embedding (0: text only). The profile is centred on
    the failures' mean, so a check that every failure fails adds nothing: it cannot pull unrelated texts
    together, while checks that part the failures keep them apart."""
    sample_size: int = 2000
    """Above this many failures, cluster a random sample and assign the rest to the nearest cluster centre."""
    seed: int = 0


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))[:, None]
    return matrix / np.where(norms == 0, 1.0, norms)


def failure_features(vectors: np.ndarray, failed_onehot: np.ndarray, check_weight: float) -> np.ndarray:
    """Unit text vectors beside the unit centred failed-check profile times `check_weight`, the row re-normalised.

    Centring removes what all failures share (a run whose failures all fail one check clusters on text alone).
    Built in one preallocated float32 matrix: at 100k rows every extra copy costs a noticeable fraction of a second.
    """
    n, dim = vectors.shape
    checks = failed_onehot.shape[1] if check_weight > 0 else 0
    out = np.empty((n, dim + checks), dtype=np.float32)
    out[:, :dim] = vectors
    norms = np.sqrt(np.einsum("ij,ij->i", out[:, :dim], out[:, :dim]))
    text_scale = 1.0 / np.where(norms == 0, 1.0, norms)
    if checks:
        profile = out[:, dim:]
        profile[:] = failed_onehot
        profile -= profile.mean(axis=0, keepdims=True)
        profile_norms = np.sqrt(np.einsum("ij,ij->i", profile, profile))
        has_profile = profile_norms > 1e-6
        row_scale = 1.0 / np.sqrt(1.0 + check_weight**2 * has_profile)  # both halves unit (or zero)
        text_scale *= row_scale
        scale = np.where(has_profile, check_weight * row_scale / np.where(has_profile, profile_norms, 1.0), 0.0)
        profile *= scale[:, None].astype(np.float32)
    out[:, :dim] *= text_scale[:, None].astype(np.float32)
    return out


def _agglomerate(features: np.ndarray, threshold: float) -> np.ndarray:
    """Average-linkage agglomerative clustering on cosine distance, cut at `threshold`."""
    if len(features) < 2:
        return np.zeros(len(features), dtype=np.int64)
    # scikit-learn takes ~1 s to import: loaded only when clustering runs.
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None,
        metric="cosine",
        linkage="average",
        distance_threshold=threshold,
    )
    return model.fit_predict(features).astype(np.int64)


def centres(features: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """The unit mean of each cluster 0..count-1, rows labelled -1 left out (a sparse membership matrix times the
    features: no copy of the features)."""
    from scipy import sparse  # loaded with scikit-learn anyway; only needed when clustering

    rows = np.flatnonzero(labels >= 0)
    membership = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (labels[rows], rows)), shape=(count, len(labels))
    )
    return unit_rows(np.asarray(membership @ features, dtype=np.float32))


def nearest_centre(
    features: np.ndarray, centre_matrix: np.ndarray, chunk: int = 20_000
) -> tuple[np.ndarray, np.ndarray]:
    """(index of the nearest centre, cosine similarity to it) for every row, in chunks to bound memory."""
    best = np.empty(len(features), dtype=np.int64)
    similarity = np.empty(len(features), dtype=np.float32)
    for start in range(0, len(features), chunk):
        scores = features[start : start + chunk] @ centre_matrix.T
        best[start : start + chunk] = scores.argmax(axis=1)
        similarity[start : start + chunk] = scores.max(axis=1)
    return best, similarity


def cluster_features(features: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """A cluster number per row (0 = largest), or -1 for rows in no cluster of at least `min_size`."""
    n = len(features)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= settings.sample_size:
        labels = _agglomerate(features, settings.distance_threshold)
    else:
        sample = np.random.default_rng(settings.seed).choice(n, settings.sample_size, replace=False)
        sample_labels = _agglomerate(features[sample], settings.distance_threshold)
        centre_matrix = centres(features[sample], sample_labels, int(sample_labels.max()) + 1)
        labels, similarity = nearest_centre(features, centre_matrix)
        labels[similarity < 1.0 - settings.distance_threshold] = -1
    return _renumber_by_size(labels, settings.min_size)


def _renumber_by_size(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Clusters renumbered 0.. from the largest; those under `min_size` become -1."""
    found, counts = np.unique(labels[labels >= 0], return_counts=True)
    keep = counts >= min_size
    order = found[keep][np.argsort(-counts[keep], kind="stable")]
    mapping = np.full(max(int(labels.max()) + 1, 1), -1, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    return np.where(labels >= 0, mapping[np.maximum(labels, 0)], -1)


def ranked_clusters(features: np.ndarray, labels: np.ndarray, chunk: int = 20_000) -> list[np.ndarray]:
    """Row indices of each cluster 0..k-1, nearest its centre first (the first few are its representatives)."""
    count = int(labels.max(initial=-1)) + 1
    if count == 0:
        return []
    centre_matrix = centres(features, labels, count)
    closeness = np.empty(len(labels), dtype=np.float32)
    for start in range(0, len(labels), chunk):
        own = np.maximum(labels[start : start + chunk], 0)
        scores = features[start : start + chunk] @ centre_matrix.T
        closeness[start : start + chunk] = scores[np.arange(len(own)), own]
    rows = np.flatnonzero(labels >= 0)
    ordered = rows[np.lexsort((-closeness[rows], labels[rows]))]
    return np.split(ordered, np.cumsum(np.bincount(labels[rows], minlength=count))[:-1])
