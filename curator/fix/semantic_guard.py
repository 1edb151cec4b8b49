"""Semantic near-duplicates: a second contamination layer that refuses texts whose embedding is too close to a
held-out item, for paraphrases the n-gram layer cannot see. Off by default (see docs/patterns.md)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from curator.fix.contamination import Match
from curator.patterns.embeddings import Embedder, embed_texts, load_embedder
from curator.workspace import Workspace

DEFAULT_SEMANTIC_THRESHOLD = 0.92


class SemanticNearDuplicates:
    """Cosine similarity of cached sentence embeddings; a text at or above `threshold` of a reference is a duplicate.

    An instance is a `curator.fix.contamination.SemanticLayer`: pass it as `ContaminationGuard(..., semantic=layer)`.
    """

    def __init__(
        self,
        ws: Workspace,
        threshold: float = DEFAULT_SEMANTIC_THRESHOLD,
        embedder: Embedder | None = None,
        model: str | None = None,
    ):
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.ws = ws
        self.threshold = threshold
        self._embedder = embedder
        self._model = model

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self._model)
        return self._embedder

    def best_matches(self, texts: Sequence[str], reference_texts: Sequence[str]) -> list[Match | None]:
        """For each text, its most similar reference text when at or above the threshold, else None."""
        if not texts or not reference_texts:
            return [None] * len(texts)
        vectors = embed_texts(self.ws, list(texts), self.embedder)
        references = embed_texts(self.ws, list(reference_texts), self.embedder)
        scores = vectors @ references.T
        best = scores.argmax(axis=1)
        similarity = scores[np.arange(len(texts)), best]
        pairs = zip(best, similarity, strict=True)
        return [Match(int(b), float(s)) if s >= self.threshold else None for b, s in pairs]

    __call__ = best_matches

    def refuse(self, texts: Sequence[str], reference_texts: Sequence[str]) -> list[bool]:
        """True for each text that is a semantic near-duplicate of some reference text."""
        return [m is not None for m in self.best_matches(texts, reference_texts)]
