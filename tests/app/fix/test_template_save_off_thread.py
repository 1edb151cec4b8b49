"""The template editor stores its template in a worker, never on the UI thread: the editor keeps answering while a
save is stored (a second save meanwhile is refused, escape waits for the save), it says saved once stored, and a
save the library refuses shows its error and marks nothing saved."""

from __future__ import annotations

import threading

from fixwork import WEATHER_TEMPLATE, weather_run
from review_support import ScreenApp, held_back, settle, until
from textual.widgets import Static, TextArea

from curator.app.screens.fix import template_storing
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.app.widgets.dialogs import ConfirmDialog
from curator.errors import CuratorError
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template, get_template

SIZE = (140, 45)
EDITED = "<display_weather>{{ emoji }}</display_weather> Enjoy!"


async def opened(pilot, app: ScreenApp) -> TemplateEditorScreen:
    await until(pilot, lambda: isinstance(app.screen, TemplateEditorScreen) and app.screen.loaded)
    return app.screen


def stored_weather(workspace) -> None:
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)


async def test_a_save_is_stored_in_a_worker_while_the_editor_answers(workspace, monkeypatch):
    stored_weather(workspace)
    app = ScreenApp(lambda: TemplateEditorScreen(workspace, "weather"))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot, app)
        target = editor.query_one("#template-target", TextArea)
        target.load_text(EDITED)
        release, threads = held_back(monkeypatch, template_storing.template_domain, "save_template")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: threads)
        await pilot.press("ctrl+s")  # refused, not a second write
        await until(pilot, lambda: "still saving the template: one moment" in app.notes)
        target.focus()
        await pilot.press("end", "!")  # the editor still takes keys meanwhile
        await until(pilot, lambda: target.text.endswith("!"))
        assert editor.unsaved and "template 'weather' saved" not in app.notes
        release.set()
        await until(pilot, lambda: "template 'weather' saved" in app.notes)
        assert editor.saved_spec.target == EDITED and editor.unsaved  # the "!" typed meanwhile is not saved yet
        target.load_text(EDITED)
        await pilot.pause()
        assert not editor.unsaved
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    assert get_template(workspace, "weather").spec.target == EDITED


async def test_escape_while_a_draft_is_stored_leaves_once_it_is_stored(workspace, monkeypatch):
    run = weather_run(workspace)
    app = ScreenApp(lambda: TemplateEditorScreen(workspace, run_id=run.run_id, item_key=0, bucket="weather"))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot, app)
        release, threads = held_back(monkeypatch, template_storing.template_domain, "create_template")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: threads)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.screen is editor
        release.set()
        await until(pilot, lambda: app.screen is not editor)
        assert editor.stored and app.notes[-1] == f"template '{run.name}-item-0' saved"
    assert threads[0] is not threading.main_thread()
    assert get_template(workspace, f"{run.name}-item-0").source_item_key == 0


async def test_a_refused_save_shows_why_and_marks_nothing_saved(workspace, monkeypatch):
    stored_weather(workspace)
    app = ScreenApp(lambda: TemplateEditorScreen(workspace, "weather"))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot, app)
        editor.query_one("#template-target", TextArea).load_text(EDITED)
        await pilot.pause(0.5)
        await settle(pilot)  # the edit's preview has rendered (a later one would clear a save's error line)

        def refused(*args, **kwargs):
            raise CuratorError("template 'weather' could not be [b]stored[/b]")

        monkeypatch.setattr(template_storing.template_domain, "save_template", refused)
        await pilot.press("ctrl+s")
        error = editor.query_one("#template-error", Static)
        await until(pilot, lambda: "could not be [b]stored[/b]" in str(error.render()))
        assert editor.unsaved and editor.saved_spec.target == WEATHER_TEMPLATE["target"]
        assert not any("saved" in n for n in app.notes) and not editor.saving
        await pilot.press("escape")  # unsaved edits: it asks before leaving
        await until(pilot, lambda: app.screen is not editor)
        assert isinstance(app.screen, ConfirmDialog) and "unsaved edits" in app.screen.message
    assert get_template(workspace, "weather").spec.target == WEATHER_TEMPLATE["target"]
