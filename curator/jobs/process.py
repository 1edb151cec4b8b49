"""A child process that reports JSON-lines events: started, polled, waited on, cancelled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import curator
from curator.child.progress import read_events

FINAL_EVENTS = ("succeeded", "failed", "cancelled")


def child_env() -> dict[str, str]:
    """The environment of a child: offline Hugging Face, this checkout importable, no tokenizer thread warnings."""
    env = dict(os.environ)
    root = str(Path(curator.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.update(
        {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1"}
    )
    return env


class ChildProcess:
    """`python -m MODULE JOBFILE` (or a launcher in front of it) writing events to `progress_file`."""

    def __init__(self, args: list[str], progress_file: Path, log_file: Path, cancel_file: Path | None = None):
        self.args, self.progress_file, self.log_file, self.cancel_file = (
            args,
            Path(progress_file),
            Path(log_file),
            cancel_file,
        )
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
    ) -> ChildProcess:
        """`python -m module args...`, or `accelerate launch -m module args...` (several GPUs)."""
        if launcher == "accelerate":
            args = [sys.executable, "-m", "accelerate.commands.launch", "-m", module, *map(str, args)]
        elif launcher == "python":
            args = [sys.executable, "-m", module, *map(str, args)]
        else:
            raise ValueError(f"unknown launcher '{launcher}': use python or accelerate")
        return cls(args, progress_file, log_file, cancel_file)

    def start(self) -> ChildProcess:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                self.args,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=child_env(),
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
        naming the log when the child died without writing one)."""
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
