"""At 80 columns the mixer's footer still shows `? Help` (the way to every key it had to hide)."""

from __future__ import annotations

from fixwork import weather_run
from review_support import screen_text, settle

from curator.app.curator_app import CuratorApp
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.widgets.fitting_footer import FittingFooter


async def test_help_stays_in_the_mixer_footer_at_80_columns(workspace):
    weather_run(workspace)
    app = CuratorApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(MixerScreen(workspace, "weather-mix"))
        await settle(pilot)
        app.screen.query_one("#source-table").focus()
        await settle(pilot)
        footer = app.screen.query_one(FittingFooter)
        keys = [k for k in footer.children if not k.has_class("-command-palette")]
        shown = [k for k in keys if k.display]
        assert len(shown) < len(keys)  # the terminal is too narrow for every key: some went
        last_line = screen_text(app).splitlines()[-1]
        assert "? Help" in last_line and "Edit source" in last_line
        assert sum(footer._natural_width(k) for k in footer.children if k.display) <= footer.size.width
