"""Buckets, labels, notes, undo, merge and impact over a real temp-dir DuckDB."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError
from curator.review import buckets
from curator.review.browse import ItemFilter
from curator.review.runs import create_run_from_records, delete_run
from curator.storage.browse import store_check_results


def make_run(ws, n: int = 10) -> int:
    records = [{"item_id": f"i{k}", "input": "q", "target": "a", "output": "a"} for k in range(n)]
    run_id = create_run_from_records(ws, "r", records).run_id
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, "c", "exact", {k: (k >= 6, "") for k in range(n)})
    return run_id


def label_rows(ws) -> list[tuple]:
    return ws.db.fetchall("SELECT b.name, l.item_key FROM labels l JOIN buckets b USING (bucket_id) ORDER BY 1, 2")


def test_undo_takes_back_labels_and_notes_newest_first(workspace):
    run_id = make_run(workspace)
    a = buckets.create_bucket(workspace, "a")
    assert buckets.label_items(workspace, run_id, [1, 2], a) == 2
    assert buckets.label_items(workspace, run_id, [2, 3], a) == 1
    buckets.add_note(workspace, run_id, 3, "why")
    assert buckets.undo_last(workspace, run_id).kind == "note"
    undone = buckets.undo_last(workspace, run_id)
    assert (undone.bucket_name, undone.item_count) == ("a", 1)
    assert label_rows(workspace) == [("a", 1), ("a", 2)]
    buckets.undo_last(workspace, run_id)
    assert label_rows(workspace) == [] and buckets.undo_last(workspace, run_id) is None


def test_label_filter_is_one_undoable_action(workspace):
    run_id = make_run(workspace)
    a = buckets.create_bucket(workspace, "a")
    buckets.label_items(workspace, run_id, [0], a)
    assert buckets.label_filter(workspace, ItemFilter(run_id, failing_check="c"), a) == 5
    assert [k for _, k in label_rows(workspace)] == [0, 1, 2, 3, 4, 5]
    buckets.undo_last(workspace, run_id)
    assert label_rows(workspace) == [("a", 0)]


def test_merge_moves_labels_and_notes_and_removes_the_source(workspace):
    run_id = make_run(workspace)
    a, b = buckets.create_bucket(workspace, "a"), buckets.create_bucket(workspace, "b")
    buckets.label_items(workspace, run_id, [1, 2], a)
    buckets.label_items(workspace, run_id, [2, 3], b)
    buckets.add_note(workspace, run_id, 1, "note on a", bucket=a)
    assert buckets.merge_buckets(workspace, a, b) == 1
    assert label_rows(workspace) == [("b", 1), ("b", 2), ("b", 3)]
    assert workspace.db.fetchall("SELECT bucket_id FROM notes") == [(b.bucket_id,)]
    assert [x.name for x in buckets.list_buckets(workspace)] == ["b"]
    with pytest.raises(CuratorError):
        buckets.merge_buckets(workspace, b, b)


def test_rename_describe_delete_and_name_rules(workspace):
    run_id = make_run(workspace)
    a, _ = buckets.create_bucket(workspace, "a"), buckets.create_bucket(workspace, "b")
    with pytest.raises(CuratorError, match="already exists"):
        buckets.rename_bucket(workspace, a, "b")
    with pytest.raises(CuratorError, match="needs a name"):
        buckets.create_bucket(workspace, "  ")
    a = buckets.set_description(workspace, buckets.rename_bucket(workspace, a, "renamed"), " why ")
    assert (a.name, a.description) == ("renamed", "why")
    buckets.label_items(workspace, run_id, [1], a)
    buckets.add_note(workspace, run_id, 1, "stays", bucket=a)
    buckets.delete_bucket(workspace, a)
    assert label_rows(workspace) == []
    assert workspace.db.fetchall("SELECT text, bucket_id FROM notes") == [("stays", None)]
    assert [x.name for x in buckets.list_buckets(workspace)] == ["b"]


def test_recent_buckets_put_the_last_used_first(workspace):
    run_id = make_run(workspace)
    a, b, c = (buckets.create_bucket(workspace, n) for n in "abc")
    buckets.label_items(workspace, run_id, [1], a)
    assert [x.name for x in buckets.recent_buckets(workspace)][:1] == ["a"]
    buckets.label_items(workspace, run_id, [1], b)
    assert [x.name for x in buckets.recent_buckets(workspace, 2)] == ["b", "a"]


def test_impact_sorts_by_failing_items_with_shares_and_notes(workspace):
    run_id = make_run(workspace)
    few, many = buckets.create_bucket(workspace, "few"), buckets.create_bucket(workspace, "many")
    buckets.label_items(workspace, run_id, [0, 7, 8, 9], few)
    buckets.label_items(workspace, run_id, [1, 2, 3], many)
    buckets.add_note(workspace, run_id, 2, "first")
    buckets.add_note(workspace, run_id, 3, "newest")
    impact = buckets.bucket_impact(workspace, run_id)
    assert [(i.bucket.name, i.items, i.failing_items) for i in impact] == [("many", 3, 3), ("few", 4, 1)]
    assert impact[0].failure_share == pytest.approx(0.5)
    assert impact[1].check_pass_rates == {"c": pytest.approx(0.75)}
    assert (impact[0].newest_note, impact[1].newest_note) == ("newest", None)


def test_deleting_a_run_removes_its_labels_notes_and_undo_log_only(workspace):
    run_id = make_run(workspace)
    a = buckets.create_bucket(workspace, "a")
    buckets.label_items(workspace, run_id, [1], a)
    buckets.add_note(workspace, run_id, 1, "n")
    delete_run(workspace, run_id)
    for table in ("labels", "notes", "label_actions"):
        assert workspace.db.fetchone(f"SELECT count(*) FROM {table}")[0] == 0
    assert [x.name for x in buckets.list_buckets(workspace)] == ["a"]


def test_fuzzy_score_matches_in_order_and_prefers_tight_matches():
    assert buckets.fuzzy_score("mt", "missing-tag") is not None
    assert buckets.fuzzy_score("tm", "missing-tag") is None
    assert buckets.fuzzy_score("emo", "emoji") > buckets.fuzzy_score("emo", "extra-models")


def test_unlabel_takes_items_out_and_undo_takes_back_only_what_is_left(workspace):
    run_id = make_run(workspace)
    a, b = buckets.create_bucket(workspace, "a"), buckets.create_bucket(workspace, "b")
    buckets.label_items(workspace, run_id, [1, 2, 3], a)
    buckets.label_items(workspace, run_id, [2], b)
    assert buckets.unlabel_items(workspace, run_id, [2, 4], a) == 1
    assert label_rows(workspace) == [("a", 1), ("a", 3), ("b", 2)]
    assert buckets.unlabel_filter(workspace, ItemFilter(run_id, failing_check="c"), b) == 1
    assert label_rows(workspace) == [("a", 1), ("a", 3)]
    undone = buckets.undo_last(workspace, run_id)  # b's action has no label left: a's is the newest
    assert (undone.bucket_name, undone.item_count) == ("a", 2)
    assert label_rows(workspace) == [] and buckets.undo_last(workspace, run_id) is None
