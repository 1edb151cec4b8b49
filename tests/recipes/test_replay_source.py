"""Replay keeps what the model could already do with its own passing outputs by default; a recipe may choose the
items' targets instead."""

import pytest

from curator.checks import run_checks
from curator.demo.setup import demo_checks
from curator.demo.task import eval_records
from curator.errors import BadInputError
from curator.recipes.sources import source_rows
from curator.recipes.spec import spec_from_dict
from curator.review.runs import create_run_from_records


def _run(ws):
    """Every output passes but is worded unlike its target (a longer think); one dev output fails the answer."""
    records = eval_records(per_case=1)
    for record in records:
        record["output"] = record["target"].replace("<think>", "<think>Let me see. ")
    records[0]["output"] = "<answer>999</answer>"
    run = create_run_from_records(ws, "base", records)
    run_checks(ws, run.run_id, demo_checks())
    return run, records


def _replay(ws, **options):
    raw = {
        "name": "r",
        "total": 4,
        "sources": [{"name": "replay", "kind": "replay", "share": 1, "run": "base", **options}],
    }
    return spec_from_dict(raw).sources[0]


def test_replay_uses_the_models_own_passing_outputs_by_default(workspace):
    _run_row, records = _run(workspace)
    rows = source_rows(workspace, _replay(workspace))
    passing_dev = [r for r in records[1:] if r["split"] == "dev"]
    assert [r["completion"] for r in rows] == [r["output"] for r in passing_dev]
    assert records[0]["output"] not in [r["completion"] for r in rows]  # the failing item is not replayed


def test_a_recipe_can_replay_the_targets(workspace):
    _run_row, records = _run(workspace)
    source = _replay(workspace, replay_from="targets")
    assert source.replay_from == "targets"
    rows = source_rows(workspace, source)
    assert [r["completion"] for r in rows] == [r["target"] for r in records[1:] if r["split"] == "dev"]


def test_an_unknown_replay_from_is_refused_naming_the_field():
    raw = {"name": "r", "total": 4, "sources": [{"kind": "replay", "share": 1, "run": "base", "replay_from": "gold"}]}
    with pytest.raises(BadInputError, match="replay_from must be one of outputs, targets") as refused:
        spec_from_dict(raw, "recipe.toml")
    assert "replay_from" in str(refused.value)
