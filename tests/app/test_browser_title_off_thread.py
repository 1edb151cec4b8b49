"""The item browser reads the bucket names of its title in its filter worker, never on the UI thread: the screen
opens (and answers keys) while a slow read is in progress, and the bucket's name appears once it is done."""

from __future__ import annotations

import threading

from review_support import screen_text, settle, until

from curator.app.curator_app import CuratorApp
from curator.app.screens.review import browser as browser_module
from curator.app.screens.review.browser import BrowserScreen
from curator.review import buckets as bucket_domain
from curator.review.browse import ItemFilter

SIZE = (140, 40)


async def test_the_browser_opens_while_its_bucket_names_are_read(review_ws, monkeypatch):
    bucket = bucket_domain.create_bucket(review_ws, "slow-names")
    bucket_domain.label_items(review_ws, review_ws.run_id, [3, 4], bucket)
    release, threads = threading.Event(), []
    real = browser_module.bucket_domain.list_buckets

    def held_back(ws):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(ws)

    monkeypatch.setattr(browser_module.bucket_domain, "list_buckets", held_back)
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(review_ws.run_id, bucket_id=bucket.bucket_id))
        await until(pilot, lambda: threads)
        await pilot.press("space")  # a key the screen answers at once
        await pilot.pause(0.2)
        assert isinstance(app.screen, BrowserScreen) and "filtering: bucket" in screen_text(app)
        release.set()
        await until(pilot, lambda: "bucket slow-names" in screen_text(app) and "2 of 24 items" in screen_text(app))
    assert all(t is not threading.main_thread() for t in threads)
