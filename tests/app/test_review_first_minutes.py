"""Issue 12, first minutes: the overview starts on the worst check, the browser shows what differs, the detail
marks changed characters and says where it is in the filter, and the bucket dialogs keep their word."""

from __future__ import annotations

from review_support import screen_text, settle

from curator.app.curator_app import CuratorApp
from curator.app.screens.review.browser import BrowserScreen
from curator.app.screens.review.detail import DetailScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.app.widgets.bucket_picker import BucketPicker
from curator.app.widgets.dialogs import ConfirmDialog
from curator.app.widgets.item_table import ItemTable
from curator.review.browse import ItemFilter
from curator.review.runs import create_run_from_records
from curator.storage.browse import store_check_results

SIZE = (120, 36)


def bucket_names(ws) -> list[str]:
    return [r[0] for r in ws.db.fetchall("SELECT name FROM buckets ORDER BY name")]


async def open_overview(pilot, run_id: int) -> OverviewScreen:
    await settle(pilot)
    pilot.app.open_run(run_id)
    await settle(pilot)
    assert isinstance(pilot.app.screen, OverviewScreen)
    return pilot.app.screen


def passing_check_run(ws) -> int:
    """A run whose first check passes everywhere and whose second fails on a third of the items."""
    records = [{"item_id": f"i{k}", "input": "q", "target": "a", "output": "a" if k % 3 else "b"} for k in range(9)]
    run_id = create_run_from_records(ws, "mixed", records).run_id
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, "format", "regex", {k: (True, "ok") for k in range(9)}, position=0)
        store_check_results(cur, run_id, "answer", "exact", {k: (k % 3 != 0, "") for k in range(9)}, position=1)
        store_check_results(cur, run_id, "tone", "regex", {k: (k != 4, "") for k in range(9)}, position=2)
    return run_id


async def test_overview_starts_on_the_worst_check_and_enter_opens_its_failures(workspace):
    run_id = passing_check_run(workspace)
    app = CuratorApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        overview = await open_overview(pilot, run_id)
        checks = overview.query_one("#checks-table")
        assert app.focused is checks and checks.cursor_row == 1  # `answer`, 66.7%, not `format` at 100%
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen) and app.screen.items.count == 3
        assert "failing answer" in screen_text(app)


async def test_enter_on_a_check_without_failures_says_so_and_offers_all_failures(workspace):
    run_id = passing_check_run(workspace)
    app = CuratorApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        overview = await open_overview(pilot, run_id)
        overview.query_one("#checks-table").move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "format has no failures. Browse every item that fails any check instead?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.items.count == 4  # items 0, 3, 6 fail answer; 4 fails tone
        assert "failing any check" in screen_text(app) and "4 of 9 items" in screen_text(app)


async def test_the_empty_bucket_table_says_how_to_make_a_bucket(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot, review_ws.run_id)
        assert "No buckets yet: press i to browse the items, then b on an item" in screen_text(app)


def long_id_run(ws) -> int:
    target = "<think>It is sunny.</think><answer>" + "x" * 80 + "</answer><display_weather>☀</display_weather>"
    records = [
        {
            "item_id": f"dev-sunny_punctuation-{k:02d}",
            "input": "<api> Sunny, isn't it?",
            "target": target,
            "output": target.replace("☀", "☁") if k % 2 else target.split("<display_weather>")[0],
        }
        for k in range(6)
    ]
    run_id = create_run_from_records(ws, "long-ids", records).run_id
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, "think_and_answer", "regex", {k: (True, "") for k in range(6)})
        store_check_results(cur, run_id, "emoji", "regex", {k: (False, "") for k in range(6)}, position=1)
    return run_id


async def test_browser_rows_show_distinct_ids_whole_check_names_and_the_difference(workspace):
    run_id = long_id_run(workspace)
    app = CuratorApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(run_id))
        await settle(pilot)
        shown = screen_text(app)
        assert "think_and_answer" in shown and "emoji" in shown  # headers whole
        ids = [line.split()[0] for line in shown.splitlines() if line.startswith("dev-")]
        assert len(set(ids)) == 6 and all(i.endswith(f"-{n:02d}") for n, i in enumerate(ids))  # cut in the middle
        assert "☁</display_weath" in shown  # the wrong emoji, 120 characters into the output
        assert "x</answer>" in shown  # where the missing tag should have started


async def test_text_columns_resize_with_the_angle_brackets(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(review_ws.run_id))
        await settle(pilot)
        table = app.screen.query_one(ItemTable)
        widths = {c.kind: c.width for c in table.columns()}
        await pilot.press(">", ">")
        wider = {c.kind: c.width for c in table.columns()}
        assert wider["input"] > widths["input"] and wider["output"] < widths["output"]
        assert sum(wider.values()) == sum(widths.values())
        assert "It is sunny today, 0 degrees." in screen_text(app)  # the whole input now fits


async def test_rows_render_a_placeholder_without_a_query_and_fill_in_from_a_worker(review_ws, monkeypatch):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(review_ws.run_id))
        await settle(pilot)
        table = app.screen.query_one(ItemTable)
        table.items.forget_pages()
        queries = []
        real = review_ws.db.fetchall
        monkeypatch.setattr(review_ws.db, "fetchall", lambda *a, **k: queries.append(a) or real(*a, **k))
        strip = table.render_line(1)
        assert queries == [] and "…" in strip.text and "q000" not in strip.text
        await settle(pilot)
        assert "q000" in table.render_line(1).text and queries  # read by the worker, then drawn


async def test_detail_marks_changed_characters_keeps_tags_whole_and_shows_its_position(workspace):
    run_id = long_id_run(workspace)
    app = CuratorApp(workspace)
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)
        app.open_item(run_id, 1, ItemFilter(run_id))
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "2/6" in screen_text(app)
        output = app.screen.query_one("#text-output").render()
        strong = [output.plain[s.start : s.end] for s in output.spans if "bold" in str(s.style)]
        assert strong == ["☁"]  # only the changed character, not the whole tagged token
        lines = output.plain.splitlines()
        assert all(line.count("<") == line.count(">") for line in lines)  # no tag split across lines
        await pilot.press("j")
        await settle(pilot)
        assert "3/6" in screen_text(app)


async def test_saying_no_to_bucket_all_creates_no_bucket(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(review_ws.run_id, failing_check="answer"))
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press(*"bright sunshine synonyms", "enter", *"synonym of sunny", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        shown = screen_text(app)  # the dialog wraps its question, cutting nothing
        assert "in the new bucket 'bright sunshine" in shown and "synonyms'? (u undoes it)" in shown
        assert bucket_names(review_ws) == []
        await pilot.press("n")
        await settle(pilot)
        assert bucket_names(review_ws) == []
        await pilot.press("A")
        await settle(pilot)
        await pilot.press(*"bright sunshine synonyms", "enter", "enter", "y")
        await settle(pilot)
        assert bucket_names(review_ws) == ["bright sunshine synonyms"]
        assert review_ws.db.fetchone("SELECT count(*) FROM labels")[0] == 8


async def test_an_empty_bucket_name_is_refused_with_a_message(review_ws):
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_show_buckets()
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, BucketPicker)
        await pilot.press("space", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BucketPicker) and "type a bucket name first" in screen_text(app)
        assert bucket_names(review_ws) == []


async def test_a_failed_label_all_says_so_and_changes_nothing(review_ws, monkeypatch):
    from curator.storage import buckets as bucket_queries

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bucket_queries, "add_labels_for_filter", broken)
    app = CuratorApp(review_ws)
    notes = []
    app.notify = lambda message, **options: notes.append(message)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(review_ws.run_id, failing_check="answer"))
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press(*"off-by-one", "enter", "enter", "y")
        await settle(pilot)
        assert any("failed, nothing changed: disk full" in n for n in notes)
        assert bucket_names(review_ws) == [] and review_ws.db.fetchone("SELECT count(*) FROM labels")[0] == 0


async def test_a_reevaluated_run_shows_and_filters_by_its_parents_buckets(review_ws):
    from review_support import weather_records

    from curator.review.buckets import create_bucket, get_bucket, label_items

    label_items(review_ws, review_ws.run_id, [0, 2, 4], create_bucket(review_ws, "missing-tag"))
    child = create_run_from_records(review_ws, "after", weather_records(), parent_run_id=review_ws.run_id)
    app = CuratorApp(review_ws)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(child.run_id))
        await settle(pilot)
        browser = app.screen
        shown = screen_text(app)
        assert shown.count("↑missing-tag") == 3  # q000, q002, q004 carry the parent's bucket
        browser.filter_by_bucket(get_bucket(review_ws, "missing-tag"))
        await settle(pilot)
        assert browser.items.count == 3
        assert "bucket missing-tag (here or in a parent run)" in screen_text(app)
