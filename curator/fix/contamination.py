"""Near-duplicate search over character n-grams, and the guard that keeps held-out eval items out of training data.

Similarity is the Jaccard index of the character 3-gram sets of normalised text (lower case, punctuation removed,
whitespace collapsed). Candidates come from an inverted index with the l-prefix filter (under one global rarity
order, a pair with Jaccard >= t shares at least min(l, overlap) grams within the first |x| - ceil(t|x|) + l grams of
each set) and a length filter; survivors are verified exactly. The search is exact without comparing every pair,
and stays fast on template-like text where most pairs share half their grams.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_THRESHOLD = 0.85
NGRAM = 3
SHARED_IN_PREFIX = 10
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, punctuation removed, whitespace collapsed: `Sunny!` and `sunny.` are the same text."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text.lower())).strip()


def shingles(normalised: str, n: int = NGRAM) -> frozenset[str]:
    """The set of character n-grams of already normalised text (the whole text when shorter than n)."""
    if len(normalised) <= n:
        return frozenset([normalised]) if normalised else frozenset()
    return frozenset(normalised[i : i + n] for i in range(len(normalised) - n + 1))


@dataclass(frozen=True)
class Match:
    """The closest reference text found for one text: its position in the reference list and the similarity."""

    reference_index: int
    similarity: float


class NgramIndex:
    """Reference texts indexed for exact (normalised) and near-duplicate lookups at one threshold."""

    def __init__(self, reference_texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD, n: int = NGRAM):
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.threshold, self.n = threshold, n
        self._sets: list[frozenset[str]] = []
        self._sizes: list[int] = []
        self._exact: dict[str, int] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._arrays: dict[str, np.ndarray] = {}
        self._size_array = np.zeros(0, dtype=np.int32)
        self._their_need = np.zeros(0)
        self._thresholds: dict[int, np.ndarray] = {}
        self._vocab: dict[str, int] = {}
        self._rows: list[list[int]] = []
        self._packed = 0
        self._indptr = np.zeros(1, dtype=np.int64)
        self._indices = np.zeros(0, dtype=np.int32)
        normalised = [normalise(t) for t in reference_texts]
        sets = [shingles(t, n) for t in normalised]
        rarity = Counter(g for s in sets for g in s)
        # One global order for every set, rarest first; grams met later get ever lower ranks (rarer than any seen).
        self._rank = {g: i for i, g in enumerate(sorted(rarity, key=lambda g: (rarity[g], g)))}
        for text, grams in zip(normalised, sets, strict=False):
            self._add(text, grams)
        self._pack()

    def __len__(self) -> int:
        return len(self._sets)

    def _ordered(self, grams: frozenset[str]) -> list[str]:
        rank = self._rank
        for gram in grams:
            if gram not in rank:
                rank[gram] = -len(rank) - 1
        return sorted(grams, key=rank.__getitem__)

    def _min_overlap(self, size: int) -> int:
        """The fewest grams a set of this size shares with any set at or above the threshold."""
        return math.ceil(self.threshold * size - 1e-9)

    def _prefix_length(self, size: int) -> int:
        return min(size, size - self._min_overlap(size) + SHARED_IN_PREFIX)

    def _add(self, text: str, grams: frozenset[str]) -> int:
        position = len(self._sets)
        self._sets.append(grams)
        self._sizes.append(len(grams))
        self._rows.append([self._vocab.setdefault(g, len(self._vocab)) for g in grams])
        self._exact.setdefault(text, position)
        for gram in self._ordered(grams)[: self._prefix_length(len(grams))]:
            self._postings[gram].append(position)
            self._arrays.pop(gram, None)
        return position

    def _posting_array(self, gram: str) -> np.ndarray | None:
        """The postings of a gram as a numpy array (built on first use, dropped when the gram gets a new posting)."""
        array = self._arrays.get(gram)
        if array is None and gram in self._postings:
            array = self._arrays[gram] = np.asarray(self._postings[gram], dtype=np.int32)
        return array

    def _refresh_sizes(self) -> None:
        if len(self._size_array) != len(self._sizes):
            self._size_array = np.asarray(self._sizes, dtype=np.int32)
            # What each reference needs in shared prefix grams: min(l, the overlap any match must have).
            self._their_need = np.minimum(SHARED_IN_PREFIX, np.ceil(self.threshold * self._size_array - 1e-9))
            self._thresholds.clear()

    def _threshold_for(self, size: int) -> np.ndarray:
        """Shared prefix grams each reference needs to be a candidate for a query of `size` (huge: wrong size)."""
        found = self._thresholds.get(size)
        if found is None:
            own = min(SHARED_IN_PREFIX, self._min_overlap(size))
            found = np.minimum(own, self._their_need).astype(np.int64)
            found[(self._size_array < self.threshold * size) | (self._size_array > size / self.threshold)] = 1 << 40
            self._thresholds[size] = found
        return found

    def _candidates(self, grams: frozenset[str]) -> np.ndarray:
        """References sharing enough grams with `grams` inside both prefixes, and of a compatible size (sorted)."""
        found = [
            a
            for g in self._ordered(grams)[: self._prefix_length(len(grams))]
            if (a := self._posting_array(g)) is not None
        ]
        if not found:
            return np.zeros(0, dtype=np.int32)
        postings = np.concatenate(found)
        self._refresh_sizes()
        size, own = len(grams), min(SHARED_IN_PREFIX, self._min_overlap(len(grams)))
        if len(postings) * 8 > len(self._sizes):
            counts = np.bincount(postings, minlength=len(self._sizes))
            return np.flatnonzero(counts >= self._threshold_for(size))
        ids, shared = np.unique(postings, return_counts=True)
        sizes = self._size_array[ids]
        keep = (shared >= np.minimum(own, self._their_need[ids])) & (sizes >= self.threshold * size)
        return ids[keep & (sizes <= size / self.threshold)]

    def _pack(self) -> None:
        """Lay the reference gram ids out as one CSR array for vectorised overlap counts (amortised: size doubles)."""
        if len(self._rows) - self._packed <= max(256, self._packed):
            return
        lengths = np.fromiter((len(r) for r in self._rows), dtype=np.int64, count=len(self._rows))
        self._indptr = np.concatenate([[0], np.cumsum(lengths)])
        self._indices = np.fromiter((i for r in self._rows for i in r), dtype=np.int32, count=int(lengths.sum()))
        self._packed = len(self._rows)

    def _overlaps(self, grams: frozenset[str], candidates: np.ndarray) -> np.ndarray:
        """How many grams each candidate shares with `grams`: few candidates with sets, many with numpy."""
        if len(candidates) <= 32:
            return np.fromiter(
                (len(grams & self._sets[c]) for c in candidates.tolist()), dtype=np.int64, count=len(candidates)
            )
        self._pack()
        packed = candidates[candidates < self._packed]
        shared = np.zeros(len(candidates), dtype=np.int64)
        if len(packed):
            mark = np.zeros(len(self._vocab) + 1, dtype=bool)
            mark[[self._vocab[g] for g in grams if g in self._vocab]] = True
            starts, ends = self._indptr[packed], self._indptr[packed + 1]
            lengths = ends - starts
            offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            hits = mark[self._indices[np.arange(int(lengths.sum())) + offsets]]
            owner = np.repeat(np.arange(len(packed)), lengths)
            shared[: len(packed)] = np.bincount(owner, weights=hits, minlength=len(packed)).astype(np.int64)
        for position, candidate in enumerate(candidates[len(packed) :].tolist(), start=len(packed)):
            shared[position] = len(grams & self._sets[candidate])
        return shared

    def add(self, text: str) -> int:
        """Index one more reference text (for duplicate search inside a growing set); returns its position."""
        normalised = normalise(text)
        return self._add(normalised, shingles(normalised, self.n))

    def best_match(self, text: str) -> Match | None:
        """The most similar reference text at or above the threshold; an exact normalised match is similarity 1."""
        return self.best_match_normalised(normalise(text))

    def best_match_normalised(self, normalised: str) -> Match | None:
        if normalised in self._exact:
            return Match(self._exact[normalised], 1.0)
        grams = shingles(normalised, self.n)
        candidates = self._candidates(grams) if grams else ()
        if not len(candidates):
            return None
        shared = self._overlaps(grams, candidates)
        similarity = shared / (len(grams) + self._size_array[candidates] - shared)
        best = int(np.argmax(similarity))
        if similarity[best] < self.threshold:
            return None
        return Match(int(candidates[best]), float(similarity[best]))


def near_duplicates(
    texts: Sequence[str], reference_texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD
) -> list[Match | None]:
    """For each text, its closest reference text at or above `threshold` (None when there is none)."""
    index = NgramIndex(reference_texts, threshold)
    cache: dict[str, Match | None] = {}
    out = []
    for text in texts:
        key = normalise(text)
        if key not in cache:
            cache[key] = index.best_match(text)
        out.append(cache[key])
    return out


SemanticLayer = Callable[[Sequence[str], Sequence[str]], list[Match | None]]


@dataclass(frozen=True)
class Refusal:
    """Why a text was refused: the held-out text it is too close to, and how close."""

    reference_text: str
    similarity: float
    layer: str

    def reason(self) -> str:
        shown = self.reference_text if len(self.reference_text) <= 60 else self.reference_text[:57] + "..."
        return f"too close to held-out item {shown!r} ({self.layer} similarity {self.similarity:.2f})"


class ContaminationGuard:
    """Refuses texts that duplicate held-out eval items; `semantic` is an optional second layer (off by default)."""

    def __init__(
        self, held_out_texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD, semantic: SemanticLayer | None = None
    ):
        self.held_out_texts = list(held_out_texts)
        self.index = NgramIndex(self.held_out_texts, threshold)
        self.semantic = semantic
        self._cache: dict[str, Refusal | None] = {}

    def check_one(self, text: str) -> Refusal | None:
        key = normalise(text)
        if key not in self._cache:
            match = self.index.best_match_normalised(key)
            self._cache[key] = (
                Refusal(self.held_out_texts[match.reference_index], match.similarity, "n-gram") if match else None
            )
        return self._cache[key]

    def check(self, texts: Sequence[str]) -> list[Refusal | None]:
        """One refusal (or None) per text, n-gram layer first, then the semantic layer on what is left."""
        found = [self.check_one(t) for t in texts]
        if self.semantic is not None:
            open_positions = [i for i, r in enumerate(found) if r is None]
            matches = self.semantic([texts[i] for i in open_positions], self.held_out_texts)
            for position, match in zip(open_positions, matches, strict=False):
                if match is not None:
                    found[position] = Refusal(self.held_out_texts[match.reference_index], match.similarity, "semantic")
        return found
