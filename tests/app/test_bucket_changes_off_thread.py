"""The buckets screen renames, merges and deletes buckets in workers: the screen answers keys while a change is
written, shows the result once it is done, and a refused change is shown and changes nothing."""

from __future__ import annotations

import threading

from review_support import held_back, noting_app, screen_text, settle, until
from textual.widgets import DataTable

from curator.app.screens.review.buckets import BucketsScreen
from curator.errors import CuratorError
from curator.review import buckets as bucket_domain

SIZE = (140, 40)


def bucket_names(ws) -> list[str]:
    return [name for (name,) in ws.db.fetchall("SELECT name FROM buckets ORDER BY name")]


def shown_buckets(app) -> list[str]:
    return [count.bucket.name for count in app.screen.counts]


def two_buckets(ws) -> None:
    """alpha (items 0, 2) and beta (item 4): the table lists alpha first, with the cursor on it."""
    bucket_domain.label_items(ws, ws.run_id, [0, 2], bucket_domain.create_bucket(ws, "alpha"))
    bucket_domain.label_items(ws, ws.run_id, [4], bucket_domain.create_bucket(ws, "beta"))


async def open_buckets(app, pilot) -> BucketsScreen:
    await settle(pilot)
    app.push_screen(BucketsScreen())
    await settle(pilot)
    assert shown_buckets(app) == ["alpha", "beta"]
    return app.screen


async def answers_keys_while_held(app, pilot, threads) -> None:
    """The change's domain call is held in a worker; the bucket list still moves its cursor."""
    await until(pilot, lambda: threads)
    table = app.screen.query_one("#bucket-list", DataTable)
    before = table.cursor_row
    await pilot.press("down" if before == 0 else "up")
    await until(pilot, lambda: table.cursor_row != before)
    assert isinstance(app.screen, BucketsScreen)
    assert threads[0] is not threading.main_thread()


async def test_a_rename_is_written_in_a_worker_and_shown_when_done(review_ws, monkeypatch):
    two_buckets(review_ws)
    release, threads = held_back(monkeypatch, bucket_domain, "rename_bucket")
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_buckets(app, pilot)
        await pilot.press("f2", "ctrl+u", *"gamma", "enter")
        try:
            await answers_keys_while_held(app, pilot, threads)
            assert shown_buckets(app) == ["alpha", "beta"]
        finally:
            release.set()
        await until(pilot, lambda: shown_buckets(app) == ["beta", "gamma"])
        assert "gamma" in screen_text(app) and "alpha" not in screen_text(app)
    assert bucket_names(review_ws) == ["beta", "gamma"]


async def test_a_merge_is_written_in_a_worker_and_shown_when_done(review_ws, monkeypatch):
    two_buckets(review_ws)
    release, threads = held_back(monkeypatch, bucket_domain, "merge_buckets")
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_buckets(app, pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"beta", "enter")
        await settle(pilot)
        assert "Merge bucket 'alpha' into 'beta'" in screen_text(app)
        await pilot.press("y")
        try:
            await answers_keys_while_held(app, pilot, threads)
        finally:
            release.set()
        await until(pilot, lambda: shown_buckets(app) == ["beta"])
        assert "alpha" not in screen_text(app) and app.screen.counts[0].items == 3
    assert bucket_names(review_ws) == ["beta"]


async def test_a_delete_is_written_in_a_worker_and_shown_when_done(review_ws, monkeypatch):
    two_buckets(review_ws)
    release, threads = held_back(monkeypatch, bucket_domain, "delete_bucket")
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_buckets(app, pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        try:
            await answers_keys_while_held(app, pilot, threads)
        finally:
            release.set()
        await until(pilot, lambda: shown_buckets(app) == ["beta"])
        assert "alpha" not in screen_text(app)
    assert bucket_names(review_ws) == ["beta"]
    assert review_ws.db.fetchone("SELECT count(*) FROM items")[0] == 24


async def test_a_refused_change_is_shown_and_changes_nothing(review_ws, monkeypatch):
    two_buckets(review_ws)
    threads: list[threading.Thread] = []

    def refuse(*args, **kwargs):
        threads.append(threading.current_thread())
        raise CuratorError("bucket names must not be 'gamma' today")

    monkeypatch.setattr(bucket_domain, "rename_bucket", refuse)
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_buckets(app, pilot)
        await pilot.press("f2", "ctrl+u", *"gamma", "enter")
        await until(pilot, lambda: "bucket names must not be 'gamma' today" in app.notes)
        await settle(pilot)
        assert shown_buckets(app) == ["alpha", "beta"] and isinstance(app.screen, BucketsScreen)
        assert "alpha" in screen_text(app)
    assert bucket_names(review_ws) == ["alpha", "beta"]
    assert threads and all(t is not threading.main_thread() for t in threads)
