"""The command palette lists its workspace commands (runs, buckets, checks...) from a thread worker: while a slow
read is in progress the palette is open and takes keys, and the commands appear once the read is done."""

from __future__ import annotations

import threading

from review_support import noting_app, screen_text, settle, until
from textual.command import CommandPalette
from textual.widgets import Input

from curator.app import palette_sources
from curator.app.screens.review.browser import BrowserScreen
from curator.review import buckets as bucket_domain

SIZE = (140, 40)


def bucket_command_listed(app) -> bool:
    """The palette lists "Filter by bucket slow-bucket" (its matched letters are drawn apart: spaces dropped)."""
    return "Filterbybucketslow-bucket" in screen_text(app).replace(" ", "")


async def test_the_palette_opens_and_takes_keys_while_its_buckets_are_read(review_ws, monkeypatch):
    bucket = bucket_domain.create_bucket(review_ws, "slow-bucket")
    bucket_domain.label_items(review_ws, review_ws.run_id, [3], bucket)
    release, threads = threading.Event(), []
    real = palette_sources.bucket_domain.list_buckets

    def held_back(ws):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(ws)

    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_run(review_ws.run_id)
        await settle(pilot)
        monkeypatch.setattr(palette_sources.bucket_domain, "list_buckets", held_back)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: threads)
        await pilot.press(*"filter by bucket slow")
        await pilot.pause(1.0)  # past the palette's "no matches" countdown; workers are not waited for
        assert isinstance(app.screen, CommandPalette) and app.screen.query_one(Input).value == "filter by bucket slow"
        assert not bucket_command_listed(app)  # still being read, and the UI answers
        release.set()
        await until(pilot, lambda: bucket_command_listed(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen) and "1 of 24 items" in screen_text(app))
        assert "bucket slow-bucket" in screen_text(app)
    assert all(t is not threading.main_thread() for t in threads)
