"""The app can open straight on a run's overview (as `curator demo` does), with the runs screen beneath it."""

from __future__ import annotations

from review_support import add_weather_checks, screen_text, settle, weather_records

from curator.app.curator_app import CuratorApp
from curator.app.screens.review.overview import OverviewScreen
from curator.app.screens.review.runs import RunsScreen
from curator.review import runs


async def test_the_app_opens_on_the_start_run_and_escape_goes_to_the_runs_screen(workspace):
    other = runs.create_run_from_records(workspace, "eval-set", weather_records(6))
    base = runs.create_run_from_records(workspace, "base", weather_records(12), parent_run_id=other.run_id)
    add_weather_checks(workspace, base.run_id, 12)
    app = CuratorApp(workspace, start_run_id=base.run_id)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen) and app.screen.run_id == base.run_id
        assert "base" in screen_text(app) and "weather_tag" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RunsScreen)
        assert "eval-set" in screen_text(app)
