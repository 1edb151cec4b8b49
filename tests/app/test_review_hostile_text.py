"""Issue 11: markup, ANSI and OSC 52 in run, check, bucket, suggestion and item text are shown literally on the
runs, overview, browser, detail, buckets and patterns screens (no MarkupError, no escape reaches the terminal)."""

from __future__ import annotations

from pattern_families import WordHashEmbedder
from review_support import screen_text, settle

from curator.app.curator_app import CuratorApp
from curator.app.screens.patterns import PatternsScreen
from curator.app.screens.review.buckets import BucketsScreen
from curator.app.screens.review.detail import DetailScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.patterns.suggestions import suggest_buckets
from curator.review.browse import ItemFilter
from curator.review.buckets import create_bucket, label_items
from curator.review.runs import create_run_from_records
from curator.storage.browse import store_check_results

INST = "[/INST]"
BOLD = "[b]x[/b]"
ANSI = "\x1b[31mred\x1b[0m"
OSC52 = "\x1b]52;c;aGVsbG8=\x07"
HOSTILE = f"{INST} {BOLD} {ANSI} {OSC52}"
SHOWN = "[/INST] [b]x[/b] \\x1b[31mred\\x1b[0m \\x1b]52;c;aGVsbG8=\\x07"
SIZE = (200, 50)


def hostile_workspace(ws) -> int:
    records = [
        {"item_id": f"id{k}{INST}", "input": f"ask {k} {HOSTILE}", "target": "fine", "output": f"{HOSTILE} {k}"}
        for k in range(8)
    ]
    run_id = create_run_from_records(ws, f"run{INST}{ANSI}", records, model="models/m[bold]x[red]").run_id
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, f"chk{INST}", "regex", {k: (k % 2 == 1, HOSTILE) for k in range(8)})
    bucket = create_bucket(ws, f"bk{BOLD}{OSC52}", f"about {INST}")
    label_items(ws, run_id, [1, 3], bucket)
    return run_id


def assert_literal(app, *expected: str) -> None:
    shown = screen_text(app)
    for text in expected:
        assert text in shown, text
    svg = app.export_screenshot()
    assert "\x1b" not in svg and "\x07" not in svg


async def test_hostile_text_is_literal_on_every_review_and_patterns_screen(workspace):
    run_id = hostile_workspace(workspace)
    suggest_buckets(workspace, run_id, embedder=WordHashEmbedder())
    app = CuratorApp(workspace, embedder=WordHashEmbedder())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert_literal(app, "run[/INST]\\x1b[31m", "…/m[bold]x[red]")  # the runs screen: the model folder

        app.open_run(run_id)
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert_literal(app, "chk[/INST]", "bk[b]x[/b]\\x1b]52;c;aGVsbG8=\\x07")  # bucket-table headers and rows
        header = app.screen.query_one("#buckets-table").columns
        assert any(str(c.label) == "chk[/INST]" for c in header.values())

        app.open_browser(ItemFilter(run_id))
        await settle(pilot)
        assert_literal(app, "id0[/INST]", "ask 0 [/INST] [b]x[/b] \\x1b[31m")

        app.open_item(run_id, 1, ItemFilter(run_id))
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        output = str(app.screen.query_one("#text-output").render()).replace("\n", " ")
        assert SHOWN in output
        assert_literal(app, "id1[/INST]", "bk[b]x[/b]\\x1b]52")

        app.action_show_buckets()
        await settle(pilot)
        assert isinstance(app.screen, BucketsScreen)
        assert_literal(app, "bk[b]x[/b]\\x1b]52;c;aGVsbG8=\\x07", "about [/INST]")

        app.open_suggestions(run_id)
        await settle(pilot)
        assert isinstance(app.screen, PatternsScreen) and app.screen.suggestions
        assert_literal(app, "chk[/INST]", "id0[/INST]: ask 0 [/INST] [b]x[/b]")
