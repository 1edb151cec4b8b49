"""The command palette: every registered action of the current screen plus the registry's command sources."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

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

    def _commands(self) -> list[PaletteCommand]:
        return registry.palette_commands(self.app)

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, partial(command.run, self.app), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), partial(command.run, self.app), help=command.help)


registry.register_command_source(screen_action_commands)
