"""The bucket keys shared by the item browser and the item detail screen, and the recent-buckets bar."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message
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


BucketWrite = Callable[[], Message]
"""A write of a key's outcome to DuckDB, run in the screen's write worker; returns the message to post."""


@dataclass
class RecentBucketsRead(Message):
    """The buckets keys 1-9 apply were read (in a worker)."""

    buckets: list[BucketRow]


@dataclass
class BucketActionDone(Message):
    """A bucket label, a note or an undo was written (in a worker): `text` says what, `error` what refused it."""

    text: str
    error: bool = False
    applied: bool = False
    """Items were put in a bucket (the browser clears its ticks)."""
    new_bucket: bool = False
    """The bucket was not among the recent ones: read them again."""


class LabellingMixin:
    """Bucket, note and undo actions on the screen's current item; the screen supplies the item and a refresh.
    Every read and write of DuckDB runs in a worker; the outcome comes back as a message."""

    run_id: int
    recent: list[BucketRow]
    # Supplied by the screen: the item_key the keys act on (None when no item is highlighted),
    # and a refresh of whatever shows labels or notes.
    current_item_key: Callable[[], int | None]
    labels_changed: Callable[[], None]

    @work(thread=True, exclusive=True, exit_on_error=False, group="recent-buckets")
    def load_recent_buckets(self) -> None:
        self.post_message(RecentBucketsRead(bucket_domain.recent_buckets(self.app.workspace)))

    def on_recent_buckets_read(self, message: RecentBucketsRead) -> None:
        self.recent = message.buckets
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
        new_bucket = all(b.bucket_id != bucket.bucket_id for b in self.recent)
        ws, run_id = self.app.workspace, self.run_id

        def write() -> BucketActionDone:
            added = bucket_domain.label_items(ws, run_id, keys, bucket)
            if len(keys) > 1:
                text = f"{added} of {len(keys)} ticked items put in bucket {bucket.name} (u undoes it)"
            else:
                text = f"in bucket {bucket.name}" if added else f"already in bucket {bucket.name}"
            return BucketActionDone(text, applied=True, new_bucket=new_bucket)

        self.queue_write(write)

    def queue_write(self, write: BucketWrite) -> None:
        """Run `write` in a worker after the writes queued before it (labels, notes and undos keep the order their
        keys were pressed in); its message comes back to the screen."""
        if not hasattr(self, "_writes"):
            self._writes: deque[BucketWrite] = deque()
            self._writes_lock = threading.Lock()
        with self._writes_lock:
            self._writes.append(write)
            start = len(self._writes) == 1
        if start:
            self._drain_writes()

    @work(thread=True, exit_on_error=False, group="bucket-write")
    def _drain_writes(self) -> None:
        while True:
            try:
                message = self._writes[0]()
            except CuratorError as error:
                message = BucketActionDone(str(error), error=True)
            except BaseException:
                with self._writes_lock:
                    self._writes.clear()  # the worker fails (shown and logged); later keys start afresh
                raise
            self.post_message(message)
            with self._writes_lock:
                self._writes.popleft()
                if not self._writes:
                    return

    def on_bucket_action_done(self, message: BucketActionDone) -> None:
        if message.error:
            self.notify(message.text, severity="error", markup=False)
            return
        self.notify(message.text, timeout=2, markup=False)
        if message.new_bucket:
            self.load_recent_buckets()
        if message.applied:
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
        ws, run_id = self.app.workspace, self.run_id

        def write() -> BucketActionDone:
            bucket_domain.add_note(ws, run_id, item_key, text)
            return BucketActionDone("note saved")

        self.queue_write(write)

    def action_undo(self) -> None:
        ws, run_id = self.app.workspace, self.run_id

        def write() -> BucketActionDone:
            undone = bucket_domain.undo_last(ws, run_id)
            if undone is None:
                return BucketActionDone("nothing to undo")
            what = "note" if undone.kind == "note" else f"{undone.item_count} label(s) in bucket {undone.bucket_name}"
            return BucketActionDone(f"undone: {what}")

        self.queue_write(write)
