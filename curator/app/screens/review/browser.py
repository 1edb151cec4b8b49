"""The item browser: a virtual table over every item of a run, narrowed by filters that combine."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from curator.app import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app import registry
from curator.app.screens.review.browser_filters import FilterKeys, TickedItems, filter_title
from curator.app.screens.review.browser_return import ReturnsToItem
from curator.app.screens.review.labelling import LabellingMixin, RecentBuckets
from curator.app.screens.review.verdicts import FilterVerdictKeys
from curator.app.widgets.check_marks import model_graded_summary
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.item_table import ItemTable
from curator.app.widgets.literal import one_line
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.compare.inherited import inherited_buckets
from curator.errors import CuratorError
from curator.review import browse
from curator.review import buckets as bucket_domain
from curator.review.browse import FilteredItems, ItemFilter, describe_filter
from curator.review.failing_checks import failures_per_check
from curator.review.label_views import CheckStanding, check_standings
from curator.review.runs import resolve_run
from curator.storage.buckets import BucketRow


class BrowserScreen(
    ReturnsToItem, FilterKeys, TickedItems, ReportsWorkerFailures, FilterVerdictKeys, LabellingMixin, Screen
):
    """Every item of a run that the filter lets through; enter shows one in detail."""

    CSS_PATH = "../../styles/app.tcss"
    BINDINGS = registry.bindings("browser", "verdicts", "labelling")
    ACTION_SCOPES = ("browser", "verdicts", "labelling")

    @dataclass
    class FilterApplied(Message):
        """A filter's index is built: its items can be shown."""

        items: FilteredItems
        check_names: list[str]
        standings: dict[str, CheckStanding]
        run_name: str
        run_items: int
        cursor_row: int
        bucket_names: dict[int, str]

    @dataclass
    class InheritedLoaded(Message):
        """The buckets this re-evaluated run's items have in its parent runs (matched by item id)."""

        inherited: dict[int, list[str]]

    @dataclass
    class FilterCounted(Message):
        """Per-check failure counts of a filter's items, read after its first page is shown."""

        items: FilteredItems
        failing: dict[str, int]
        failures_per_check: dict[str, int]
        """Failures per check of the filter without its failing-check part (which checks `f` offers)."""

    @dataclass
    class FilterFailed(Message):
        error: str
        bucket_names: dict[int, str]

    @dataclass
    class FilterLabelled(Message):
        bucket_name: str
        added: int

    @dataclass
    class FilterLabelFailed(Message):
        """Labelling a whole filter failed: nothing was labelled (one transaction)."""

        bucket_name: str
        error: str

    def __init__(self, item_filter: ItemFilter, verdict_check: str | None = None) -> None:
        super().__init__()
        self.verdict_check = verdict_check
        self.run_id = item_filter.run_id
        self.item_filter = item_filter
        self.items: FilteredItems | None = None
        self.check_names: list[str] = []
        self.standings: dict[str, CheckStanding] = {}
        self.recent: list[BucketRow] = []
        self.run_name = ""
        self.run_items = 0
        self.bucket_names: dict[int, str] = {}
        """Bucket names by id, for the title (read with the filter's index, off the UI thread)."""
        self.failing: dict[str, int] = {}
        self.failures_per_check: dict[str, int] | None = None
        """Failures per check of the filter without its failing-check part (None until counted)."""
        self.ticked: set[int] = set()
        self.parent_run_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="browser-title", classes="screen-title")
        yield ItemTable(id="item-table")
        yield RecentBuckets(id="recent-buckets")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.load_recent_buckets()
        self.apply_filter(self.item_filter)
        self.query_one(ItemTable).focus()
        self._load_inherited()

    def on_screen_resume(self) -> None:
        self.load_recent_buckets()
        self.query_one(ItemTable).reload()
        self._load_inherited()

    @work(thread=True, exclusive=True, exit_on_error=False, group="inherited")
    def _load_inherited(self) -> None:
        """For a re-evaluated run: its parents' buckets, shown (with ↑) beside the run's own in the table."""
        run = resolve_run(self.app.workspace, self.run_id)
        self.parent_run_id = run.parent_run_id
        if run.parent_run_id is not None:
            self.post_message(self.InheritedLoaded(inherited_buckets(self.app.workspace, self.run_id)))

    @on(InheritedLoaded)
    def _inherited_loaded(self, message: InheritedLoaded) -> None:
        table = self.query_one(ItemTable)
        table.inherited = message.inherited
        table.refresh()

    def apply_filter(self, item_filter: ItemFilter, keep_key: int | None = None) -> None:
        """Show the items of `item_filter` once its index is built (in a worker)."""
        self.item_filter = item_filter
        self._set_ticks(set())
        self.query_one("#browser-title", Static).update(Text(f"filtering: {describe_filter(item_filter)} …"))
        self._build_index(item_filter, keep_key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="filter")
    def _build_index(self, item_filter: ItemFilter, keep_key: int | None) -> None:
        ws = self.app.workspace
        names = {b.bucket_id: b.name for b in bucket_domain.list_buckets(ws)}
        try:
            items = FilteredItems(ws, item_filter)
        except CuratorError as error:
            self.post_message(self.FilterFailed(str(error), names))
            return
        name, total = browse.run_header(ws, item_filter.run_id)
        cursor_row = items.index_of(keep_key) if keep_key is not None else 0
        items.page(cursor_row // items.page_size)
        self.post_message(
            self.FilterApplied(
                items,
                browse.check_names(ws, item_filter.run_id),
                check_standings(ws, item_filter.run_id),
                name,
                total,
                cursor_row,
                names,
            )
        )
        failing = items.failing_counts()
        narrowed = item_filter.failing_check or item_filter.failing_any or item_filter.passing
        per_check = failures_per_check(ws, item_filter) if narrowed else failing
        self.post_message(self.FilterCounted(items, failing, per_check))

    @on(FilterApplied)
    def _filter_applied(self, message: FilterApplied) -> None:
        if message.items.filter != self.item_filter:
            return
        self.items, self.check_names, self.failing = message.items, message.check_names, {}
        self.standings = message.standings
        self.run_name, self.run_items = message.run_name, message.run_items
        self.bucket_names = message.bucket_names
        self._show_title()
        self.query_one(ItemTable).show(message.items, message.check_names, message.cursor_row, message.standings)

    @on(FilterCounted)
    def _filter_counted(self, message: FilterCounted) -> None:
        if message.items is self.items:
            self.failing, self.failures_per_check = message.failing, message.failures_per_check
            self._show_title()

    @on(FilterFailed)
    def _filter_failed(self, message: FilterFailed) -> None:
        self.bucket_names = message.bucket_names
        if self.items is not None:
            self.item_filter = self.items.filter
        self.notify(message.error, severity="error", markup=False)
        self._show_title(error=message.error)

    def on_work_failed(self, message: WorkFailed) -> None:
        """A filter worker that crashed (already shown and logged by the app): take "filtering…" down."""
        if message.group == "filter":
            if self.items is not None:
                self.item_filter = self.items.filter
            self._show_title(error=message.error)

    def _show_title(self, error: str | None = None) -> None:
        count = self.items.count if self.items else 0
        failing = {name: self.failing.get(name, 0) for name in self.check_names} if self.failing and count else {}
        described = describe_filter(self.item_filter, self.bucket_names)
        title = filter_title(self.run_name, described, count, self.run_items, failing)
        title.append_text(model_graded_summary(self.standings, self.check_names))
        title.append_text(self.verdict_hint())
        if self.ticked:
            title.append(f"  ·  {len(self.ticked):,} ticked (b, 1-9 label them)", style="bold")
        if error:
            title.append(f"  ·  {one_line(error)}", style="bold red")
        self.query_one("#browser-title", Static).update(title)

    def current_item_key(self) -> int | None:
        row = self.query_one(ItemTable).current_row
        return row.item_key if row else None

    def action_open_item(self) -> None:
        key = self.current_item_key()
        if key is not None:
            self.app.open_item(self.run_id, key, self.item_filter, on_close=self._back_from_item)

    @on(ItemTable.Highlighted)
    def _highlighted(self, event: ItemTable.Highlighted) -> None:
        event.stop()

    @on(ItemTable.Selected)
    def _selected(self, event: ItemTable.Selected) -> None:
        event.stop()
        self.action_open_item()


registry.register_screen("browser", "Item browser", BrowserScreen)
