"""`curator train` and `curator jobs`: a short job from the CLI, and a failure shown in one line."""

import json

import pytest
from loopwork import weather_run, write_train_file
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError

pytestmark = pytest.mark.slow


def test_train_runs_a_short_job_and_jobs_lists_it(workspace, tmp_path, demo_model_dir):
    weather_run(workspace, per_case=1)
    workspace.close()
    data = write_train_file(tmp_path / "fix.jsonl", rows=8)
    runner = CliRunner()
    result = runner.invoke(app, ["-w", str(workspace.root), "train", "--dataset", str(data), "--model",
                                 str(demo_model_dir), "--run", "weather", "--max-steps", "2", "--eval-every", "1",
                                 "--lora-r", "4", "--cpu-threads", "1", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "job 1 succeeded: adapter" in result.output
    listed = json.loads(runner.invoke(app, ["-w", str(workspace.root), "jobs", "--json"]).stdout)
    assert listed[0]["status"] == "succeeded" and listed[0]["metrics"]["steps"] == 2
    assert listed[0]["adapter"].endswith("job-1/adapter")


def test_a_dataset_with_zero_rows_fails_and_registers_no_adapter(workspace, tmp_path, demo_model_dir):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    workspace.close()
    runner = CliRunner()
    result = runner.invoke(app, ["-w", str(workspace.root), "train", "--dataset", str(empty), "--model",
                                 str(demo_model_dir), "--device", "cpu"])
    assert isinstance(result.exception, CuratorError)
    assert "training job 1 failed" in str(result.exception) and "has zero rows" in str(result.exception)
    listed = json.loads(runner.invoke(app, ["-w", str(workspace.root), "jobs", "--json"]).stdout)
    assert listed[0]["status"] == "failed" and listed[0]["adapter"] is None
