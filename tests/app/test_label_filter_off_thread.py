"""Labelling every item of a filter reads the bucket names its question needs in a worker, never on the UI thread:
the browser stays up while a slow read is held, and the question appears once the read is done."""

from __future__ import annotations

import threading

from review_support import screen_text, settle, until

from curator.app.curator_app import CuratorApp
from curator.app.screens.review import browser_filters
from curator.app.screens.review.browser import BrowserScreen
from curator.app.widgets.dialogs import ConfirmDialog
from curator.review import buckets as bucket_domain
from curator.review.browse import ItemFilter

SIZE = (140, 40)


async def test_the_label_all_question_waits_for_the_bucket_names(review_ws, monkeypatch):
    bucket_domain.create_bucket(review_ws, "answers-off")
    release, threads = threading.Event(), []
    real = bucket_domain.list_buckets

    def held_back(ws):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(ws)

    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(review_ws.run_id, failing_check="answer"))
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)  # the picker has read its buckets
        monkeypatch.setattr(browser_filters.bucket_domain, "list_buckets", held_back)
        await pilot.press(*"answers-off", "enter")
        await until(pilot, lambda: threads)
        await pilot.pause(0.2)
        assert isinstance(app.screen, BrowserScreen)
        release.set()
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await until(pilot, lambda: "8 items matching failing answer in bucket 'answers-off'?" in screen_text(app))
        await pilot.press("y")
        await until(pilot, lambda: review_ws.db.fetchone("SELECT count(*) FROM labels")[0] == 8)
    assert all(t is not threading.main_thread() for t in threads)
