"""The item browser's filter keys (search, failing check, passing, unbucketed, split, bucket, labelling every item
of a filter) and its ticked items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.message import Message
from textual.worker import Worker, get_current_worker

from curator.app.widgets.bucket_picker import BucketPicker
from curator.app.widgets.dialogs import ConfirmDialog, TextPrompt
from curator.app.widgets.item_table import ItemTable
from curator.app.widgets.literal import one_line
from curator.compare.inherited import inherited_bucket_keys
from curator.review import buckets as bucket_domain
from curator.review.browse import ItemFilter, describe_filter, with_changes
from curator.review.buckets import NewBucket
from curator.review.failing_checks import next_failing_check
from curator.storage.buckets import BucketRow

SPLITS = (None, "dev", "held_out")


def filter_title(run_name: str, description: str, count: int, run_items: int, failing: dict[str, int]) -> Text:
    """The browser's title: run, filter, how many of the run's items it shows and the failures per check."""
    title = Text.assemble(
        (one_line(run_name), "bold"),
        "  ·  ",
        (one_line(description), "italic"),
        f"  ·  {count:,} of {run_items:,} items",
    )
    if failing:
        title.append("  ·  failing: ", style="dim")
        title.append(", ".join(f"{one_line(name)} {n:,}" for name, n in failing.items()))
    return title


class FilterKeys:
    """Keys that change the browser's filter (the browser supplies `item_filter`, `items`, `check_names`,
    `failures_per_check`, `parent_run_id`, `apply_filter` and the FilterLabelled / FilterLabelFailed messages)."""

    @dataclass
    class BucketNamesRead(Message):
        """The bucket names the "label every item" question describes its filter with, read in a worker."""

        names: dict[int, str]
        bucket: BucketRow | NewBucket
        items: Any
        """The browser's items when the bucket was chosen: the filter that gets labelled."""

    @dataclass
    class BucketKeysRead(Message):
        """The keys of a bucket's items here or in a parent run, read in a worker for the bucket filter."""

        keys: tuple[int, ...]
        bucket: BucketRow
        base: ItemFilter
        """The filter shown when the bucket was chosen: a filter changed since then wins over this one."""
        worker: Worker

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
        """Show the failures of the next check that has any (checks no item fails are skipped)."""
        if self.failures_per_check is None:
            self.notify("still counting the failures of each check…", timeout=2)
            return
        if not any(self.failures_per_check.get(name, 0) for name in self.check_names):
            self.notify("no item of this filter fails any check", timeout=3)
            return
        following = next_failing_check(self.check_names, self.failures_per_check, self.item_filter.failing_check)
        self.apply_filter(with_changes(self.item_filter, failing_check=following))

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
        self._read_bucket_keys(bucket, self.item_filter)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bucket-filter-keys")
    def _read_bucket_keys(self, bucket: BucketRow, base: ItemFilter) -> None:
        keys = inherited_bucket_keys(self.app.workspace, self.run_id, bucket.bucket_id)
        self.post_message(self.BucketKeysRead(keys, bucket, base, get_current_worker()))

    def on_filter_keys_bucket_keys_read(self, message: BucketKeysRead) -> None:
        """Apply the bucket filter, unless a later bucket was chosen (its worker cancelled this one) or the filter
        changed while the keys were read."""
        if message.worker.is_cancelled or message.base != self.item_filter:
            return
        label = f"bucket {message.bucket.name} (here or in a parent run)"
        changes = {"item_keys": message.keys, "keys_label": label, "similar_to": None}
        self.apply_filter(with_changes(self.item_filter, **changes))

    def action_label_filter(self) -> None:
        if self.items is None or not self.items.count:
            self.notify("no items match this filter: nothing to label", timeout=3, markup=False)
            return
        picker = BucketPicker(f"Put all {self.items.count:,} items of this filter in bucket", defer_create=True)
        self.app.push_screen(picker, callback=self._confirm_label_filter)

    def _confirm_label_filter(self, bucket: BucketRow | NewBucket | None) -> None:
        if bucket is None or self.items is None:
            return
        self._read_bucket_names(bucket, self.items)

    @work(thread=True, exclusive=True, exit_on_error=False, group="label-filter-names")
    def _read_bucket_names(self, bucket: BucketRow | NewBucket, items) -> None:
        names = {b.bucket_id: b.name for b in bucket_domain.list_buckets(self.app.workspace)}
        self.post_message(self.BucketNamesRead(names, bucket, items))

    # (Named handlers, not `@on`: decorators on a mixin are not collected by Textual.)
    def on_filter_keys_bucket_names_read(self, message: BucketNamesRead) -> None:
        bucket, items = message.bucket, message.items
        where = f"the new bucket '{bucket.name}'" if isinstance(bucket, NewBucket) else f"bucket '{bucket.name}'"
        question = (
            f"Put all {items.count:,} items matching {describe_filter(items.filter, message.names)} "
            f"in {where}? (u undoes it)"
        )
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

    def on_browser_screen_filter_labelled(self, message) -> None:
        self.notify(f"{message.added:,} items added to bucket {message.bucket_name}", timeout=3, markup=False)
        self.load_recent_buckets()
        self.labels_changed()

    def on_browser_screen_filter_label_failed(self, message) -> None:
        self.notify(
            f"labelling all matching items in bucket {message.bucket_name} failed, nothing changed: {message.error}",
            severity="error",
            markup=False,
        )


class TickedItems:
    """Ticks: the items b and 1-9 label together (the browser supplies `ticked`, `items`, `_show_title`)."""

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
