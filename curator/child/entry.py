"""The entry point every child process shares: load the job file, run, end with exactly one final event.

Exit status, for every child: 0 succeeded, 1 failed, 2 not started (no job file, or one that cannot be read),
3 cancelled. A child started with `CURATOR_PARENT_PID` in its environment (a foreground eval or sample) stops
as soon as that process is gone, so closing the terminal never leaves it running for nobody.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from curator.child.failures import JobCancelled, failure_message
from curator.child.progress import ProgressWriter

SUCCEEDED_EXIT, FAILED_EXIT, USAGE_EXIT, CANCELLED_EXIT = 0, 1, 2, 3
PARENT_ENV = "CURATOR_PARENT_PID"
CHILD_MODULES = ("curator.inference.eval_child", "curator.inference.sample_child", "curator.training")


def usage(module: str) -> str:
    return (
        f"usage: python -m {module} JOBFILE\n"
        "Curator starts this process itself (curator eval, sample, train) with a job file it writes; "
        "run those commands instead."
    )


def _raise_cancelled(*_) -> None:
    raise JobCancelled("stopped by a signal")


def watch_parent(writer: ProgressWriter, interval_s: float = 0.5) -> threading.Thread | None:
    """When the environment names a parent, end this process (after a `cancelled` event) once it is gone."""
    value = os.environ.get(PARENT_ENV, "")
    if not value.isdigit():
        return None
    parent = int(value)

    def poll() -> None:
        while os.getppid() == parent:  # reparented (to init or a subreaper) once the parent died
            time.sleep(interval_s)
        writer.emit("cancelled", error="the Curator process that started it ended")
        os._exit(CANCELLED_EXIT)

    thread = threading.Thread(target=poll, name="parent-watch", daemon=True)
    thread.start()
    return thread


def child_main(
    argv: list[str],
    module: str,
    load: Callable,
    run: Callable,
    on_end: Callable[[object, str], None] = lambda job, status: None,
) -> int:
    """`python -m MODULE JOBFILE`: run the job, then emit succeeded, cancelled or failed (with a one-line error).

    `run(job, writer)` returns the summary the `succeeded` event carries; `on_end(job, status)` tidies up (the
    training child removes a cancelled job's adapter) before the final event is written."""
    if len(argv) != 1 or argv[0].startswith("-") or not Path(argv[0]).is_file():
        print(usage(module), file=sys.stderr)
        return USAGE_EXIT
    try:
        job = load(Path(argv[0]))
    except (OSError, ValueError, TypeError, KeyError) as error:
        print(f"{argv[0]}: cannot read the job file: {failure_message(error)}", file=sys.stderr)
        return USAGE_EXIT
    writer = ProgressWriter(job.progress_file)
    watch_parent(writer)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_cancelled)  # a cancel ends with its event (training sets its own)
    try:
        summary = run(job, writer)
    except JobCancelled:
        on_end(job, "cancelled")
        writer.emit("cancelled")
        return CANCELLED_EXIT
    except BaseException as error:  # noqa: BLE001 - every failure ends as one event the caller can show
        traceback.print_exc()
        on_end(job, "failed")
        writer.emit("failed", error=failure_message(error))
        return FAILED_EXIT
    on_end(job, "succeeded")
    writer.emit("succeeded", **summary)
    return SUCCEEDED_EXIT


if __name__ == "__main__":
    print(usage(" | ".join(CHILD_MODULES)), file=sys.stderr)
    sys.exit(USAGE_EXIT)
