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
from curator.app.screens.review.labelling import LabellingMixin, RecentBuckets
from curator.app.widgets.bucket_picker import BucketPicker
from curator.app.widgets.dialogs import ConfirmDialog, TextPrompt
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.item_table import ItemTable
from curator.app.widgets.literal import one_line
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.compare.inherited import inherited_bucket_keys, inherited_buckets
from curator.errors import CuratorError
from curator.review import browse
from curator.review import buckets as bucket_domain
from curator.review.browse import FilteredItems, ItemFilter, describe_filter, with_changes
from curator.review.buckets import NewBucket
from curator.review.runs import resolve_run
from curator.storage.buckets import BucketRow

SPLITS = (None, "dev", "held_out")


class BrowserScreen(ReportsWorkerFailures, LabellingMixin, Screen):
    """Every item of a run that the filter lets through; enter shows one in detail."""

    CSS_PATH = "../../styles/app.tcss"
    BINDINGS = registry.bindings("browser", "labelling")
    ACTION_SCOPES = ("browser", "labelling")

    @dataclass
    class FilterApplied(Message):
        """A filter's index is built: its items can be shown."""

        items: FilteredItems
        check_names: list[str]
        run_name: str
        run_items: int
        cursor_row: int

    @dataclass
    class InheritedLoaded(Message):
        """The buckets this re-evaluated run's items have in its parent runs (matched by item id)."""

        inherited: dict[int, list[str]]

    @dataclass
    class FilterCounted(Message):
        """Per-check failure counts of a filter's items, read after its first page is shown."""

        items: FilteredItems
        failing: dict[str, int]

    @dataclass
    class FilterFailed(Message):
        error: str

    @dataclass
    class FilterLabelled(Message):
        bucket_name: str
        added: int

    @dataclass
    class FilterLabelFailed(Message):
        """Labelling a whole filter failed: nothing was labelled (one transaction)."""

        bucket_name: str
        error: str

    def __init__(self, item_filter: ItemFilter) -> None:
        super().__init__()
        self.run_id = item_filter.run_id
        self.item_filter = item_filter
        self.items: FilteredItems | None = None
        self.check_names: list[str] = []
        self.recent: list[BucketRow] = []
        self.run_name = ""
        self.run_items = 0
        self.failing: dict[str, int] = {}
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
        try:
            items = FilteredItems(ws, item_filter)
        except CuratorError as error:
            self.post_message(self.FilterFailed(str(error)))
            return
        name, total = browse.run_header(ws, item_filter.run_id)
        cursor_row = items.index_of(keep_key) if keep_key is not None else 0
        items.page(cursor_row // items.page_size)
        self.post_message(
            self.FilterApplied(items, browse.check_names(ws, item_filter.run_id), name, total, cursor_row)
        )
        self.post_message(self.FilterCounted(items, items.failing_counts()))

    @on(FilterApplied)
    def _filter_applied(self, message: FilterApplied) -> None:
        if message.items.filter != self.item_filter:
            return
        self.items, self.check_names, self.failing = message.items, message.check_names, {}
        self.run_name, self.run_items = message.run_name, message.run_items
        self._show_title()
        self.query_one(ItemTable).show(message.items, message.check_names, message.cursor_row)

    @on(FilterCounted)
    def _filter_counted(self, message: FilterCounted) -> None:
        if message.items is self.items:
            self.failing = message.failing
            self._show_title()

    @on(FilterFailed)
    def _filter_failed(self, message: FilterFailed) -> None:
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
        names = {b.bucket_id: b.name for b in bucket_domain.list_buckets(self.app.workspace)}
        count = self.items.count if self.items else 0
        title = Text.assemble(
            (one_line(self.run_name), "bold"),
            "  ·  ",
            (one_line(describe_filter(self.item_filter, names)), "italic"),
            f"  ·  {count:,} of {self.run_items:,} items",
        )
        if self.failing and self.items and self.items.count:
            title.append("  ·  failing: ", style="dim")
            title.append(", ".join(f"{one_line(name)} {self.failing.get(name, 0):,}" for name in self.check_names))
        if self.ticked:
            title.append(f"  ·  {len(self.ticked):,} ticked (b, 1-9 label them)", style="bold")
        if error:
            title.append(f"  ·  {one_line(error)}", style="bold red")
        self.query_one("#browser-title", Static).update(title)

    def current_item_key(self) -> int | None:
        row = self.query_one(ItemTable).current_row
        return row.item_key if row else None

    def keys_to_label(self) -> list[int]:
        return sorted(self.ticked) if self.ticked else super().keys_to_label()

    def labels_applied(self) -> None:
        self._set_ticks(set())

    def _set_ticks(self, ticked: set[int]) -> None:
        self.ticked = ticked
        table = self.query_one(ItemTable)
        table.ticked = ticked
        table.refresh()
        if self.items is not None:
            self._show_title()

    def action_toggle_tick(self) -> None:
        key = self.current_item_key()
        if key is not None:
            self._set_ticks(self.ticked ^ {key})

    def action_more_like_this(self) -> None:
        row = self.query_one(ItemTable).current_row
        if row is not None:
            self.app.more_like_this(self.run_id, row.item_key, row.item_id)

    def labels_changed(self) -> None:
        if self.item_filter.bucket_id is not None or self.item_filter.unbucketed:
            self.apply_filter(self.item_filter, keep_key=self.current_item_key())
        else:
            self.query_one(ItemTable).reload()

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

    def _back_from_item(self, item_key: int | None) -> None:
        if item_key is not None and self.items is not None:
            table = self.query_one(ItemTable)
            table.cursor_row = self.items.index_of(item_key)

    def action_search(self) -> None:
        current = self.item_filter.search or ""
        shown = f"/{current}/" if self.item_filter.regex and current else current
        prompt = TextPrompt(
            "Search input, target and output (/pattern/ for a regular expression; empty clears)", value=shown
        )
        self.app.push_screen(prompt, callback=self._search)

    def _search(self, text: str | None) -> None:
        if text is None:
            return
        text = text.strip()
        is_regex = len(text) >= 2 and text.startswith("/") and text.endswith("/")
        search = text[1:-1] if is_regex else text
        self.apply_filter(with_changes(self.item_filter, search=search or None, regex=is_regex))

    def action_cycle_failing(self) -> None:
        names = [None, *self.check_names]
        current = names.index(self.item_filter.failing_check) if self.item_filter.failing_check in names else 0
        self.apply_filter(with_changes(self.item_filter, failing_check=names[(current + 1) % len(names)]))

    def set_failing(self, check_name: str) -> None:
        self.apply_filter(with_changes(self.item_filter, failing_check=check_name))

    def action_toggle_passing(self) -> None:
        self.apply_filter(with_changes(self.item_filter, passing=not self.item_filter.passing))

    def action_toggle_unbucketed(self) -> None:
        self.apply_filter(with_changes(self.item_filter, unbucketed=not self.item_filter.unbucketed))

    def action_cycle_split(self) -> None:
        split = SPLITS[(SPLITS.index(self.item_filter.split) + 1) % len(SPLITS)]
        self.apply_filter(with_changes(self.item_filter, split=split))

    def action_clear_filter(self) -> None:
        self.apply_filter(ItemFilter(self.run_id))

    def action_filter_bucket(self) -> None:
        picker = BucketPicker("Show the items of bucket", allow_create=False)
        self.app.push_screen(picker, callback=self.filter_by_bucket)

    def filter_by_bucket(self, bucket: BucketRow | None) -> None:
        if bucket is None:
            return
        if self.parent_run_id is None:
            self.apply_filter(with_changes(self.item_filter, bucket_id=bucket.bucket_id))
            return
        keys = inherited_bucket_keys(self.app.workspace, self.run_id, bucket.bucket_id)
        label = f"bucket {bucket.name} (here or in a parent run)"
        self.apply_filter(with_changes(self.item_filter, item_keys=keys, keys_label=label, similar_to=None))

    def action_label_filter(self) -> None:
        if self.items is None or not self.items.count:
            self.notify("no items match this filter: nothing to label", timeout=3, markup=False)
            return
        picker = BucketPicker(f"Put all {self.items.count:,} items of this filter in bucket", defer_create=True)
        self.app.push_screen(picker, callback=self._confirm_label_filter)

    def _confirm_label_filter(self, bucket: BucketRow | NewBucket | None) -> None:
        if bucket is None or self.items is None:
            return
        names = {b.bucket_id: b.name for b in bucket_domain.list_buckets(self.app.workspace)}
        where = f"the new bucket '{bucket.name}'" if isinstance(bucket, NewBucket) else f"bucket '{bucket.name}'"
        question = (
            f"Put all {self.items.count:,} items matching {describe_filter(self.item_filter, names)} "
            f"in {where}? (u undoes it)"
        )
        items = self.items
        self.app.push_screen(
            ConfirmDialog(question, yes_label="Label all"),
            callback=lambda yes: yes and self._label_filter(items.filter, bucket),
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="label-filter")
    def _label_filter(self, item_filter: ItemFilter, bucket: BucketRow | NewBucket) -> None:
        try:
            added = bucket_domain.label_filter(self.app.workspace, item_filter, bucket)
        except Exception as error:  # noqa: BLE001  (any failure rolls the one transaction back; the user is told)
            self.post_message(self.FilterLabelFailed(bucket.name, str(error).splitlines()[0]))
            return
        self.post_message(self.FilterLabelled(bucket.name, added))

    @on(FilterLabelled)
    def _filter_labelled(self, message: FilterLabelled) -> None:
        self.notify(f"{message.added:,} items added to bucket {message.bucket_name}", timeout=3, markup=False)
        self.load_recent_buckets()
        self.labels_changed()

    @on(FilterLabelFailed)
    def _filter_label_failed(self, message: FilterLabelFailed) -> None:
        self.notify(
            f"labelling all matching items in bucket {message.bucket_name} failed, nothing changed: {message.error}",
            severity="error",
            markup=False,
        )


registry.register_screen("browser", "Item browser", BrowserScreen)
