"""Snapshots of a slot's proposals list at 80x24 and 160x48 (update with `pytest --snapshot-update`): the guard's
verdicts and reasons, a markup-looking value shown as the model wrote it."""

from __future__ import annotations

import pytest
from fixwork import weather_run
from review_support import settle
from test_fix_screens import FixApp
from test_slot_expansion_form import FORECAST, PROPOSALS

from curator.app.screens.fix.slot_proposals import SlotProposalsScreen
from curator.fix.slot_expansion import plan_expansion, store_expansion
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_proposals_list(snap_compare, workspace, size):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(FORECAST), source_run_id=run.run_id, source_item_key=1)
    store_expansion(workspace, plan_expansion(workspace, "forecast", "sky"), [PROPOSALS], "served", {})
    note = "3 new value(s): 2 proposed, 1 refused"
    app = FixApp(lambda: SlotProposalsScreen(workspace, "forecast", "sky", note))

    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)
