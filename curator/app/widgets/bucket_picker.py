"""Pick a bucket by fuzzy search, or create one inline (name, then description).

With `defer_create` the picker does not create the bucket: it answers a `NewBucket` that the caller creates
together with its labels (so a declined confirmation leaves no empty bucket).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from curator.app.widgets.literal import literal_text
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.errors import CuratorError
from curator.review import buckets as bucket_domain
from curator.review.buckets import NewBucket
from curator.storage.buckets import BucketRow

CREATE_ID = "__create__"


class BucketPicker(ReportsWorkerFailures, ModalScreen[BucketRow | NewBucket | None]):
    """Fuzzy search over buckets; the last option creates a bucket named as typed. The buckets are read, and a new
    one created, in workers (never on the UI thread)."""

    @dataclass
    class BucketsRead(Message):
        """The buckets to choose from, read in a worker."""

        buckets: list[BucketRow]

    @dataclass
    class BucketCreated(Message):
        """The new bucket was stored (`bucket`), or refused with a one-line reason (`error`)."""

        bucket: BucketRow | None
        error: str | None = None

    CSS_PATH = "../styles/dialogs.tcss"
    DEFAULT_CSS = """
    BucketPicker #picker { max-width: 96%; }
    BucketPicker #picker-title, BucketPicker #picker-error { width: 100%; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Close without choosing"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
    ]

    def __init__(
        self,
        title: str = "Bucket",
        allow_create: bool = True,
        exclude: int | None = None,
        defer_create: bool = False,
        create_only: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.allow_create = allow_create or create_only
        self.defer_create = defer_create
        self.create_only = create_only
        self.exclude = exclude
        self._buckets: list[BucketRow] | None = None
        """The buckets to choose from; None until the worker has read them."""
        self._new_name: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(literal_text(self.title_text), id="picker-title")
            yield Input(placeholder="type to search, or a new name", id="picker-query")
            yield OptionList(id="picker-options")
            yield Input(placeholder="description of the new bucket (enter to create)", id="picker-description")
            yield Label("", id="picker-error")

    def on_mount(self) -> None:
        self.query_one("#picker-description").display = False
        self._error("reading buckets…")
        self._read_buckets()

    @work(thread=True, exclusive=True, exit_on_error=False, group="buckets")
    def _read_buckets(self) -> None:
        buckets = bucket_domain.list_buckets(self.app.workspace)
        self.post_message(self.BucketsRead([b for b in buckets if b.bucket_id != self.exclude]))

    @on(BucketsRead)
    def _buckets_read(self, message: BucketsRead) -> None:
        self._buckets = message.buckets
        self._refresh_options(self.query_one("#picker-query", Input).value)

    @on(Input.Changed, "#picker-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._refresh_options(event.value)

    def _refresh_options(self, query: str) -> None:
        if self._buckets is None:  # shown once the worker has read them
            return
        self._error("")
        scored = [] if self.create_only else [(bucket_domain.fuzzy_score(query, b.name), b) for b in self._buckets]
        matches = sorted(((s, b) for s, b in scored if s is not None), key=lambda sb: (-sb[0], sb[1].name))
        options = [Option(literal_text(b.name), id=str(b.bucket_id)) for _, b in matches]
        name = query.strip()
        if self.allow_create and name and all(b.name != name for b in self._buckets):
            options.append(Option(literal_text(f"+ create bucket '{name}'"), id=CREATE_ID))
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        if options:
            option_list.highlighted = 0

    def action_move(self, step: int) -> None:
        option_list = self.query_one(OptionList)
        if option_list.option_count:
            current = option_list.highlighted or 0
            option_list.highlighted = max(0, min(option_list.option_count - 1, current + step))

    @on(Input.Submitted, "#picker-query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            self._choose(option_list.get_option_at_index(option_list.highlighted).id)
        elif self._buckets is None:
            self._error("reading buckets…")
        elif not event.value.strip():
            self._error("type a bucket name first" if self.allow_create else "type part of a bucket's name")
        elif self.create_only:
            self._error(f"a bucket named '{event.value.strip()}' already exists")
        else:
            self._error(f"no bucket matches '{event.value.strip()}'")

    def _error(self, message: str) -> None:
        self.query_one("#picker-error", Label).update(literal_text(message))

    @on(OptionList.OptionSelected)
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == CREATE_ID:
            self._new_name = self.query_one("#picker-query", Input).value.strip()
            description = self.query_one("#picker-description", Input)
            description.display = True
            description.focus()
            return
        bucket = next((b for b in self._buckets or [] if str(b.bucket_id) == option_id), None)
        if bucket is not None:
            self.dismiss(bucket)

    @on(Input.Submitted, "#picker-description")
    def _create(self, event: Input.Submitted) -> None:
        event.stop()
        if self.defer_create:
            self.dismiss(NewBucket(self._new_name or "", event.value))
            return
        self._error("creating the bucket…")
        self._create_bucket(self._new_name or "", event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="create")
    def _create_bucket(self, name: str, description: str) -> None:
        try:
            bucket = bucket_domain.create_bucket(self.app.workspace, name, description)
        except CuratorError as error:  # bad input: one line on the picker, nothing stored
            self.post_message(self.BucketCreated(None, str(error)))
            return
        self.post_message(self.BucketCreated(bucket))

    @on(BucketCreated)
    def _bucket_created(self, message: BucketCreated) -> None:
        if message.bucket is None:
            self._error(message.error or "")
        else:
            self.dismiss(message.bucket)

    @on(WorkFailed)
    def _work_failed(self, message: WorkFailed) -> None:
        """A worker crashed (the app showed and logged it): say so on the picker instead of "reading…"."""
        what = "reading buckets" if message.group == "buckets" else "creating the bucket"
        self._error(f"{what} failed: {message.error}")

    def action_cancel(self) -> None:
        self.dismiss(None)
