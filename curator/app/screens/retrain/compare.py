"""The compare screen: a run against its parent per check and per bucket, dev and held-out apart, with the
items fixed and regressed; enter on an item opens both outputs side by side."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from curator.app import registry
from curator.app.screens.retrain import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.compare.comparison import (
    SPLITS,
    Comparison,
    ItemChange,
    RowComparison,
    compare_runs,
    format_delta,
    format_rate,
    item_pair,
)
from curator.workspace import Workspace


def delta_text(delta: float | None) -> Text:
    text = format_delta(delta)
    return Text(text, style="green" if text.startswith("+") else "red" if text.startswith("-") else "")


class CompareScreen(Screen):
    """Before/after figures read from the stored check results of the two runs."""

    CSS_PATH = "loop.tcss"
    BINDINGS = registry.bindings("loop.compare")
    ACTION_SCOPES = ("loop.compare",)

    def __init__(self, workspace: Workspace, run_ref: str | int, parent_ref: str | int | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.comparison: Comparison = compare_runs(workspace, run_ref, parent_ref)

    def compose(self) -> ComposeResult:
        c = self.comparison
        with VerticalScroll(id="compare"):
            yield Static(
                Text.assemble(
                    ("after ", "dim"), (c.after_run.name, "bold"), ("  vs  before ", "dim"), (c.before_run.name, "bold")
                ),
                id="compare-title",
            )
            yield Static("pass rate per check (held-out: does the fix generalise?)", classes="compare-heading")
            yield self._table("compare-checks", c.checks)
            if c.buckets:
                yield Static("item pass rate per bucket", classes="compare-heading")
                yield self._table("compare-buckets", c.buckets)
            with Horizontal(id="compare-lists"):
                with Vertical():
                    yield Static(f"fixed: {len(c.fixed)} items", classes="compare-heading", id="fixed-heading")
                    yield self._items_table("compare-fixed", c.fixed)
                with Vertical():
                    yield Static(
                        f"regressed: {len(c.regressed)} items", classes="compare-heading", id="regressed-heading"
                    )
                    yield self._items_table("compare-regressed", c.regressed)
        yield Footer()

    def _table(self, table_id: str, rows: list[RowComparison]) -> DataTable:
        table = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
        table.add_column("name", key="name")
        for split in SPLITS:
            for head in ("before", "after", "Δ pts"):
                table.add_column(f"{split} {head}", key=f"{split}-{head}")
        for row in rows:
            cells: list = [row.name]
            for split in SPLITS:
                cells += [
                    format_rate(row.before[split].rate),
                    format_rate(row.after[split].rate),
                    delta_text(row.delta(split)),
                ]
            table.add_row(*cells, key=row.name)
        return table

    def _items_table(self, table_id: str, changes: list[ItemChange]) -> DataTable:
        table = DataTable(id=table_id, cursor_type="row")
        table.add_columns("item", "split", "failing checks")
        for index, change in enumerate(changes):
            table.add_row(change.item_id, change.split, ", ".join(change.failed_checks), key=str(index))
        return table

    @on(DataTable.RowSelected, "#compare-fixed, #compare-regressed")
    def open_item(self, event: DataTable.RowSelected) -> None:
        changes = self.comparison.fixed if event.data_table.id == "compare-fixed" else self.comparison.regressed
        change = changes[int(event.row_key.value)]
        self.app.push_screen(SideBySideScreen(self.workspace, self.comparison, change))

    def action_close(self) -> None:
        self.dismiss()


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
            yield Static(Text(f"item {self.change.item_id} ({self.change.split})", style="bold"))
            yield Static(Text("input\n", style="dim") + Text(self.before.input or ""), classes="side-box")
            yield Static(Text("target\n", style="dim") + Text(self.before.target or ""), classes="side-box")
            with Horizontal():
                yield Static(
                    Text(f"before: {self.comparison.before_run.name}\n", style="dim") + Text(self.before.output or ""),
                    id="side-before",
                    classes="side-box",
                )
                yield Static(
                    Text(f"after: {self.comparison.after_run.name}\n", style="dim") + Text(self.after.output or ""),
                    id="side-after",
                    classes="side-box",
                )
        yield Footer()

    def action_close(self) -> None:
        self.dismiss()
