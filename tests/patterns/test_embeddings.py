"""Embedding a run: which text, the DuckDB cache keyed by model and text hash, cancel, errors."""

from __future__ import annotations

import numpy as np
import pytest

from curator.errors import CuratorError
from curator.patterns.embeddings import embed_run, embed_texts, run_vectors, text_hash
from curator.review.runs import create_run_from_records
from curator.storage.embeddings import cached_vector_count


def test_first_pass_embeds_each_distinct_failing_text_once(workspace, family_run, word_hash):
    run, truth = family_run
    report = embed_run(workspace, run.run_id, embedder=word_hash)
    distinct = workspace.db.fetchone("SELECT count(*) FROM embeddings WHERE model = 'test-word-hash'")[0]
    assert report.items == len(truth)
    assert report.computed == report.texts == distinct == word_hash.texts
    assert report.texts < len(truth)  # repeated prompts are embedded once
    assert not report.cancelled


def test_second_pass_reads_the_cache_without_calling_the_model(workspace, family_run, counting):
    run, truth = family_run
    first = embed_run(workspace, run.run_id, embedder=counting)
    calls = counting.calls
    second = embed_run(workspace, run.run_id, embedder=counting)
    assert calls > 0 and counting.calls == calls
    assert (second.computed, second.cached) == (0, first.texts)
    _, _, keys, vectors = run_vectors(workspace, run.run_id)
    assert sorted(keys.tolist()) == sorted(truth)
    assert vectors.shape == (len(truth), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_cache_key_is_the_hash_of_the_embedded_text(workspace, word_hash):
    run = create_run_from_records(workspace, "one", [{"item_id": "a", "input": "hi", "output": "there"}])
    embed_run(workspace, run.run_id, embedder=word_hash, field="input+output", scope="all")
    embed_run(workspace, run.run_id, embedder=word_hash, field="output", scope="all")
    hashes = {r[0] for r in workspace.db.fetchall("SELECT text_hash FROM embeddings")}
    assert hashes == {text_hash("hi\n\nthere"), text_hash("there")}
    assert workspace.db.fetchone("SELECT dim FROM embeddings LIMIT 1")[0] == word_hash.inner.dim


def test_another_model_gets_its_own_vectors(workspace, family_run, word_hash):
    run, _ = family_run
    embed_run(workspace, run.run_id, embedder=word_hash)
    word_hash.name = "another-model"
    again = embed_run(workspace, run.run_id, embedder=word_hash)
    assert again.computed == again.texts > 0
    assert cached_vector_count(workspace.db, "another-model") == again.texts


def test_cancel_keeps_the_finished_chunks_and_says_so(workspace, family_run, word_hash, monkeypatch):
    monkeypatch.setattr("curator.patterns.embeddings.CHUNK_TEXTS", 5)
    run, _ = family_run
    seen = []
    report = embed_run(
        workspace,
        run.run_id,
        embedder=word_hash,
        progress=lambda d, t: seen.append((d, t)),
        cancelled=lambda: len(seen) > 2,
    )
    assert report.cancelled and report.computed == 10
    assert cached_vector_count(workspace.db, "test-word-hash") == 10
    assert seen[-1] == (10, report.texts)
    assert not embed_run(workspace, run.run_id, embedder=word_hash).cancelled


def test_embed_texts_returns_rows_in_the_order_asked(workspace, word_hash):
    vectors = embed_texts(workspace, ["b text", "a text", "b text"], word_hash)
    assert np.allclose(vectors[0], vectors[2])
    assert np.allclose(vectors[1], word_hash.inner.encode(["a text"])[0], atol=1e-6)
    assert word_hash.texts == 2


def test_unknown_field_and_missing_model_folder_are_refused(workspace, family_run, tmp_path):
    run, _ = family_run
    with pytest.raises(CuratorError, match="choose one of difference, input, output, input\\+output"):
        embed_run(workspace, run.run_id, field="target")
    with pytest.raises(CuratorError, match="not a sentence-transformers model folder"):
        embed_run(workspace, run.run_id, model=str(tmp_path))
    assert cached_vector_count(workspace.db) == 0
