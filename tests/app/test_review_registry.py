"""The one registry of actions, screens and palette commands that later screens plug into."""

from __future__ import annotations

import pytest
from review_support import settle

from curator.app import registry
from curator.app.commands import CuratorCommands
from curator.app.curator_app import CuratorApp
from curator.app.registry import ActionSpec, PaletteCommand


def test_every_screen_binding_comes_from_the_registry():
    from curator.app.screens.review.browser import BrowserScreen

    ids = {b.id for b in BrowserScreen.BINDINGS}
    scopes = ("browser", "verdicts", "labelling")
    assert {a.id for scope in scopes for a in registry.actions(scope)} == ids
    assert all(b.tooltip for b in BrowserScreen.BINDINGS)


def test_an_action_id_cannot_be_declared_twice_with_another_meaning():
    with pytest.raises(ValueError, match="declared twice"):
        registry.register_actions("X", ActionSpec("browser.search", "browser", "x", "other", "Other"))


async def test_a_screen_and_a_palette_command_added_from_outside_are_reachable(review_ws):
    from textual.screen import Screen
    from textual.widgets import Static

    class Extra(Screen):
        def __init__(self, run_id: int) -> None:
            super().__init__()
            self.run_id = run_id

        def compose(self):
            yield Static(f"extra screen for run {self.run_id}")

    registry.register_screen("test-extra", "Extra", Extra)

    def extra_commands(app):
        if app.current_run_id is not None:
            yield PaletteCommand(
                "Open the extra screen", "", lambda app: app.open_screen("test-extra", run_id=app.current_run_id)
            )

    registry.register_command_source(extra_commands)
    try:
        await _open_extra_from_the_palette(review_ws, Extra)
    finally:
        registry.unregister_command_source(extra_commands)


async def _open_extra_from_the_palette(review_ws, extra_screen) -> None:
    app = CuratorApp(review_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [c.title for c in registry.palette_commands(app)]
        assert "Open run weather-eval" in titles and "Open the extra screen" not in titles
        app.open_run(review_ws.run_id)
        await settle(pilot)
        provider = CuratorCommands(app.screen)
        hits = [hit async for hit in provider.search("extra screen")]
        assert hits
        hits[0].command()
        await settle(pilot)
        assert isinstance(app.screen, extra_screen) and app.screen.run_id == review_ws.run_id
