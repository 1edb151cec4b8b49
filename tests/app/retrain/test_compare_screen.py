"""The compare screen: tables from the stored results, item lists, the side-by-side view."""

from loopwork import weather_run
from textual.app import App
from textual.widgets import DataTable

from curator.app.screens.retrain import CompareScreen, SideBySideScreen
from curator.checks import run_checks
from curator.demo.setup import demo_checks
from curator.review.runs import create_run_from_records
from curator.storage import items as item_queries


class ScreenApp(App):
    def __init__(self, screen):
        super().__init__()
        self.screen_under_test = screen

    def on_mount(self) -> None:
        self.push_screen(self.screen_under_test)


def _after(ws, parent):
    records = []
    for item in item_queries.iter_items(ws.db, parent.run_id):
        output = item.target if item.item_id == "held_out-bright-0" else item.output
        if item.item_id == "dev-plain-0":
            output = "<answer>0</answer>"
        records.append(
            {"item_id": item.item_id, "input": item.input, "target": item.target, "output": output, "split": item.split}
        )
    run = create_run_from_records(ws, "after", records, parent_run_id=parent.run_id)
    run_checks(ws, run.run_id, demo_checks())
    return run


async def test_the_screen_shows_rates_deltas_and_opens_both_outputs(workspace):
    parent = weather_run(workspace, per_case=1)
    after = _after(workspace, parent)
    screen = CompareScreen(workspace, after.run_id)
    app = ScreenApp(screen)
    async with app.run_test(size=(140, 60)) as pilot:
        checks = screen.query_one("#compare-checks", DataTable)
        row = checks.get_row("weather_tag")
        # 7 <api> items per split: 1 plain passes before; held-out gains one, dev loses its plain one.
        assert [str(c) for c in row] == ["weather_tag", "14%", "0%", "-14.3", "14%", "29%", "+14.3"]
        fixed = screen.query_one("#compare-fixed", DataTable)
        assert fixed.row_count == 1 and fixed.get_row_at(0)[0] == "held_out-bright-0"
        assert screen.query_one("#compare-regressed", DataTable).get_row_at(0)[0] == "dev-plain-0"
        fixed.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SideBySideScreen)
        before_text = str(app.screen.query_one("#side-before").render())
        after_text = str(app.screen.query_one("#side-after").render())
        assert "<display_weather>" not in before_text and "<display_weather>☀</display_weather>" in after_text
