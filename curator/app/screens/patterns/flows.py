"""How the app opens suggested buckets and finds an item's look-alikes ("more like this") in a worker."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message

from curator.app.screens.patterns import PatternsScreen
from curator.app.screens.patterns.similar import SimilarScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.errors import CuratorError
from curator.patterns.embeddings import Embedder
from curator.patterns.similar import Neighbour, neighbours, similar_items

SIMILAR_COUNT = 20


@dataclass
class SimilarProgressed(Message):
    """Embedding texts for "more like this": `done` of `total` new texts."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SimilarProgressed)


@dataclass
class SimilarFound(Message):
    """The nearest failing neighbours of an item, best first, with their similarity."""

    run_id: int
    item_id: str
    found: list[Neighbour]


@dataclass
class SimilarFailed(Message):
    error: str


class PatternFlowsMixin:
    """Opens suggested buckets for a run; finds an item's look-alikes in a worker."""

    embedder: Embedder | None
    """The embedding model for suggestions and "more like this" (None: the configured one, loaded when needed)."""

    def open_suggestions(self, run_id: int) -> None:
        self.push_screen(PatternsScreen(self.workspace, run_id, embedder=self.embedder))

    def on_patterns_screen_suggestion_accepted(self, message: PatternsScreen.SuggestionAccepted) -> None:
        """Refresh the overview of the run, so its bucket table shows the new bucket."""
        for screen in self.screen_stack:
            if isinstance(screen, OverviewScreen) and screen.run_id == message.run_id:
                screen.load_overview()

    def more_like_this(self, run_id: int, item_key: int, item_id: str) -> None:
        """Open the browser on the failures most like the item (embedding them first, in a worker, if needed)."""
        self.notify(f"finding the failures most like {item_id}…", timeout=2, markup=False)
        self._find_similar(run_id, item_key, item_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="similar")
    def _find_similar(self, run_id: int, item_key: int, item_id: str) -> None:
        try:
            found = similar_items(
                self.workspace,
                run_id,
                item_key,
                k=SIMILAR_COUNT,
                among="failures",
                embedder=self.embedder,
                progress=lambda done, total: self.post_message(SimilarProgressed(done, total)),
            )
        except (CuratorError, OSError, ImportError) as error:
            self.post_message(SimilarFailed(str(error)))
            return
        self.post_message(SimilarFound(run_id, item_id, neighbours(self.workspace, run_id, found)))

    def on_similar_progressed(self, message: SimilarProgressed) -> None:
        if message.total and message.done == 0:
            self.notify(
                f"embedding {message.total:,} texts of the run (once; they are cached)…", timeout=3, markup=False
            )
        elif message.total and message.done == message.total:
            self.notify(f"embedded {message.total:,} texts", timeout=2, markup=False)

    def on_similar_found(self, message: SimilarFound) -> None:
        if not message.found:
            self.notify(f"no other failures to compare {message.item_id} with", timeout=3, markup=False)
            return
        self.push_screen(SimilarScreen(message.run_id, message.item_id, message.found))

    def on_similar_failed(self, message: SimilarFailed) -> None:
        self.notify(message.error, severity="error", markup=False)
