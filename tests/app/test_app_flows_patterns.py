"""Issue 6 through the real app: suggested buckets accepted from the overview; "more like this", tick, bucket, undo."""

from __future__ import annotations

from pattern_families import WordHashEmbedder, make_family_run
from review_support import noting_app, screen_text, settle, until

from curator.app.screens.patterns import PatternsScreen
from curator.app.screens.patterns.similar import SimilarScreen
from curator.app.screens.review.browser import BrowserScreen
from curator.app.screens.review.detail import DetailScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.app.widgets.item_columns import TICK_MARK
from curator.app.widgets.item_table import ItemTable
from curator.patterns.similar import similar_items

SIZE = (140, 40)


def labelled(ws, bucket: str) -> list[int]:
    rows = ws.db.fetchall(
        """SELECT l.item_key FROM labels l JOIN buckets b USING (bucket_id)
                             WHERE b.name = ? ORDER BY 1""",
        [bucket],
    )
    return [r[0] for r in rows]


async def test_suggest_from_the_overview_accept_and_the_bucket_table_follows(workspace):
    run, truth = make_family_run(workspace)
    app = noting_app(workspace, embedder=WordHashEmbedder())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, OverviewScreen) and overview.overview.buckets == []
        await pilot.press("S")
        await settle(pilot)
        patterns = app.screen
        assert isinstance(patterns, PatternsScreen) and patterns.run_id == run.run_id
        await pilot.press("c")
        await until(pilot, lambda: len(patterns.suggestions) == 3)
        chosen = patterns.suggestions[0]
        await pilot.press("a")
        await until(pilot, lambda: overview.overview.buckets)  # refreshed while the suggestions are on top
        assert [(b.bucket.name, b.items) for b in overview.overview.buckets] == [(chosen.name, 20)]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is overview
        await until(pilot, lambda: chosen.name in screen_text(app))  # repainted after the resume reload
    keys = labelled(workspace, chosen.name)
    assert len(keys) == 20 and len({truth[k] for k in keys}) == 1


async def test_more_like_this_then_tick_two_and_bucket_them_then_undo(workspace):
    run, truth = make_family_run(workspace)
    embedder = WordHashEmbedder()
    anchor = min(k for k, family in truth.items() if family == 0)
    app = noting_app(workspace, embedder=embedder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "i")
        await settle(pilot)
        app.screen.query_one(ItemTable).cursor_row = anchor
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.item_key == anchor
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, SimilarScreen))
        assert any(note.startswith("embedding ") for note in app.notes)  # first time: the run is embedded
        ranked = similar_items(workspace, run.run_id, anchor, k=20, embedder=embedder)
        shown = screen_text(app)
        assert f"20 failures most like ex-{anchor}" in shown
        best_key, best_score = ranked[0]
        assert [n.item.item_key for n in app.screen.found] == [key for key, _ in ranked]  # best first
        assert f"{best_score:.3f}" in shown and f"ex-{best_key}" in shown  # the score beside the item
        scores = [n.similarity for n in app.screen.found]
        assert scores == sorted(scores, reverse=True)

        await pilot.press("o")  # open the neighbours in the browser to label them
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen) and app.screen.items is not None)
        browser = app.screen
        assert sorted(browser.item_filter.item_keys) == sorted(k for k, _ in ranked) and browser.items.count == 20
        assert f"20 like ex-{anchor}" in screen_text(app)

        await pilot.press("space", "down", "down", "space")
        shown = screen_text(app)
        assert "2 ticked" in shown and shown.count(TICK_MARK) == 2
        ticked = sorted(browser.ticked)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"punctuation-tag", "enter", *"tag lost after punctuation", "enter")
        await settle(pilot)
        assert labelled(workspace, "punctuation-tag") == ticked
        assert browser.ticked == set() and "punctuation-tag" in screen_text(app)

        await pilot.press("u")
        await settle(pilot)
        assert labelled(workspace, "punctuation-tag") == []

        await pilot.press("m")  # from the browser's highlighted row too
        await until(pilot, lambda: isinstance(app.screen, SimilarScreen) and app.screen.anchor_id != f"ex-{anchor}")
        row = browser.query_one(ItemTable).current_row
        assert app.screen.anchor_id == row.item_id
    assert sum(note.startswith("embedding ") for note in app.notes) == 1  # the second time, all was cached
