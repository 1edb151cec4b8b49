"""The app's ways into the retrain loop: the retrain form from a bucket or a dataset version, then the training
screen; the compare screen for a run and its parent. Training jobs are followed by the app (see follower.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.message import Message
from textual.widgets import Footer
from textual.worker import get_current_worker

from curator.app.screens.retrain import TrainingScreen
from curator.app.screens.retrain import palette as _loop_palette  # noqa: F401  (registers the loop palette commands)
from curator.app.screens.retrain.follower import (
    FINAL_STATUSES,
    JobStatusLine,
    JobWatch,
    TrainingEnded,
    TrainingProgressed,
    request_stop,
)
from curator.app.screens.retrain.opening import RetrainOpening
from curator.errors import CuratorError
from curator.jobs import training as job_domain
from curator.recipes import library as recipe_domain
from curator.storage.buckets import BucketRow


@dataclass
class BucketDatasetFound(Message):
    """The newest dataset version (`name@version`) holding a bucket's accepted fixes was looked up: None if none."""

    bucket_name: str
    run_id: int | None
    dataset: str | None


@dataclass
class JobStatusRead(Message):
    """A training job's stored status, read in a worker before the app follows it."""

    job_id: int
    status: str


class RetrainFlowsMixin(RetrainOpening):
    """Opens the loop screens for the app's current run, bucket or dataset version, and follows training jobs."""

    training_launcher = "python"

    def retrain_on_bucket(self, bucket: BucketRow, run_id: int | None) -> None:
        """The retrain form on the newest dataset version holding the bucket's accepted fixes; finding it reads and
        hash-checks frozen dataset files, so it runs in a worker, never on the UI thread."""
        self.run_worker(
            partial(self._find_bucket_dataset, bucket.name, run_id),
            name="find the bucket's dataset",
            group="bucket-dataset",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _find_bucket_dataset(self, bucket_name: str, run_id: int | None) -> None:
        version = recipe_domain.newest_version_with_bucket(self.workspace, bucket_name)
        found = None if version is None else f"{version.recipe_name}@{version.version}"
        self.post_message(BucketDatasetFound(bucket_name, run_id, found))

    def on_bucket_dataset_found(self, message: BucketDatasetFound) -> None:
        if message.dataset is None:
            self.notify(
                f"no dataset holds accepted fixes of bucket '{message.bucket_name}' yet: build one in the mixer (M)",
                severity="warning",
                markup=False,
            )
            return
        self.open_retrain(message.dataset, message.run_id)

    def _follow_new_job(self, job_id: int | None) -> None:
        if job_id is not None:
            self.open_training(job_id)

    # -- training jobs, followed by the app -------------------------------------------------------------------

    @property
    def training_watches(self) -> dict[int, JobWatch]:
        """Every job this app follows or followed, by id."""
        if not hasattr(self, "_training_watches"):
            self._training_watches: dict[int, JobWatch] = {}
        return self._training_watches

    def running_jobs(self) -> list[JobWatch]:
        return [w for w in self.training_watches.values() if w.following]

    def open_training(self, job_id: int) -> None:
        """The training screen of the job (started first when queued); leaving it leaves the job running."""
        self.follow_training(job_id)
        self.push_screen(TrainingScreen(self.workspace, job_id))

    def follow_training(self, job_id: int) -> None:
        """Start a queued job in an app worker (once); a job the app does not know yet is read in a worker first."""
        watch = self.training_watches.get(job_id)
        if watch is None:
            self.run_worker(
                partial(self._read_job_status, job_id),
                name=f"read training job {job_id}",
                group=f"job-status-{job_id}",
                thread=True,
                exclusive=True,
                exit_on_error=False,
            )
            return
        self._start_if_queued(watch)

    def _read_job_status(self, job_id: int) -> None:
        self.post_message(JobStatusRead(job_id, job_domain.get_job(self.workspace, job_id).status))

    def on_job_status_read(self, message: JobStatusRead) -> None:
        watch = self.training_watches.get(message.job_id)
        if watch is None:
            watch = self.training_watches[message.job_id] = JobWatch(message.job_id, message.status)
        self._start_if_queued(watch)

    def _start_if_queued(self, watch: JobWatch) -> None:
        job_id = watch.job_id
        if watch.status == "queued" and not watch.following:
            watch.following = True
            self.run_worker(
                partial(self._run_training, job_id),
                name=f"training job {job_id}",
                group=f"training-{job_id}",
                thread=True,
                exit_on_error=False,
            )
            for screen in self._training_screens(job_id):
                screen.refresh_bindings()

    def _run_training(self, job_id: int) -> None:
        """Worker: start the child and pass its events on; the outcome is recorded by the domain."""
        worker = get_current_worker()
        try:
            handle = job_domain.start_job(self.workspace, job_id, self.training_launcher)
            job = job_domain.wait_job(
                self.workspace,
                handle,
                on_event=lambda event: self.post_message(TrainingProgressed(job_id, event)),
                should_cancel=lambda: worker.is_cancelled,
            )
        except CuratorError as error:  # e.g. a job that cannot start: the domain marked it failed
            self.post_message(TrainingEnded(job_id, job_domain.get_job(self.workspace, job_id).status, str(error)))
            return
        except Exception as error:  # the app's worker handler shows and logs it; the job is no longer followed
            self.post_message(TrainingEnded(job_id, "failed", str(error) or type(error).__name__))
            raise
        self.post_message(TrainingEnded(job_id, job.status, job.error))

    def stop_training(self, job_id: int, keep: bool) -> None:
        """Ask the job's child to stop: with `keep`, it saves the best adapter so far and succeeds."""
        watch = self.training_watches.get(job_id)
        if watch is None or not watch.following:
            return
        request_stop(self.workspace, job_id, keep)
        watch.stopping = "keep" if keep else "cancel"
        if not keep:  # the child also gets SIGTERM; `keep` lets it finish saving
            self.workers.cancel_group(self, f"training-{job_id}")
        self._show_job_status()

    def on_training_progressed(self, message: TrainingProgressed) -> None:
        """(Named, not `@on`: decorators on a mixin are not collected by Textual.)"""
        watch = self.training_watches[message.job_id]
        watch.events.append(message.event)
        if message.event.get("event") == "started":
            watch.status = "running"
        for screen in self._training_screens(message.job_id):
            if screen.is_mounted:  # a screen not mounted yet shows the event from on_mount's replay
                screen.show_event(message.event)
        self._show_job_status()

    def on_training_ended(self, message: TrainingEnded) -> None:
        watch = self.training_watches[message.job_id]
        watch.status, watch.following = message.status, False
        for screen in self._training_screens(message.job_id):
            screen.show_end(message.status, message.error)
        if message.status in FINAL_STATUSES and not self._training_screens(message.job_id):
            severity = "information" if message.status == "succeeded" else "warning"
            self.notify(f"training job {message.job_id} {message.status}", severity=severity, markup=False)
        self._show_job_status()

    def _training_screens(self, job_id: int) -> list[TrainingScreen]:
        return [s for s in self.screen_stack if isinstance(s, TrainingScreen) and s.job_id == job_id]

    def _show_job_status(self, *_) -> None:
        """Put the followed jobs on the current screen's status line (mounting it above the footer if needed)."""
        running = self.running_jobs()
        screen = self.screen
        lines = list(screen.query(JobStatusLine))
        if not running:
            for line in lines:
                line.remove()
            return
        if not lines and not isinstance(screen, TrainingScreen) and not screen.is_modal:
            footers = list(screen.query(Footer))
            line = JobStatusLine()
            if footers:
                footers[0].parent.mount(line, before=footers[0])
            else:
                screen.mount(line)
            lines = [line]
        for line in lines:
            line.show(running)
