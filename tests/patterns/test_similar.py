"""More like this: nearest neighbours of an item among the run's failures."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError, NotFoundError
from curator.patterns.similar import find_item, similar_items


@pytest.mark.slow
def test_neighbours_of_a_failure_come_from_its_family(workspace, family_run, minilm):
    run, truth = family_run
    anchor = next(iter(truth))
    found = similar_items(workspace, run.run_id, anchor, k=5, embedder=minilm)
    assert len(found) == 5 and anchor not in [key for key, _ in found]
    assert [truth[key] for key, _ in found] == [truth[anchor]] * 5
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_among_failures_leaves_passing_items_out(workspace, family_run, word_hash):
    run, truth = family_run
    anchor = next(iter(truth))
    failures = similar_items(workspace, run.run_id, anchor, k=1000, embedder=word_hash)
    everything = similar_items(workspace, run.run_id, anchor, k=1000, among="all", embedder=word_hash)
    assert {key for key, _ in failures} == set(truth) - {anchor}
    assert len(everything) == run.item_count - 1


def test_unknown_item_or_set_is_a_clear_error(workspace, family_run, word_hash):
    run, _ = family_run
    with pytest.raises(NotFoundError, match="no item with id 'nope'"):
        find_item(workspace, run.run_id, "nope")
    with pytest.raises(CuratorError, match="unknown set 'passing'"):
        similar_items(workspace, run.run_id, 0, among="passing", embedder=word_hash)
