"""Early stopping evaluates as the source run was generated, on a capped dev sample where every check is
represented, and keeps the checkpoint with the most dev items passing every check."""

from __future__ import annotations

import json

from curator.checks import load_spec_text, run_checks, stored_checks
from curator.checks.spec import CheckSpec
from curator.child.progress import ProgressWriter
from curator.inference.backends import GenerationSettings
from curator.jobs.training_inputs import dev_sample, eval_generation
from curator.review.runs import create_run_from_records, resolve_run
from curator.training.callbacks import CallbackLogic, generation_of
from curator.training.grading import dev_pass_rates
from curator.training.job import JobSpec

CHECKS = """
[[check]]
name = "rare"
kind = "regex"
pattern = "ok"
when_input = "RARE"

[[check]]
name = "common"
kind = "regex"
pattern = "ok"
"""


def _run(ws, dev: int, rare: int, held_out: int = 5):
    records = [
        {"item_id": f"d{n}", "input": f"question {n}" + (" RARE" if n < rare else ""), "output": "ok", "split": "dev"}
        for n in range(dev)
    ] + [{"item_id": f"h{n}", "input": f"held {n}", "output": "ok", "split": "held_out"} for n in range(held_out)]
    settings = {"generation": {"max_new_tokens": 256, "temperature": 0.0, "top_p": 1.0, "batch_size": 8, "seed": 0}}
    run = create_run_from_records(ws, "src", records, settings=settings | {"dtype": "bfloat16"})
    run_checks(ws, run.run_id, load_spec_text(CHECKS))
    return resolve_run(ws, run.run_id)


def test_the_dev_sample_is_capped_and_every_check_is_represented(workspace):
    run = _run(workspace, dev=600, rare=3)
    sample = dev_sample(workspace, run.run_id, stored_checks(workspace, run.run_id), cap=256)
    assert len(sample) == 256
    assert sum("RARE" in item["input"] for item in sample) == 3  # a random 256 of 600 would often miss some
    assert all(item["input"].startswith("question") for item in sample)  # never a held-out item
    assert [i["item_key"] for i in sample] == sorted(i["item_key"] for i in sample)
    assert sample == dev_sample(workspace, run.run_id, stored_checks(workspace, run.run_id), cap=256)  # seeded


def test_a_small_dev_set_is_taken_whole(workspace):
    run = _run(workspace, dev=10, rare=2)
    assert len(dev_sample(workspace, run.run_id, stored_checks(workspace, run.run_id))) == 10


def test_dev_evals_use_the_source_runs_generation_settings_and_dtype(workspace):
    run = _run(workspace, dev=4, rare=1)
    generation = eval_generation(run, None)
    assert generation["max_new_tokens"] == 256 and generation["dtype"] == "bfloat16"  # not 64 tokens by default
    assert eval_generation(run, {"max_new_tokens": 32}) == {"max_new_tokens": 32}  # asked for: kept
    assert eval_generation(None, None) == {}


def test_the_pass_rate_counts_items_passing_every_check_and_each_check_is_reported():
    specs = [CheckSpec("a", "regex", {"pattern": "x"}), CheckSpec("b", "regex", {"pattern": "y"})]
    items = [{"input": "1"}, {"input": "2"}, {"input": "3"}, {"input": "4"}]
    result = dev_pass_rates(specs, items, ["xy", "x", "x", "xy"])
    assert result.pass_rate == 0.5  # 2 of 4 items pass both; 6 of 8 (item, check) pairs would read 75%
    assert result.as_dict()["per_check"] == {"a": 1.0, "b": 0.5}


def _job(tmp_path, generation: dict) -> JobSpec:
    checks = [json.loads(CheckSpec("a", "regex", {"pattern": "x"}).to_json())]
    return JobSpec(
        dataset_file="d.jsonl",
        base_model="m",
        output_dir=str(tmp_path / "adapter"),
        progress_file=str(tmp_path / "progress.jsonl"),
        dev_items=[{"item_key": 0, "input": "q"}],
        checks=checks,
        generation=generation,
    )


def test_the_child_generates_with_the_job_files_settings_and_dtype(tmp_path):
    settings, dtype = generation_of(_job(tmp_path, {"max_new_tokens": 256, "temperature": 0.0, "dtype": "bfloat16"}))
    assert settings.max_new_tokens == 256 and dtype == "bfloat16"
    settings, dtype = generation_of(_job(tmp_path, {}))
    assert settings == GenerationSettings() and dtype is None


def test_only_rank_0_generates_and_grades_under_several_processes(tmp_path, monkeypatch):
    monkeypatch.setenv("RANK", "1")
    job = _job(tmp_path, {})
    logic = CallbackLogic(job, ProgressWriter(job.progress_file), stop=None, trainer=None, tokenizer=None)
    logic.evaluate(4)  # with no model to generate with, any attempt would raise
    assert logic.last_eval_step == 4 and logic.early.best_step is None
    assert not (tmp_path / "progress.jsonl").exists()
