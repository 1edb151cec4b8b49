"""The buckets screen: every bucket with its items; rename, describe, merge, delete, retrain on its fixes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from curator.app import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app import registry
from curator.app.widgets.bucket_picker import BucketPicker
from curator.app.widgets.dialogs import ConfirmDialog, TextPrompt
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import one_line
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.errors import CuratorError
from curator.review import buckets as bucket_domain
from curator.storage.buckets import BucketCount, BucketItem, BucketRow


class BucketsScreen(ReportsWorkerFailures, Screen):
    """A table of buckets beside the items of the highlighted one."""

    CSS_PATH = "../../styles/app.tcss"
    BINDINGS = registry.bindings("buckets")
    ACTION_SCOPES = ("buckets",)

    @dataclass
    class BucketsLoaded(Message):
        counts: list[BucketCount]

    @dataclass
    class BucketItemsLoaded(Message):
        bucket: BucketRow
        items: list[BucketItem]

    @dataclass
    class BucketChanged(Message):
        """A rename, description, merge or delete was written (in a worker), or refused with `error`."""

        error: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.counts: list[BucketCount] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Buckets", style="bold"), classes="screen-title")
        with Horizontal(id="buckets-body"):
            yield MeasuredTable(id="bucket-list", cursor_type="row", zebra_stripes=True)
            with Vertical(id="bucket-side"):
                yield Static("", id="bucket-description")
                yield MeasuredTable(id="bucket-items", cursor_type="row")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#bucket-list", DataTable).add_columns("bucket", "items", "runs", "description")
        self.query_one("#bucket-items", DataTable).add_columns("run", "item")
        self.load_buckets()

    @work(thread=True, exclusive=True, exit_on_error=False, group="buckets")
    def load_buckets(self) -> None:
        self.post_message(self.BucketsLoaded(bucket_domain.bucket_counts(self.app.workspace)))

    @on(BucketsLoaded)
    def _show_buckets(self, message: BucketsLoaded) -> None:
        self.counts = message.counts
        table = self.query_one("#bucket-list", DataTable)
        cursor = table.cursor_row
        table.clear()
        for count in self.counts:
            table.add_row(
                Text(one_line(count.bucket.name)),
                Text(f"{count.items:,}", justify="right"),
                Text(f"{count.runs:,}", justify="right"),
                Text(one_line(count.bucket.description, 50)),
                key=str(count.bucket.bucket_id),
            )
        if self.counts:
            table.move_cursor(row=min(cursor, len(self.counts) - 1))
        else:
            self.query_one("#bucket-description", Static).update("No buckets yet (n creates one).")
            self.query_one("#bucket-items", DataTable).clear()

    @on(DataTable.RowHighlighted, "#bucket-list")
    def _bucket_highlighted(self) -> None:
        bucket = self.highlighted_bucket()
        if bucket is not None:
            description = one_line(bucket.description) or "(no description)"
            self.query_one("#bucket-description", Static).update(
                Text.assemble((one_line(bucket.name), "bold"), "\n", description)
            )
            self._load_items(bucket)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bucket-items")
    def _load_items(self, bucket: BucketRow) -> None:
        self.post_message(self.BucketItemsLoaded(bucket, bucket_domain.bucket_items(self.app.workspace, bucket)))

    @on(BucketItemsLoaded)
    def _show_items(self, message: BucketItemsLoaded) -> None:
        table = self.query_one("#bucket-items", DataTable)
        table.clear()
        for item in message.items:
            table.add_row(Text(one_line(item.run_name)), Text(one_line(item.item_id)))

    def highlighted_bucket(self) -> BucketRow | None:
        table = self.query_one("#bucket-list", DataTable)
        row = table.cursor_row
        return self.counts[row].bucket if self.counts and 0 <= row < len(self.counts) else None

    def _guarded(self, change: Callable[..., object], *args: object) -> None:
        """Apply `change(workspace, *args)` in a worker; its refusal shows as a notification, the table reloads."""
        self._apply_change(change, args)

    @work(thread=True, exit_on_error=False, group="bucket-change")
    def _apply_change(self, change: Callable[..., object], args: tuple) -> None:
        try:
            change(self.app.workspace, *args)
        except CuratorError as error:
            self.post_message(self.BucketChanged(str(error)))
            return
        self.post_message(self.BucketChanged())

    @on(BucketChanged)
    def _bucket_changed(self, message: BucketChanged) -> None:
        if message.error is not None:
            self.notify(message.error, severity="error", markup=False)
        self.load_buckets()

    @on(WorkFailed)
    def _change_failed(self, message: WorkFailed) -> None:
        """A change that crashed (shown and logged by the app) may have been partly seen: show what is stored."""
        if message.group == "bucket-change":
            self.load_buckets()

    def action_retrain(self) -> None:
        bucket = self.highlighted_bucket()
        if bucket is not None:
            self.app.retrain_on_bucket(bucket, self.app.current_run_id)

    def action_new_bucket(self) -> None:
        self.app.push_screen(
            BucketPicker("New bucket (type its name)", create_only=True), callback=lambda _: self.load_buckets()
        )

    def action_rename(self) -> None:
        bucket = self.highlighted_bucket()
        if bucket is not None:
            self.app.push_screen(
                TextPrompt(f"Rename bucket '{bucket.name}'", value=bucket.name),
                callback=lambda name: self._rename(bucket, name),
            )

    def _rename(self, bucket: BucketRow, name: str | None) -> None:
        if name is not None:
            self._guarded(bucket_domain.rename_bucket, bucket, name)

    def action_describe(self) -> None:
        bucket = self.highlighted_bucket()
        if bucket is not None:
            self.app.push_screen(
                TextPrompt(f"Description of '{bucket.name}'", value=bucket.description),
                callback=lambda text: self._describe(bucket, text),
            )

    def _describe(self, bucket: BucketRow, text: str | None) -> None:
        if text is not None:
            self._guarded(bucket_domain.set_description, bucket, text)

    def action_merge(self) -> None:
        source = self.highlighted_bucket()
        if source is not None:
            picker = BucketPicker(f"Merge '{source.name}' into", allow_create=False, exclude=source.bucket_id)
            self.app.push_screen(picker, callback=lambda target: self._confirm_merge(source, target))

    def _confirm_merge(self, source: BucketRow, target: BucketRow | None) -> None:
        if target is None:
            return
        question = (
            f"Merge bucket '{source.name}' into '{target.name}'? Its labels and notes move; '{source.name}' goes."
        )
        self.app.push_screen(
            ConfirmDialog(question, yes_label="Merge"),
            callback=lambda yes: yes and self._guarded(bucket_domain.merge_buckets, source, target),
        )

    def action_delete(self) -> None:
        bucket = self.highlighted_bucket()
        if bucket is not None:
            question = f"Delete bucket '{bucket.name}' and its labels? Items and notes stay."
            self.app.push_screen(
                ConfirmDialog(question, yes_label="Delete"),
                callback=lambda yes: yes and self._guarded(bucket_domain.delete_bucket, bucket),
            )


registry.register_screen("buckets", "Buckets", BucketsScreen)
