"""The app reads what the fix screens need first in workers, never on the UI thread: an item's templates (`t`) and
the newest recipe (the mixer). The app stays on its screen while a slow read is held, and the screen the read
leads to opens once it is done."""

from __future__ import annotations

import threading

from fixwork import WEATHER_TEMPLATE, weather_run
from review_support import held_back, noting_app, screen_text, settle, until

from curator.app.screens.fix import flows as flows_module
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.template_choice import TemplateChoice
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template
from curator.recipes import library as recipes
from curator.recipes.spec import spec_from_dict as recipe_spec

SIZE = (140, 45)


async def test_t_offers_the_items_templates_once_they_are_read(workspace, monkeypatch):
    run = weather_run(workspace)
    spec = spec_from_dict(WEATHER_TEMPLATE)
    create_template(workspace, spec, bucket="weather", source_run_id=run.run_id, source_item_key=0)
    release, threads = held_back(monkeypatch, flows_module.template_domain, "list_templates")
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.screen
        app.start_template(run.run_id, 0)
        await until(pilot, lambda: threads)
        await pilot.pause(0.2)
        assert app.screen is before
        release.set()
        await until(pilot, lambda: isinstance(app.screen, TemplateChoice))
        assert "Edit template weather" in screen_text(app)
    assert all(t is not threading.main_thread() for t in threads)


async def test_the_mixer_opens_on_the_newest_recipe_once_it_is_read(workspace, monkeypatch):
    weather_run(workspace)
    for name in ("older", "newest"):
        seed = {"name": "seed", "kind": "seed", "share": 100, "rows": [{"prompt": "hi", "completion": "hello"}]}
        recipes.save_recipe(workspace, recipe_spec({"name": name, "total": 1, "seed": 1, "sources": [seed]}))
    release, threads = held_back(monkeypatch, flows_module.recipe_domain, "list_recipes")
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_mixer()
        await until(pilot, lambda: threads)
        await pilot.pause(0.2)
        assert not isinstance(app.screen, MixerScreen)
        release.set()
        await until(pilot, lambda: isinstance(app.screen, MixerScreen))
        await until(pilot, lambda: "newest" in screen_text(app))
    assert all(t is not threading.main_thread() for t in threads[:1])  # the mixer reads its own in its worker
