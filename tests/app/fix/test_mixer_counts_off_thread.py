"""The mixer plans its sources (reading source files, building the held-out guard) in a worker, never on the UI
thread, and shows only the newest recount."""

import threading

from fixwork import weather_run
from review_support import settle, until
from textual.app import App
from textual.widgets import DataTable, Input

from curator.app.screens.fix import mixer as mixer_module
from curator.app.screens.fix.mixer import MixerScreen


class MixerApp(App):
    def __init__(self, workspace):
        super().__init__()
        self.workspace = workspace

    def on_mount(self) -> None:
        self.push_screen(MixerScreen(self.workspace, "counted"))


async def test_the_sources_are_planned_in_a_worker_and_the_table_follows(workspace, monkeypatch):
    weather_run(workspace)
    release, threads = threading.Event(), []
    real = mixer_module.recipe_domain.plan_source

    def held_back(*args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(mixer_module.recipe_domain, "plan_source", held_back)
    app = MixerApp(workspace)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#recipe-total", Input).value = "2"
        screen.query_one("#source-kind").value = "replay"
        screen.query_one("#source-argument", Input).value = "base"
        screen.query_one("#source-share", Input).value = "100"
        screen.query_one("#source-share", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: threads)
        table = screen.query_one("#source-table", DataTable)
        assert threads[0] is not threading.main_thread() and table.row_count == 0  # the UI is not held up
        release.set()
        await until(pilot, lambda: table.row_count == 1)
        await settle(pilot)
        assert [str(cell) for cell in table.get_row_at(0)][:5] == ["replay", "replay", "base", "100%", "2"]
