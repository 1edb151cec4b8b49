"""How a job ends early: patience exhausted keeps the best checkpoint by the checks; cancel with `keep` keeps the best
adapter so far and succeeds; a plain cancel leaves nothing (tested in test_training_child.py)."""

import json
import time

import pytest
from trainwork import run_child, write_job

from curator.jobs.process import ChildProcess
from curator.training.callbacks import adapter_digest

pytestmark = pytest.mark.slow


def saved_digest(adapter_dir) -> str:
    from safetensors.torch import load_file  # ~1 s with torch, test only

    return adapter_digest(load_file(str(adapter_dir / "adapter_model.safetensors")))


def test_patience_exhausted_stops_and_keeps_the_best_checkpoint_not_the_last(tmp_path, demo_model_dir):
    write_job(tmp_path, demo_model_dir, max_steps=12, eval_every=1, patience=1)
    code, events = run_child(tmp_path)
    assert code == 0 and events[-1]["event"] == "succeeded"
    evals = [e for e in events if e["event"] == "eval"]
    stopped = next(e for e in events if e["event"] == "stopped_early")
    metrics = events[-1]["metrics"]
    assert metrics["stopped"] == "early" and metrics["steps"] == stopped["step"] < 12
    best = [e for e in evals if e["best"]][-1]
    assert metrics["best_step"] == best["step"] < evals[-1]["step"] == metrics["steps"]
    assert not evals[-1]["best"] and evals[-1]["pass_rate"] <= best["pass_rate"]
    assert evals[-1]["adapter_digest"] != best["adapter_digest"]  # the weights moved after the best eval
    assert saved_digest(tmp_path / "adapter") == best["adapter_digest"]


def _start(tmp_path, spec) -> ChildProcess:
    return ChildProcess.module(
        "curator.training",
        [tmp_path / "job.json"],
        tmp_path / "progress.jsonl",
        tmp_path / "child.log",
        cancel_file=spec.cancel_file,
    ).start()


def _wait_for(child, predicate, seen, timeout_s=240):
    deadline = time.monotonic() + timeout_s
    while not predicate(seen) and child.running and time.monotonic() < deadline:
        seen += child.new_events()
        time.sleep(0.1)
    return seen


def test_cancel_with_keep_stops_and_succeeds_with_the_best_adapter_so_far(tmp_path, demo_model_dir):
    spec = write_job(tmp_path, demo_model_dir, max_steps=400, eval_every=2, patience=0)
    child = _start(tmp_path, spec)
    seen = _wait_for(child, lambda s: sum(e["event"] == "eval" for e in s) >= 2, [])
    spec.cancel_file.write_text("keep\n")
    final = child.wait(lambda e: seen.append(e))
    assert child.process.returncode == 0, child.log_tail()
    assert final["event"] == "succeeded" and final["adapter_path"] == spec.output_dir
    metrics = final["metrics"]
    assert metrics["stopped"] == "cancelled-keep" and metrics["steps"] < 400
    evals = [e for e in seen if e["event"] == "eval"]
    best = [e for e in evals if e["best"]][-1]
    assert metrics["best_step"] == best["step"] == metrics["adapter_step"]
    assert saved_digest(tmp_path / "adapter") == best["adapter_digest"]
    assert json.loads((tmp_path / "adapter" / "curator-metrics.json").read_text())["stopped"] == "cancelled-keep"


def test_cancel_with_keep_before_any_eval_grades_the_adapter_it_keeps(tmp_path, demo_model_dir):
    spec = write_job(tmp_path, demo_model_dir, max_steps=400, eval_every=0)
    child = _start(tmp_path, spec)
    _wait_for(child, lambda s: any(e["event"] == "step" for e in s), [])
    spec.cancel_file.write_text("keep")
    final = child.wait()
    assert final["event"] == "succeeded" and final["metrics"]["stopped"] == "cancelled-keep"
    assert final["metrics"]["best_pass_rate"] is not None
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()
