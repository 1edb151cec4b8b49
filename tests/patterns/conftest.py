"""Fixtures for the patterns tests: the real embedding model (loaded once), a counting wrapper, runs with failures."""

from __future__ import annotations

import numpy as np
import pytest
from pattern_families import WordHashEmbedder, make_family_run


class CountingEmbedder:
    """Wraps an embedder and counts the texts it was asked to encode."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.calls = 0
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.encode(texts)


@pytest.fixture(scope="session")
def minilm():
    """The packaged all-MiniLM-L6-v2, loaded once per test session (the CLI in-process reuses it)."""
    from curator.patterns.embeddings import load_embedder

    embedder = load_embedder()
    embedder.encode(["warm up"])
    return embedder


@pytest.fixture
def word_hash() -> CountingEmbedder:
    """A fast stand-in model (hashed bag of words) for tests about storage and flow, not semantics."""
    return CountingEmbedder(WordHashEmbedder())


@pytest.fixture
def counting(minilm) -> CountingEmbedder:
    return CountingEmbedder(minilm)


@pytest.fixture
def family_run(workspace):
    """A run with three failure families of 20 items among 15 passing items: (run, {item_key: family})."""
    return make_family_run(workspace)
