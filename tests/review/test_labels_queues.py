"""The disagreement queue and "label next" over a real temp-dir DuckDB."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError
from curator.review import label_queues, labels
from curator.review.browse import FilteredItems
from curator.review.runs import create_run_from_records
from curator.storage.browse import store_check_results


def make_run(ws) -> int:
    """Eight items; `answer` passes the even ones, `format` and `tone` pass the first four."""
    records = [{"item_id": f"dev-act-{k}", "input": "q", "output": "a"} for k in range(8)]
    run_id = create_run_from_records(ws, "r", records).run_id
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, "answer", "exact", {k: (k % 2 == 0, "") for k in range(8)})
        store_check_results(cur, run_id, "format", "regex", {k: (k < 4, "") for k in range(8)}, position=1)
        store_check_results(cur, run_id, "tone", "regex", {k: (k < 4, "") for k in range(7)}, position=2)
    return run_id


def test_disagreements_are_false_passes_and_false_fails(workspace):
    run_id = make_run(workspace)
    for key, verdict in [(0, "fail"), (1, "pass"), (2, "pass"), (4, "fail")]:
        labels.set_label(workspace, "r", f"dev-act-{key}", "answer", verdict, note="the check is wrong here")
    found = label_queues.disagreements(workspace, "r", "answer")
    assert [(d.item_id, d.kind) for d in found] == [
        ("dev-act-0", "false_pass"),
        ("dev-act-1", "false_fail"),
        ("dev-act-4", "false_pass"),
    ]
    assert found[0].note == "the check is wrong here"
    assert [d.item_id for d in label_queues.disagreements(workspace, "r", "answer", "false_fail")] == ["dev-act-1"]
    queue = label_queues.disagreement_filter(workspace, run_id, "answer", "false_pass")
    browsed = FilteredItems(workspace, queue)
    assert browsed.count == 2 and [browsed.row(i).item_id for i in range(2)] == ["dev-act-0", "dev-act-4"]
    assert queue.keys_label == "false passes of answer"
    with pytest.raises(CuratorError, match="not 'wrong'"):
        label_queues.disagreements(workspace, "r", "answer", "wrong")


def test_label_next_offers_unlabelled_items_where_other_checks_disagree_first(workspace):
    make_run(workspace)
    labels.set_label(workspace, "r", "dev-act-1", "answer", "pass")
    offered = label_queues.label_next(workspace, "r", "answer", limit=10)
    assert "dev-act-1" not in [c.item_id for c in offered] and len(offered) == 7
    # answer passes 0, 2 (format and tone pass too) and 4, 6 (both fail); fails 3 (both pass), 5 (both fail) and
    # 7 (format fails too; tone did not grade it).
    by_id = {c.item_id: c for c in offered}
    assert by_id["dev-act-4"].uncertainty == 1.0 and by_id["dev-act-4"].reason == "2 of 2 other checks disagree"
    assert by_id["dev-act-7"].uncertainty == 0.0 and by_id["dev-act-7"].reason == "0 of 1 other checks disagree"
    assert by_id["dev-act-0"].uncertainty == 0.0
    assert {c.item_id for c in offered[:3]} == {"dev-act-3", "dev-act-4", "dev-act-6"}
    assert [c.uncertainty for c in offered] == sorted((c.uncertainty for c in offered), reverse=True)
    assert offered == label_queues.label_next(workspace, "r", "answer", limit=10)


def test_label_next_takes_a_grader_s_own_uncertainty(workspace):
    make_run(workspace)
    probabilities = {0: 0.97, 2: 0.55, 4: 0.2}
    mapped = {key: label_queues.uncertainty_from_probability(p) for key, p in probabilities.items()}
    offered = label_queues.label_next(workspace, "r", "answer", limit=3, uncertainty=mapped)
    assert [c.item_id for c in offered] == ["dev-act-2", "dev-act-4", "dev-act-0"]
    assert offered[0].uncertainty == pytest.approx(0.9)
    assert label_queues.uncertainty_from_agreement(0.5) == 1.0
    assert label_queues.uncertainty_from_agreement(1.0) == 0.0
    assert label_queues.uncertainty_from_agreement(0.8) == pytest.approx(0.4)
