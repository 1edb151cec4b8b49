"""Jobs whose parent died: a training job stays `running` in the database when the CLI that watched it was killed
or the app quit. Its child runs on in its own session and writes its outcome to its progress file; once that
process is gone, the outcome is recorded from the file (the adapter registered if it succeeded), or the job is
marked failed when the file has no outcome. A job still `queued` a minute after it was recorded, with no process,
never started (its creator died first). Eval and sampling children end with the process that waits on them (their
outputs are stored by it), so such a job whose watcher is gone is recorded as failed or cancelled. Work sent to an
endpoint has no child: the process doing it names itself in the job folder (`worker.pid`), and counts as the child."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from curator.child.progress import read_events
from curator.jobs.process import FINAL_EVENTS
from curator.pids import pid_alive
from curator.storage import job_processes as process_queries
from curator.storage import jobs as job_queries
from curator.storage.job_processes import ChildJobRow
from curator.storage.jobs import JobRow
from curator.workspace import Workspace

QUEUED_GRACE_S = 60
WORKER_FILE = "worker.pid"


@dataclass(frozen=True)
class Reconciled:
    """One job whose recorded status was brought in line with what its child did."""

    job_id: int
    status: str
    detail: str


def _cmdline(pid: int) -> str | None:
    """The command line of a live process (Linux /proc), None when it cannot be read."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return None


def _processes_running(job_file: str) -> bool:
    """Whether any process on this machine has the job file on its command line (Linux; False elsewhere)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return False
    for entry in proc.iterdir():
        if entry.name.isdigit():
            line = _cmdline(int(entry.name))
            if line and job_file in line:
                return True
    return False


def _start_ticks(pid: int) -> str:
    """When process `pid` started, in clock ticks since boot (Linux /proc), "" when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return ""
    return fields[19] if len(fields) > 19 else ""


def record_worker(job_dir: str | Path) -> None:
    """Name this process as the one doing the job's work (endpoint work runs here, with no child to name)."""
    pid = os.getpid()
    (Path(job_dir) / WORKER_FILE).write_text(f"{pid} {_start_ticks(pid)}".strip(), encoding="utf-8")


def _worker_alive(job_dir: str) -> bool | None:
    """Whether the process the job folder names as its worker still runs (its start time, where readable, telling
    a reused pid apart); None when the folder names none."""
    try:
        pid_text, _, ticks = (Path(job_dir) / WORKER_FILE).read_text(encoding="utf-8").partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    return pid_alive(pid) and (not ticks or _start_ticks(pid) in ("", ticks))


def child_alive(job: JobRow | ChildJobRow) -> bool:
    """Whether the job's child process still runs: its recorded pid is alive and (where the command line can be
    read) still names the job file, so a reused pid is not mistaken for the child. A job with no child pid whose
    folder names a worker (endpoint work) is alive while that process is."""
    job_file = str(Path(job.job_dir) / "job.json") if job.job_dir else ""
    worker = _worker_alive(job.job_dir) if job.pid is None and job.job_dir else None
    if worker is not None:
        return worker
    if job.pid is None:
        if sys.platform.startswith("linux") and job_file:
            return _processes_running(job_file)
        return True  # no pid and no way to look: leave it as it is
    if not pid_alive(job.pid):
        return False
    line = _cmdline(job.pid)
    return line is None or not job_file or job_file in line


def final_event(job: JobRow | ChildJobRow) -> dict | None:
    """The outcome the child wrote to its progress file, if it wrote one (an unreadable file counts as none)."""
    if not job.progress_path:
        return None
    try:
        events, _ = read_events(job.progress_path)
    except (OSError, ValueError):
        return None
    return next((e for e in reversed(events) if e.get("event") in FINAL_EVENTS), None)


def _log_hint(job: JobRow | ChildJobRow) -> str:
    return f"; see {Path(job.job_dir) / 'child.log'}" if job.job_dir else ""


def reconcile_job(ws: Workspace, job: JobRow) -> Reconciled | None:
    """Record the outcome of one `running` job whose child is gone; None when it still runs (or was recorded)."""
    if job.status != "running" or child_alive(job):
        return None
    event = final_event(job)
    kind = event.get("event") if event else None
    adapter = event.get("adapter_path") if event else None
    if kind == "succeeded" and adapter and Path(adapter).is_dir():
        done = job_queries.finish_if_running(
            ws.db, job.job_id, "succeeded", metrics=event.get("metrics"), adapter_path=ws.storable_path(adapter)
        )
        return Reconciled(job.job_id, "succeeded", f"adapter {adapter}") if done else None
    if kind in ("failed", "cancelled"):
        error = event.get("error") or ("cancelled" if kind == "cancelled" else "failed")
        done = job_queries.finish_if_running(ws.db, job.job_id, kind, error=error)
        return Reconciled(job.job_id, kind, error) if done else None
    if kind == "succeeded":
        error = f"the training process reported an adapter at {adapter}, but it is not there{_log_hint(job)}"
    else:
        error = "the training process ended without a result (the Curator process watching it was closed)"
        error += _log_hint(job)
    done = job_queries.finish_if_running(ws.db, job.job_id, "failed", error=error)
    return Reconciled(job.job_id, "failed", error) if done else None


def reconcile_queued(ws: Workspace, job_id: int) -> Reconciled | None:
    """A training job queued past the grace period: failed when it never started; recorded from its progress
    file when its child ran and ended (its creator died before marking it running); left alone while it runs."""
    job = job_queries.get_job(ws.db, job_id)
    if (
        job is None
        or job.status != "queued"
        or (job.job_dir and _processes_running(str(Path(job.job_dir) / "job.json")))
    ):
        return None
    if final_event(job) is None:
        error = "the job never started (the Curator process that recorded it ended first)"
        done = process_queries.finish_queued_training_job(ws.db, job_id, "failed", error)
        return Reconciled(job_id, "failed", error) if done else None
    job_queries.mark_running(ws.db, job_id, pid=None)
    return reconcile_job(ws, job_queries.get_job(ws.db, job_id))


def reconcile_child_job(ws: Workspace, job: ChildJobRow) -> Reconciled | None:
    """An eval or sampling job whose watcher is gone: recorded as cancelled or failed once its child ended."""
    if child_alive(job):
        return None
    event = final_event(job)
    kind = event.get("event") if event else None
    if kind == "cancelled":
        status, error = "cancelled", event.get("error") or "cancelled"
    elif kind == "failed":
        status, error = "failed", event.get("error") or "failed"
    elif kind == "succeeded":
        status = "failed"
        error = f"the {job.kind} finished but the Curator process waiting for it ended before storing its outputs"
    elif job.status == "queued":
        status, error = "failed", f"the {job.kind} never started (the Curator process that recorded it ended first)"
    else:
        status, error = "failed", f"the {job.kind} process ended without a result{_log_hint(job)}"
    done = process_queries.finish_child_job(ws.db, job.job_id, status, error=error)
    return Reconciled(job.job_id, status, error) if done else None


def reconcile_jobs(ws: Workspace) -> list[Reconciled]:
    """Bring every job whose process is gone in line with its progress file; cheap when none runs.

    Called when the CLI opens a writable workspace and when the app opens one (and, in the app, now and then)."""
    settled = [reconcile_job(ws, job) for job in job_queries.running_jobs(ws.db)]
    settled += [
        reconcile_queued(ws, job_id) for job_id in process_queries.stale_queued_training_jobs(ws.db, QUEUED_GRACE_S)
    ]
    stale = set(process_queries.stale_queued_child_jobs(ws.db, QUEUED_GRACE_S))
    for job in process_queries.active_child_jobs(ws.db):
        if job.status == "running" or job.job_id in stale:
            settled.append(reconcile_child_job(ws, job))
    return [done for done in settled if done is not None]
