"""The command palette's entry for the sweep screen."""

from __future__ import annotations

from collections.abc import Iterable

from curator.app import registry
from curator.app.registry import PaletteCommand
from curator.app.screens.sweeps.screen import SweepsScreen


def sweep_commands(app) -> Iterable[PaletteCommand]:
    if getattr(app, "workspace", None) is None:
        return
    yield PaletteCommand(
        "Sweeps",
        "several small retrains side by side: pass rate per variant, spread over seeds, front, recommendation",
        lambda app: app.push_screen(SweepsScreen(app.workspace)),
    )


registry.register_command_source(sweep_commands)
