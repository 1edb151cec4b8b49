"""Accept, rename, split and dismiss store their change in a worker, never on the UI thread: the screen keeps
answering while a change is stored (a second change meanwhile is refused, not lost silently), the list shows the
change once it is stored, and a change the domain refuses is shown in one line and changes nothing."""

from __future__ import annotations

import threading

from pattern_families import WordHashEmbedder, make_family_run
from review_support import held_back, until
from textual.app import App
from textual.widgets import DataTable, Static

from curator.app.screens.patterns import PatternsScreen, suggestion_actions
from curator.errors import CuratorError

SIZE = (140, 40)


class NotingApp(App):
    """Just the screen under test, keeping the text of every notification in `notes`."""

    def __init__(self, screen: PatternsScreen) -> None:
        super().__init__()
        self.patterns, self.notes = screen, []

    def on_mount(self) -> None:
        self.push_screen(self.patterns)

    def notify(self, message, **kwargs) -> None:
        self.notes.append(message)
        super().notify(message, **kwargs)


def status(screen: PatternsScreen) -> str:
    return str(screen.query_one("#patterns-status", Static).render())


async def clustered(pilot, screen: PatternsScreen) -> DataTable:
    await until(pilot, lambda: "No suggestions yet" in status(screen))
    await pilot.press("c")
    await until(pilot, lambda: status(screen).startswith("Clustered"))
    return screen.query_one("#suggestion-table", DataTable)


def labelled_count(ws, run_id: int) -> int:
    return ws.db.fetchall("SELECT count(*) FROM labels WHERE run_id = ?", [run_id])[0][0]


async def test_accept_is_stored_in_a_worker_while_the_screen_answers(workspace, monkeypatch):
    run, _ = make_family_run(workspace)
    screen = PatternsScreen(workspace, run.run_id, embedder=WordHashEmbedder())
    app = NotingApp(screen)
    async with app.run_test(size=SIZE) as pilot:
        table = await clustered(pilot, screen)
        release, threads = held_back(monkeypatch, suggestion_actions.suggestion_domain, "accept_suggestion")
        chosen = screen.suggestions[0]
        await pilot.press("a")
        await until(pilot, lambda: threads)
        await pilot.press("down")  # the screen answers keys while the change is stored
        await until(pilot, lambda: table.cursor_row == 1)
        await pilot.press("a")  # a second change meanwhile is refused, with a line saying so
        await until(pilot, lambda: any(n.startswith("Still storing") for n in app.notes))
        assert screen.suggestions[0].status == "open" and labelled_count(workspace, run.run_id) == 0
        release.set()
        await until(pilot, lambda: screen.suggestions[0].status == "accepted")
        assert status(screen) == f"Bucket '{chosen.name}': 20 items labelled."
        assert f"→ {chosen.name}" in str(table.get_row_at(0)[3])
        assert screen.suggestions[1].status == "open"
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    assert labelled_count(workspace, run.run_id) == 20


async def test_a_dismissal_is_stored_in_a_worker_and_the_list_follows(workspace, monkeypatch):
    run, _ = make_family_run(workspace)
    screen = PatternsScreen(workspace, run.run_id, embedder=WordHashEmbedder())
    async with NotingApp(screen).run_test(size=SIZE) as pilot:
        await clustered(pilot, screen)
        release, threads = held_back(monkeypatch, suggestion_actions.suggestion_domain, "dismiss_suggestion")
        number = screen.suggestions[0].number
        await pilot.press("d")
        await until(pilot, lambda: threads)
        assert screen.suggestions[0].status == "open"
        release.set()
        await until(pilot, lambda: screen.suggestions[0].status == "dismissed")
        assert status(screen) == f"Dismissed suggestion {number}."
    assert threads[0] is not threading.main_thread()


async def test_a_refused_change_is_shown_and_changes_nothing(workspace, monkeypatch):
    run, _ = make_family_run(workspace)
    screen = PatternsScreen(workspace, run.run_id, embedder=WordHashEmbedder())
    app = NotingApp(screen)
    async with app.run_test(size=SIZE) as pilot:
        table = await clustered(pilot, screen)
        before = [(s.number, s.name, s.status) for s in screen.suggestions]

        def refused(*args, **kwargs):
            raise CuratorError("suggestion 1 is [b]not[/b] open")

        monkeypatch.setattr(suggestion_actions.suggestion_domain, "accept_suggestion", refused)
        await pilot.press("a")
        await until(pilot, lambda: "suggestion 1 is [b]not[/b] open" in app.notes)
        await pilot.pause(0.2)
        assert status(screen) == "Clustered: 3 suggested buckets." and table.row_count == 3
        assert [(s.number, s.name, s.status) for s in screen.suggestions] == before
    assert labelled_count(workspace, run.run_id) == 0
