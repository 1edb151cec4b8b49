"""Snapshots of the review screens at 80x24 and 160x48 (update with `pytest --snapshot-update`)."""

from __future__ import annotations

import pytest
from review_support import settle

from curator.app.curator_app import CuratorApp
from curator.review.browse import ItemFilter

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


def with_buckets(ws) -> None:
    from curator.review.buckets import add_note, create_bucket, label_items

    missing = create_bucket(ws, "missing-tag", "no display_weather tag")
    off = create_bucket(ws, "off-by-one", "answer one too high")
    label_items(ws, ws.run_id, [0, 2, 4, 6], missing)
    label_items(ws, ws.run_id, [0, 3], off)
    add_note(ws, ws.run_id, 3, "answers 4 where the target says 3")


def test_runs_screen(snap_compare, review_ws):
    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(CuratorApp(review_ws), terminal_size=(120, 36), run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_run_overview(snap_compare, review_ws, size):
    with_buckets(review_ws)

    async def ready(pilot):
        await settle(pilot)
        pilot.app.open_run(review_ws.run_id)
        await settle(pilot)

    assert snap_compare(CuratorApp(review_ws), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_item_browser(snap_compare, review_ws, size):
    with_buckets(review_ws)

    async def ready(pilot):
        await settle(pilot)
        pilot.app.open_browser(ItemFilter(review_ws.run_id, failing_check="weather_tag"))
        await settle(pilot)
        await pilot.press("down", "space")
        await settle(pilot)

    assert snap_compare(CuratorApp(review_ws), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_item_detail(snap_compare, review_ws, size):
    with_buckets(review_ws)

    async def ready(pilot):
        await settle(pilot)
        pilot.app.open_item(review_ws.run_id, 3, ItemFilter(review_ws.run_id, failing_check="answer"))
        await settle(pilot)

    assert snap_compare(CuratorApp(review_ws), terminal_size=size, run_before=ready)
