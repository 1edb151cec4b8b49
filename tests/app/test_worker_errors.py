"""Worker failures are never lost: one line on screen, the traceback in the workspace log, no "running…" left."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from fixwork import WEATHER_TEMPLATE, weather_run
from review_support import noting_app, settle, until
from textual import work
from textual.screen import Screen
from textual.widgets import Input, Static

from curator.app.screens.fix import template_editor
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template


class Crashing(ReportsWorkerFailures, Screen):
    """A screen whose worker raises, as any of the app's screens' workers might."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[WorkFailed] = []

    @work(thread=True, exit_on_error=False, group="crashing")
    def crash(self) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    def on_work_failed(self, message: WorkFailed) -> None:
        self.failures.append(message)


async def test_a_screen_workers_failure_is_shown_logged_and_told_to_its_screen(workspace):
    app = noting_app(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = Crashing()
        app.push_screen(screen)
        await pilot.pause()
        screen.crash()
        await until(pilot, lambda: screen.failures, 20)
        assert app.is_running
        [note] = [n for n in app.notes if "failed" in n]
        assert note.startswith("crash failed: RuntimeError: disk on fire (details in ")
        assert [(f.group, f.error) for f in screen.failures] == [("crashing", "RuntimeError: disk on fire")]
    log = (workspace.root / "curator.log").read_text()
    assert "Traceback (most recent call last)" in log and "RuntimeError: disk on fire" in log
    assert "worker 'crash' (group crashing) failed" in log


async def test_a_crash_while_generating_replaces_the_generating_line(workspace, monkeypatch):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)

    def broken(*args, **kwargs):
        raise KeyError("slot table")

    monkeypatch.setattr(template_editor, "generate", broken)
    app = noting_app(workspace)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        app.push_screen(TemplateEditorScreen(workspace, "weather"))
        await settle(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        app.screen.query_one(Input).value = "3"
        await pilot.press("enter")
        editor = app.screen
        await until(pilot, lambda: "failed" in str(editor.query_one("#template-error", Static).render()), 20)
        assert isinstance(editor, TemplateEditorScreen)
        assert "generate failed: KeyError: 'slot table'" in str(editor.query_one("#template-error", Static).render())
        assert "generating" not in str(editor.query_one("#template-preview", Static).render())
        assert any("KeyError" in n for n in app.notes)
    assert "KeyError: 'slot table'" in (workspace.root / "curator.log").read_text()


async def test_a_crashed_filter_takes_filtering_down_and_says_why(workspace, monkeypatch):
    from curator.app.screens.review import browser as browser_module
    from curator.app.screens.review.browser import BrowserScreen
    from curator.review.browse import ItemFilter

    run = weather_run(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(run.run_id))
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen) and app.screen.items is not None, 20)
        screen = app.screen

        def crash(*args, **kwargs):
            raise RuntimeError("index lost")

        monkeypatch.setattr(browser_module, "FilteredItems", crash)
        screen.apply_filter(ItemFilter(run.run_id, search="sunny"))
        await until(pilot, lambda: any("index lost" in n for n in app.notes), 20)
        await until(pilot, lambda: "index lost" in str(screen.query_one("#browser-title", Static).render()), 20)
        assert "filtering:" not in str(screen.query_one("#browser-title", Static).render())


def _starts_workers(cls: type) -> bool:
    """Whether the class or one of Curator's classes it inherits from starts a worker."""
    return any(
        base.__module__.startswith("curator.") and ("@work" in (src := inspect.getsource(base)) or "run_worker(" in src)
        for base in cls.__mro__
    )


def test_every_screen_or_widget_that_starts_a_worker_hands_its_failures_to_the_app():
    """Textual tells only a worker's own node that it failed: each node class that starts one must report it."""
    from textual.app import App
    from textual.dom import DOMNode

    import curator.app

    nodes = set()
    for module_info in pkgutil.walk_packages(curator.app.__path__, "curator.app."):
        module = importlib.import_module(module_info.name)
        nodes |= {c for c in vars(module).values() if inspect.isclass(c) and c.__module__ == module.__name__}
    starters = [c for c in nodes if issubclass(c, DOMNode) and _starts_workers(c)]
    assert len(starters) > 5, "the scan found too few worker-starting classes: it is broken"
    missing = [c.__name__ for c in starters if not issubclass(c, (App, ReportsWorkerFailures))]
    assert missing == []


async def test_an_app_workers_failure_is_shown_and_logged(workspace, monkeypatch):
    import curator.exports.library as exports

    def broken(*args, **kwargs):
        raise RuntimeError("exports folder vanished")

    run = weather_run(workspace)
    monkeypatch.setattr(exports, "export_run", broken)
    app = noting_app(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.export_run(run.run_id, "raw")
        await until(pilot, lambda: any("exports folder vanished" in n for n in app.notes), 20)
        assert app.is_running
    assert "RuntimeError: exports folder vanished" in (workspace.root / "curator.log").read_text()
