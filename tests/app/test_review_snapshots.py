"""Snapshots of the key review screens at a fixed size (update with `pytest --snapshot-update`)."""

from __future__ import annotations

from review_support import settle

from curator.app.curator_app import CuratorApp
from curator.review.browse import ItemFilter

SIZE = (120, 36)


def test_runs_screen(snap_compare, review_ws):
    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(CuratorApp(review_ws), terminal_size=SIZE, run_before=ready)


def test_run_overview(snap_compare, review_ws):
    from curator.review.buckets import create_bucket, label_items

    missing = create_bucket(review_ws, "missing-tag", "no display_weather tag")
    off = create_bucket(review_ws, "off-by-one", "answer one too high")
    label_items(review_ws, review_ws.run_id, [0, 2, 4, 6], missing)
    label_items(review_ws, review_ws.run_id, [0, 3], off)

    async def ready(pilot):
        await settle(pilot)
        pilot.app.open_run(review_ws.run_id)
        await settle(pilot)

    assert snap_compare(CuratorApp(review_ws), terminal_size=SIZE, run_before=ready)


def test_item_detail(snap_compare, review_ws):
    async def ready(pilot):
        await settle(pilot)
        pilot.app.open_item(review_ws.run_id, 0, ItemFilter(review_ws.run_id, failing_check="answer"))
        await settle(pilot)

    assert snap_compare(CuratorApp(review_ws), terminal_size=SIZE, run_before=ready)


def test_item_detail_stacks_when_narrow(snap_compare, review_ws):
    async def ready(pilot):
        await settle(pilot)
        pilot.app.open_item(review_ws.run_id, 3, ItemFilter(review_ws.run_id))
        await settle(pilot)

    assert snap_compare(CuratorApp(review_ws), terminal_size=(80, 40), run_before=ready)
