"""Verdict labels over a real temp-dir DuckDB: set, change, clear, bulk over a filter, the locked test part."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError
from curator.review import labels
from curator.review.browse import ItemFilter
from curator.review.runs import create_run_from_records
from curator.storage.browse import store_check_results
from curator.storage.runs import table_counts


def make_run(ws, n: int = 12, name: str = "r") -> int:
    records = [{"item_id": f"dev-{k}", "input": f"q{k}", "output": "word " * (k + 1)} for k in range(n)]
    run_id = create_run_from_records(ws, name, records).run_id
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, "answer", "exact", {k: (k % 2 == 0, "") for k in range(n)})
    return run_id


def test_set_change_and_clear_one_label(workspace):
    make_run(workspace)
    first = labels.set_label(workspace, "r", "dev-3", "answer", "pass", note="the check is wrong here")
    assert (first.item_id, first.passed, first.check_passed) == ("dev-3", True, False)
    assert first.note == "the check is wrong here"
    assert first.part == labels.label_part("dev-3", "answer")
    changed = labels.set_label(workspace, "r", "dev-3", "answer", "fail")
    assert (changed.passed, changed.note, changed.created_at) == (False, None, first.created_at)
    assert changed.updated_at >= first.updated_at
    assert [x.item_id for x in labels.labels_of(workspace, "r")] == ["dev-3"]
    assert labels.clear_label(workspace, "r", "dev-3", "answer") is True
    assert labels.clear_label(workspace, "r", "dev-3", "answer") is False
    assert labels.labels_of(workspace, "r", "answer") == []


def test_bulk_over_a_filter_is_one_write(workspace):
    run_id = make_run(workspace)
    assert labels.label_filter(workspace, ItemFilter(run_id, failing_check="answer"), "answer", "pass") == 6
    stored = labels.labels_of(workspace, run_id, "answer")
    assert [x.item_id for x in stored] == [f"dev-{k}" for k in range(1, 12, 2)] and all(x.passed for x in stored)
    parsed = labels.parse_filter(workspace, run_id, 'failing:answer text:"word word word word"')
    assert labels.label_filter(workspace, parsed, "answer", None) == 5
    assert [x.item_id for x in labels.labels_of(workspace, run_id)] == ["dev-1"]


def test_the_locked_test_part_is_about_a_third_and_stable(workspace):
    records = [{"item_id": f"item-{k}", "input": "q", "output": "a"} for k in range(900)]
    run_id = create_run_from_records(workspace, "big", records).run_id
    with workspace.db.transaction() as cur:
        store_check_results(cur, run_id, "answer", "exact", {k: (True, "") for k in range(900)})
    labels.label_filter(workspace, ItemFilter(run_id, item_keys=tuple(range(0, 300))), "answer", "pass")
    before = {x.item_id: x.part for x in labels.labels_of(workspace, run_id)}
    labels.label_filter(workspace, ItemFilter(run_id), "answer", "fail")
    after = {x.item_id: x.part for x in labels.labels_of(workspace, run_id)}
    assert all(after[item_id] == part for item_id, part in before.items())
    assert all(part == labels.label_part(item_id, "answer") for item_id, part in after.items())
    test_part = labels.labels_of(workspace, run_id, "answer", part="test")
    assert {x.item_id for x in test_part} == {i for i, part in after.items() if part == "test"}
    assert len(labels.labels_of(workspace, run_id, part="calibration")) == 900 - len(test_part)
    with pytest.raises(CuratorError, match="a label part is test or calibration, not 'train'"):
        labels.labels_of(workspace, run_id, part="train")
    share = sum(part == "test" for part in after.values()) / len(after)
    assert 0.29 < share < 0.38
    # Another check splits the same items differently.
    assert [labels.label_part(f"item-{k}", "other") for k in range(60)] != [after[f"item-{k}"] for k in range(60)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "dev-1", "answer", "pass"), "no run named 'nope'"),
        (("r", "dev-99", "answer", "pass"), "has no item 'dev-99'"),
        (("r", "dev-1", "tone", "pass"), "has no check 'tone' (its checks: answer)"),
        (("r", "dev-1", "answer", "maybe"), "a verdict is pass or fail, not 'maybe'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(workspace, args, message):
    make_run(workspace)
    labels.set_label(workspace, "r", "dev-2", "answer", "pass")
    before = table_counts(workspace.db)
    with pytest.raises(CuratorError, match=message.replace("(", r"\(").replace(")", r"\)")) as raised:
        labels.set_label(workspace, *args)
    assert "\n" not in str(raised.value)
    assert table_counts(workspace.db) == before
    assert [(x.item_id, x.passed) for x in labels.labels_of(workspace, "r")] == [("dev-2", True)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("failing:tone", "has no check 'tone'"),
        ("colour:red", "cannot read 'colour:red'"),
        ("bucket:none", "no bucket named 'none'"),
        ('text:"open', "No closing quotation"),
        ("", "an empty filter"),
    ],
)
def test_a_bad_filter_is_one_line(workspace, text, message):
    run_id = make_run(workspace)
    with pytest.raises(CuratorError, match=message):
        labels.parse_filter(workspace, run_id, text)


def test_deleting_a_run_removes_its_labels(workspace):
    from curator.review.runs import delete_run

    make_run(workspace)
    labels.set_label(workspace, "r", "dev-2", "answer", "pass")
    delete_run(workspace, "r")
    assert workspace.db.fetchone("SELECT count(*) FROM verdict_labels")[0] == 0
