"""JSON-lines progress written by the child processes (one event per line, flushed at once)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from curator.child.cores import rebalance


def is_main_process() -> bool:
    """Under `accelerate launch` only rank 0 reports and saves."""
    return int(os.environ.get("RANK", "0")) == 0


class ProgressWriter:
    """Appends events to a JSON-lines file; every event carries the time since the job started."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.started = time.monotonic()
        self.enabled = is_main_process()
        if self.enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def emit(self, event: str, **fields) -> dict:
        record = {"event": event, "elapsed_s": round(time.monotonic() - self.started, 3), **fields}
        if self.enabled:
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record, default=str) + "\n")
        rebalance()  # each event is a safe point to follow this child's share of the cores
        return record


def read_events(path: str | Path, offset: int = 0) -> tuple[list[dict], int]:
    """Complete events after byte `offset`, and the offset to read from next time (partial lines wait)."""
    path = Path(path)
    if not path.exists():
        return [], offset
    with path.open("rb") as f:
        f.seek(offset)
        chunk = f.read()
    end = chunk.rfind(b"\n") + 1
    events = [json.loads(line) for line in chunk[:end].decode("utf-8").splitlines() if line.strip()]
    return events, offset + end
