"""The runs screen deletes a run in a worker: the list answers keys while the delete is written, and the run is
gone from it (with a note saying so) once it is done; a refused delete is shown and deletes nothing."""

from __future__ import annotations

import threading

from review_support import held_back, noting_app, screen_text, settle, until, weather_records
from textual.widgets import DataTable

from curator.app.screens.review import runs as runs_screen
from curator.app.screens.review.runs import RunsScreen
from curator.errors import NotFoundError
from curator.review.runs import create_run_from_records

SIZE = (140, 40)


def shown_runs(app) -> list[str]:
    return [run.name for run in app.screen.runs]


async def confirm_delete_of(app, pilot, name: str) -> DataTable:
    """On the runs screen: highlight run `name`, press d, then y; returns the runs table."""
    await settle(pilot)
    assert isinstance(app.screen, RunsScreen)
    table = app.screen.query_one(DataTable)
    table.move_cursor(row=shown_runs(app).index(name))
    await pilot.press("d")
    await settle(pilot)
    assert f"Delete run '{name}'" in screen_text(app)
    await pilot.press("y")
    return table


async def test_a_run_is_deleted_in_a_worker_and_leaves_the_list_when_done(review_ws, monkeypatch):
    create_run_from_records(review_ws, "other-eval", weather_records(3))
    release, threads = held_back(monkeypatch, runs_screen.run_domain, "delete_run")
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        table = await confirm_delete_of(app, pilot, "weather-eval")
        try:
            await until(pilot, lambda: threads)
            before = table.cursor_row
            await pilot.press("down" if before == 0 else "up")
            await until(pilot, lambda: table.cursor_row != before)
            assert isinstance(app.screen, RunsScreen) and "weather-eval" in shown_runs(app)
        finally:
            release.set()
        await until(pilot, lambda: shown_runs(app) == ["other-eval"])
        assert "deleted run weather-eval" in app.notes and "weather-eval" not in screen_text(app)
    assert review_ws.db.fetchall("SELECT name FROM runs") == [("other-eval",)]
    assert threads[0] is not threading.main_thread()


async def test_a_refused_delete_is_shown_and_deletes_nothing(review_ws, monkeypatch):
    def refuse(ws, ref):
        raise NotFoundError(f"no run {ref}")

    monkeypatch.setattr(runs_screen.run_domain, "delete_run", refuse)
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await confirm_delete_of(app, pilot, "weather-eval")
        await until(pilot, lambda: f"no run {review_ws.run_id}" in app.notes)
        await settle(pilot)
        assert shown_runs(app) == ["weather-eval"] and not any(n.startswith("deleted run") for n in app.notes)
    assert review_ws.db.fetchall("SELECT name FROM runs") == [("weather-eval",)]
