"""A learned grader as GRPO's reward: `curator check` fits it on the analyst's labels, the job file carries the
stored fit, and the training child (no database) grades every sampled completion with it."""

import json
from pathlib import Path

import pytest
from loopwork import weather_run
from trainwork import DATASETS
from typer.testing import CliRunner

from curator.checks import CheckSpec, stored_checks
from curator.cli.main import app
from curator.jobs import judging
from curator.review.labels import set_label
from curator.training.grading import specs_from_dicts
from curator.training.rewards import checks_reward

pytestmark = pytest.mark.slow
LEARNED = CheckSpec("liked", "learned")


def fitted_learned_check(ws) -> CheckSpec:
    """A weather run with a learned check fitted on labels that mostly pass (so most samples pass too)."""
    run = weather_run(ws, per_case=1)
    judging.run_all_checks(ws, run.run_id, [LEARNED])
    items = ws.db.fetchall("SELECT item_id FROM items WHERE run_id = ? ORDER BY item_key", [run.run_id])
    for number, (item_id,) in enumerate(items):
        set_label(ws, run.run_id, item_id, "liked", number % 4 != 0)
    [outcome] = judging.run_all_checks(ws, run.run_id, [LEARNED])
    assert outcome.error is None and outcome.reason is None and outcome.graded == len(items), outcome
    return next(s for s in stored_checks(ws, run.run_id) if s.name == "liked")


def test_the_reward_function_grades_a_batch_with_the_stored_fit(workspace):
    spec = fitted_learned_check(workspace)
    reward = checks_reward(specs_from_dicts([json.loads(spec.to_json())]), {"weights": {"liked": 1.0}})
    completions = ["It is sunny in Paris today.", "zzzz", [{"role": "assistant", "content": "Rain later."}]]
    rewards = reward(prompts=[""] * 3, completions=completions, input=["Weather in Paris?"] * 3)
    assert len(rewards) == 3 and set(rewards) <= {0.0, 1.0}


def test_a_grpo_job_whose_reward_is_a_learned_grader_finishes(workspace, tmp_path, demo_model_dir):
    spec = fitted_learned_check(workspace)
    workspace.close()
    data = DATASETS["grpo"](tmp_path / "grpo.jsonl")
    args = ["-w", str(workspace.root), "train", "--dataset", str(data), "--model", str(demo_model_dir)]
    args += ["--method", "grpo", "--run", "weather", "--max-steps", "2", "--eval-every", "2", "--lora-r", "4"]
    args += ["--device", "cpu", "--cpu-threads", "1", "--max-length", "128", "--num-generations", "4"]
    args += ["--batch-size", "8", "--max-completion-length", "12", "--reward-weight", "liked=1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    job_dir = Path(workspace.root) / "models" / "adapters" / "job-1"
    job = json.loads((job_dir / "job.json").read_text())
    [learned] = [c for c in job["checks"] if c["kind"] == "learned"]
    assert (
        learned["options"]["fitted"] == spec.options["fitted"] and Path(learned["options"]["fitted"]["file"]).is_file()
    )
    events = [json.loads(line) for line in open(job_dir / "progress.jsonl")]
    steps = [e for e in events if e["event"] == "step"]
    assert [e["step"] for e in steps] == [1, 2]
    # only the learned grader carries weight: a reward above 0 means it graded samples in the child
    assert any(e["reward"] > 0 for e in steps), steps
