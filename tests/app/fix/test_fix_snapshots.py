"""Snapshots of the template editor and the mixer at 80x24 and 160x48 (update with `pytest --snapshot-update`)."""

from __future__ import annotations

import pytest
from fixwork import WEATHER_TEMPLATE, weather_run
from review_support import fix_dates, settle

from curator.app.curator_app import CuratorApp
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_template_editor(snap_compare, workspace, size):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    fix_dates(workspace)

    async def ready(pilot):
        await settle(pilot)
        pilot.app.push_screen(TemplateEditorScreen(workspace, "weather"))
        await settle(pilot)
        pilot.app.screen.query_one("#slot-table").focus()  # no blinking text cursor in the picture
        await pilot.pause(0.4)  # past the preview's debounce
        await settle(pilot)

    assert snap_compare(CuratorApp(workspace), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_mixer(snap_compare, workspace, size):
    weather_run(workspace)
    fix_dates(workspace)

    async def ready(pilot):
        await settle(pilot)
        mixer = MixerScreen(workspace, "weather-mix")
        pilot.app.push_screen(mixer)
        await settle(pilot)
        for kind, argument, share in (("fixes", "weather", "50"), ("replay", "base", "50")):
            mixer.query_one("#source-kind").value = kind
            mixer.query_one("#source-argument").value = argument
            mixer.query_one("#source-share").value = share
            mixer.query_one("#source-share").focus()
            await pilot.press("enter")
        mixer.query_one("#recipe-total").value = "4"
        mixer.query_one("#source-table").focus()  # no blinking text cursor in the picture
        await settle(pilot)

    assert snap_compare(CuratorApp(workspace), terminal_size=size, run_before=ready)
