"""CPU threads shared by every Curator child on this machine, so their sum stays within the cores.

Oversubscribed torch threads cost ~3x on a 2-core CPU (two evals on 2 threads each ran at 0.26x of one alone;
on 1 thread each at 0.84x). Each child registers in a machine-wide folder (one small file per process: its pid
and the threads it asked for, 0 for "a fair share"); explicit requests are honoured, and the cores left over are
split between the children that asked for a share, oldest first. Work outside Curator counts too (the load
average less Curator's own threads): on a busy machine two threads on two cores spin-wait for each other (an eval
ran 5.9x slower on 2 threads than on 1 beside other work here). A child re-reads the folder at its progress
events (on its main thread, where torch's thread count applies) and follows its share as others come and go.
"""

from __future__ import annotations

import atexit
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from curator.pids import pid_alive

ENV_DIR = "CURATOR_CORES_DIR"
RECHECK_S = 2.0


def registry_dir() -> Path:
    """Where the children of every workspace register (machine-wide: they share one CPU)."""
    override = os.environ.get(ENV_DIR)
    return Path(override) if override else Path(tempfile.gettempdir()) / f"curator-cores-{os.getuid()}"


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Claim:
    pid: int
    requested: int  # 0: a fair share of what the explicit requests leave
    started: float


def live_claims(folder: Path) -> list[Claim]:
    """Claims of processes that still run, oldest first; files of ended processes are removed."""
    claims = []
    for path in folder.glob("*.json") if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            claim = Claim(int(data["pid"]), int(data["requested"]), float(data["started"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being written, or not ours
        if pid_alive(claim.pid):
            claims.append(claim)
        else:
            path.unlink(missing_ok=True)
    return sorted(claims, key=lambda c: (c.started, c.pid))


def outside_load(claims: list[Claim], cores: int) -> int:
    """Cores kept busy by work other than Curator's children: the 1-minute load average less their threads."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 0
    ours = sum(share_of(c.pid, claims, cores) for c in claims)
    return max(0, round(load - ours))


def share_of(pid: int, claims: list[Claim], cores: int, busy: int = 0) -> int:
    """Threads for `pid`: its explicit request, or its part of the cores that the explicit requests and `busy`
    cores (other work) leave; at least 1."""
    mine = next((c for c in claims if c.pid == pid), None)
    if mine is not None and mine.requested > 0:
        return mine.requested
    fair = [c.pid for c in claims if c.requested <= 0]
    if pid not in fair:
        fair.append(pid)
    left = max(len(fair), cores - busy - sum(c.requested for c in claims if c.requested > 0))
    base, extra = divmod(left, len(fair))
    return max(1, base + (1 if fair.index(pid) < extra else 0))


class CoreShare:
    """This process's claim on the cores: its current thread count, applied to torch on the main thread."""

    def __init__(self, requested: int, folder: Path | None = None, cores: int | None = None):
        self.requested = max(0, int(requested))
        self.folder = folder or registry_dir()
        self.cores = cores or usable_cores()
        self.pid = os.getpid()
        self.threads = 0
        self._checked = 0.0
        self.folder.mkdir(parents=True, exist_ok=True)
        claim = {"pid": self.pid, "requested": self.requested, "started": time.time()}
        temporary = self.folder / f".{self.pid}.tmp"
        temporary.write_text(json.dumps(claim), encoding="utf-8")
        temporary.replace(self.path)

    @property
    def path(self) -> Path:
        return self.folder / f"{self.pid}.json"

    def current(self) -> int:
        claims = live_claims(self.folder)
        return share_of(self.pid, claims, self.cores, outside_load(claims, self.cores))

    def apply(self, force: bool = False) -> int:
        """Set torch's threads to this process's share (at most every few seconds); returns the count in use."""
        now = time.monotonic()
        if threading.current_thread() is not threading.main_thread():
            return self.threads
        if not force and now - self._checked < RECHECK_S:
            return self.threads
        self._checked = now
        threads = self.current()
        if threads != self.threads:
            import torch  # torch: ~2 s; a child that shares cores has it loaded already

            torch.set_num_threads(threads)
            self.threads = threads
        return self.threads

    def release(self) -> None:
        self.path.unlink(missing_ok=True)


_share: CoreShare | None = None


def claim_cores(requested: int) -> CoreShare:
    """Register this process (once) and set its threads; `requested` 0 asks for a fair share."""
    global _share
    if _share is None or _share.requested != max(0, int(requested)):
        if _share is not None:
            _share.release()
        _share = CoreShare(requested)
        atexit.register(_share.release)
    _share.apply(force=True)
    return _share


def rebalance() -> int | None:
    """Follow this process's share when it registered; called at each progress event. None when it did not."""
    return _share.apply() if _share is not None else None
