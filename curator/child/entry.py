"""The entry point every child process shares: load the job file, run, end with exactly one final event."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from curator.child.failures import JobCancelled, failure_message
from curator.child.progress import ProgressWriter


def child_main(argv: list[str], module: str, load: Callable, run: Callable) -> int:
    """`python -m MODULE JOBFILE`: run the job, then emit succeeded, cancelled or failed (with a one-line error)."""
    if len(argv) != 1:
        print(f"usage: python -m {module} JOBFILE", file=sys.stderr)
        return 2
    job = load(Path(argv[0]))
    writer = ProgressWriter(job.progress_file)
    try:
        summary = run(job, writer)
    except JobCancelled:
        writer.emit("cancelled")
        return 1
    except BaseException as error:  # noqa: BLE001 - every failure ends as one event the caller can show
        traceback.print_exc()
        writer.emit("failed", error=failure_message(error))
        return 1
    writer.emit("succeeded", **summary)
    return 0
