"""Worker failures are never lost: one line on screen, the traceback in the workspace log, the node told.

Textual posts `Worker.StateChanged` (a public message) only to the node that started the worker; it does not
bubble. The app handles its own workers' messages; every screen or widget that starts workers inherits
`ReportsWorkerFailures`, whose handler hands an errored worker to the app (`report_failure`). A test imports every
app module and checks that each class starting a worker has that handler.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from textual.message import Message
from textual.worker import Worker, WorkerState

LOG_FILENAME = "curator.log"


@dataclass
class WorkFailed(Message):
    """A worker of this node ended with an error (already shown to the user and logged)."""

    group: str
    error: str


class ReportsWorkerFailures:
    """For screens and widgets that start workers: each failed worker of this node goes to the app's report."""

    def on_worker_state_changed(self, message: Worker.StateChanged) -> None:
        if message.state == WorkerState.ERROR:
            report_failure(self.app, message.worker)


def report_failure(app, worker: Worker) -> None:
    """Log the traceback, show one line and tell the worker's node (`WorkFailed`), so it can take down its
    "running…" line. The app's `log_file` names the log."""
    log_failure(app.log_file, worker)
    line = one_line_error(worker.error)
    app.notify(
        f"{worker.name or worker.group} failed: {line} (details in {app.log_file})", severity="error", markup=False
    )
    if worker.node is not app:
        worker.node.post_message(WorkFailed(worker.group, line))


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
