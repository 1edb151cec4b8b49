"""Pilot tests: real key presses on a real workspace; each asserts what is shown and what DuckDB holds."""

from __future__ import annotations

from review_support import screen_text, settle

from curator.app.curator_app import CuratorApp
from curator.app.screens.review.browser import BrowserScreen
from curator.app.screens.review.buckets import BucketsScreen
from curator.app.screens.review.detail import DetailScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.app.widgets.dialogs import ConfirmDialog
from curator.app.widgets.item_table import ItemTable

SIZE = (120, 36)


def labels(ws) -> list[tuple[int, str]]:
    return ws.db.fetchall(
        "SELECT l.item_key, b.name FROM labels l JOIN buckets b USING (bucket_id) ORDER BY b.name, l.item_key"
    )


async def open_failures(pilot, check: str = "weather_tag") -> BrowserScreen:
    """From the runs screen: open the run, highlight `check` in the overview, enter (its failures)."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, OverviewScreen)
    checks = pilot.app.screen.query_one("#checks-table")
    checks.focus()
    names = [c.name for c in pilot.app.screen.overview.checks]
    checks.move_cursor(row=names.index(check))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BrowserScreen)
    return pilot.app.screen


async def create_bucket_inline(pilot, name: str, description: str) -> None:
    await pilot.press("b")
    await settle(pilot)
    await pilot.press(*name, "enter")
    await pilot.press(*description, "enter")
    await settle(pilot)


async def test_open_run_and_filter_to_failures_of_one_check(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "weather-eval" in screen_text(app) and "tiny-llama" in screen_text(app)
        browser = await open_failures(pilot, "answer")
        shown = screen_text(app)
        assert "failing answer" in shown and "8 of 24 items" in shown
        assert "failing: weather_tag 4, answer 8" in shown
        assert "q000" in shown and "q003" in shown and "q001" not in shown
        assert (
            browser.items.count
            == review_ws.db.fetchone("SELECT count(*) FROM check_results WHERE check_name = 'answer' AND NOT passed")[0]
        )


async def test_bucket_three_items_with_keys_creating_the_bucket_inline(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_failures(pilot)
        await create_bucket_inline(pilot, "missing-tag", "no display_weather tag at all")
        await pilot.press("down", "1", "down", "1")
        await settle(pilot)
        assert labels(review_ws) == [(0, "missing-tag"), (2, "missing-tag"), (4, "missing-tag")]
        assert (
            review_ws.db.fetchone("SELECT description FROM buckets WHERE name = 'missing-tag'")[0]
            == "no display_weather tag at all"
        )
        shown = screen_text(app)
        assert shown.count("missing-tag") == 4  # three rows and the recent-buckets bar


async def test_note_then_undo_takes_back_only_the_note(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_failures(pilot)
        await create_bucket_inline(pilot, "emoji", "wrong emoji")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("N", *"says sunny but no tag", "enter")
        await settle(pilot)
        assert review_ws.db.fetchall("SELECT item_key, text FROM notes") == [(0, "says sunny but no tag")]
        assert "note: says sunny but no tag" in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert review_ws.db.fetchall("SELECT * FROM notes") == []
        assert labels(review_ws) == [(0, "emoji")]
        assert "says sunny" not in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert labels(review_ws) == []
        assert "buckets: none" in screen_text(app)


async def test_detail_moves_through_the_filter_with_j_and_k(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_failures(pilot, "answer")
        await pilot.press("enter")
        await settle(pilot)
        assert "item q000" in screen_text(app)
        await pilot.press("j")
        await settle(pilot)
        assert "item q003" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert "item q003" in screen_text(app)
        await pilot.press("2")  # no recent bucket 2: nothing is written
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one(ItemTable).current_row.item_id == "q003"
        assert labels(review_ws) == []


async def test_apply_a_bucket_to_the_whole_filter_after_confirming_the_count(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_failures(pilot, "answer")
        await pilot.press("A")
        await settle(pilot)
        await pilot.press(*"off-by-one", "enter", *"answer is one too high", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "all 8 items" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert [k for k, _ in labels(review_ws)] == [0, 3, 6, 9, 12, 15, 18, 21]
        await pilot.press("u")
        await settle(pilot)
        assert labels(review_ws) == []


async def test_search_and_filters_combine_and_counts_follow(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        browser = await open_failures(pilot, "weather_tag")
        await pilot.press("slash", *"sunny", "enter")
        await settle(pilot)
        assert '"sunny"' in screen_text(app) and "4 of 24 items" in screen_text(app)
        await pilot.press("slash", "ctrl+u", *"/answer>1[0-9]</", "enter")
        await settle(pilot)
        assert browser.items.count == 5  # failing tag and an answer from 10 to 19 (10, 12, 14, 16, 18)
        await pilot.press("c", "s")
        await settle(pilot)
        assert "split dev" in screen_text(app) and "18 of 24 items" in screen_text(app)
        await pilot.press("slash", *"/[unclosed/", "enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "bad search pattern" in shown and "18 of 24 items" in shown and "unclosed/" not in shown.split("·")[1]


async def test_merge_two_buckets_on_the_buckets_screen(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_failures(pilot)
        await create_bucket_inline(pilot, "no-tag", "")
        await pilot.press("down")
        await create_bucket_inline(pilot, "tag-missing", "")
        await pilot.press("down", "2")  # recent 2 is no-tag
        await settle(pilot)
        assert labels(review_ws) == [(0, "no-tag"), (4, "no-tag"), (2, "tag-missing")]
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BucketsScreen)
        await pilot.press("m")  # the cursor is on no-tag (sorted by name)
        await settle(pilot)
        await pilot.press(*"tag-m", "enter")
        await settle(pilot)
        assert "Merge bucket 'no-tag' into 'tag-missing'" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert labels(review_ws) == [(0, "tag-missing"), (2, "tag-missing"), (4, "tag-missing")]
        shown = screen_text(app)
        assert "tag-missing" in shown and "no-tag" not in shown


async def test_rename_describe_and_delete_a_bucket(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_failures(pilot)
        await create_bucket_inline(pilot, "tmp", "")
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("f2", "ctrl+u", *"renamed", "enter")
        await settle(pilot)
        await pilot.press("e", *"a better description", "enter")
        await settle(pilot)
        assert review_ws.db.fetchall("SELECT name, description FROM buckets") == [("renamed", "a better description")]
        assert "a better description" in screen_text(app) and "weather-eval" in screen_text(app)
        await pilot.press("d", "y")
        await settle(pilot)
        assert review_ws.db.fetchall("SELECT * FROM buckets") == [] and labels(review_ws) == []
        assert review_ws.db.fetchone("SELECT count(*) FROM items")[0] == 24


async def test_delete_a_run_after_confirming_takes_its_labels_but_not_buckets(review_ws):
    from review_support import weather_records

    from curator.review.runs import create_run_from_records

    other = create_run_from_records(review_ws, "other-eval", weather_records(3))
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_failures(pilot)
        await create_bucket_inline(pilot, "keep-me", "")
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "Delete run 'weather-eval' (24 items)?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert review_ws.db.fetchone("SELECT count(*) FROM labels")[0] == 1
        await pilot.press("d", "y")
        await settle(pilot)
        assert review_ws.db.fetchall("SELECT run_id FROM runs") == [(other.run_id,)]
        assert review_ws.db.fetchone("SELECT count(*) FROM labels")[0] == 0
        assert review_ws.db.fetchall("SELECT name FROM buckets") == [("keep-me",)]
        shown = screen_text(app)
        assert "other-eval" in shown and "weather-eval" not in shown


async def test_help_lists_bindings_and_theme_toggles(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        seen = screen_text(app)
        for _ in range(10):  # other packages add their keys too: page through the whole list
            await pilot.press("pagedown")
            await settle(pilot, rounds=1)
            seen += screen_text(app)
        assert "Show the failures of the next check" in seen and "Next item in the current filter" in seen
        assert "Take back the last label or note" in seen and "Merge the bucket into another" in seen
        await pilot.press("escape", "T")
        await settle(pilot)
        assert app.theme == "textual-light"


async def test_command_palette_opens_a_run_and_filters_by_bucket(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"open run weather", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("i")
        await settle(pilot)
        await create_bucket_inline(pilot, "palette-bucket", "")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"filter by bucket palette", "enter")
        await settle(pilot)
        assert "bucket palette-bucket" in screen_text(app) and "1 of 24 items" in screen_text(app)


async def test_export_the_open_run_from_the_palette(review_ws):
    import json

    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"export run as raw", "enter")
        await settle(pilot)
        written = review_ws.exports_dir / "weather-eval-raw.jsonl"
        rows = [json.loads(line) for line in written.read_text().splitlines()]
        assert len(rows) == 24 and rows[0]["item_id"] == "q000"


async def test_paging_a_large_run_shows_the_right_rows_and_keeps_few_pages(workspace):
    from review_support import add_weather_checks, weather_records

    from curator.review.browse import ItemFilter
    from curator.review.runs import create_run_from_records

    run = create_run_from_records(workspace, "big", weather_records(3000))
    add_weather_checks(workspace, run.run_id, 3000)
    app = CuratorApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(run.run_id, failing_check="answer"))
        await settle(pilot)
        table = app.screen.query_one(ItemTable)
        for _ in range(20):
            await pilot.press("pagedown")
        await settle(pilot)
        expected = workspace.db.fetchall(
            "SELECT item_key FROM check_results WHERE check_name = 'answer' AND NOT passed ORDER BY item_key"
        )
        assert table.current_row.item_key == expected[table.cursor_row][0]
        assert f"q{expected[table.cursor_row][0]:03d}" in screen_text(app)
        await pilot.press("end")
        await settle(pilot)
        assert "1,000/1,000" in screen_text(app) and "q2997" in screen_text(app)
        await pilot.press("home")
        await settle(pilot)
        assert "1/1,000" in screen_text(app) and "q000" in screen_text(app)
        assert len(table.items._pages) + len(table.items._ends) <= 7
