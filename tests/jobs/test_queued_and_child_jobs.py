"""Jobs that never started, and eval/sampling jobs whose watcher is gone, are reconciled; any job is cancelled
by id (`curator jobs --cancel ID`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from curator.cli.main import app
from curator.jobs import reconcile
from curator.jobs.cancel import cancel_job
from curator.jobs.reconcile import reconcile_jobs
from curator.storage import job_processes as process_queries
from curator.storage import jobs as job_queries


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def queued_training_job(ws, tmp_path, events: list[dict] | None = None) -> int:
    """A training job recorded and given its folder, whose child was never marked started."""
    job_id = job_queries.insert_job(ws.db, dataset_path=str(tmp_path / "d.jsonl"), base_model="m", config={})
    job_dir = tmp_path / f"job-{job_id}"
    (job_dir / "adapter").mkdir(parents=True)
    progress = job_dir / "progress.jsonl"
    if events is not None:
        progress.write_text("".join(json.dumps(e) + "\n" for e in events))
    job_queries.set_paths(ws.db, job_id, str(job_dir), str(progress))
    return job_id


def child_job(ws, tmp_path, kind: str, events: list[dict], pid: int | None) -> int:
    job_id = process_queries.insert_child_job(ws.db, kind, "weather@model")
    job_dir = tmp_path / f"{kind}-{job_id}"
    job_dir.mkdir()
    (job_dir / "progress.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    process_queries.set_child_paths(ws.db, job_id, str(job_dir), str(job_dir / "progress.jsonl"))
    if pid is not None:
        process_queries.mark_child_running(ws.db, job_id, pid)
    return job_id


def test_a_job_queued_a_moment_ago_is_left_to_its_creator(workspace, tmp_path):
    job_id = queued_training_job(workspace, tmp_path)
    assert reconcile_jobs(workspace) == []
    assert job_queries.get_job(workspace.db, job_id).status == "queued"


def test_a_job_whose_creator_died_before_starting_it_fails(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(reconcile, "QUEUED_GRACE_S", 0)
    job_id = queued_training_job(workspace, tmp_path)
    done = reconcile_jobs(workspace)
    job = job_queries.get_job(workspace.db, job_id)
    assert [(d.job_id, d.status) for d in done] == [(job_id, "failed")]
    assert job.status == "failed" and "never started" in job.error
    assert reconcile_jobs(workspace) == []


def test_a_queued_job_whose_child_ran_and_ended_gets_its_outcome(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(reconcile, "QUEUED_GRACE_S", 0)
    adapter = str(tmp_path / "job-1" / "adapter")
    job_id = queued_training_job(workspace, tmp_path, [{"event": "succeeded", "adapter_path": adapter}])
    assert [d.status for d in reconcile_jobs(workspace)] == ["succeeded"]
    assert job_queries.get_job(workspace.db, job_id).adapter_path == adapter


@pytest.mark.parametrize(
    ("events", "status", "error"),
    [
        ([{"event": "generated", "done": 3}], "failed", "ended without a result"),
        ([{"event": "cancelled", "error": "the Curator process that started it ended"}], "cancelled", "ended"),
        ([{"event": "failed", "error": "out of memory"}], "failed", "out of memory"),
        ([{"event": "succeeded"}], "failed", "before storing its outputs"),
    ],
)
def test_an_eval_or_sample_whose_watcher_died_is_recorded(workspace, tmp_path, events, status, error):
    eval_id = child_job(workspace, tmp_path, "eval", events, dead_pid())
    sample_id = child_job(workspace, tmp_path, "sample", events, dead_pid())
    assert sorted((d.job_id, d.status) for d in reconcile_jobs(workspace)) == [(eval_id, status), (sample_id, status)]
    job = process_queries.get_child_job(workspace.db, eval_id)
    assert job.status == status and error in job.error and job.finished_at is not None


def test_a_running_eval_child_is_left_alone(workspace, tmp_path):
    job_file = tmp_path / "eval-1" / "job.json"
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(job_file)])
    try:
        job_id = child_job(workspace, tmp_path, "eval", [], child.pid)
        assert reconcile_jobs(workspace) == []
        assert process_queries.get_child_job(workspace.db, job_id).status == "running"
    finally:
        child.kill()
        child.wait()


def test_one_id_names_one_job_of_any_kind(workspace, tmp_path):
    ids = [queued_training_job(workspace, tmp_path), child_job(workspace, tmp_path, "eval", [], None)]
    ids.append(queued_training_job(workspace, tmp_path))
    assert ids == sorted(set(ids))


def test_cancel_a_queued_job_and_refuse_a_finished_one(workspace, tmp_path):
    from curator.errors import CuratorError, NotFoundError

    training = queued_training_job(workspace, tmp_path)
    evaluation = child_job(workspace, tmp_path, "eval", [], None)
    assert cancel_job(workspace, training).status == "cancelled"
    assert cancel_job(workspace, evaluation).status == "cancelled"
    assert job_queries.get_job(workspace.db, training).status == "cancelled"
    with pytest.raises(CuratorError, match=f"job {training} already cancelled"):
        cancel_job(workspace, training)
    with pytest.raises(NotFoundError, match="no job 99"):
        cancel_job(workspace, 99)


def test_cancel_stops_a_running_child_by_its_process_group(workspace, tmp_path):
    job_dir = tmp_path / "sample-1"
    script = "import signal, sys, time\ntime.sleep(120)\n"
    child = subprocess.Popen([sys.executable, "-c", script, str(job_dir / "job.json")], start_new_session=True)
    try:
        job_id = child_job(workspace, tmp_path, "sample", [{"event": "generated", "done": 1}], child.pid)
        done = cancel_job(workspace, job_id, grace_s=5)
        assert child.wait(timeout=10) is not None
    finally:
        child.kill()
        child.wait()
    assert done.status == "failed" and "ended without a result" in done.detail  # it wrote no `cancelled` event
    assert (job_dir / "cancel").exists()


def test_curator_jobs_lists_every_kind_and_cancels_by_id(workspace, tmp_path):
    training = queued_training_job(workspace, tmp_path)
    evaluation = child_job(workspace, tmp_path, "eval", [], None)
    root = workspace.root
    workspace.close()
    listed = json.loads(CliRunner().invoke(app, ["-w", str(root), "jobs", "--json"]).stdout)
    assert [(j["id"], j["kind"], j["status"]) for j in listed] == [
        (training, "train", "queued"),
        (evaluation, "eval", "queued"),
    ]
    result = CliRunner().invoke(app, ["-w", str(root), "jobs", "--cancel", str(evaluation)])
    assert result.exit_code == 0 and f"job {evaluation} cancelled" in result.output, result.output
    table = CliRunner().invoke(app, ["-w", str(root), "jobs"]).output
    assert "weather@model" in table and "cancelled" in table


def test_an_eval_recorded_but_never_started_fails_after_the_grace(workspace, tmp_path, monkeypatch):
    job_id = child_job(workspace, tmp_path, "eval", [], None)
    assert reconcile_jobs(workspace) == []  # its creator may be starting it right now
    monkeypatch.setattr(reconcile, "QUEUED_GRACE_S", 0)
    assert [(d.job_id, d.status) for d in reconcile_jobs(workspace)] == [(job_id, "failed")]
    assert "the eval never started" in process_queries.get_child_job(workspace.db, job_id).error
