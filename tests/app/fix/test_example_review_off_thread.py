"""The example review reads and writes DuckDB in its worker queue, never on the UI thread: while a slow accept is
held the screen shows the key's outcome and answers the next keys, the writes land in the order pressed, and
leaving waits for them."""

from __future__ import annotations

import threading

from fixwork import WEATHER_TEMPLATE, weather_run
from review_support import until
from textual.app import App
from textual.widgets import Static

from curator.app.screens.fix import example_writes
from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.fix import examples as example_domain
from curator.fix.generation import generate
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template


class ReviewApp(App):
    def __init__(self, screen):
        super().__init__()
        self.review, self.left = screen, []

    def on_mount(self) -> None:
        self.push_screen(self.review, callback=self.left.append)


def summary(app) -> str:
    return str(app.screen.query_one("#review-summary", Static).render())


def stored_statuses(workspace, batch_id: int) -> list[str]:
    return [e.status for e in example_domain.list_examples(workspace, batch_id=batch_id)]


async def test_accepts_are_shown_at_once_and_stored_in_order_off_thread(workspace, monkeypatch):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    report = generate(workspace, "weather", n=4, seed=0)
    release, threads = threading.Event(), []
    real_accept, real_reject = example_domain.accept, example_domain.reject

    def held_accept(ws, ids):
        threads.append(threading.current_thread())
        release.wait(10)
        return real_accept(ws, ids)

    def recorded_reject(ws, ids):
        threads.append(threading.current_thread())
        return real_reject(ws, ids)

    monkeypatch.setattr(example_writes.example_domain, "accept", held_accept)
    monkeypatch.setattr(example_writes.example_domain, "reject", recorded_reject)
    app = ReviewApp(ExampleReviewScreen(workspace, batch_id=report.batch_id))
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: "4 proposed" in summary(app))
        await pilot.press("a", "r")  # the accept is held; the reject waits behind it
        await until(pilot, lambda: threads)
        await pilot.pause(0.2)
        assert "1 accepted" in summary(app) and "1 rejected" in summary(app)
        assert stored_statuses(workspace, report.batch_id).count("proposed") == 4
        await pilot.press("escape")  # leaving waits for the queued writes
        await pilot.pause(0.2)
        assert not app.left
        release.set()
        await until(pilot, lambda: app.left)
    assert sorted(stored_statuses(workspace, report.batch_id)) == ["accepted", "proposed", "proposed", "rejected"]
    assert app.left[0].get("accepted") == 1 and app.left[0].get("rejected") == 1
    assert len(threads) == 2 and all(t is not threading.main_thread() for t in threads)
