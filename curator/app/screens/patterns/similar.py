"""More like this: an item's nearest failures, ranked by cosine similarity, with the score beside each."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from curator.app import registry
from curator.app.screens.patterns import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal_text, one_line
from curator.app.widgets.measured_table import MeasuredTable
from curator.patterns.similar import Neighbour
from curator.review.browse import ItemFilter

SCORE_BAR = 10


def score_cell(similarity: float) -> Text:
    """The similarity as a number and a short bar (1.0 = the same text)."""
    filled = max(0, min(SCORE_BAR, round(similarity * SCORE_BAR)))
    return Text.assemble(f"{similarity:.3f} ", ("█" * filled, "green"), ("░" * (SCORE_BAR - filled), "dim"))


class SimilarScreen(Screen):
    """The failures most like one item, best first: enter opens one, o opens them all in the browser."""

    DEFAULT_CSS = """
    SimilarScreen #similar-title { height: auto; padding: 0 1; background: $panel; }
    SimilarScreen #similar-table { height: 1fr; }
    """
    BINDINGS = registry.bindings("similar")
    ACTION_SCOPES = ("similar",)

    def __init__(self, run_id: int, anchor_id: str, found: list[Neighbour]) -> None:
        super().__init__()
        self.run_id = run_id
        self.anchor_id = anchor_id
        self.found = found

    def compose(self) -> ComposeResult:
        yield Static(id="similar-title")
        yield MeasuredTable(id="similar-table", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        title = Text.assemble(
            (f"{len(self.found)} failures most like ", "bold"),
            (one_line(self.anchor_id), "bold"),
            ("  ·  ranked by cosine similarity of their embeddings (1.000 = the same text)", "dim"),
        )
        self.query_one("#similar-title", Static).update(title)
        table = self.query_one("#similar-table", DataTable)
        table.add_columns("#", "similarity", "id", "fails", "output")
        for rank, n in enumerate(self.found, start=1):
            table.add_row(
                Text(str(rank), justify="right"),
                score_cell(n.similarity),
                literal_text(one_line(n.item.item_id, 40)),
                literal_text(one_line(", ".join(n.failing), 40)),
                literal_text(one_line(n.item.output, 200)),
                key=str(n.item.item_key),
            )
        table.focus()

    def item_filter(self) -> ItemFilter:
        keys = tuple(n.item.item_key for n in self.found)
        return ItemFilter(self.run_id, item_keys=keys, similar_to=self.anchor_id)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_neighbour()

    def action_open_neighbour(self) -> None:
        row = self.query_one("#similar-table", DataTable).cursor_row
        if 0 <= row < len(self.found):
            self.app.open_item(self.run_id, self.found[row].item.item_key, self.item_filter())

    def action_browse_neighbours(self) -> None:
        self.app.open_browser(self.item_filter())


registry.register_screen("similar", "More like this", SimilarScreen)
