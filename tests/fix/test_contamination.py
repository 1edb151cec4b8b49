"""Near-duplicate search and the held-out contamination guard."""

from __future__ import annotations

import random
import string

import pytest

from curator.fix.contamination import ContaminationGuard, Match, near_duplicates, normalise


def test_normalise_ignores_case_punctuation_and_spacing():
    assert normalise("  It is   SUNNY!! ") == normalise("it is sunny.") == "it is sunny"


def test_held_out_item_differing_only_in_punctuation_is_refused():
    guard = ContaminationGuard(["What is the weather in Rome? It is sunny!"])
    refused, kept = guard.check(["what is the weather in Rome, it is sunny.", "Tell me about the history of Rome"])
    assert refused is not None and refused.similarity == 1.0 and "held-out" in refused.reason()
    assert kept is None


def test_near_duplicates_above_threshold_only():
    reference = ["the quick brown fox jumps over the lazy dog", "completely unrelated sentence about tea"]
    found = near_duplicates(["the quick brown fox jumped over the lazy dog", "nothing alike at all"], reference, 0.7)
    assert found[0].reference_index == 0 and 0.7 <= found[0].similarity < 1
    assert found[1] is None
    assert near_duplicates(["the quick brown fox jumped over the lazy dog"], reference, 0.95) == [None]


def grams(text: str) -> set[str]:
    text = normalise(text)
    return {text[i : i + 3] for i in range(len(text) - 2)} if len(text) > 3 else {text}


def brute_force(text: str, reference_grams: list[set[str]], threshold: float) -> float | None:
    a = grams(text)
    best = max((len(a & b) / len(a | b) for b in reference_grams), default=0)
    return best if best >= threshold else None


@pytest.mark.parametrize(
    ("references", "vocabulary", "letters", "threshold"),
    [
        (150, 15, "bcdfglmnprst", 0.6),  # few distinct grams: long posting lists (counted with bincount)
        (1500, 3000, string.ascii_lowercase, 0.6),  # many distinct grams: short posting lists (counted with unique)
    ],
)
def test_index_agrees_with_brute_force_jaccard(references, vocabulary, letters, threshold):
    rng = random.Random(3)
    words = ["".join(rng.choices(letters, k=5)) for _ in range(vocabulary)]
    reference = [" ".join(rng.choices(words, k=6)) for _ in range(references)]
    queries = [" ".join(rng.choices(words, k=6)) for _ in range(100)] + [r + "!" for r in reference[:20]]
    queries += [" ".join(r.split()[:5] + ["x"]) for r in reference[20:40]]
    found = near_duplicates(queries, reference, threshold)
    assert sum(m is not None for m in found) >= 20
    reference_grams = [grams(r) for r in reference]
    for text, match in zip(queries, found, strict=False):
        expected = brute_force(text, reference_grams, threshold)
        assert (match is None) == (expected is None), text
        if match:
            assert abs(match.similarity - expected) < 1e-9


def test_semantic_layer_is_consulted_only_for_what_ngrams_let_through():
    seen = []

    def semantic(texts, reference):
        seen.extend(texts)
        return [Match(0, 0.93) if "sunshine" in t else None for t in texts]

    guard = ContaminationGuard(["It is sunny in Rome"], semantic=semantic)
    results = guard.check(["it is sunny in rome!", "Bright sunshine over Rome", "a joke"])
    assert [r.layer if r else None for r in results] == ["n-gram", "semantic", None]
    assert seen == ["Bright sunshine over Rome", "a joke"]
