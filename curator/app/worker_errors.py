"""Worker failures are never lost: every failed worker reaches the app's one `Worker.StateChanged` handler.

Textual sends `Worker.StateChanged` only to the node that started the worker (it does not bubble), so a worker
started by a screen or widget would fail unseen. `ReportingWorkerManager` forwards each failure to the app; the
app shows one line, appends the traceback to the workspace log and tells the worker's node (`WorkFailed`), so a
screen can take its "running…" line down.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from textual.message import Message
from textual.worker import Worker, WorkerState
from textual.worker_manager import WorkerManager

LOG_FILENAME = "curator.log"


@dataclass
class WorkFailed(Message):
    """A worker of this node ended with an error (already shown to the user and logged)."""

    group: str
    error: str


class ReportingWorkerManager(WorkerManager):
    """Textual's worker manager, passing every failed worker that the app does not own on to the app."""

    def _remove_worker(self, worker: Worker) -> None:
        super()._remove_worker(worker)
        if worker.state == WorkerState.ERROR and worker.node is not self._app:
            self._app.post_message(Worker.StateChanged(worker, worker.state))


def one_line_error(error: BaseException | None) -> str:
    """`Kind: message` on one line (the first line of the message)."""
    if error is None:
        return "unknown error"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def log_failure(log_file: Path, worker: Worker) -> None:
    """Append the worker's traceback to the workspace log (never raises: the log is a help, not a duty)."""
    error = worker.error
    lines = traceback.format_exception(error) if error is not None else ["no exception recorded\n"]
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    entry = f"{stamp} worker '{worker.name}' (group {worker.group}) failed\n{''.join(lines)}\n"
    try:
        with log_file.open("a", encoding="utf-8") as log:
            log.write(entry)
    except OSError:
        pass
