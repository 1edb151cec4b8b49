"""Pilot tests of the rollout view: k samples per input with check marks beside the target, accept the best,
make pairs, the no-signal note, the palette entry, and sampling from the screen on the tiny model."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fixwork import GOOD, weather_run
from textual.app import App
from textual.widgets import DataTable, Input, Static

from curator.app.screens.fix.rollouts import RolloutScreen, sample_fixes_command
from curator.fix import examples as example_domain
from curator.fix import rollouts as rollout_domain
from curator.review import buckets as bucket_domain
from curator.storage.browse import ItemFilter
from curator.storage.rollouts import list_pairs

MARKUP = "[bold red]not markup[/] <display_weather>☁</display_weather>"


class RolloutApp(App):
    def __init__(self, screen_factory):
        super().__init__()
        self.screen_factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())


def shown(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def cell(table: DataTable, row: int, column: int) -> str:
    return str(table.get_row_at(row)[column])


async def settled(pilot) -> None:
    """Let the screen's workers (its DuckDB reads and writes) finish and their messages be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def stored(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    samples = {0: ["It is sunny.", GOOD, MARKUP, "It is sunny."], 1: ["<display_weather>☁</display_weather>"] * 4}
    sample_set = rollout_domain.store_rollouts(workspace, plan, "models/base", None, {"k": 4}, samples)
    return workspace, run, sample_set


async def test_rollout_view_shows_samples_with_marks_beside_the_target(stored):
    ws, run, sample_set = stored
    app = RolloutApp(lambda: RolloutScreen(ws, run.run_id, sample_set_id=sample_set.sample_set_id))
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(pilot)
        inputs = app.screen.query_one("#rollout-inputs", DataTable)
        samples = app.screen.query_one("#rollout-samples", DataTable)
        assert inputs.row_count == 2 and cell(inputs, 0, 1) == "1/4" and cell(inputs, 0, 3) == "mixed"
        assert samples.row_count == 4
        assert cell(samples, 1, 1).startswith("✓weather_tag ✓emoji") and cell(samples, 0, 1).startswith("✗weather_tag")
        assert cell(samples, 2, 3).startswith("[bold red]not markup[/]")  # model output shown literally
        assert "target: " + GOOD in shown(app, "#rollout-target")
        assert "1 of 4 samples pass" in shown(app, "#rollout-agreement")

        await pilot.press("a")
        await settled(pilot)
        assert "best sample accepted" in shown(app, "#rollout-status")
        (example,) = example_domain.list_examples(ws, statuses=("accepted",))
        assert example.target == GOOD and example.rollout_id is not None

        await pilot.press("p")
        await settled(pilot)
        assert "2 new preference pair(s)" in shown(app, "#rollout-status")
        assert {p.rejected for p in list_pairs(ws.db, sample_set_id=sample_set.sample_set_id)} == {
            "It is sunny.",
            MARKUP,
        }

        await pilot.press("down")
        await settled(pilot)
        assert "All 4 samples pass: no signal for pairs or GRPO" in shown(app, "#rollout-agreement")
        assert "all pass emoji" in shown(app, "#rollout-agreement")
        await pilot.press("a")
        await settled(pilot)
        assert "best sample accepted" in shown(app, "#rollout-status")


async def test_a_bad_form_value_is_shown_and_nothing_starts(stored):
    ws, run, _ = stored
    app = RolloutApp(lambda: RolloutScreen(ws, run.run_id, ItemFilter(run.run_id, failing_check="weather_tag")))
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(pilot)
        assert "failing weather_tag" in shown(app, "#rollout-title")
        app.screen.query_one("#rollout-model", Input).value = "no/such/model"
        await pilot.press("ctrl+r")
        assert "is not a local folder" in shown(app, "#rollout-status")
        app.screen.query_one("#rollout-temperature", Input).value = "0"
        await pilot.press("ctrl+r")
        assert "temperature must be > 0" in shown(app, "#rollout-status")
    assert len(rollout_domain.list_sample_sets(ws)) == 1


def test_sample_fixes_is_offered_on_a_bucket_or_failing_filter_only(stored):
    ws, run, _ = stored
    bucket = bucket_domain.get_bucket(ws, "weather")

    def titles(item_filter):
        app = SimpleNamespace(workspace=ws, current_filter=item_filter, current_run_id=run.run_id)
        return [c.title for c in sample_fixes_command(app)]

    assert titles(ItemFilter(run.run_id, bucket_id=bucket.bucket_id)) == ["Sample fixes: bucket weather"]
    assert titles(ItemFilter(run.run_id, failing_check="emoji")) == ["Sample fixes: failing emoji"]
    assert titles(ItemFilter(run.run_id)) == []
    assert titles(None) == []


@pytest.mark.slow
async def test_sampling_from_the_screen_runs_in_a_worker_and_shows_the_rollouts(workspace, demo_model_dir):
    run = weather_run(workspace)
    item_filter = ItemFilter(run.run_id, failing_check="weather_tag")
    app = RolloutApp(lambda: RolloutScreen(workspace, run.run_id, item_filter, model=str(demo_model_dir)))
    async with app.run_test(size=(160, 45)) as pilot:
        app.screen.query_one("#rollout-k", Input).value = "3"
        app.screen.query_one("#rollout-max-tokens", Input).value = "12"
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await settled(pilot)  # the sample set is read in a worker the sampling's end starts
        assert "Sample set 1: 1 inputs" in shown(app, "#rollout-status")
        assert app.screen.query_one("#rollout-samples", DataTable).row_count == 3
    (sample_set,) = rollout_domain.list_sample_sets(workspace)
    assert sample_set.rollout_count == 3 and sample_set.item_filter["failing_check"] == "weather_tag"
