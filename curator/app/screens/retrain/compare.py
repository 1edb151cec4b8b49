"""The compare screen: a run against the base run (or its parent), computed in a worker. Held-out per check with
the paired test's verdict, dev labelled as seen by training, the buckets of the earlier run, the items fixed and
regressed; enter on a count opens its items in the browser, enter on an item shows both outputs side by side."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, LoadingIndicator, Static

from curator.app import registry
from curator.app.screens.retrain import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.screens.retrain.change_list import ChangeList, heading_text
from curator.app.screens.retrain.compare_tables import FLIP_COLUMNS, bucket_table, compare_title, split_table
from curator.app.screens.retrain.side_by_side import SideBySideScreen
from curator.app.widgets.literal import literal_text, one_line
from curator.app.worker_errors import ReportsWorkerFailures
from curator.compare.comparison import SPLIT_LABELS, VERDICT_SPLIT, Comparison, compare_runs
from curator.compare.settings import SettingsMismatch
from curator.review.label_views import CheckStanding, check_standings
from curator.workspace import Workspace

__all__ = ["CompareScreen", "SideBySideScreen"]

NARROW = 120  # below this width the less important columns go and the item lists stack


def compared_standings(workspace: Workspace, c: Comparison) -> dict[str, CheckStanding]:
    """Each check's standing on the later run, or on the earlier run where only that one was calibrated."""
    after = check_standings(workspace, c.after_run.run_id)
    before = check_standings(workspace, c.before_run.run_id)
    return {
        name: before[name]
        if standing.calibrated is None and name in before and before[name].calibrated is not None
        else standing
        for name, standing in after.items()
    }


class CompareScreen(ReportsWorkerFailures, Screen):
    """Before/after figures read from the stored check results of the two runs (in a worker, never in __init__)."""

    CSS_PATH = "loop.tcss"
    BINDINGS = registry.bindings("loop.compare")
    ACTION_SCOPES = ("loop.compare",)

    @dataclass
    class Computed(Message):
        comparison: Comparison
        standings: dict[str, CheckStanding]
        """Per check: model-graded or not, and its calibration (the later run's, else the earlier run's)."""

    @dataclass
    class Failed(Message):
        error: str
        settings_mismatch: bool = False

    def __init__(
        self,
        workspace: Workspace,
        run_ref: str | int,
        parent_ref: str | int | None = None,
        *,
        against: str = "base",
        allow_settings_mismatch: bool = False,
    ) -> None:
        super().__init__()
        self.workspace, self.run_ref, self.parent_ref = workspace, run_ref, parent_ref
        self.against, self.allow_settings_mismatch = against, allow_settings_mismatch
        self.comparison: Comparison | None = None
        self.standings: dict[str, CheckStanding] = {}
        self.error: str | None = None
        self.narrow: bool | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="compare"):
            yield Static(Text("comparing the two runs…", style="dim"), id="compare-title")
            yield LoadingIndicator(id="compare-loading")
            yield Vertical(id="compare-body")
        yield Footer()

    def on_mount(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, exit_on_error=False, group="compare")
    def compute(self) -> None:
        try:
            result = compare_runs(
                self.workspace,
                self.run_ref,
                self.parent_ref,
                against=self.against,
                allow_settings_mismatch=self.allow_settings_mismatch,
            )
        except Exception as error:  # noqa: BLE001 - every failure is shown on the screen as one line
            self.post_message(self.Failed(str(error) or type(error).__name__, isinstance(error, SettingsMismatch)))
            return
        self.post_message(self.Computed(result, compared_standings(self.workspace, result)))

    async def _recompute(self) -> None:
        self.comparison, self.error = None, None
        await self.query_one("#compare-body", Vertical).remove_children()
        self.query_one("#compare-loading").display = True
        self.query_one("#compare-title", Static).update(Text("comparing the two runs…", style="dim"))
        self.compute()

    @on(Failed)
    def show_failure(self, message: Failed) -> None:
        self.error = message.error
        self.query_one("#compare-loading").display = False
        hint = "  press a to compare anyway" if message.settings_mismatch else ""
        self.query_one("#compare-title", Static).update(
            Text.assemble(("cannot compare: ", "bold red"), one_line(message.error), (hint, "bold"))
        )

    @on(Computed)
    async def show_comparison(self, message: Computed) -> None:
        self.comparison, self.standings = message.comparison, message.standings
        self.query_one("#compare-loading").display = False
        await self._render_body()

    async def on_resize(self) -> None:
        if self.comparison is not None and self.narrow != self._is_narrow():
            await self._render_body()

    def _is_narrow(self) -> bool:
        return self.size.width < NARROW

    async def _render_body(self) -> None:
        c = self.comparison
        self.narrow = self._is_narrow()
        self.query_one("#compare-title", Static).update(compare_title(c))
        body = self.query_one("#compare-body", Vertical)
        await body.remove_children()
        widgets: list = []
        if c.settings_note:
            widgets.append(Static(literal_text(c.settings_note, "yellow"), id="compare-settings"))
        for line in c.warnings():
            widgets.append(Static(literal_text(f"⚠ {line}", "bold red"), classes="compare-warning"))
        for split in (VERDICT_SPLIT, "dev"):
            widgets.append(Static(SPLIT_LABELS[split], classes="compare-heading"))
            widgets.append(split_table(c, split, self.narrow, self.standings))
        if c.buckets:
            widgets.append(Static("item pass rate per bucket (the earlier run's buckets)", classes="compare-heading"))
            widgets.append(bucket_table(c.buckets, self.narrow))
        lists = Horizontal(id="compare-lists", classes="narrow" if self.narrow else "")
        widgets.append(lists)
        await body.mount_all(widgets)
        await lists.mount_all(
            [
                Vertical(
                    Static(heading_text("fixed", 1, 0, len(c.fixed)), classes="compare-heading", id="fixed-heading"),
                    ChangeList(c.fixed, "fixed", id="compare-fixed"),
                ),
                Vertical(
                    Static(
                        heading_text("regressed", 1, 0, len(c.regressed)),
                        classes="compare-heading",
                        id="regressed-heading",
                    ),
                    ChangeList(c.regressed, "regressed", id="compare-regressed"),
                ),
            ]
        )

    @on(ChangeList.PageShown)
    def _page_shown(self, message: ChangeList.PageShown) -> None:
        kind = message.change_list.kind
        heading = heading_text(kind, message.first, message.last, message.total)
        self.query_one(f"#{kind}-heading", Static).update(heading)

    def cell_items(self, table: DataTable) -> tuple[str, tuple[int, ...]] | None:
        """(label, later-run item keys) of the flip count under the table's cursor; None on another cell."""
        if self.comparison is None or not table.id or table.id not in ("compare-held-out", "compare-dev"):
            return None
        split = "held_out" if table.id == "compare-held-out" else "dev"
        row_key, column_key = table.coordinate_to_cell_key(table.cursor_coordinate)
        check = next((c for c in self.comparison.checks if c.name == row_key.value), None)
        if check is None or column_key.value not in FLIP_COLUMNS or split not in check.flips:
            return None
        kind = column_key.value
        return f"{check.name}: {FLIP_COLUMNS[kind]} on {split}", check.flips[split].keys(kind)

    @on(DataTable.CellSelected, "#compare-held-out, #compare-dev")
    def open_cell(self, event: DataTable.CellSelected) -> None:
        self._open_items(event.data_table)

    def action_open_items(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            self._open_items(focused)

    def _open_items(self, table: DataTable) -> None:
        found = self.cell_items(table)
        if found is None:
            self.notify("Put the cursor on a fixed, regressed or still-failing count to open its items.")
            return
        label, keys = found
        if not keys:
            self.notify(f"no items: {label}", markup=False)
            return
        from curator.app.screens.review.browser import BrowserScreen  # the review room's screen, on demand
        from curator.review.browse import ItemFilter

        self.app.push_screen(BrowserScreen(ItemFilter(self.comparison.after_run.run_id, item_keys=tuple(keys))))

    @on(DataTable.RowSelected, "#compare-fixed, #compare-regressed")
    def open_item(self, event: DataTable.RowSelected) -> None:
        changes = self.comparison.fixed if event.data_table.id == "compare-fixed" else self.comparison.regressed
        change = changes[int(event.row_key.value)]
        try:
            screen = SideBySideScreen(self.workspace, self.comparison, change)
        except Exception as error:  # noqa: BLE001 - shown to the user as one line
            self.notify(str(error), severity="error", markup=False)
            return
        self.app.push_screen(screen)

    async def action_toggle_against(self) -> None:
        """Compare with the parent instead of the base run, or back."""
        if self.parent_ref is not None:
            self.notify("This comparison is with a named run.")
            return
        if self.comparison is not None and self.comparison.base_run_id == self.comparison.parent_run_id:
            self.notify("The parent is the base run: there is no other run to compare with.")
            return
        self.against = "parent" if self.against == "base" else "base"
        await self._recompute()

    async def action_allow_mismatch(self) -> None:
        if self.allow_settings_mismatch:
            return
        self.allow_settings_mismatch = True
        await self._recompute()

    def action_close(self) -> None:
        self.dismiss()
