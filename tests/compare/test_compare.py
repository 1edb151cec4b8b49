"""Compare a run with its parent: figures per check, split and bucket come from the stored check results."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "training"))
from loopwork import weather_run  # noqa: E402

from curator.checks import run_checks  # noqa: E402
from curator.compare.comparison import compare_runs, format_delta  # noqa: E402
from curator.demo.setup import demo_checks  # noqa: E402
from curator.errors import CuratorError  # noqa: E402
from curator.review import buckets as bucket_domain  # noqa: E402
from curator.review.runs import create_run_from_records  # noqa: E402
from curator.storage import items as item_queries  # noqa: E402


def _child_run(ws, parent, fix: set[str], break_: set[str], flip_splits: bool = False, drop: set[str] = frozenset()):
    """A re-eval run: tag restored on the items in `fix`, tag removed on the items in `break_`; optionally with
    every split label swapped and the items in `drop` missing."""
    records = []
    for item in item_queries.iter_items(ws.db, parent.run_id):
        if item.item_id in drop:
            continue
        output = item.target if item.item_id in fix else item.output
        if item.item_id in break_:
            output = "<answer>0</answer>"
        split = {"dev": "held_out", "held_out": "dev"}[item.split] if flip_splits else item.split
        records.append(
            {
                "item_id": item.item_id,
                "input": item.input,
                "target": item.target,
                "output": output,
                "split": split,
                "metadata": item.metadata,
            }
        )
    run = create_run_from_records(ws, "after", records, parent_run_id=parent.run_id)
    run_checks(ws, run.run_id, demo_checks())
    return run


def test_rates_fixed_and_regressed_items_come_from_the_stored_results(workspace):
    parent = weather_run(workspace, per_case=2)
    after = _child_run(workspace, parent, fix={"dev-bright-0", "held_out-clear-1"}, break_={"held_out-plain-0"})
    result = compare_runs(workspace, after.name)
    assert result.before_run.run_id == parent.run_id
    tag = next(r for r in result.checks if r.name == "weather_tag")
    # 14 <api> items per split: 2 plain pass before; one fixed per split, one plain broken on held-out.
    assert (tag.before["dev"].passed, tag.before["dev"].total) == (2, 14)
    assert (tag.after["dev"].passed, tag.after["held_out"].passed) == (3, 2)
    assert tag.delta("dev") == pytest.approx(1 / 14)
    assert tag.delta("held_out") == pytest.approx(0)
    answer = next(r for r in result.checks if r.name == "answer")
    assert answer.after["held_out"].passed == answer.before["held_out"].passed - 1
    assert sorted(c.item_id for c in result.fixed) == ["dev-bright-0", "held_out-clear-1"]
    assert [c.item_id for c in result.regressed] == ["held_out-plain-0"]
    assert set(result.regressed[0].failed_checks) == {"weather_tag", "emoji", "answer", "think_answer"}


def test_bucket_rows_cover_the_parent_items_labelled_with_the_bucket(workspace):
    parent = weather_run(workspace, per_case=2)
    bright = [
        item_queries.find_item_key(workspace.db, parent.run_id, f"{s}-bright-{i}")
        for s in ("dev", "held_out")
        for i in range(2)
    ]
    bucket = bucket_domain.create_bucket(workspace, "bright")
    bucket_domain.label_items(workspace, parent.run_id, bright, bucket)
    after = _child_run(workspace, parent, fix={"dev-bright-0", "dev-bright-1", "held_out-bright-0"}, break_=set())
    row = compare_runs(workspace, after.run_id).buckets[0]
    assert row.name == "bright"
    assert (row.before["dev"].rate, row.after["dev"].rate) == (0.0, 1.0)
    assert (row.before["held_out"].rate, row.after["held_out"].rate) == (0.0, 0.5)


def test_a_run_without_parent_needs_one_named(workspace):
    run = weather_run(workspace, per_case=1)
    with pytest.raises(CuratorError, match="has no parent run"):
        compare_runs(workspace, run.name)


def test_compare_cli_prints_json(workspace, monkeypatch):
    import json

    from typer.testing import CliRunner

    from curator.cli.main import app

    parent = weather_run(workspace, per_case=1)
    _child_run(workspace, parent, fix={"dev-bright-0"}, break_=set())
    workspace.close()
    result = CliRunner().invoke(app, ["-w", str(workspace.root), "compare", "after", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["parent"] == "weather" and [c["item_id"] for c in payload["fixed"]] == ["dev-bright-0"]
    assert payload["checks"]["weather_tag"]["after"]["dev"] == pytest.approx(2 / 7)


def test_check_rates_use_matched_items_under_the_parents_split_labels(workspace):
    parent = weather_run(workspace, per_case=2)
    after = _child_run(
        workspace, parent, fix={"dev-bright-0"}, break_=set(), flip_splits=True, drop={"held_out-plain-0"}
    )
    result = compare_runs(workspace, after.name)
    for row in result.checks:
        for split in ("dev", "held_out"):
            assert row.before[split].total == row.after[split].total, (row.name, split)
    tag = next(r for r in result.checks if r.name == "weather_tag")
    # held-out: 13 <api> items left in both runs (one plain dropped), nothing changed there.
    assert (tag.before["held_out"].passed, tag.before["held_out"].total) == (1, 13)
    assert (tag.after["held_out"].passed, tag.after["held_out"].total) == (1, 13)
    assert (tag.before["dev"].passed, tag.after["dev"].passed) == (2, 3)
    assert format_delta(tag.delta("held_out")) == "±0" and format_delta(tag.delta("dev")) == "+7.1"
    assert [(c.item_id, c.split) for c in result.fixed] == [("dev-bright-0", "dev")] and result.regressed == []


def test_deltas_show_one_decimal_of_points_and_no_negative_zero():
    assert [format_delta(d) for d in (-1 / 7, 1 / 14, 0.0, -0.0004, 0.0004, None)] == [
        "-14.3",
        "+7.1",
        "±0",
        "±0",
        "±0",
        "",
    ]


def test_deleting_the_parent_leaves_the_child_without_a_parent(workspace):
    from typer.testing import CliRunner

    from curator.cli.main import app
    from curator.review.runs import delete_run, resolve_run

    parent = weather_run(workspace, per_case=1)
    child = _child_run(workspace, parent, fix={"dev-bright-0"}, break_=set())
    delete_run(workspace, parent.name)
    assert resolve_run(workspace, child.run_id).parent_run_id is None
    assert workspace.db.fetchone("SELECT parent_run_id FROM runs WHERE run_id = ?", [child.run_id]) == (None,)
    workspace.close()
    result = CliRunner().invoke(app, ["-w", str(workspace.root), "compare", "after"])
    assert result.exit_code != 0
    assert "run 'after' has no parent run (use --parent)" in result.output + str(result.exception)
