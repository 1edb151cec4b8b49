"""The training child process: a real short LoRA job, its JSON-lines progress, failures and cancel."""

import json
import subprocess
import sys
import time

import pytest
from loopwork import SHORT_LORA, SHORT_TRAINER, write_train_file

from curator.checks.graders import grade  # noqa: F401 - the child grades with the same function
from curator.child.progress import read_events
from curator.demo.setup import demo_checks
from curator.demo.task import eval_records
from curator.jobs.process import ChildProcess
from curator.training.job import JobSpec

pytestmark = pytest.mark.slow


def _job(tmp_path, model_dir, dataset=None, **trainer) -> JobSpec:
    dev = [
        {"item_key": i, "input": r["input"], "target": r["target"]}
        for i, r in enumerate(eval_records(per_case=1))
        if r["split"] == "dev"
    ]
    spec = JobSpec(
        dataset_file=str(dataset or write_train_file(tmp_path / "train.jsonl")),
        base_model=str(model_dir),
        output_dir=str(tmp_path / "adapter"),
        progress_file=str(tmp_path / "progress.jsonl"),
        lora=SHORT_LORA,
        trainer=SHORT_TRAINER.__class__(**{**SHORT_TRAINER.__dict__, **trainer}),
        dev_items=dev,
        checks=[json.loads(c.to_json()) for c in demo_checks()],
        generation={"max_new_tokens": 24, "batch_size": 64},
    )
    spec.save(tmp_path / "job.json")
    return spec


def _run(tmp_path) -> tuple[int, list[dict]]:
    done = subprocess.run(
        [sys.executable, "-m", "curator.training", str(tmp_path / "job.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, read_events(tmp_path / "progress.jsonl")[0]


def test_a_short_job_reports_steps_and_evals_and_saves_the_adapter_with_its_recipe(tmp_path, demo_model_dir):
    _job(tmp_path, demo_model_dir)
    code, events = _run(tmp_path)
    kinds = [e["event"] for e in events]
    assert code == 0 and kinds[0] == "started" and kinds[-1] == "succeeded"
    steps = [e for e in events if e["event"] == "step"]
    assert [e["step"] for e in steps] == [1, 2, 3, 4]
    assert all(e["loss"] > 0 and e["tokens_per_s"] > 0 and "eta_s" in e and "learning_rate" in e for e in steps)
    evals = [e for e in events if e["event"] == "eval"]
    assert [e["step"] for e in evals] == [2, 4]
    assert set(evals[0]["per_check"]) == {c.name for c in demo_checks()}
    adapter = tmp_path / "adapter"
    assert (adapter / "adapter_model.safetensors").is_file() and (adapter / "adapter_config.json").is_file()
    assert json.loads((adapter / "curator-job.json").read_text())["trainer"]["max_steps"] == 4
    assert json.loads((adapter / "curator-metrics.json").read_text())["steps"] == 4


def test_a_dataset_with_zero_rows_fails_with_one_clear_message(tmp_path, demo_model_dir):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    _job(tmp_path, demo_model_dir, dataset=empty)
    code, events = _run(tmp_path)
    assert code == 1
    assert events[-1] == {**events[-1], "event": "failed"}
    assert "has zero rows" in events[-1]["error"]
    assert not (tmp_path / "adapter" / "adapter_model.safetensors").exists()


def test_a_bad_model_path_fails_with_one_clear_message(tmp_path):
    _job(tmp_path, tmp_path / "no-such-model")
    code, events = _run(tmp_path)
    assert code == 1 and events[-1]["event"] == "failed"
    assert "is not a local folder" in events[-1]["error"]


def test_asking_for_a_gpu_without_one_fails_clearly(tmp_path, demo_model_dir):
    _job(tmp_path, demo_model_dir, device="cuda")
    code, events = _run(tmp_path)
    assert code == 1 and "no CUDA GPU is available" in events[-1]["error"]


def test_cancel_stops_the_child_cleanly_and_leaves_no_adapter(tmp_path, demo_model_dir):
    spec = _job(tmp_path, demo_model_dir, max_steps=400, eval_every=0)
    child = ChildProcess.module(
        "curator.training",
        [tmp_path / "job.json"],
        tmp_path / "progress.jsonl",
        tmp_path / "child.log",
        cancel_file=spec.cancel_file,
    ).start()
    seen = []
    deadline = time.monotonic() + 240
    while not any(e["event"] == "step" for e in seen) and time.monotonic() < deadline and child.running:
        seen += child.new_events()
        time.sleep(0.2)
    child.cancel()
    final = child.wait()
    assert final["event"] == "cancelled"
    assert child.process.returncode == 3
    assert not (tmp_path / "adapter" / "adapter_model.safetensors").exists()
