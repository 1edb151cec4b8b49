"""The semantic contamination layer: paraphrases of held-out items are refused, other texts pass."""

from __future__ import annotations

import pytest

from curator.fix.contamination import ContaminationGuard
from curator.fix.semantic_guard import SemanticNearDuplicates

HELD_OUT = ["What is the weather in Paris? It is sunny.", "Write a haiku about the sea."]
PARAPHRASE = "What's the weather in Paris? It's sunny!"
UNRELATED = "How many legs does a spider have?"


@pytest.mark.slow
def test_paraphrase_of_a_held_out_item_is_refused(workspace, minilm):
    layer = SemanticNearDuplicates(workspace, threshold=0.92, embedder=minilm)
    assert layer.refuse([PARAPHRASE, UNRELATED], HELD_OUT) == [True, False]
    match = layer([PARAPHRASE], HELD_OUT)[0]
    assert match.reference_index == 0 and match.similarity > 0.92


@pytest.mark.slow
def test_it_is_the_second_layer_of_the_contamination_guard(workspace, minilm):
    ngram_only = ContaminationGuard(HELD_OUT, threshold=0.95)
    both = ContaminationGuard(HELD_OUT, threshold=0.95, semantic=SemanticNearDuplicates(workspace, embedder=minilm))
    assert ngram_only.check([PARAPHRASE]) == [None]
    refusal = both.check([PARAPHRASE, UNRELATED])
    assert refusal[0].layer == "semantic" and refusal[1] is None


def test_vectors_go_through_the_cache(workspace, word_hash):
    layer = SemanticNearDuplicates(workspace, embedder=word_hash)
    layer.refuse([UNRELATED], HELD_OUT)
    texts = word_hash.texts
    assert layer.refuse([UNRELATED, HELD_OUT[1]], HELD_OUT) == [False, True]
    assert word_hash.texts == texts
    with pytest.raises(ValueError, match="threshold"):
        SemanticNearDuplicates(workspace, threshold=1.5)
