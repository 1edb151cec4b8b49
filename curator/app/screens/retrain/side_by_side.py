"""Both outputs of one item side by side: its input and target, the output before and after."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from curator.app import registry
from curator.app.screens.retrain import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.widgets.literal import literal_text, one_line
from curator.compare.comparison import Comparison, ItemChange, item_pair
from curator.workspace import Workspace


class SideBySideScreen(Screen):
    """One item's input and target, with the output before and after side by side."""

    CSS_PATH = "loop.tcss"
    BINDINGS = registry.bindings("loop.side")
    ACTION_SCOPES = ("loop.side",)

    def __init__(self, workspace: Workspace, comparison: Comparison, change: ItemChange) -> None:
        super().__init__()
        self.before, self.after = item_pair(
            workspace, comparison.before_run.run_id, change.before_key, comparison.after_run.run_id, change.after_key
        )
        self.comparison, self.change = comparison, change

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="side-by-side"):
            yield Static(literal_text(f"item {self.change.item_id} ({self.change.split})", style="bold"))
            yield Static(Text("input\n", style="dim") + literal_text(self.before.input), classes="side-box")
            yield Static(Text("target\n", style="dim") + literal_text(self.before.target), classes="side-box")
            with Horizontal(id="side-outputs"):
                yield Static(
                    Text(f"before: {one_line(self.comparison.before_run.name)}\n", style="dim")
                    + literal_text(self.before.output),
                    id="side-before",
                    classes="side-box",
                )
                yield Static(
                    Text(f"after: {one_line(self.comparison.after_run.name)}\n", style="dim")
                    + literal_text(self.after.output),
                    id="side-after",
                    classes="side-box",
                )
        yield Footer()

    def action_close(self) -> None:
        self.dismiss()
