"""Builders for the review app's tests: a small real run with two checks, fixed dates, and a settle helper."""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Callable

from textual.app import App

from curator.storage.browse import store_check_results

WEATHER = ["sunny", "cloudy", "rainy", "bright sunshine", "clear skies", "overcast"]


def weather_records(n: int = 24) -> list[dict]:
    """Items whose even positions fail `weather_tag` and every third fails `answer`."""
    records = []
    for i in range(n):
        word = WEATHER[i % len(WEATHER)]
        tag = "" if i % 2 == 0 else f"<display_weather>{word}</display_weather>"
        records.append(
            {
                "item_id": f"q{i:03d}",
                "input": f"<api> What is the weather like? It is {word} today, {i} degrees.",
                "target": f"<think>It is {word}.</think><answer>{i}</answer><display_weather>{word}</display_weather>",
                "output": f"<think>It is {word}.</think><answer>{i if i % 3 else i + 1}</answer>{tag}",
                "metadata": {"topic": "weather", "n": i},
                "split": "held_out" if i % 4 == 3 else "dev",
                "source_line": i + 1,
            }
        )
    return records


def add_weather_checks(ws, run_id: int, n: int) -> None:
    tag = {k: (k % 2 == 1, "tag present" if k % 2 else "no <display_weather> tag") for k in range(n)}
    answer = {k: (k % 3 != 0, "answer matches" if k % 3 else f"answered {k + 1}, expected {k}") for k in range(n)}
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, "weather_tag", "tag_present", tag, position=0)
        store_check_results(cur, run_id, "answer", "numeric", answer, position=1)


def fix_dates(ws) -> None:
    """Pin created_at so snapshots do not change with the clock (test setup only)."""
    ws.db.execute("UPDATE runs SET created_at = TIMESTAMP '2026-11-20 09:30:00'")


async def settle(pilot, rounds: int = 3) -> None:
    """Wait for workers and the messages they post to be handled."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause(0.1)  # a DataTable measures its columns when idle: let it, before a test reads the screen


async def until(pilot, condition, deadline_s: float = 60.0, detail: Callable[[], object] | None = None) -> None:
    """Let the app run until `condition()` holds (workers post from their threads; no `wait_for_complete`, which
    re-raises a failed worker's error in the test). The default deadline is generous because a worker's first
    scikit-learn import can take many seconds on a loaded 2-core machine; `detail()` is added to the failure."""
    ends = time.monotonic() + deadline_s
    while time.monotonic() < ends:
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"condition never held within {deadline_s:.0f} s" + (f": {detail()}" if detail else ""))


def screen_text(app) -> str:
    """What the terminal shows now, as plain text lines (read from the app's SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(match.group(2)), []).append((float(match.group(1)), html.unescape(match.group(3))))
    return "\n".join("".join(t for _, t in sorted(rows[y])).replace("\xa0", " ") for y in sorted(rows))


def noting_app(workspace, **kwargs):
    """The review app, keeping the text of every notification it shows in `app.notes`."""
    from curator.app.curator_app import CuratorApp

    app = CuratorApp(workspace, **kwargs)
    app.notes, show = [], app.notify

    def notify(message: str, **options) -> None:
        app.notes.append(message)
        show(message, **options)

    app.notify = notify
    return app


class ScreenApp(App):
    """A bare app that opens one screen and keeps the text of every notification it shows in `notes`."""

    def __init__(self, screen_factory):
        super().__init__()
        self.screen_factory, self.notes = screen_factory, []

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())

    def notify(self, message, **kwargs) -> None:
        self.notes.append(message)
        super().notify(message, **kwargs)


def held_back(monkeypatch, module, name):
    """Replace `module.name` by a version that waits for the returned event; the threads it ran on are listed."""
    release, threads = threading.Event(), []
    real = getattr(module, name)

    def waiting(*args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, waiting)
    return release, threads
