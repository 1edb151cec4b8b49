"""The run overview gives dev and held-out pass rates apart: for the run and for each check."""

from __future__ import annotations

from review_support import noting_app, screen_text, settle, until
from textual.widgets import DataTable

from curator.app.screens.review.overview import OverviewScreen, split_rates


def test_split_rates_read_dev_then_held_out_with_their_item_counts():
    assert split_rates({"held_out": (4, 6), "dev": (4, 18)}) == "dev 22.2% of 18 · held-out 66.7% of 6"
    assert split_rates({"dev": (0, 0), "test": (1, 2)}) == "dev – of 0 · test 50.0% of 2"


async def test_the_overview_shows_each_splits_pass_rate(review_ws):
    app = noting_app(review_ws)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.open_run(review_ws.run_id)
        await until(pilot, lambda: isinstance(app.screen, OverviewScreen) and app.screen.summary is not None, 20)
        await settle(pilot)
        shown = screen_text(app)
        assert "33.3% of items pass every check (dev 22.2% of 18 · held-out 66.7% of 6)" in shown
        table = app.screen.query_one("#checks-table", DataTable)
        headers = [str(c.label) for c in table.columns.values()]
        assert headers == ["check", "kind", "pass rate", "dev", "held-out", "failing", "graded"]
        assert [str(c) for c in table.get_row("weather_tag")][3:5] == ["33.3%", "100.0%"]
        assert [str(c) for c in table.get_row("answer")][3:5] == ["66.7%", "66.7%"]
