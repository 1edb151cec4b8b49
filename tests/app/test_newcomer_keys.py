"""Keys a newcomer tripped on: `f` skips checks no item fails, `G` opens every generated batch of the run."""

from __future__ import annotations

from fixwork import WEATHER_TEMPLATE, weather_run
from review_support import add_weather_checks, noting_app, screen_text, settle, until, weather_records

from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.app.screens.review.browser import BrowserScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.fix.generation import generate
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template
from curator.review.browse import ItemFilter
from curator.review.runs import create_run_from_records
from curator.storage.browse import store_check_results


def run_with_a_check_nobody_fails(ws):
    """weather_tag and answer fail on some items; `polite` passes on every item."""
    run = create_run_from_records(ws, "three-checks", weather_records(), model="m", adapter=None, source_format="jsonl")
    add_weather_checks(ws, run.run_id, 24)
    with ws.db.transaction() as cur:
        store_check_results(cur, run.run_id, "polite", "contains", {k: (True, "ok") for k in range(24)}, position=1)
    return run


async def test_f_cycles_only_through_checks_that_some_item_fails(workspace):
    run = run_with_a_check_nobody_fails(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(run.run_id))
        browser = app.screen
        await until(pilot, lambda: isinstance(browser, BrowserScreen) and browser.failures_per_check is not None, 20)
        assert "polite" in browser.check_names
        shown = []
        for _ in range(3):
            await pilot.press("f")
            await until(pilot, lambda: browser.items is not None and browser.items.filter == browser.item_filter, 20)
            await settle(pilot)
            shown.append(browser.item_filter.failing_check)
        assert shown == ["weather_tag", "answer", None]


async def test_f_says_so_when_no_item_fails_any_check(workspace):
    run = create_run_from_records(workspace, "all-pass", weather_records(4), model="m", adapter=None)
    with workspace.db.transaction() as cur:
        store_check_results(cur, run.run_id, "polite", "contains", {k: (True, "ok") for k in range(4)}, position=0)
    app = noting_app(workspace)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(run.run_id))
        browser = app.screen
        await until(pilot, lambda: browser.failures_per_check is not None, 20)
        await pilot.press("f")
        await settle(pilot)
        assert browser.item_filter.failing_check is None
        assert "no item of this filter fails any check" in app.notes


async def test_G_opens_every_batch_generated_from_the_runs_templates(workspace):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    first = generate(workspace, "weather", n=3)
    second = generate(workspace, "weather", n=2)
    assert first.batch_id != second.batch_id
    app = noting_app(workspace)
    async with app.run_test(size=(330, 40)) as pilot:  # wide enough for the lineage column after a long reason
        await settle(pilot)
        app.open_run(run.run_id)
        await until(pilot, lambda: isinstance(app.screen, OverviewScreen) and app.screen.overview is not None, 20)
        await pilot.press("G")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ExampleReviewScreen)
        assert len(review.rows) == 5
        assert {r.batch_id for r in review.rows} == {first.batch_id, second.batch_id}
        wanted = ("every batch of this run's templates", f"batch {first.batch_id}", f"batch {second.batch_id}")
        # the lineage column is the table's last: measured (and shown) once the table is idle
        await until(pilot, lambda: all(text in screen_text(app) for text in wanted), 20, lambda: screen_text(app))


async def test_G_without_generated_examples_says_how_to_make_some(workspace):
    run = weather_run(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.open_run(run.run_id)
        await until(pilot, lambda: isinstance(app.screen, OverviewScreen) and app.screen.overview is not None, 20)
        await pilot.press("G")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert any("no generated examples yet" in n for n in app.notes)
