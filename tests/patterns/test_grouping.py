"""Clustering failures: the three synthetic failure families come back as three clusters."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from curator.patterns.grouping import ClusterSettings, cluster_features, failure_features
from curator.patterns.suggestions import suggest_buckets, suggestion_members


def _stored_labels(ws, run_id: int, suggestions) -> dict[int, int]:
    return {m.item_key: s.number for s in suggestions for m in suggestion_members(ws, run_id, s.number, 10_000)}


@pytest.mark.slow
def test_three_failure_families_are_recovered(workspace, family_run, minilm):
    run, truth = family_run
    suggestions = suggest_buckets(workspace, run.run_id, embedder=minilm)
    found = _stored_labels(workspace, run.run_id, suggestions)
    keys = sorted(truth)
    score = adjusted_rand_score([truth[k] for k in keys], [found.get(k, -1) for k in keys])
    assert score > 0.8
    assert len(suggestions) == 3
    assert {s.failed_checks[0][0] for s in suggestions} == {"weather_tag", "emoji", "no_tags_without_api"}
    assert all(len(s.representatives) == 3 and len(s.name.split("-")) == 3 for s in suggestions)


def _blobs(n_per: int, centres: int, dim: int = 32, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    means = rng.standard_normal((centres, dim)) * 3
    truth = np.repeat(np.arange(centres), n_per)
    return means[truth] + rng.standard_normal((len(truth), dim)) * 0.3, truth


def test_above_the_sample_size_the_rest_is_assigned_to_the_nearest_centre():
    vectors, truth = _blobs(600, 4)
    settings = ClusterSettings(sample_size=300, distance_threshold=0.4)
    labels = cluster_features(failure_features(vectors, np.zeros((len(vectors), 0)), 1.0), settings)
    assert adjusted_rand_score(truth, labels) > 0.95
    assert (labels >= 0).mean() > 0.99
    assert np.bincount(labels[labels >= 0]).tolist() == sorted(np.bincount(labels[labels >= 0]), reverse=True)


def test_clusters_under_the_minimum_size_are_not_suggested():
    vectors, _ = _blobs(10, 2)
    lonely = np.vstack([vectors, np.full((1, vectors.shape[1]), 50.0)])
    labels = cluster_features(failure_features(lonely, np.zeros((len(lonely), 0)), 0.0), ClusterSettings(min_size=3))
    assert labels[-1] == -1 and set(labels[:-1]) == {0, 1}


def test_failed_checks_separate_items_whose_texts_look_alike():
    vectors = np.tile(np.eye(4)[0], (8, 1)) + np.random.default_rng(0).normal(0, 0.01, (8, 4))
    onehot = np.repeat(np.eye(2), 4, axis=0)
    text_only = cluster_features(failure_features(vectors, onehot, 0.0), ClusterSettings())
    with_checks = cluster_features(failure_features(vectors, onehot, 1.0), ClusterSettings())
    assert len(set(text_only)) == 1
    assert adjusted_rand_score([0] * 4 + [1] * 4, with_checks) == 1.0
