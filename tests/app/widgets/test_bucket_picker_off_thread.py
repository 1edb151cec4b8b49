"""The bucket picker reads the buckets and creates a new one in workers, never on the UI thread: it opens (and takes
typing) while a slow read is in progress, the buckets appear once it is done, and a new bucket is stored off the
main thread."""

from __future__ import annotations

import threading

from review_support import screen_text, settle, until

from curator.app.curator_app import CuratorApp
from curator.app.widgets import bucket_picker as picker_module
from curator.app.widgets.bucket_picker import BucketPicker
from curator.review import buckets as bucket_domain

SIZE = (120, 36)


async def test_the_picker_opens_while_buckets_are_read_and_creates_off_thread(review_ws, monkeypatch):
    bucket_domain.create_bucket(review_ws, "slow-bucket")
    release, threads = threading.Event(), []
    real_list, real_create = bucket_domain.list_buckets, bucket_domain.create_bucket

    def held_back(ws):
        threads.append(threading.current_thread())
        release.wait(10)
        return real_list(ws)

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread())
        return real_create(*args, **kwargs)

    monkeypatch.setattr(picker_module.bucket_domain, "list_buckets", held_back)
    monkeypatch.setattr(picker_module.bucket_domain, "create_bucket", recorded)
    app = CuratorApp(review_ws)
    chosen = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(BucketPicker("Bucket"), callback=chosen.append)
        await until(pilot, lambda: threads)
        await pilot.press(*"slow")  # typing is answered while the read is held
        await pilot.pause(0.2)
        assert isinstance(app.screen, BucketPicker) and "reading buckets…" in screen_text(app)
        release.set()
        await until(pilot, lambda: "slow-bucket" in screen_text(app))
        await pilot.press(*"-new", "enter")
        await until(pilot, lambda: app.screen.query_one("#picker-description").display)
        await pilot.press(*"made here", "enter")
        await until(pilot, lambda: chosen)
    assert chosen[0].name == "slow-new" and "slow-new" in [b.name for b in real_list(review_ws)]
    assert len(threads) == 2 and all(t is not threading.main_thread() for t in threads)


async def test_a_taken_name_is_refused_on_the_picker(review_ws):
    bucket_domain.create_bucket(review_ws, "taken")
    app = CuratorApp(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        picker = BucketPicker("Bucket", defer_create=False)
        app.push_screen(picker)
        await settle(pilot)
        picker._new_name = "taken"  # as if typed before another session created it
        picker.query_one("#picker-description").display = True
        picker.query_one("#picker-description").focus()
        await pilot.press("enter")
        await until(pilot, lambda: "taken" in screen_text(app) and "already" in screen_text(app).lower())
        assert isinstance(app.screen, BucketPicker)
