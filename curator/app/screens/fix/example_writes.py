"""The example review's reads and writes of DuckDB, run in one worker queue: accepts, rejects, edits and the
reads after them reach the database in the order their keys were pressed, never on the UI thread."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.message import Message

from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix.run_examples import run_examples
from curator.storage.examples import ExampleRow


@dataclass
class ExamplesRead(Message):
    """The screen's examples, read after a write (`note` says what it did, `error` what refused it)."""

    rows: list[ExampleRow]
    note: str | None = None
    error: str | None = None
    edited: bool = False
    """True when the write was a kept edit: the edit form closes."""


@dataclass
class ExamplesCounted(Message):
    """The batch's examples per status, read when leaving the screen."""

    counts: dict


ExampleJob = Callable[[], Message]
"""A read or write of the screen's examples, run in its worker queue; returns the message to post."""


class QueuedExampleWrites:
    """A worker queue for the example review (the screen supplies `workspace`, `batch_id`, `template_id`,
    `run_id`)."""

    def read_rows(self) -> list[ExampleRow]:
        """The screen's examples as stored (called in the worker)."""
        if self.batch_id is None and self.template_id is None:
            return run_examples(self.workspace, self.run_id)
        return example_domain.list_examples(self.workspace, batch_id=self.batch_id, template_id=self.template_id)

    def queue_read(self) -> None:
        self.queue_job(lambda: ExamplesRead(self.read_rows()))

    def queue_status(self, ids: list[int], accept: bool, note: str | None = None) -> None:
        def job() -> Message:
            if ids:
                (example_domain.accept if accept else example_domain.reject)(self.workspace, ids)
            return ExamplesRead(self.read_rows(), note=note)

        self.queue_job(job)

    def queue_accept_all(self, ids: list[int]) -> None:
        def job() -> Message:
            moved = example_domain.accept(self.workspace, ids) if ids else 0
            return ExamplesRead(self.read_rows(), note=f"accepted {moved} example(s)")

        self.queue_job(job)

    def queue_edit(self, example_id: int, input_text: str, target: str) -> None:
        def job() -> Message:
            try:
                example_domain.edit(self.workspace, example_id, input_text, target)
            except CuratorError as problem:  # refused: one line on the screen, the form stays open
                return ExamplesRead(self.read_rows(), error=str(problem))
            return ExamplesRead(self.read_rows(), edited=True)

        self.queue_job(job)

    def queue_counts(self) -> None:
        self.queue_job(lambda: ExamplesCounted(example_domain.status_counts(self.workspace, self.batch_id)))

    def queue_job(self, job: ExampleJob) -> None:
        """Run `job` in the worker after the jobs queued before it; its message comes back to the screen."""
        if not hasattr(self, "_jobs"):
            self._jobs: deque[ExampleJob] = deque()
            self._jobs_lock = threading.Lock()
        with self._jobs_lock:
            self._jobs.append(job)
            start = len(self._jobs) == 1
        if start:
            self._drain_jobs()

    @work(thread=True, exit_on_error=False, group="examples")
    def _drain_jobs(self) -> None:
        while True:
            try:
                message = self._jobs[0]()
            except BaseException:
                with self._jobs_lock:
                    self._jobs.clear()  # the worker fails (shown and logged); later keys start afresh
                raise
            self.post_message(message)
            with self._jobs_lock:
                self._jobs.popleft()
                if not self._jobs:
                    return
