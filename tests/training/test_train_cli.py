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
    result = runner.invoke(
        app,
        [
            "-w",
            str(workspace.root),
            "train",
            "--dataset",
            str(data),
            "--model",
            str(demo_model_dir),
            "--run",
            "weather",
            "--max-steps",
            "2",
            "--eval-every",
            "1",
            "--lora-r",
            "4",
            "--cpu-threads",
            "1",
            "--device",
            "cpu",
        ],
    )
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
    result = runner.invoke(
        app,
        [
            "-w",
            str(workspace.root),
            "train",
            "--dataset",
            str(empty),
            "--model",
            str(demo_model_dir),
            "--device",
            "cpu",
        ],
    )
    assert isinstance(result.exception, CuratorError)
    assert "training job 1 failed" in str(result.exception) and "has zero rows" in str(result.exception)
    listed = json.loads(runner.invoke(app, ["-w", str(workspace.root), "jobs", "--json"]).stdout)
    assert listed[0]["status"] == "failed" and listed[0]["adapter"] is None


def _job_count(root) -> int:
    from curator.workspace import Workspace

    with Workspace.open(root) as ws:
        return ws.db.fetchone("SELECT count(*) FROM training_jobs")[0]


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--model", "/nonexistent", "--launcher", "foo"], "unknown launcher 'foo'"),
        (["--model", "/nonexistent"], "model path '/nonexistent' is not a local folder"),
        (["--model", "{model}", "--parent-adapter", "/no/adapter"], "parent adapter path '/no/adapter' is not a local"),
        (["--model", "{model}", "--lora-r", "0"], "--lora-r must be greater than 0"),
        (["--model", "{model}", "--lr", "-1"], "--lr must be greater than 0"),
        (["--model", "{model}", "--epochs", "0"], "--epochs must be greater than 0"),
        (["--model", "{model}", "--batch-size", "0"], "--batch-size must be greater than 0"),
        (["--model", "{model}", "--max-length", "0"], "--max-length must be greater than 0"),
    ],
)
def test_bad_train_input_is_refused_before_any_job_is_stored(workspace, tmp_path, flags, message):
    model = tmp_path / "model"
    model.mkdir()
    data = write_train_file(tmp_path / "fix.jsonl", rows=4)
    workspace.close()
    args = ["-w", str(workspace.root), "train", "--dataset", str(data)] + [f.format(model=model) for f in flags]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, CuratorError) and message in str(result.exception)
    assert _job_count(workspace.root) == 0


def test_a_job_that_cannot_start_is_marked_failed_not_left_queued(workspace, tmp_path):
    from curator.jobs import training as job_domain

    model = tmp_path / "model"
    model.mkdir()
    job = job_domain.create_job(
        workspace,
        job_domain.TrainingRequest(
            dataset=str(write_train_file(tmp_path / "fix.jsonl", rows=4)), base_model=str(model)
        ),
    )
    with pytest.raises(CuratorError, match="unknown launcher 'foo'"):
        job_domain.start_job(workspace, job.job_id, "foo")
    stored = job_domain.get_job(workspace, job.job_id)
    assert stored.status == "failed" and "unknown launcher 'foo'" in stored.error


def test_the_workspace_is_free_while_the_training_child_runs(workspace, tmp_path, demo_model_dir):
    import subprocess
    import sys
    import time

    from curator.errors import WorkspaceLockedError
    from curator.workspace import Workspace

    data = write_train_file(tmp_path / "fix.jsonl", rows=8)
    root = workspace.root
    workspace.close()
    cli = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from curator.cli.main import main; main()",
            "-w",
            str(root),
            "train",
            "--dataset",
            str(data),
            "--model",
            str(demo_model_dir),
            "--max-steps",
            "2",
            "--eval-every",
            "0",
            "--lora-r",
            "4",
            "--cpu-threads",
            "1",
            "--device",
            "cpu",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = root / "models" / "adapters" / "job-1" / "child.log"
    seen_running, deadline = False, time.monotonic() + 120
    try:
        while not seen_running and cli.poll() is None and time.monotonic() < deadline:
            if log.exists():
                try:
                    with Workspace.open(root) as ws:  # what `curator jobs` or the app does meanwhile
                        seen_running = ws.db.fetchone("SELECT status FROM training_jobs")[0] == "running"
                except WorkspaceLockedError:
                    pass
            time.sleep(0.1)
        output = cli.communicate(timeout=180)[0]
    finally:
        if cli.poll() is None:
            cli.kill()
    assert seen_running, output
    assert cli.returncode == 0 and "job 1 succeeded: adapter" in output, output
    with Workspace.open(root) as ws:
        assert ws.db.fetchone("SELECT status FROM training_jobs")[0] == "succeeded"
