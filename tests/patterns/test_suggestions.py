"""Acting on suggested buckets: accept (bucket + labels in DuckDB), rename, split off, dismiss, re-cluster."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError, NotFoundError
from curator.patterns.suggestions import (
    accept_suggestion,
    dismiss_suggestion,
    list_suggestions,
    rename_suggestion,
    split_suggestion,
    suggest_buckets,
    suggestion_members,
)
from curator.review import buckets as bucket_domain
from curator.review.runs import create_run_from_records, delete_run
from curator.storage.runs import table_counts


@pytest.fixture
def suggested(workspace, family_run, word_hash):
    run, truth = family_run
    return run.run_id, truth, suggest_buckets(workspace, run.run_id, embedder=word_hash)


def _member_keys(ws, run_id: int, number: int) -> list[int]:
    return sorted(m.item_key for m in suggestion_members(ws, run_id, number, 10_000))


def test_suggestions_are_stored_largest_first_with_only_failing_items(workspace, suggested):
    run_id, truth, suggestions = suggested
    assert [s.number for s in suggestions] == list(range(1, len(suggestions) + 1))
    assert [s.size for s in suggestions] == sorted((s.size for s in suggestions), reverse=True)
    members = {k for s in suggestions for k in _member_keys(workspace, run_id, s.number)}
    assert members <= set(truth)
    assert list_suggestions(workspace, run_id) == suggestions


def test_accept_creates_the_bucket_and_labels_every_member(workspace, suggested):
    run_id, _, suggestions = suggested
    first = suggestions[0]
    done = accept_suggestion(workspace, run_id, first.number, name="leaked tags")
    bucket = bucket_domain.get_bucket(workspace, "leaked tags")
    labelled = workspace.db.fetchall(
        "SELECT item_key FROM labels WHERE run_id = ? AND bucket_id = ? ORDER BY 1", [run_id, bucket.bucket_id]
    )
    assert [r[0] for r in labelled] == _member_keys(workspace, run_id, first.number)
    assert done.created and done.labelled == first.size
    shown = list_suggestions(workspace, run_id)[0]
    assert (shown.status, shown.bucket_name, shown.name) == ("accepted", "leaked tags", "leaked tags")
    with pytest.raises(CuratorError, match="already accepted"):
        accept_suggestion(workspace, run_id, first.number)


def test_accepting_under_an_existing_bucket_name_adds_to_that_bucket(workspace, suggested):
    run_id, _, suggestions = suggested
    bucket_domain.create_bucket(workspace, "weather")
    done = accept_suggestion(workspace, run_id, suggestions[1].number, name="weather")
    assert not done.created and done.labelled == suggestions[1].size
    assert len(bucket_domain.list_buckets(workspace)) == 1


def test_reclustering_only_looks_at_unbucketed_failures(workspace, suggested, word_hash):
    run_id, truth, suggestions = suggested
    accepted = set(_member_keys(workspace, run_id, suggestions[0].number))
    accept_suggestion(workspace, run_id, suggestions[0].number)
    calls = word_hash.calls
    again = suggest_buckets(workspace, run_id, embedder=word_hash)
    members = {k for s in again for k in _member_keys(workspace, run_id, s.number)}
    assert members and not members & accepted
    assert len(again) == len(suggestions) - 1
    assert word_hash.calls == calls  # every vector came from the cache


def test_rename_split_and_dismiss(workspace, suggested):
    run_id, _, suggestions = suggested
    number = suggestions[0].number
    rename_suggestion(workspace, run_id, number, "tags without api")
    keys = _member_keys(workspace, run_id, number)
    new_number = split_suggestion(workspace, run_id, number, keys[:4])
    assert new_number == len(suggestions) + 1
    assert _member_keys(workspace, run_id, new_number) == keys[:4]
    assert _member_keys(workspace, run_id, number) == keys[4:]
    dismiss_suggestion(workspace, run_id, new_number)
    by_number = {s.number: s for s in list_suggestions(workspace, run_id)}
    assert by_number[number].name == "tags without api"
    assert by_number[new_number].status == "dismissed" and by_number[new_number].size == 4
    assert not workspace.db.fetchone("SELECT count(*) FROM labels")[0]


def test_bad_actions_change_nothing(workspace, suggested):
    run_id, _, suggestions = suggested
    keys = _member_keys(workspace, run_id, 1)
    before = table_counts(workspace.db)
    with pytest.raises(NotFoundError, match="no suggested bucket 99"):
        accept_suggestion(workspace, run_id, 99)
    with pytest.raises(CuratorError, match="not all"):
        split_suggestion(workspace, run_id, 1, keys)
    with pytest.raises(CuratorError, match="not in suggested bucket 1"):
        split_suggestion(workspace, run_id, 1, _member_keys(workspace, run_id, 2)[:1])
    with pytest.raises(CuratorError, match="needs a name"):
        rename_suggestion(workspace, run_id, 1, "  ")
    assert table_counts(workspace.db) == before


def test_a_run_without_failures_gets_no_suggestions_and_no_model_call(workspace, word_hash):
    run = create_run_from_records(workspace, "clean", [{"item_id": "a", "input": "hi", "output": "ok"}])
    assert suggest_buckets(workspace, run.run_id, embedder=word_hash) == []
    assert word_hash.calls == 0


def test_deleting_the_run_deletes_its_suggestions_but_keeps_the_shared_cache(workspace, suggested):
    run_id, _, _ = suggested
    delete_run(workspace, run_id)
    counts = table_counts(workspace.db)
    assert counts["cluster_suggestions"] == counts["cluster_suggestion_items"] == counts["run_embedding_settings"] == 0
    assert counts["embeddings"] > 0
