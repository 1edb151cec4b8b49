"""Connecting to a workspace's DuckDB file that another Curator process may hold: ask for it, wait, retry.

A process that finds the file held writes `curator.duckdb.wanted-by-PID` beside it while it waits; the holder
(see database.py) looks for such a file and lets go of the file as soon as it is unused.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from curator.errors import CuratorError, WorkspaceLockedError
from curator.pids import pid_alive

LOCK_WAIT_S = 30.0  # how long an open waits for another process to let go of the file ($CURATOR_LOCK_WAIT_S)
NOTE_AFTER_S = 0.5  # a wait longer than this is announced (once) through the notice set with set_wait_notice
_RETRY_S = 0.05


def lock_wait_s() -> float:
    """How long to wait for another process: $CURATOR_LOCK_WAIT_S when it is a number >= 0, else LOCK_WAIT_S."""
    try:
        return max(0.0, float(os.environ.get("CURATOR_LOCK_WAIT_S", LOCK_WAIT_S)))
    except ValueError:
        return LOCK_WAIT_S


_ASK = ".wanted-by-"


def _ask_file(path: Path) -> Path:
    return path.with_name(f"{path.name}{_ASK}{os.getpid()}")


def is_asked_for(path: Path) -> bool:
    """True when another live process waits for the file at `path` (a dead waiter's request is removed)."""
    prefix = path.name + _ASK
    try:
        with os.scandir(path.parent) as entries:
            asking = [e.name for e in entries if e.name.startswith(prefix)]
    except OSError:
        return False
    for name in asking:
        pid = name[len(prefix) :]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        if not pid_alive(int(pid)):
            Path(path.parent / name).unlink(missing_ok=True)
            continue
        return True
    return False


def connect(path: Path | None, read_only: bool = False, wait_s: float | None = None) -> duckdb.DuckDBPyConnection:
    """A new connection to `path` (None: in memory), asking for the file and waiting up to `wait_s` while another
    process holds it."""
    wait_s = lock_wait_s() if wait_s is None else wait_s
    target = ":memory:" if path is None else str(path)
    started = time.monotonic()
    noted, asked = False, None
    try:
        while True:
            try:
                conn = duckdb.connect(target, read_only=read_only)
                break
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise CuratorError(f"cannot open {path}: {error}") from None
                if asked is None:
                    asked = _ask_file(path)
                    try:
                        asked.touch()
                    except OSError:
                        pass  # a read-only folder: the holder lets go when idle
                waited = time.monotonic() - started
                if waited >= wait_s:
                    raise WorkspaceLockedError(
                        f"{path} is open for writing in another Curator process (waited {waited:.0f} s); "
                        "try again when it is done"
                    ) from None
                if not noted and waited >= NOTE_AFTER_S and _notice[0] is not None:
                    _notice[0](path)
                    noted = True
                time.sleep(_RETRY_S)
    finally:
        if asked is not None:
            asked.unlink(missing_ok=True)
    # DuckDB would otherwise draw its own progress bar over ours on long queries.
    conn.execute("SET enable_progress_bar = false")
    return conn


_notice: list[Callable[[Path | None], None] | None] = [None]


def set_wait_notice(notice: Callable[[Path | None], None] | None) -> None:
    """Called once per wait with the file's path when an open must wait for another process (the CLI prints a
    line; the app, whose screen must not be written over, sets none)."""
    _notice[0] = notice
