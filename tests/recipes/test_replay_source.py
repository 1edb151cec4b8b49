"""Replay keeps what the model could already do with its own passing outputs by default; a recipe may choose the
items' targets instead."""

import pytest

from curator.checks import load_spec_text, run_checks
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


ANY_CHECK = '[[check]]\nname = "any"\nkind = "regex"\npattern = "."\n'


def _limited_run(ws, model_dir, outputs: list[str]):
    """A run generated with max_new_tokens 8 by the tiny model; every output passes its one check."""
    records = [
        {"item_id": f"i{n}", "input": f"Question {n}?", "output": o, "split": "dev"} for n, o in enumerate(outputs)
    ]
    run = create_run_from_records(
        ws, "limited", records, model=str(model_dir), settings={"generation": {"max_new_tokens": 8}}
    )
    run_checks(ws, run.run_id, load_spec_text(ANY_CHECK))
    return run


def test_an_output_that_stopped_at_the_token_limit_is_never_replayed(workspace, demo_model_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(demo_model_dir), local_files_only=True)
    ramble = "the weather is sunny and the weather is sunny and the weather is sunny and"
    assert len(tokenizer(ramble, add_special_tokens=False)["input_ids"]) >= 8  # it ran to the limit
    _limited_run(workspace, demo_model_dir, ["sunny", ramble])
    raw = {"name": "r", "total": 1, "sources": [{"name": "replay", "kind": "replay", "share": 1, "run": "limited"}]}
    rows = source_rows(workspace, spec_from_dict(raw).sources[0])
    assert [r["completion"] for r in rows] == ["sunny"]
    targets = dict(raw["sources"][0], replay_from="targets")  # no targets: the output would be the completion
    assert [
        r["completion"] for r in source_rows(workspace, spec_from_dict(raw | {"sources": [targets]}).sources[0])
    ] == ["sunny"]


def test_an_imported_output_whose_log_says_it_hit_the_length_limit_is_never_replayed(workspace):
    records = [
        {"item_id": "a", "input": "Q a?", "output": "fine", "split": "dev", "metadata": {"stop_reason": "stop"}},
        {"item_id": "b", "input": "Q b?", "output": "cut", "split": "dev", "metadata": {"stop_reason": "max_tokens"}},
    ]
    run = create_run_from_records(workspace, "imported", records)
    run_checks(workspace, run.run_id, load_spec_text(ANY_CHECK))
    raw = {"name": "r", "total": 1, "sources": [{"name": "replay", "kind": "replay", "share": 1, "run": "imported"}]}
    assert [r["completion"] for r in source_rows(workspace, spec_from_dict(raw).sources[0])] == ["fine"]
