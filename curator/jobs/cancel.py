"""Cancel any job by id from outside the process that watches it (`curator jobs --cancel ID`).

The child is asked to stop the way its watcher would ask (its cancel file, then SIGTERM to its process group),
given a grace period, then killed; the outcome it wrote is recorded like any reconciled job's."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from curator.errors import CuratorError, NotFoundError
from curator.jobs.reconcile import Reconciled, child_alive, reconcile_child_job, reconcile_job
from curator.storage import job_processes as process_queries
from curator.storage import jobs as job_queries
from curator.workspace import Workspace

GRACE_S = 30.0


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the child leads its own session: accelerate's workers go too
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def _stop(job, cancel_file: Path, grace_s: float) -> None:
    """Ask the job's live child to stop, then wait for it (killing it after `grace_s`)."""
    cancel_file.parent.mkdir(parents=True, exist_ok=True)
    cancel_file.write_text("", encoding="utf-8")  # empty: keep no adapter
    if job.pid is None or not child_alive(job):
        return
    _signal_group(job.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while child_alive(job) and time.monotonic() < deadline:
        time.sleep(0.2)
    if child_alive(job):
        _signal_group(job.pid, signal.SIGKILL)
        while child_alive(job) and time.monotonic() < deadline + 5:
            time.sleep(0.1)


def _training_cancel_file(job) -> Path:
    from curator.training.job import JobSpec

    try:
        return JobSpec.load(Path(job.job_dir) / "job.json").cancel_file
    except (OSError, ValueError):
        return Path(job.progress_path or Path(job.job_dir) / "progress.jsonl").with_suffix(".cancel")


def cancel_job(ws: Workspace, job_id: int, grace_s: float = GRACE_S) -> Reconciled:
    """Stop job `job_id` (training, eval or sampling) and record it; a clear error for a job that already ended."""
    training = job_queries.get_job(ws.db, job_id)
    child = None if training else process_queries.get_child_job(ws.db, job_id)
    job = training or child
    if job is None:
        raise NotFoundError(f"no job {job_id} (see `curator jobs`)")
    if job.status not in ("queued", "running"):
        raise CuratorError(f"job {job_id} already {job.status}: nothing to cancel")
    if job.status == "queued" and not child_alive(job):
        done = (
            process_queries.finish_queued_training_job(ws.db, job_id, "cancelled", "cancelled before it started")
            if training
            else process_queries.finish_child_job(ws.db, job_id, "cancelled", error="cancelled before it started")
        )
        return Reconciled(job_id, "cancelled" if done else job.status, "cancelled before it started")
    cancel_file = _training_cancel_file(job) if training else Path(job.job_dir) / "cancel"
    _stop(job, cancel_file, grace_s)
    if training:
        if job.status == "queued":
            job_queries.mark_running(ws.db, job_id, pid=job.pid)
        done = reconcile_job(ws, job_queries.get_job(ws.db, job_id))
    else:
        done = reconcile_child_job(ws, process_queries.get_child_job(ws.db, job_id))
    if done is None:  # its watcher recorded the end first
        now = job_queries.get_job(ws.db, job_id) or process_queries.get_child_job(ws.db, job_id)
        return Reconciled(job_id, now.status, now.error or "")
    return done
