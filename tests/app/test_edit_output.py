"""The analyst's own fix from the item detail: E opens the failing output in an editor, ctrl+s grades the edit with
the run's checks (in a worker) and shows the character diff and each check; held-out items are refused in a line."""

from __future__ import annotations

from fixwork import weather_run
from review_support import noting_app, screen_text, settle, until
from textual.widgets import Static, TextArea

from curator.app.screens.review.detail import DetailScreen
from curator.app.screens.review.edit_output import EditOutputScreen
from curator.fix import examples as example_domain
from curator.fix import revisions
from curator.review.browse import ItemFilter

FIXED = "<display_weather>☀</display_weather> It is sunny."
WRONG_EMOJI = "<display_weather>☁</display_weather> It is sunny."
SIZE = (140, 44)


def outcome(app) -> str:
    return str(app.screen.query_one("#edit-outcome", Static).render())


async def test_an_edit_is_graded_a_draft_then_kept_with_its_diff(workspace):
    run = weather_run(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_item(run.run_id, 0, ItemFilter(run.run_id))
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        await pilot.press("E")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, EditOutputScreen)
        area = editor.query_one("#edit-output", TextArea)
        assert area.text == "It is sunny." and area.has_focus
        area.load_text(WRONG_EMOJI)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: outcome(app).startswith("draft:"))
        assert "check 'emoji' still fails" in outcome(app) and "✗ emoji" in outcome(app)
        assert "✓ weather_tag" in outcome(app)
        assert "diff: <display_weather>☁</display_weather> It is sunny." in screen_text(app)
        assert example_domain.list_examples(workspace, statuses=("proposed",)) == []
        area.load_text(FIXED)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: outcome(app).startswith("kept:"))
        assert "✓ emoji" in outcome(app)
        (kept,) = revisions.list_revisions(workspace, run.name)
        assert (kept.revised, kept.status) == (FIXED, "proposed") and f"example {kept.example_id}" in outcome(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)


async def test_an_unchanged_edit_is_one_line_and_a_held_out_item_is_refused(workspace):
    run = weather_run(workspace)
    held_out = workspace.db.fetchone("SELECT item_key FROM items WHERE run_id = ? AND item_id = 'h2'", [run.run_id])[0]
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_item(run.run_id, 0, ItemFilter(run.run_id))
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("ctrl+s")  # nothing changed: refused, nothing stored
        await until(pilot, lambda: "unchanged" in outcome(app))
        assert revisions.list_revisions(workspace, run.name) == []
        await pilot.press("escape")
        await settle(pilot)
        detail = app.screen
        detail.load_item(held_out)
        await until(pilot, lambda: detail.detail.item.item_id == "h2")
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert any("h2 is held out: its outputs are never edited into training data" in n for n in app.notes)
