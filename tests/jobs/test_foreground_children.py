"""A foreground `curator eval` or `curator sample` never leaves its child running for nobody: killed, hung up
(the terminal closed) or cancelled by id from elsewhere, the child stops and the job row says what happened."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from loopwork import weather_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.jobs.reconcile import reconcile_jobs
from curator.storage import job_processes as process_queries
from curator.workspace import Workspace

pytestmark = pytest.mark.slow

# Long enough that the child is still generating when the test acts (the tiny model samples up to the limit).
SAMPLE = ["sample", "--k", "16", "--temperature", "1.5", "--max-new-tokens", "400", "--batch-size", "8"]
EVAL = ["eval", "--temperature", "1.5", "--max-new-tokens", "400", "--batch-size", "1", "--name", "after"]


def process_ended(pid: int) -> bool:
    """Gone or a zombie (a reparented child may wait for a reaper that never comes in a container)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def wait_for(condition, timeout_s: float, what: str, detail=lambda: ""):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}: {detail()}")


def child_jobs(root: Path) -> list:
    try:
        with Workspace.open(root) as ws:
            return process_queries.list_child_jobs(ws.db)
    except Exception:  # noqa: BLE001 - the CLI may hold the workspace for a moment
        return []


def generating_child(root: Path, cli: subprocess.Popen):
    """The running child job of the CLI, once its child has loaded the model (the CLI must still run)."""

    def loaded():
        if cli.poll() is not None:
            raise AssertionError(f"the CLI ended early: {cli.communicate()[0]}")
        jobs = [j for j in child_jobs(root) if j.status == "running"]
        progress = Path(jobs[0].progress_path) if jobs else None
        if progress and progress.exists() and '"loaded"' in progress.read_text(encoding="utf-8", errors="replace"):
            return jobs[0]
        return None

    return wait_for(loaded, 300, "the child to load the model", lambda: child_jobs(root))


def start_cli(root: Path, model: Path, args: list[str], tmp_path: Path) -> subprocess.Popen:
    env = dict(os.environ, CURATOR_CORES_DIR=str(tmp_path / "cores"))
    command = [sys.executable, "-c", "from curator.cli.main import main; main()", "-w", str(root), *args]
    command += ["--model", str(model), "--cpu-threads", "1"]
    if args[0] == "eval":
        command += ["--items", "weather"]
    else:
        command += ["weather"]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
    )


@pytest.fixture
def closed_workspace(workspace):
    weather_run(workspace, per_case=6)
    root = workspace.root
    workspace.close()
    return root


@pytest.mark.parametrize("args", [EVAL, SAMPLE], ids=["eval", "sample"])
def test_killing_the_cli_stops_its_child(closed_workspace, demo_model_dir, tmp_path, args):
    cli = start_cli(closed_workspace, demo_model_dir, args, tmp_path)
    try:
        job = generating_child(closed_workspace, cli)
        cli.kill()  # no handler runs: the child notices its parent is gone
        cli.wait()
        wait_for(lambda: process_ended(job.pid), 15, "the child to end after its parent")
    finally:
        cli.kill()
        cli.communicate()
    with Workspace.open(closed_workspace) as ws:
        assert [(d.job_id, d.status) for d in reconcile_jobs(ws)] == [(job.job_id, "cancelled")]
        assert "started it ended" in process_queries.get_child_job(ws.db, job.job_id).error


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGINT], ids=["terminal-closed", "ctrl-c"])
def test_an_interrupted_eval_cancels_its_child_and_records_it(closed_workspace, demo_model_dir, tmp_path, sig):
    cli = start_cli(closed_workspace, demo_model_dir, EVAL, tmp_path)
    try:
        job = generating_child(closed_workspace, cli)
        os.kill(cli.pid, sig)
        output = cli.communicate(timeout=90)[0]
    finally:
        cli.kill()
    assert cli.returncode != 0 and "eval cancelled: nothing was stored" in output, output
    wait_for(lambda: process_ended(job.pid), 10, "the child to end")
    with Workspace.open(closed_workspace) as ws:
        assert process_queries.get_child_job(ws.db, job.job_id).status == "cancelled"


def test_curator_jobs_cancel_stops_a_sample_another_cli_watches(closed_workspace, demo_model_dir, tmp_path):
    cli = start_cli(closed_workspace, demo_model_dir, SAMPLE, tmp_path)
    try:
        job = generating_child(closed_workspace, cli)
        result = CliRunner().invoke(app, ["-w", str(closed_workspace), "jobs", "--cancel", str(job.job_id)])
        assert result.exit_code == 0 and f"job {job.job_id} cancelled" in result.output, result.output
        wait_for(lambda: process_ended(job.pid), 10, "the child to end")
        output = cli.communicate(timeout=90)[0]
    finally:
        cli.kill()
    assert cli.returncode != 0 and "sampling cancelled: nothing was stored" in output, output
