"""Revision pairs as a recipe source: a build makes DPO rows (chosen = the fix, rejected = the failing output)
with lineage, and the export is what TRL's DPOTrainer reads (prompt, chosen, rejected)."""

from __future__ import annotations

import pytest
from fixwork import weather_run

from curator.errors import BadInputError, CuratorError
from curator.exports.library import export_dataset
from curator.fix import revisions
from curator.recipes import library as recipes
from curator.recipes.spec import spec_from_dict

FIXED = "<display_weather>☀</display_weather> It is sunny."


def _build(ws, source: dict, total: int = 1):
    recipes.save_recipe(ws, spec_from_dict({"name": "revised", "total": total, "sources": [source]}))
    return recipes.build(ws, "revised")


@pytest.fixture
def accepted_edit(workspace):
    run = weather_run(workspace)
    row = revisions.propose_edit(workspace, run.name, "a", FIXED)
    revisions.set_review_status(workspace, [row.revision_id], "accepted")
    return run, row


def test_a_build_from_revision_pairs_makes_dpo_rows_with_lineage(workspace, accepted_edit):
    run, row = accepted_edit
    version = _build(workspace, {"kind": "revisions", "run": run.name, "buckets": ["weather"], "share": 1})
    (built,) = recipes.read_version_rows(version)
    assert (built["prompt"], built["chosen"], built["rejected"]) == (row.input, FIXED, "It is sunny.")
    assert (built["source_kind"], built["revision_id"], built["author"]) == ("revisions", row.revision_id, "analyst")
    assert (built["source_run_id"], built["source_item_key"], built["bucket"]) == (run.run_id, 0, "weather")
    assert "completion" not in built


def test_revision_pairs_export_as_dpo_rows_that_datasets_loads_for_trl(workspace, accepted_edit, tmp_path):
    from datasets import load_dataset  # ~1 s; the export's reader

    _build(workspace, {"kind": "revisions", "share": 1})  # `run` is optional: every run's accepted pairs
    exported = export_dataset(workspace, "revised", "dpo", folder=tmp_path)
    loaded = load_dataset("json", data_files=str(exported.path), split="train")
    assert {"prompt", "chosen", "rejected"} <= set(loaded.column_names)
    assert (loaded[0]["chosen"], loaded[0]["rejected"]) == (FIXED, "It is sunny.")
    assert loaded[0]["prompt"] == accepted_edit[1].input
    with pytest.raises(CuratorError, match="holds dpo rows"):
        export_dataset(workspace, "revised", "sft", folder=tmp_path)


def test_only_accepted_pairs_count_and_revisions_do_not_mix_with_sft_sources(workspace):
    run = weather_run(workspace)
    revisions.propose_edit(workspace, run.name, "a", FIXED)  # proposed, not accepted
    with pytest.raises(CuratorError, match="revisions"):
        _build(workspace, {"kind": "revisions", "run": run.name, "share": 1})
    seed = {"kind": "seed", "share": 0.5, "rows": [{"prompt": "p", "completion": "c"}]}
    with pytest.raises(BadInputError, match="cannot be mixed"):
        spec_from_dict({"name": "m", "total": 2, "sources": [{"kind": "revisions", "share": 0.5}, seed]})
