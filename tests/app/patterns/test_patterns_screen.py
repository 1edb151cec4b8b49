"""Pilot tests of the suggested-buckets screen on a minimal app: cluster, accept, cancel while embedding."""

from __future__ import annotations

import threading

from pattern_families import WordHashEmbedder, make_family_run
from review_support import until
from textual.app import App
from textual.widgets import DataTable, Static

from curator.app.screens.patterns import PatternsScreen


class PatternsApp(App):
    """Just the screen under test."""

    def __init__(self, screen: PatternsScreen) -> None:
        super().__init__()
        self.patterns = screen

    def on_mount(self) -> None:
        self.push_screen(self.patterns)


def status(screen: PatternsScreen) -> str:
    return str(screen.query_one("#patterns-status", Static).render())


async def test_cluster_then_accept_labels_the_items_in_duckdb(workspace):
    run, truth = make_family_run(workspace)
    screen = PatternsScreen(workspace, run.run_id, embedder=WordHashEmbedder())
    async with PatternsApp(screen).run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: "No suggestions yet" in status(screen))
        await pilot.press("c")
        await until(pilot, lambda: status(screen).startswith("Clustered"))
        table = screen.query_one("#suggestion-table", DataTable)
        assert status(screen) == "Clustered: 3 suggested buckets." and table.row_count == 3
        await pilot.press("down")
        chosen = screen.suggestions[1]
        await pilot.press("a")
        await until(pilot, lambda: screen.suggestions[1].status == "accepted")
        assert status(screen) == f"Bucket '{chosen.name}': 20 items labelled."
        assert f"→ {chosen.name}" in str(table.get_row_at(1)[3])
    labelled = workspace.db.fetchall(
        """SELECT l.item_key FROM labels l JOIN buckets b USING (bucket_id)
           WHERE b.name = ? AND l.run_id = ? ORDER BY 1""",
        [chosen.name, run.run_id],
    )
    members = sorted(k for k, family in truth.items() if family == truth[labelled[0][0]])
    assert [r[0] for r in labelled] == members


class BlockingEmbedder(WordHashEmbedder):
    """Holds its first batch until released, so a test can act while embedding is under way."""

    name = "blocking"

    def __init__(self) -> None:
        self.started, self.release, self.calls = threading.Event(), threading.Event(), 0

    def encode(self, texts):
        self.calls += 1
        self.started.set()
        self.release.wait(10)
        return super().encode(texts)


async def test_cancel_stops_embedding_while_the_screen_keeps_answering(workspace, monkeypatch):
    monkeypatch.setattr("curator.patterns.embeddings.CHUNK_TEXTS", 4)
    run, _ = make_family_run(workspace)
    embedder = BlockingEmbedder()
    screen = PatternsScreen(workspace, run.run_id, embedder=embedder)
    async with PatternsApp(screen).run_test() as pilot:
        await pilot.press("c")
        await until(pilot, embedder.started.is_set)
        await pilot.press("x")  # the model is still busy with its batch: the key is handled anyway
        assert status(screen) == "Cancelling after the current batch…"
        embedder.release.set()
        await until(pilot, lambda: "cancelled" in status(screen))
        assert status(screen).startswith("embedding cancelled after 4 new texts")
    assert embedder.calls == 1
    assert workspace.db.fetchone("SELECT count(*) FROM embeddings WHERE model = 'blocking'")[0] == 4
    assert workspace.db.fetchone("SELECT count(*) FROM cluster_suggestions")[0] == 0


async def test_clustering_names_each_phase_in_the_status_line(workspace):
    run, _ = make_family_run(workspace)
    screen = PatternsScreen(workspace, run.run_id, embedder=WordHashEmbedder())
    seen: list[str] = []
    show = screen._status
    screen._status = lambda text: (seen.append(text), show(text))  # every status line, in order

    async with PatternsApp(screen).run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: "No suggestions yet" in status(screen))
        await pilot.press("c")
        await until(pilot, lambda: status(screen).startswith("Clustered"))
    phases = [s.split(" ")[0] for s in seen if s[:1].isdigit()]
    assert phases[0] == "1/4" and phases[-3:] == ["2/4", "3/4", "4/4"]
    assert any(s.startswith("2/4 Clustering 60 failures") for s in seen)
    assert any(s.startswith("3/4 Naming 3 clusters") for s in seen)
