"""Judges inside the training child: GRPO's reward and the early-stopping dev evals grade a judge check through
the child's answerer (an endpoint here, the stand-in one; a local judge model loaded once per process)."""

import json
from pathlib import Path

import pytest
import torch
from chat_endpoint import chat_endpoint
from loopwork import weather_run
from trainwork import DATASETS
from typer.testing import CliRunner

from curator.checks import CheckSpec, spec
from curator.cli.main import app
from curator.inference import judge_local
from curator.jobs import judging
from curator.training.grading import answer_in_child, child_judges, dev_pass_rates, specs_from_dicts
from curator.training.rewards import checks_reward

RUBRIC = "Question: {{ input }}\nReply: {{ output }}"


def judge_answer(prompt: str) -> str:
    return "Verdict: PASS" if "Reply: please" in prompt else "Looks rude. Verdict: FAIL"


def job_checks(url: str) -> list[CheckSpec]:
    """The checks as the job file carries them (serialised, read back in the child)."""
    judge = CheckSpec("polite", "judge", {"model": "judge-model", "endpoint": url, "rubric": RUBRIC})
    checks = spec.validate_specs([CheckSpec("short", "regex", {"pattern": "^.{0,20}$"}), judge])
    return specs_from_dicts([json.loads(c.to_json()) for c in checks])


def test_a_grpo_reward_weighs_the_judges_verdict():
    with chat_endpoint(judge_answer) as (url, prompts):
        specs = job_checks(url)
        reward = checks_reward(specs, {"weights": {"polite": 0.75, "short": 0.25}}, child_judges(specs))
        completions = ["please sit", [{"role": "assistant", "content": "sit"}], "please sit down, thanks a lot"]
        got = reward(prompts=["p"] * 3, completions=completions, input=["Seat me"] * 3)
    assert got == pytest.approx([1.0, 0.25, 0.75])
    assert sorted(p.split("\n")[1] for p in prompts) == [
        "Reply: please sit",
        "Reply: please sit down, thanks a lot",
        "Reply: sit",
    ]


def test_early_stopping_dev_pass_rates_count_the_judge():
    items = [{"input": "Seat me"}, {"input": "Open the door"}]
    with chat_endpoint(judge_answer) as (url, _):
        specs = job_checks(url)
        result = dev_pass_rates(specs, items, ["please sit", "open it"], child_judges(specs))
    assert result.as_dict() == {"pass_rate": 0.5, "items": 2, "per_check": {"polite": 0.5, "short": 1.0}}
    without = dev_pass_rates(specs, items, ["please sit", "open it"])  # the judge unanswered: only the rule counts
    assert without.as_dict()["per_check"] == {"polite": None, "short": 1.0} and without.pass_rate == 1.0


def test_no_judge_no_answerer():
    assert child_judges([CheckSpec("short", "regex", {"pattern": "x"})]) is None


@pytest.mark.slow
def test_a_local_judge_model_loads_once_and_leaves_the_training_rng_alone(demo_model_dir):
    judge = spec.validate_specs([CheckSpec("polite", "judge", {"model": str(demo_model_dir), "rubric": RUBRIC})])[0]
    options = judge.options | {"samples": 2, "temperature": 0.7, "max_new_tokens": 4}
    torch.manual_seed(1234)
    state = torch.random.get_rng_state()
    first = answer_in_child(CheckSpec("polite", "judge", options), ["Reply: please", "Reply: no"])
    again = answer_in_child(CheckSpec("polite", "judge", options), ["Reply: please", "Reply: no"])
    assert [len(samples) for samples in first] == [2, 2] and again == first  # sample i: seed + i, reproducible
    assert torch.equal(torch.random.get_rng_state(), state)
    loaded = [key for key in judge_local._LOADED if key[0] == str(demo_model_dir.resolve())]
    assert len(loaded) == 1


@pytest.mark.slow
def test_a_grpo_job_whose_reward_and_dev_evals_include_a_judge_finishes(workspace, tmp_path, demo_model_dir):
    with chat_endpoint(lambda prompt: "Verdict: PASS" if "<" in prompt.split("Reply:")[-1] else "FAIL") as (url, asked):
        run = weather_run(workspace, per_case=1)
        judge = CheckSpec("tagged", "judge", {"model": "judge-model", "endpoint": url, "rubric": RUBRIC})
        judging.raise_failures(judging.run_all_checks(workspace, run.run_id, spec.validate_specs([judge])))
        workspace.close()
        data = DATASETS["grpo"](tmp_path / "grpo.jsonl")
        args = ["-w", str(workspace.root), "train", "--dataset", str(data), "--model", str(demo_model_dir)]
        args += ["--method", "grpo", "--run", "weather", "--max-steps", "2", "--eval-every", "2", "--lora-r", "4"]
        args += ["--device", "cpu", "--cpu-threads", "1", "--max-length", "128", "--num-generations", "4"]
        args += ["--batch-size", "8", "--max-completion-length", "12", "--reward-weight", "tagged=1"]
        before = len(asked)
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in open(Path(workspace.root) / "models/adapters/job-1/progress.jsonl")]
    [evaluation] = [e for e in events if e["event"] == "eval"]
    assert evaluation["per_check"]["tagged"] is not None  # the judge graded the dev outputs in the child
    assert len(asked) > before  # and was asked for the sampled completions and the dev outputs
