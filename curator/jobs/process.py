"""A child process that reports JSON-lines events: started, polled, waited on, cancelled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import curator
from curator.child.entry import PARENT_ENV
from curator.child.progress import read_events

FINAL_EVENTS = ("succeeded", "failed", "cancelled")
HANGUP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name))


def child_env(parent_pid: int | None = None) -> dict[str, str]:
    """The environment of a child: offline Hugging Face, this checkout importable, no tokenizer thread warnings;
    with `parent_pid`, the child ends when that process does."""
    env = dict(os.environ)
    env.pop(PARENT_ENV, None)
    if parent_pid is not None:
        env[PARENT_ENV] = str(parent_pid)
    root = str(Path(curator.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.update(
        {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1"}
    )
    return env


class ChildProcess:
    """`python -m MODULE JOBFILE` (or a launcher in front of it) writing events to `progress_file`."""

    def __init__(
        self,
        args: list[str],
        progress_file: Path,
        log_file: Path,
        cancel_file: Path | None = None,
        tied_to_parent: bool = False,
    ):
        self.args, self.progress_file, self.log_file, self.cancel_file = (
            args,
            Path(progress_file),
            Path(log_file),
            cancel_file,
        )
        self.tied_to_parent = tied_to_parent
        """True: the child stops when this process ends (an eval or sample nobody else could collect)."""
        self.process: subprocess.Popen | None = None
        self._offset = 0
        self.final_event: dict | None = None
        self.cancel_requested = False

    @classmethod
    def module(
        cls,
        module: str,
        args: list[str],
        progress_file: Path,
        log_file: Path,
        cancel_file: Path | None = None,
        launcher: str = "python",
        tied_to_parent: bool = False,
    ) -> ChildProcess:
        """`python -m module args...`, or `accelerate launch -m module args...` (several GPUs)."""
        if launcher == "accelerate":
            args = [sys.executable, "-m", "accelerate.commands.launch", "-m", module, *map(str, args)]
        elif launcher == "python":
            args = [sys.executable, "-m", module, *map(str, args)]
        else:
            raise ValueError(f"unknown launcher '{launcher}': use python or accelerate")
        return cls(args, progress_file, log_file, cancel_file, tied_to_parent)

    def start(self) -> ChildProcess:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                self.args,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=child_env(os.getpid() if self.tied_to_parent else None),
                start_new_session=True,
            )
        return self

    def new_events(self) -> list[dict]:
        """Events written since the last call."""
        events, self._offset = read_events(self.progress_file, self._offset)
        for event in events:
            if event.get("event") in FINAL_EVENTS:
                self.final_event = event
        return events

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cancel(self, grace_s: float = 30.0) -> None:
        """Ask the child to stop cleanly (cancel file, then SIGTERM); kill it only if it does not stop in time."""
        self.cancel_requested = True
        if self.cancel_file is not None:
            self.cancel_file.touch()
        if not self.running:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the whole group: accelerate's workers too
        try:
            self.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def wait(
        self,
        on_event: Callable[[dict], None] = lambda e: None,
        interval_s: float = 0.25,
        should_cancel: Callable[[], bool] = lambda: False,
    ) -> dict:
        """Block until the child ends, passing each event on; returns the final event (a made-up `failed` one
        naming the log when the child died without writing one). Ctrl-C cancels the child cleanly before this
        returns; so do a hang-up (the terminal closed) and SIGTERM for a child tied to this process."""
        with _signals_interrupt(self.tied_to_parent):
            self._follow(on_event, interval_s, should_cancel)
        return self._final(on_event)

    def _follow(self, on_event: Callable[[dict], None], interval_s: float, should_cancel: Callable[[], bool]) -> None:
        while True:
            try:
                for event in self.new_events():
                    on_event(event)
                if not self.running:
                    break
                if should_cancel() and not self.cancel_requested:
                    self.cancel()
                time.sleep(interval_s)
            except KeyboardInterrupt:  # Ctrl-C on the CLI: the child is in its own session, stop it cleanly
                self.cancel()

    def _final(self, on_event: Callable[[dict], None]) -> dict:
        for event in self.new_events():
            on_event(event)
        if self.final_event is None and self.cancel_requested:
            self.final_event = {"event": "cancelled"}
            on_event(self.final_event)
        if self.final_event is None:
            code = self.process.returncode if self.process else None
            self.final_event = {
                "event": "failed",
                "error": f"the child process ended (exit {code}) without a result; see {self.log_file}",
            }
            on_event(self.final_event)
        return self.final_event

    def log_tail(self, lines: int = 20) -> list[str]:
        if not self.log_file.exists():
            return []
        return self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]


class _signals_interrupt:
    """While the main thread waits on a child: SIGHUP and SIGTERM act as Ctrl-C (the wait cancels the child)."""

    def __init__(self, active: bool):
        self.active = active
        self.saved = {}

    def __enter__(self):
        if self.active and threading.current_thread() is threading.main_thread():
            for sig in HANGUP_SIGNALS:
                self.saved[sig] = signal.signal(sig, signal.default_int_handler)
        return self

    def __exit__(self, *exc):
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)
        return False
