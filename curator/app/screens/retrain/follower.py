"""Training jobs followed by the app itself, so the training screen can be left and reopened while a job runs.

The app starts one thread worker per job; the worker passes the child's events on as messages, the app keeps
them (a reopened training screen replays them) and shows the job on a one-line status bar on every screen.
Jobs the app did not start (a `curator train`, `eval` or `sample` whose terminal was closed) are swept every few
seconds: once such a job's process is gone, its outcome is recorded and the app says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from curator.jobs import training as job_domain
from curator.jobs.reconcile import Reconciled, reconcile_jobs
from curator.training.job import JobSpec
from curator.workspace import Workspace

FINAL_STATUSES = ("succeeded", "failed", "cancelled")
CANCEL_KEEP = "keep"
SWEEP_S = 10.0


@dataclass
class TrainingProgressed(Message):
    """The child of job `job_id` wrote an event (step, eval, started...). Not replaceable: each step is plotted."""

    job_id: int
    event: dict


@dataclass
class TrainingEnded(Message):
    """Job `job_id` reached a final status (recorded in the database), or could not start (`error`)."""

    job_id: int
    status: str
    error: str | None


@dataclass
class JobWatch:
    """What the app knows of one job it follows: its status and every event so far."""

    job_id: int
    status: str
    events: list[dict] = field(default_factory=list)
    following: bool = False
    """True while the app's worker runs the job's child."""
    stopping: str | None = None
    """"keep" or "cancel" once the user asked the job to stop."""

    def summary(self) -> str:
        """One line for the status bar: the job, its status and its newest step."""
        steps = [e for e in self.events if e.get("event") == "step"]
        where = ""
        if steps:
            last = steps[-1]
            where = f" · step {last['step']}/{last['total_steps']} · loss {last['loss']:.3f}"
        stopping = {"keep": " · stopping, keeping the best adapter", "cancel": " · cancelling"}.get(
            self.stopping or "", ""
        )
        return f"job {self.job_id} {self.status}{where}{stopping}"


def cancel_file(ws: Workspace, job_id: int) -> Path:
    """The file the training child polls: present asks it to stop; holding `keep` asks it to keep the best adapter."""
    job = job_domain.get_job(ws, job_id)
    return JobSpec.load(Path(job.job_dir) / "job.json").cancel_file


def request_stop(ws: Workspace, job_id: int, keep: bool) -> Path:
    """Ask the child to stop: `keep` in the cancel file saves the best adapter so far, an empty file saves none."""
    path = cancel_file(ws, job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CANCEL_KEEP if keep else "", encoding="utf-8")
    return path


class JobStatusLine(Static):
    """One line above the footer naming the jobs the app follows (mounted on each screen the user opens)."""

    DEFAULT_CSS = """
    JobStatusLine { height: 1; padding: 0 1; background: $boost; color: $text-muted; }
    """

    def show(self, watches: list[JobWatch]) -> None:
        self.update(Text("  ·  ".join(w.summary() for w in watches) + "  (palette: Training job N)"))


def settled_note(done: Reconciled) -> tuple[str, str]:
    """The notification for a job whose lost process was settled, and its severity."""
    severity = "information" if done.status == "succeeded" else "warning"
    return f"job {done.job_id} had lost its process: now {done.status} ({done.detail})", severity


def sweep_lost_jobs(app) -> list[Reconciled]:
    """Worker: record the outcome of every job whose process ended while no one watched it, and say so."""
    settled = reconcile_jobs(app.workspace)
    for done in settled:
        message, severity = settled_note(done)
        app.call_from_thread(app.notify, message, severity=severity, timeout=10, markup=False)
    return settled


def watch_for_lost_jobs(app, interval_s: float = SWEEP_S):
    """Sweep for lost jobs every `interval_s` seconds in a thread worker (one at a time); returns the timer."""

    def sweep() -> None:
        app.run_worker(partial(sweep_lost_jobs, app), name="job sweep", group="job-sweep", thread=True, exclusive=True)

    return app.set_interval(interval_s, sweep)
