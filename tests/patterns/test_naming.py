"""Cluster names: the words that set each cluster apart (class-based TF-IDF), never the shared markup."""

from __future__ import annotations

from curator.patterns.cluster_names import class_keywords, propose_names


def test_words_shared_by_every_cluster_lose_to_the_distinctive_ones():
    docs = [
        "<think>weather</think> sunny comma sunny comma weather report",
        "<think>weather</think> bright sunshine synonym bright weather report",
        "<think>weather</think> poem autumn leaves poem weather report",
    ]
    keywords = class_keywords(docs, top=2)
    assert [set(k) for k in keywords] == [{"sunny", "comma"}, {"bright", "sunshine"}, {"poem", "autumn"}]


def test_names_are_unique_and_fall_back_to_a_number():
    assert propose_names([["sunny", "comma"], ["sunny", "comma"], []], taken={"x"}) == [
        "sunny-comma",
        "sunny-comma-2",
        "cluster-3",
    ]
