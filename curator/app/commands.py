"""The command palette: every registered action of the current screen plus the registry's command sources."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.worker import WorkerFailed

from curator.app import registry
from curator.app.registry import PaletteCommand


def screen_action_commands(app) -> Iterable[PaletteCommand]:
    """The actions bound on the active screen (and app-wide), runnable from the palette."""
    screen = app.screen
    scopes = ["app", *getattr(screen, "ACTION_SCOPES", ())]
    for scope in scopes:
        for spec in registry.actions(scope):
            if spec.in_palette:
                target = app if scope == "app" else screen
                action = spec.action.removeprefix("app.")
                yield PaletteCommand(spec.description, spec.tooltip, partial(_run_action, target, action))


async def _run_action(target, action: str, app) -> None:
    await target.run_action(action)


class CuratorCommands(Provider):
    """Finds commands from the registry (open run, new bucket, filter by bucket, every key's action...)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._reading: asyncio.Future[list[PaletteCommand]] | None = None

    async def startup(self) -> None:
        """Start listing the commands, once per opening of the palette (searches wait for the list)."""
        self._reading = asyncio.ensure_future(self._read_commands())

    async def _read_commands(self) -> list[PaletteCommand]:
        """The commands, listed in a thread worker: most sources read the workspace's DuckDB (runs, buckets,
        checks, recipes), which must not hold up the UI. A failure is reported by the app; the list is then empty."""
        worker = self.app.run_worker(
            partial(registry.palette_commands, self.app),
            name="command palette",
            group="palette-commands",
            thread=True,
            exit_on_error=False,
        )
        try:
            return await worker.wait()
        except WorkerFailed:
            return []

    async def _commands(self) -> list[PaletteCommand]:
        """The listed commands. Shielded: a keystroke cancels the search in progress, never the listing it awaits."""
        if self._reading is None:
            await self.startup()
        return await asyncio.shield(self._reading)

    async def discover(self) -> Hits:
        for command in await self._commands():
            yield DiscoveryHit(command.title, partial(command.run, self.app), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in await self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), partial(command.run, self.app), help=command.help)


registry.register_command_source(screen_action_commands)
