"""Training inputs Curator refuses (tests/data/bad/training/): one line naming the file and row, before training
starts, nothing changed."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from loopwork import SHORT_LORA, SHORT_TRAINER
from trainwork import run_child, write_job

from curator.errors import CuratorError
from curator.jobs import training as job_domain
from curator.recipes import library as recipes
from curator.recipes.spec import spec_from_dict
from curator.storage import jobs as job_queries
from curator.training.dataset_file import read_rows

BAD = Path(__file__).resolve().parents[1] / "data" / "bad" / "training"
SEED = {"name": "seed", "kind": "seed", "share": 1, "rows": [{"prompt": "Say hi", "completion": "hi"}]}


def _version(ws, sources=(SEED,), total=1):
    recipes.save_recipe(ws, spec_from_dict({"name": "mix", "total": total, "sources": list(sources)}))
    return recipes.build(ws, "mix")


def _request(dataset: str, model: Path) -> job_domain.TrainingRequest:
    return job_domain.TrainingRequest(dataset=dataset, base_model=str(model), lora=SHORT_LORA, trainer=SHORT_TRAINER)


def test_a_dataset_file_edited_after_its_build_is_refused_before_a_job_is_recorded(workspace, tmp_path):
    version = _version(workspace)
    os.chmod(version.path, 0o644)
    with open(version.path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"prompt": "sneaked in", "completion": "after the build"}) + "\n")
    model = tmp_path / "model"
    model.mkdir()
    with pytest.raises(CuratorError, match="no longer matches its content hash.*build the recipe again"):
        job_domain.create_job(workspace, _request("mix", model))
    assert job_domain.list_jobs(workspace) == []


def test_dataset_and_adapter_paths_are_stored_relative_to_the_workspace(workspace, tmp_path):
    _version(workspace)
    model = workspace.root / "models" / "base"
    model.mkdir(parents=True)
    job = job_domain.create_job(workspace, _request("mix", model))
    adapter = Path(job.job_dir) / "adapter"
    job_domain.record_event(workspace, job.job_id, {"event": "succeeded", "adapter_path": str(adapter)})
    stored = job_queries.get_job(workspace.db, job.job_id)  # as the database holds it
    assert (stored.dataset_path, stored.base_model) == ("datasets/mix/v1/v1.jsonl", "models/base")
    assert stored.adapter_path == str(adapter.relative_to(workspace.root))
    shown = job_domain.get_job(workspace, job.job_id)  # as every reader gets it: inside this workspace
    assert shown.adapter_path == job_domain.usable_adapter(workspace, job.job_id) == str(adapter)
    assert shown.dataset_path == str(workspace.root / "datasets/mix/v1/v1.jsonl")


def test_empty_completions_are_refused_at_build_time_naming_the_rows(workspace, tmp_path):
    data = tmp_path / "rows.jsonl"
    shutil.copy(BAD / "empty_completion.jsonl", data)
    source = {"name": "file", "kind": "file", "share": 1, "path": str(data)}
    with pytest.raises(CuratorError, match=r"2 row\(s\) have an empty completion: row \d \(source 'file'\), row \d"):
        _version(workspace, [source], total=3)
    assert recipes.list_versions(workspace) == []


@pytest.mark.parametrize(
    ("name", "method", "message"),
    [
        ("empty_completion.jsonl", "sft", "line 2: field 'completion' is empty"),
        ("equal_pair.jsonl", "dpo", "line 2: field 'rejected' equals 'chosen'"),
        ("bad_messages.jsonl", "sft", "line 2: field 'prompt_messages' must be a list of {role, content} texts"),
    ],
)
def test_a_training_file_given_directly_is_refused_by_line(name, method, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_rows(BAD / name, method)


def test_rows_longer_than_max_length_fail_before_training_saying_how_many_and_what_to_do(tmp_path, demo_model_dir):
    spec = write_job(tmp_path, demo_model_dir, dataset=BAD / "too_long.jsonl")
    spec.trainer = replace(spec.trainer, max_length=64)
    spec.save(tmp_path / "job.json")
    code, events = run_child(tmp_path)
    assert code != 0 and [e["event"] for e in events] == ["failed"]  # never "started"
    error = events[-1]["error"]
    assert "4 of 4 rows are longer than --max-length 64 tokens" in error and "raise --max-length to at least" in error
    assert "\n" not in error and not (tmp_path / "adapter").exists()


def test_a_dataset_file_edited_while_its_job_is_queued_fails_the_job_before_its_child_starts(workspace, tmp_path):
    version = _version(workspace)
    model = tmp_path / "model"
    model.mkdir()
    job = job_domain.create_job(workspace, _request("mix", model))
    os.chmod(version.path, 0o644)
    Path(version.path).write_text(json.dumps({"prompt": "swapped", "completion": "after the job was queued"}) + "\n")
    with pytest.raises(CuratorError, match="no longer matches its content hash"):
        job_domain.start_job(workspace, job.job_id)
    stored = job_domain.get_job(workspace, job.job_id)
    assert stored.status == "failed" and "content hash" in stored.error and stored.pid is None
