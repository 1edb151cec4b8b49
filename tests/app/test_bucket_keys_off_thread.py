"""Bucket keys (1-9, N, u) read and write DuckDB in workers, never on the UI thread, in the order they were pressed."""

from __future__ import annotations

import threading

from review_support import noting_app, settle, until

from curator.app.screens.review import labelling
from curator.app.screens.review.detail import DetailScreen
from curator.review import buckets as bucket_domain
from curator.review.browse import ItemFilter

SIZE = (140, 40)


def bucket_items(ws) -> list[int]:
    return [k for (k,) in ws.db.fetchall("SELECT item_key FROM labels ORDER BY item_key")]


async def test_recent_bucket_note_and_undo_run_in_workers(review_ws, monkeypatch):
    bucket = bucket_domain.create_bucket(review_ws, "off-by-one")
    bucket_domain.label_items(review_ws, review_ws.run_id, [5], bucket)  # now a recent bucket
    threads: list[threading.Thread] = []
    for name in ("recent_buckets", "label_items", "add_note", "undo_last"):
        real = getattr(labelling.bucket_domain, name)

        def recorded(*args, _real=real, **kwargs):
            threads.append(threading.current_thread())
            return _real(*args, **kwargs)

        monkeypatch.setattr(labelling.bucket_domain, name, recorded)
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_item(review_ws.run_id, 0, ItemFilter(review_ws.run_id))
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.recent)
        await pilot.press("1")
        await until(pilot, lambda: "in bucket off-by-one" in app.notes)
        assert bucket_items(review_ws) == [0, 5]
        await pilot.press("N")
        await settle(pilot)
        await pilot.press(*"looks off", "enter")
        await until(pilot, lambda: "note saved" in app.notes)
        await pilot.press("u", "u")  # the note, then the label: in the order pressed
        await until(pilot, lambda: sum(n.startswith("undone") for n in app.notes) == 2)
        assert bucket_items(review_ws) == [5]
        assert [n for n in app.notes if n.startswith("undone")] == [
            "undone: note",
            "undone: 1 label(s) in bucket off-by-one",
        ]
    assert threads and all(t is not threading.main_thread() for t in threads)
