"""The compare screen: computed in a worker with a loading state, the held-out verdict per check and the red
warning, counts that open their items in the browser, base or parent, the settings refusal, 80x24 and 160x48."""

import sys
import threading
from pathlib import Path

import pytest
from review_support import noting_app, screen_text, settle
from textual.widgets import DataTable, LoadingIndicator, Static

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "compare"))
from runpairs import make_pair, make_run  # noqa: E402

from curator.app.screens.retrain import CompareScreen, SideBySideScreen  # noqa: E402
from curator.app.screens.review.browser import BrowserScreen  # noqa: E402
from curator.storage import items as item_queries  # noqa: E402

WIDE, SMALL = (160, 48), (80, 24)
SETTINGS = {"max_new_tokens": 48, "temperature": 0.0, "top_p": 1.0, "batch_size": 64, "seed": 0}


async def _open(app, pilot, run_ref, **options) -> CompareScreen:
    await settle(pilot)
    screen = CompareScreen(app.workspace, run_ref, **options)
    app.push_screen(screen)
    await settle(pilot)
    return screen


def _cells(table: DataTable, row: str) -> list[str]:
    return [str(c) for c in table.get_row(row)]


async def test_the_comparison_is_computed_in_a_worker_behind_a_loading_state(workspace, monkeypatch):
    _before, after = make_pair(workspace)
    from curator.app.screens.retrain import compare as screen_module

    release, real = threading.Event(), screen_module.compare_runs

    def held_back(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(screen_module, "compare_runs", held_back)
    app = noting_app(workspace)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = CompareScreen(workspace, after.name)
        assert screen.comparison is None  # nothing computed in __init__
        app.push_screen(screen)
        await pilot.pause()
        assert screen.query_one(LoadingIndicator).display
        assert "comparing the two runs" in screen_text(app)
        release.set()
        await settle(pilot)
        assert not screen.query_one(LoadingIndicator).display
        assert screen.comparison is not None and screen.query_one("#compare-held-out", DataTable).row_count == 7


async def test_held_out_is_the_verdict_with_mcnemar_and_a_red_warning(workspace):
    _before, after = make_pair(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _open(app, pilot, after.name)
        held = screen.query_one("#compare-held-out", DataTable)
        assert _cells(held, "answer") == ["answer", "94%", "50%", "-43.8", "0", "7", "1", "regressed, p = 0.0156"]
        assert _cells(held, "weather_tag")[-1] == "no significant change, p = 1"
        assert _cells(held, "passes every check")[:4] == ["passes every check", "88%", "50%", "-37.5"]
        dev = screen.query_one("#compare-dev", DataTable)
        assert _cells(dev, "weather_tag") == ["weather_tag", "86%", "86%", "±0", "1", "1", "1"]
        warning = screen.query_one(".compare-warning", Static)
        expected = "⚠ answer regressed significantly on held-out: 7 items broke, 0 fixed (p = 0.0156)"
        assert str(warning.render()) == expected
        drawn = [seg for seg in warning.render_line(0) if seg.text.strip()]
        colours = {seg.style.color.get_truecolor() for seg in drawn}
        assert drawn and all(seg.style.bold for seg in drawn)
        assert all(r > 200 and g < 90 and b < 90 for r, g, b in colours)  # red
        shown = screen_text(app)
        assert "held-out: the verdict" in shown and "dev: seen by training (replay) and by early stopping" in shown
        assert "regressed: 9 items" in shown and "fixed: 2 items" in shown


async def test_enter_on_a_count_opens_its_items_in_the_browser(workspace):
    _before, after = make_pair(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _open(app, pilot, after.name)
        held = screen.query_one("#compare-held-out", DataTable)
        held.focus()
        held.cursor_coordinate = (held.get_row_index("answer"), held.get_column_index("regressed"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        keys = app.screen.item_filter.item_keys
        ids = sorted(item_queries.get_item(workspace.db, after.run_id, k).item_id for k in keys)
        assert len(ids) == 7 and all(i.startswith("held_out-") for i in ids)
        assert app.screen.item_filter.run_id == after.run_id


async def test_enter_on_an_item_shows_both_outputs_and_the_parents_buckets(workspace):
    from curator.review import buckets as bucket_domain

    before, after = make_pair(workspace)
    bucket = bucket_domain.create_bucket(workspace, "clear skies")
    key = item_queries.find_item_key(workspace.db, before.run_id, "held_out-clear-0")
    bucket_domain.label_items(workspace, before.run_id, [key], bucket)
    app = noting_app(workspace)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _open(app, pilot, after.name)
        fixed = screen.query_one("#compare-fixed", DataTable)
        row = [str(c) for c in fixed.get_row_at(1)]
        assert row == ["held_out-clear-0", "held_out", "emoji, weather_tag", "clear skies"]
        fixed.focus()
        fixed.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SideBySideScreen)
        assert "<display_weather>" not in str(app.screen.query_one("#side-before").render())
        assert "<display_weather>☀</display_weather>" in str(app.screen.query_one("#side-after").render())


async def test_b_switches_between_the_base_run_and_the_parent(workspace):
    _base, job1 = make_pair(workspace)
    job2 = make_run(workspace, "base@job2", {}, parent=job1, adapter="adapters/job-2/adapter")
    app = noting_app(workspace)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _open(app, pilot, job2.name)
        assert screen.comparison.before_run.name == "base" and "(b: against the parent)" in screen_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert screen.comparison.before_run.name == "base@job1"
        assert "vs  before base@job1 (its parent)" in screen_text(app)


async def test_runs_generated_differently_are_refused_until_a_is_pressed(workspace):
    _before, after = make_pair(workspace, SETTINGS, {**SETTINGS, "max_new_tokens": 64})
    app = noting_app(workspace)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _open(app, pilot, after.name)
        assert screen.comparison is None
        title = str(screen.query_one("#compare-title", Static).render())
        assert title.startswith("cannot compare: runs 'base' and 'base@job1' were generated with different settings")
        assert "max_new_tokens 48 -> 64" in title and title.endswith("press a to compare anyway")
        await pilot.press("a")
        await settle(pilot)
        assert screen.comparison is not None
        note = str(screen.query_one("#compare-settings", Static).render())
        assert note.endswith("compared anyway, as asked")


async def test_at_80x24_the_verdict_stays_and_less_important_columns_go(workspace):
    _before, after = make_pair(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _open(app, pilot, after.name)
        held = screen.query_one("#compare-held-out", DataTable)
        assert [str(c.label) for c in held.columns.values()] == [
            "check",
            "before",
            "after",
            "fixed",
            "regr.",
            "verdict (McNemar)",
        ]
        assert [str(c) for c in held.get_row("answer")][-1] == "regressed\np = 0.0156"
        assert held.virtual_size.width <= SMALL[0]
        assert screen.query_one("#compare-lists").has_class("narrow")
        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        wide = screen.query_one("#compare-held-out", DataTable)
        assert "still failing" in [str(c.label) for c in wide.columns.values()]


@pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "160x48"])
def test_compare_screen_snapshot(snap_compare, workspace, size):
    _before, after = make_pair(workspace)

    async def ready(pilot):
        await settle(pilot)
        pilot.app.push_screen(CompareScreen(workspace, after.name))
        await settle(pilot)

    assert snap_compare(noting_app(workspace), terminal_size=size, run_before=ready)


async def test_the_regressed_list_mounts_a_page_at_a_time_and_enter_opens_an_item_of_any_page(workspace, monkeypatch):
    from curator.app.screens.retrain import change_list

    monkeypatch.setattr(change_list, "PAGE_ROWS", 4)  # the pair regresses 9 items: pages of 4, 4 and 1
    _before, after = make_pair(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _open(app, pilot, after.name)
        regressed = screen.query_one("#compare-regressed", DataTable)
        assert len(screen.comparison.regressed) == 9 and regressed.row_count == 4
        heading = screen.query_one("#regressed-heading", Static)
        assert str(heading.render()) == "regressed: 9 items (a check that passed now fails) (1–4 shown, ] and [ page)"
        regressed.focus()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert [str(regressed.coordinate_to_cell_key((r, 0)).row_key.value) for r in range(4)] == ["4", "5", "6", "7"]
        assert "(5–8 shown" in str(heading.render())
        regressed.move_cursor(row=3)
        await pilot.press("down")  # past the end of a page: the next one
        await pilot.pause()
        assert regressed.row_count == 1 and "(9–9 shown" in str(heading.render())
        await pilot.press("up")  # before its start: the previous one, cursor on its last row
        await pilot.pause()
        assert regressed.row_count == 4 and regressed.cursor_row == 3
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SideBySideScreen)
        assert app.screen.change == screen.comparison.regressed[7]
