"""The bucket keys shared by the item browser and the item detail screen, and the recent-buckets bar."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from curator.app.widgets.bucket_picker import BucketPicker
from curator.app.widgets.dialogs import TextPrompt
from curator.app.widgets.literal import one_line
from curator.errors import CuratorError
from curator.review import buckets as bucket_domain
from curator.storage.buckets import BucketRow


class RecentBuckets(Static):
    """The buckets keys 1-9 apply, shown as `1 name  2 name ...`."""

    def show(self, buckets: list[BucketRow]) -> None:
        text = Text("keys ", style="dim")
        for n, bucket in enumerate(buckets, start=1):
            text.append(f" {n} ", style="reverse")
            text.append(f" {one_line(bucket.name)}  ")
        if not buckets:
            text.append("b: put the item in a bucket (type a new name to create one)", style="dim")
        self.update(text)


class LabellingMixin:
    """Bucket, note and undo actions on the screen's current item; the screen supplies the item and a refresh."""

    run_id: int
    recent: list[BucketRow]
    # Supplied by the screen: the item_key the keys act on (None when no item is highlighted),
    # and a refresh of whatever shows labels or notes.
    current_item_key: Callable[[], int | None]
    labels_changed: Callable[[], None]

    def load_recent_buckets(self) -> None:
        self.recent = bucket_domain.recent_buckets(self.app.workspace)
        self.query_one(RecentBuckets).show(self.recent)

    def keys_to_label(self) -> list[int]:
        """The items b and 1-9 act on: the current one (the browser puts its ticked items here instead)."""
        key = self.current_item_key()
        return [] if key is None else [key]

    def labels_applied(self) -> None:
        """Called after b or 1-9 labelled items (the browser clears its ticks)."""

    def label_current(self, bucket: BucketRow | None) -> None:
        keys = self.keys_to_label()
        if bucket is None or not keys:
            return
        added = bucket_domain.label_items(self.app.workspace, self.run_id, keys, bucket)
        if len(keys) > 1:
            message = f"{added} of {len(keys)} ticked items put in bucket {bucket.name} (u undoes it)"
        else:
            message = f"in bucket {bucket.name}" if added else f"already in bucket {bucket.name}"
        self.notify(message, timeout=2, markup=False)
        if all(b.bucket_id != bucket.bucket_id for b in self.recent):
            self.load_recent_buckets()
        self.labels_applied()
        self.labels_changed()

    def action_pick_bucket(self) -> None:
        keys = self.keys_to_label()
        if keys:
            title = "Put the item in bucket" if len(keys) == 1 else f"Put the {len(keys)} ticked items in bucket"
            self.app.push_screen(BucketPicker(title), callback=self.label_current)

    def action_apply_recent(self, number: int) -> None:
        if number <= len(self.recent):
            self.label_current(self.recent[number - 1])
        else:
            self.app.bell()

    def action_add_note(self) -> None:
        key = self.current_item_key()
        if key is not None:
            self.app.push_screen(TextPrompt("Note on this item"), callback=lambda text: self._save_note(key, text))

    def _save_note(self, item_key: int, text: str | None) -> None:
        if not text:
            return
        try:
            bucket_domain.add_note(self.app.workspace, self.run_id, item_key, text)
        except CuratorError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify("note saved", timeout=2, markup=False)
        self.labels_changed()

    def action_undo(self) -> None:
        undone = bucket_domain.undo_last(self.app.workspace, self.run_id)
        if undone is None:
            self.notify("nothing to undo", timeout=2, markup=False)
            return
        what = "note" if undone.kind == "note" else f"{undone.item_count} label(s) in bucket {undone.bucket_name}"
        self.notify(f"undone: {what}", timeout=2, markup=False)
        self.labels_changed()
