"""CPU threads shared by the running children: their sum stays within the cores."""

import subprocess
import sys
import time

import pytest

from curator.child import cores
from curator.child.cores import Claim, CoreShare, live_claims, share_of


def claims(*requested: int) -> list[Claim]:
    return [Claim(pid=100 + i, requested=r, started=float(i)) for i, r in enumerate(requested)]


@pytest.mark.parametrize(
    ("requested", "count", "expected"),
    [
        ((0,), 2, [2]),  # alone: every core
        ((0, 0), 2, [1, 1]),  # an eval beside another: one each
        ((1, 0), 2, [1, 1]),  # beside a training job on one thread: the core left
        ((0, 0, 0), 8, [3, 3, 2]),  # the oldest gets the remainder
        ((0, 0, 0), 2, [1, 1, 1]),  # more children than cores: one each, never zero
        ((2, 0), 2, [2, 1]),  # an explicit request is honoured; a share is at least one
    ],
)
def test_shares_split_the_cores(requested, count, expected):
    listed = claims(*requested)
    assert [share_of(c.pid, listed, count) for c in listed] == expected


@pytest.fixture(autouse=True)
def quiet_machine(monkeypatch):
    """No work outside Curator, whatever else runs on the test machine."""
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (0.0, 0.0, 0.0))


def test_work_outside_curator_takes_its_cores(monkeypatch):
    listed = claims(0)
    assert share_of(100, listed, 2, busy=1) == 1 and share_of(100, listed, 8, busy=3) == 5
    assert share_of(100, listed, 2, busy=5) == 1  # never zero
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (3.4, 0.0, 0.0))
    assert cores.outside_load(claims(0, 0), 8) == 0  # the two children's 8 threads explain the load
    assert cores.outside_load(claims(1), 8) == 2  # one thread of ours, 3.4 busy: 2 cores taken by others


def test_a_new_child_counts_itself_before_its_file_is_read():
    assert share_of(999, claims(0), 2) == 1


def test_claims_of_ended_processes_are_dropped(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(done.stdout)
    (tmp_path / f"{dead}.json").write_text(f'{{"pid": {dead}, "requested": 0, "started": 1}}')
    (tmp_path / "garbage.json").write_text("{")
    share = CoreShare(0, folder=tmp_path, cores=2)
    assert [c.pid for c in live_claims(tmp_path)] == [share.pid]
    assert not (tmp_path / f"{dead}.json").exists()
    assert share.current() == 2
    share.release()
    assert live_claims(tmp_path) == []


def test_a_child_follows_its_share_as_others_come_and_go(tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(cores, "RECHECK_S", 0.0)
    before = torch.get_num_threads()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        share = CoreShare(0, folder=tmp_path, cores=2)
        assert share.apply(force=True) == 2 and torch.get_num_threads() == 2
        (tmp_path / f"{other.pid}.json").write_text(f'{{"pid": {other.pid}, "requested": 0, "started": {time.time()}}}')
        assert share.apply() == 1 and torch.get_num_threads() == 1  # the newcomer takes its core
        other.kill()
        other.wait()
        assert share.apply() == 2
    finally:
        other.kill()
        share.release()
        torch.set_num_threads(before)
