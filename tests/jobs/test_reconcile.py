"""Training jobs whose watching process died are reconciled from their progress file once their child is gone."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from curator.jobs.reconcile import reconcile_jobs
from curator.storage import jobs as job_queries


def dead_pid() -> int:
    """The pid of a process that has ended (and was reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def running_job(ws, tmp_path, events: list[dict], pid: int | None) -> int:
    """A job recorded as running with the given child pid and progress events (what `curator train` leaves)."""
    job_id = job_queries.insert_job(ws.db, dataset_path=str(tmp_path / "d.jsonl"), base_model="m", config={})
    job_dir = tmp_path / f"job-{job_id}"
    (job_dir / "adapter").mkdir(parents=True)
    progress = job_dir / "progress.jsonl"
    progress.write_text("".join(json.dumps(e) + "\n" for e in events))
    job_queries.set_paths(ws.db, job_id, str(job_dir), str(progress))
    job_queries.mark_running(ws.db, job_id, pid=pid)
    return job_id


def test_a_finished_child_gets_its_adapter_registered(workspace, tmp_path):
    adapter = str(tmp_path / "job-1" / "adapter")
    events = [{"event": "eval", "step": 2}, {"event": "succeeded", "adapter_path": adapter, "metrics": {"loss": 0.5}}]
    job_id = running_job(workspace, tmp_path, events, dead_pid())
    done = reconcile_jobs(workspace)
    job = job_queries.get_job(workspace.db, job_id)
    assert [(d.job_id, d.status) for d in done] == [(job_id, "succeeded")]
    assert (job.status, job.adapter_path, job.metrics) == ("succeeded", adapter, {"loss": 0.5})
    assert reconcile_jobs(workspace) == []  # recorded once


@pytest.mark.parametrize(
    ("events", "status", "error"),
    [
        ([{"event": "train", "step": 1}], "failed", "ended without a result"),
        ([{"event": "failed", "error": "CUDA out of memory"}], "failed", "CUDA out of memory"),
        ([{"event": "cancelled"}], "cancelled", "cancelled"),
        ([{"event": "succeeded", "adapter_path": "/nowhere/adapter"}], "failed", "not there"),
        ([], "failed", "ended without a result"),
    ],
)
def test_a_child_gone_without_an_adapter_is_marked_failed_or_cancelled(workspace, tmp_path, events, status, error):
    job_id = running_job(workspace, tmp_path, events, dead_pid())
    reconcile_jobs(workspace)
    job = job_queries.get_job(workspace.db, job_id)
    assert job.status == status and error in job.error and job.adapter_path is None


def test_a_child_still_running_is_left_alone(workspace, tmp_path):
    job_file = tmp_path / "job-1" / "job.json"
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(job_file)])
    try:
        job_id = running_job(workspace, tmp_path, [{"event": "train", "step": 1}], child.pid)
        assert reconcile_jobs(workspace) == []
        assert job_queries.get_job(workspace.db, job_id).status == "running"
    finally:
        child.kill()
        child.wait()
    assert [d.status for d in reconcile_jobs(workspace)] == ["failed"]


def test_a_reused_pid_is_not_taken_for_the_child(workspace, tmp_path):
    import os

    job_id = running_job(workspace, tmp_path, [{"event": "failed", "error": "boom"}], os.getpid())
    assert [d.job_id for d in reconcile_jobs(workspace)] == [job_id]  # this process does not run job-1/job.json


def test_curator_jobs_shows_the_reconciled_outcome(workspace, tmp_path):
    from typer.testing import CliRunner

    from curator.cli.main import app

    job_id = running_job(workspace, tmp_path, [{"event": "failed", "error": "disk full"}], dead_pid())
    root = workspace.root
    workspace.close()
    result = CliRunner().invoke(app, ["--workspace", str(root), "jobs", "--json"])
    assert result.exit_code == 0, result.output
    assert f"job {job_id}: finished while no Curator process watched it; recorded failed: disk full" in result.output
    listed = json.loads(next(line for line in result.output.splitlines() if line.startswith("[")))
    assert [(j["id"], j["status"]) for j in listed] == [(job_id, "failed")]
