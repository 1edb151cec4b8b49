"""Model output is shown literally: markup, ANSI escapes and control characters never style the terminal."""

from __future__ import annotations

from review_support import screen_text, settle

from curator.app.curator_app import CuratorApp
from curator.app.screens.review.detail import DetailScreen
from curator.app.widgets.literal import literal
from curator.review.browse import ItemFilter
from curator.review.runs import create_run_from_records

HOSTILE = "[bold red]shout[/] \x1b[31mred\x1b[0m \x07bell \x1b[2J wiped"
MEGABYTE = "x" * 1_000_000


def hostile_run(ws) -> int:
    records = [
        {"item_id": "markup", "input": "[link=http://x]click[/link]", "target": "calm", "output": HOSTILE},
        {"item_id": "huge", "input": "long one", "target": "short", "output": MEGABYTE + " END-OF-OUTPUT"},
    ]
    return create_run_from_records(ws, "hostile", records).run_id


def test_control_characters_are_written_out():
    assert literal("a\x1b[31mb\x07\r") == "a\\x1b[31mb\\x07\\x0d"
    assert literal("tab\tand\nnewline") == "tab    and\nnewline"
    assert literal("rtl\u202eoverride") == "rtl\\u202eoverride"


async def test_markup_and_ansi_in_output_are_shown_escaped(workspace):
    run_id = hostile_run(workspace)
    app = CuratorApp(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(run_id))
        await settle(pilot)
        table_text = screen_text(app)
        assert "[bold red]shout[/] \\x1b[31mred" in table_text
        assert "[link=http://x]click[/link]" in table_text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        output = str(app.screen.query_one("#text-output").render()).replace("\n", " ")
        assert "[bold red]shout[/] \\x1b[31mred\\x1b[0m \\x07bell \\x1b[2J wiped" in output
        assert "[bold red]shout" in screen_text(app)
        assert "\x1b" not in app.export_screenshot().replace("\\x1b", "")


async def test_a_megabyte_output_opens_clipped_and_expands_page_by_page(workspace):
    run_id = hostile_run(workspace)
    app = CuratorApp(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_item(run_id, 1, ItemFilter(run_id))
        await settle(pilot)
        output = str(app.screen.query_one("#text-output").render())
        assert "980,014 more characters (e: show 50,000 more)" in output
        assert "END-OF-OUTPUT" not in output
        await pilot.press("e")
        await settle(pilot)
        output = str(app.screen.query_one("#text-output").render())
        assert "930,014 more characters (e: show 50,000 more)" in output
        assert output.count("x") == 70_000


async def test_expanding_a_50_megabyte_output_stops_at_the_cap(workspace):
    from curator.app.screens.review.detail import EXPAND_CAP

    huge = "y" * 50_000_000 + " THE-END"
    run_id = create_run_from_records(workspace, "huge", [{"item_id": "big", "input": "q", "output": huge}]).run_id
    app = CuratorApp(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_item(run_id, 0, ItemFilter(run_id))
        await settle(pilot)
        for _ in range(10):
            await pilot.press("e")
            await settle(pilot)
            shown = str(app.screen.query_one("#text-output").render())
            if "not shown" in shown:
                break
        assert shown.count("y") == EXPAND_CAP
        assert f"{len(huge) - EXPAND_CAP:,} more characters not shown" in shown
        assert "THE-END" not in shown
        await pilot.press("e")
        await settle(pilot)
        assert str(app.screen.query_one("#text-output").render()).count("y") == 20_000
