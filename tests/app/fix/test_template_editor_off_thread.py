"""The template editor reads its template (or drafts one from an item) in a worker, never on the UI thread: it opens
while a slow read is in progress, answers `back`, shows the template once the read is done, and an item that
cannot be drafted is refused with one line."""

from __future__ import annotations

import threading

from fixwork import WEATHER_TEMPLATE, weather_run
from review_support import ScreenApp, screen_text, until
from textual.widgets import TextArea

from curator.app.screens.fix import template_loading
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template

SIZE = (140, 45)


async def test_the_editor_opens_while_its_template_is_read(workspace, monkeypatch):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    release, threads = threading.Event(), []
    real = template_loading.template_domain.get_template

    def held_back(ws, name):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(ws, name)

    monkeypatch.setattr(template_loading.template_domain, "get_template", held_back)
    app = ScreenApp(lambda: TemplateEditorScreen(workspace, "weather"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: threads)
        await pilot.press("x", "ctrl+s")  # neither types nor saves an empty template meanwhile
        await pilot.pause(0.2)
        assert isinstance(app.screen, TemplateEditorScreen) and "reading the template…" in screen_text(app)
        release.set()
        target = app.screen.query_one("#template-target", TextArea)
        await until(pilot, lambda: target.text == WEATHER_TEMPLATE["target"])
        await until(pilot, lambda: "distinct examples possible" in screen_text(app))
        assert "reading the template…" not in screen_text(app) and not app.screen.unsaved
    assert real(workspace, "weather").spec.target == WEATHER_TEMPLATE["target"]
    assert all(t is not threading.main_thread() for t in threads)


async def test_an_item_that_cannot_be_drafted_is_refused_in_one_line(workspace):
    run = weather_run(workspace)
    app = ScreenApp(lambda: TemplateEditorScreen(workspace, run_id=run.run_id, item_key=9999, bucket="weather"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.notes)
        await until(pilot, lambda: not isinstance(app.screen, TemplateEditorScreen))
        assert len(app.notes) == 1 and "9999" in app.notes[0]
