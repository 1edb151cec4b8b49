"""Whether each listed sweep's queue runs in a live process, checked in a worker (on each listing and every few
seconds), so the sweep screen's `check_action` — run on every refresh — reads a cached answer."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message

from curator.storage.sweeps import SweepRow
from curator.sweeps import queue as sweep_domain

RUNNER_CHECK_S = 2.0
"""How often the cached answer is refreshed while the screen is up."""


@dataclass
class RunnersChecked(Message):
    """Sweep name -> whether a process runs its queue now (only sweeps stored as running can be True)."""

    alive: dict[str, bool]


class RunnerWatch:
    """Caches `runner_alive` per listed sweep (the screen supplies `sweeps` and checks on each listing)."""

    runners_alive: dict[str, bool] | None = None
    """The last answer per sweep name; None until the first check."""

    def on_mount(self) -> None:
        """(Textual calls the `on_mount` of every class in the screen's MRO: the screen's own runs too.)"""
        self.set_interval(RUNNER_CHECK_S, self.check_runners)

    def check_runners(self) -> None:
        self._check_runners([row for row, _done, _total in self.sweeps.values()])

    @work(thread=True, exclusive=True, exit_on_error=False, group="sweep-runners")
    def _check_runners(self, rows: list[SweepRow]) -> None:
        self.post_message(RunnersChecked({row.name: sweep_domain.runner_alive(row) for row in rows}))

    def on_runners_checked(self, message: RunnersChecked) -> None:
        """(Named, not `@on`: decorators on a mixin are not collected by Textual.)"""
        if message.alive != self.runners_alive:
            self.runners_alive = message.alive
            self.refresh_bindings()

    def runner_alive(self, sweep: SweepRow) -> bool:
        """The cached answer; a running sweep not checked yet counts as alive (resume stays hidden until known)."""
        if sweep.status != "running":
            return False
        return (self.runners_alive or {}).get(sweep.name, True)
