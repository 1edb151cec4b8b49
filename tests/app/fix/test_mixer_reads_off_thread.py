"""The mixer reads its stored recipe and builds in workers, never on the UI thread: it opens while a slow read is
in progress (the recipe appears when it is done), and shows "building…" while a slow build writes the dataset."""

from __future__ import annotations

import threading

from fixwork import weather_run
from review_support import screen_text, settle, until
from textual.widgets import Input, Static

from curator.app.curator_app import CuratorApp
from curator.app.screens.fix import mixer as mixer_module
from curator.app.screens.fix.mixer import MixerScreen
from curator.recipes import library as recipe_domain
from curator.recipes.spec import spec_from_dict

SIZE = (140, 40)
RECIPE = {"name": "stored", "total": 2, "seed": 7, "sources": [{"kind": "replay", "run": "base", "share": 1}]}


def held(monkeypatch, name: str):
    """Replace recipe_domain.`name` (as the mixer calls it) by one that waits for the returned event."""
    release, threads = threading.Event(), []
    real = getattr(mixer_module.recipe_domain, name)

    def held_back(*args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(mixer_module.recipe_domain, name, held_back)
    return release, threads


async def test_the_mixer_opens_while_its_recipe_is_read(workspace, monkeypatch):
    weather_run(workspace)
    recipe_domain.save_recipe(workspace, spec_from_dict(RECIPE))
    release, threads = held(monkeypatch, "get_recipe")
    app = CuratorApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(MixerScreen(workspace, "stored"))
        await until(pilot, lambda: threads)
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, MixerScreen) and "dataset mixer" in screen_text(app)
        assert screen.query_one("#recipe-seed", Input).value == "0"  # not read yet, and the UI answers
        release.set()
        await until(pilot, lambda: screen.query_one("#recipe-seed", Input).value == "7")
        await until(pilot, lambda: "replay" in screen_text(app) and screen.total == 2)
    assert all(t is not threading.main_thread() for t in threads)


async def test_the_build_runs_in_a_worker_and_its_result_follows(workspace, monkeypatch):
    weather_run(workspace)
    recipe_domain.save_recipe(workspace, spec_from_dict(RECIPE))
    release, threads = held(monkeypatch, "build")
    app = CuratorApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(MixerScreen(workspace, "stored"))
        await settle(pilot)
        screen = app.screen
        screen.query_one("#source-table").focus()
        await pilot.press("ctrl+b")
        await until(pilot, lambda: threads)
        await pilot.pause(0.2)
        result = screen.query_one("#mixer-result", Static)
        assert str(result.render()) == "building…"
        release.set()
        await until(pilot, lambda: "built stored v1: 2 rows" in str(result.render()))
    assert all(t is not threading.main_thread() for t in threads)
    assert [v.version for v in recipe_domain.list_versions(workspace, "stored")] == [1]
