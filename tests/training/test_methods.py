"""`curator train --method sft|dpo|kto|grpo`: a short job of each method on the tiny model registers an adapter."""

import json

import pytest
from loopwork import weather_run
from trainwork import DATASETS
from typer.testing import CliRunner

from curator.checks import run_checks
from curator.checks.spec import CheckSpec
from curator.cli.main import app
from curator.demo.setup import demo_checks

pytestmark = pytest.mark.slow

# The tiny model never writes the demo's tags yet, so every demo check fails and GRPO would see one flat reward;
# this check passes on some samples and not others, which is what GRPO learns from.
MENTIONS_WEATHER = CheckSpec(name="mentions_weather", kind="regex", options={"pattern": "[Ww]eather"})


def _train(root, data, model, method, *flags):
    args = ["-w", str(root), "train", "--dataset", str(data), "--model", str(model), "--method", method]
    args += ["--run", "weather", "--max-steps", "3", "--eval-every", "3", "--lora-r", "4", "--device", "cpu"]
    args += ["--cpu-threads", "1", "--max-length", "128", *flags]
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize("method", ["sft", "dpo", "kto", "grpo"])
def test_a_job_of_each_method_finishes_and_registers_its_adapter(workspace, tmp_path, demo_model_dir, method):
    run = weather_run(workspace, per_case=1)
    run_checks(workspace, run.run_id, [*demo_checks(), MENTIONS_WEATHER])
    workspace.close()
    data = DATASETS[method](tmp_path / f"{method}.jsonl")
    grpo = ["--num-generations", "4", "--batch-size", "8", "--max-completion-length", "16"]
    flags = [*grpo, "--reward-weight", "mentions_weather=1"] if method == "grpo" else []
    result = _train(workspace.root, data, demo_model_dir, method, *flags)
    assert result.exit_code == 0, result.output
    assert f"job 1: {method} training" in result.output and "job 1 succeeded: adapter" in result.output
    listed = json.loads(CliRunner().invoke(app, ["-w", str(workspace.root), "jobs", "--json"]).stdout)[0]
    assert listed["status"] == "succeeded" and listed["method"] == method
    assert listed["metrics"]["method"] == method and listed["metrics"]["steps"] == 3
    adapter = listed["adapter"]
    assert (tmp_path / "ws" / "models" / "adapters" / "job-1" / "adapter" / "adapter_model.safetensors").is_file()
    assert adapter.endswith("job-1/adapter")
    events = [json.loads(line) for line in open(tmp_path / "ws/models/adapters/job-1/progress.jsonl")]
    steps = [e for e in events if e["event"] == "step"]
    assert [e["step"] for e in steps] == [1, 2, 3] and all(e["loss"] == e["loss"] for e in steps)  # not NaN
    assert [e["step"] for e in events if e["event"] == "eval"] == [3]
    if method == "grpo":  # the reward is the weighted checks: some samples mention the weather, some do not
        job = json.loads(open(tmp_path / "ws/models/adapters/job-1/job.json").read())
        assert job["rewards"]["weights"] == {"mentions_weather": 1.0}
        assert any(0 < e["reward"] < 1 for e in steps), steps


def test_a_row_without_the_methods_fields_fails_naming_file_line_and_field(workspace, tmp_path, demo_model_dir):
    weather_run(workspace, per_case=1)
    workspace.close()
    data = tmp_path / "pairs.jsonl"
    data.write_text(json.dumps({"prompt": "p", "chosen": "a", "rejected": "b"}) + "\n" + json.dumps({"prompt": "p"}))
    result = _train(workspace.root, data, demo_model_dir, "dpo")
    assert "training job 1 failed" in str(result.exception)
    assert f"{data}: line 2: a dpo row needs 'prompt' and 'chosen' and 'rejected' (missing 'chosen')" in str(
        result.exception
    )
    listed = json.loads(CliRunner().invoke(app, ["-w", str(workspace.root), "jobs", "--json"]).stdout)[0]
    assert listed["status"] == "failed" and listed["adapter"] is None
