"""The sweep screen asks whether a sweep's runner process is alive in a worker, never on the UI thread (its
`check_action` runs on every refresh and reads the cached answer): a sweep stored as running whose runner died
offers Resume once the check is done, and not before."""

from __future__ import annotations

import os
import threading

from review_support import noting_app, screen_text, settle, until
from sweepscreen_support import stored_sweep

from curator.app.screens.sweeps import runner_watch
from curator.app.screens.sweeps.screen import SweepsScreen
from curator.storage import sweeps as sweep_queries

SIZE = (170, 50)


def dead_pid() -> int:
    """A process id that no process has (a finished child's)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


async def test_resume_is_offered_once_the_runner_is_found_dead(workspace, tmp_path, monkeypatch):
    sweep = stored_sweep(workspace, tmp_path, done=(1,))
    sweep_queries.set_status(workspace.db, sweep.sweep_id, "running", runner_pid=dead_pid())
    release, threads = threading.Event(), []
    real = runner_watch.sweep_domain.runner_alive

    def held_back(row):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(row)

    monkeypatch.setattr(runner_watch.sweep_domain, "runner_alive", held_back)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(SweepsScreen(workspace))
        await until(pilot, lambda: threads and isinstance(app.screen, SweepsScreen) and app.screen.sweeps)
        await pilot.press("down", "up")  # the screen answers keys (and refreshes its footer) meanwhile
        await pilot.pause(0.2)
        assert "Resume sweep" not in screen_text(app) and "Cancel sweep" in screen_text(app)
        release.set()
        await until(pilot, lambda: "Resume sweep" in screen_text(app))
    assert all(t is not threading.main_thread() for t in threads)
