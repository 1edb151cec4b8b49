"""In a re-evaluated run, filtering by bucket reads the keys of the bucket's items (here or in a parent run) in a
worker: the browser answers keys meanwhile, shows the filter once they are read, and a later filter request wins
over an earlier slower one."""

from __future__ import annotations

import threading

from review_support import held_back, noting_app, screen_text, settle, until, weather_records

from curator.app.screens.review import browser_filters
from curator.app.screens.review.browser import BrowserScreen
from curator.app.widgets.item_table import ItemTable
from curator.review.browse import ItemFilter
from curator.review.buckets import create_bucket, label_items
from curator.review.runs import create_run_from_records

SIZE = (160, 40)


def child_with_parent_buckets(ws) -> int:
    """Run 'after', whose parent has bucket missing-tag (items 0, 2, 4) and wrong-answer (3, 6, 9, 12)."""
    label_items(ws, ws.run_id, [0, 2, 4], create_bucket(ws, "missing-tag"))
    label_items(ws, ws.run_id, [3, 6, 9, 12], create_bucket(ws, "wrong-answer"))
    return create_run_from_records(ws, "after", weather_records(), parent_run_id=ws.run_id).run_id


async def open_child(app, pilot, run_id: int) -> BrowserScreen:
    await settle(pilot)
    app.open_browser(ItemFilter(run_id))
    await settle(pilot)
    assert isinstance(app.screen, BrowserScreen) and app.screen.items.count == 24
    return app.screen


async def choose_bucket(pilot, name: str) -> None:
    """F, then the bucket's name in the picker (the picker reads the buckets in a worker)."""
    await pilot.press("F")
    await until(pilot, lambda: pilot.app.screen.query("#picker-options") and pilot.app.screen._buckets is not None)
    await pilot.press(*name, "enter")


async def test_the_bucket_filter_reads_its_keys_in_a_worker(review_ws, monkeypatch):
    child = child_with_parent_buckets(review_ws)
    release, threads = held_back(monkeypatch, browser_filters, "inherited_bucket_keys")
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        browser = await open_child(app, pilot, child)
        await choose_bucket(pilot, "missing-tag")
        table = browser.query_one(ItemTable)
        try:
            await until(pilot, lambda: threads)
            before = table.cursor_row
            await pilot.press("down")
            await until(pilot, lambda: table.cursor_row == before + 1)
            assert app.screen is browser and browser.items.count == 24
        finally:
            release.set()
        await until(pilot, lambda: browser.items.count == 3 and browser.item_filter.keys_label is not None)
        await settle(pilot)
        assert "bucket missing-tag (here or in a parent run)" in screen_text(app)
        assert "3 of 24 items" in screen_text(app)
    assert threads[0] is not threading.main_thread()


async def test_a_later_filter_request_wins_over_an_earlier_slower_one(review_ws, monkeypatch):
    child = child_with_parent_buckets(review_ws)
    release, threads = threading.Event(), []
    real = browser_filters.inherited_bucket_keys

    def first_is_slow(ws, run_id, bucket_id):
        threads.append(threading.current_thread())
        if len(threads) == 1:
            release.wait(10)
        return real(ws, run_id, bucket_id)

    monkeypatch.setattr(browser_filters, "inherited_bucket_keys", first_is_slow)
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        browser = await open_child(app, pilot, child)
        try:
            await choose_bucket(pilot, "missing-tag")
            await until(pilot, lambda: threads)
            await choose_bucket(pilot, "wrong-answer")
            await until(pilot, lambda: browser.items.count == 4)
        finally:
            release.set()
        await until(pilot, lambda: len(threads) == 2)
        await settle(pilot)
        assert browser.items.count == 4 and "bucket wrong-answer (here or in a parent run)" in screen_text(app)

        release.clear()
        threads.clear()
        await choose_bucket(pilot, "missing-tag")  # held again: c (clear the filter) is pressed meanwhile
        await until(pilot, lambda: threads)
        await pilot.press("c")
        await until(pilot, lambda: browser.items.count == 24)
        release.set()
        await settle(pilot)
        assert browser.items.count == 24 and browser.item_filter == ItemFilter(child)
        assert "missing-tag (here" not in screen_text(app)
    assert all(t is not threading.main_thread() for t in threads)
