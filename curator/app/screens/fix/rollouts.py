"""Sample fixes and the rollout view: k samples per input of a bucket or failing check, each with its check marks,
side by side with the target; accept the best, make pairs, or open the item."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, ProgressBar, Static
from textual.worker import get_current_worker

from curator.app import registry
from curator.app.screens.fix.rollout_set import InputKeys, SampleSetView, WholeSetKeys
from curator.app.screens.fix.rollout_view import form_request, read_scope, scope_text
from curator.app.widgets.literal import literal
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.errors import CuratorError
from curator.fix import rollouts as rollout_domain
from curator.jobs import sampling as sampling_jobs
from curator.jobs.training import default_base_model
from curator.storage.browse import ItemFilter
from curator.storage.rollouts import InputSummary, RolloutRow
from curator.workspace import Workspace

FAILURES = {
    "rollouts-sample": "sampling failed",
    "rollouts-scope": "reading the filter failed",
    "rollouts-set": "reading the sample set failed",
    "rollouts-input": "reading the samples failed",
    "rollouts-write": "storing failed",
    "rollouts-follow-up": "whole set failed",
}
"""The status line's head when a worker of that group fails (the app shows the error and logs the traceback)."""


class RolloutScreen(ReportsWorkerFailures, WholeSetKeys, InputKeys, SampleSetView, Screen):
    """Sample k outputs per input of a filter (in a worker, with progress), then review them input by input;
    DuckDB is read and written in workers only."""

    CSS_PATH = ["fix.tcss", "rollouts.tcss"]
    BINDINGS = registry.bindings("fix.rollouts")
    ACTION_SCOPES = ("fix.rollouts",)

    @dataclass
    class SamplingProgressed(Message):
        done: int
        total: int
        stage: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, RolloutScreen.SamplingProgressed)

    @dataclass
    class RolloutsSampled(Message):
        """A sample set was stored."""

        sample_set_id: int

    @dataclass
    class SamplingStopped(Message):
        reason: str

    @dataclass
    class ScopeRead(Message):
        """The title's scope (`bucket weather`), read from the filter."""

        text: str

    def __init__(
        self,
        workspace: Workspace,
        run_id: int,
        item_filter: ItemFilter | None = None,
        *,
        model: str = "",
        sample_set_id: int | None = None,
        scope: tuple[str | None, str | None] | None = None,
        k: int = 8,
        temperature: float = 0.8,
        max_new_tokens: int = 128,
    ) -> None:
        super().__init__()
        self.workspace, self.run_id = workspace, run_id
        self.item_filter = item_filter
        self.model, self.k, self.temperature, self.max_new_tokens = model, k, temperature, max_new_tokens
        self.sample_set_id = sample_set_id
        self.scope = scope
        """(bucket, failing check) of `item_filter` when the opener read it; else the screen reads it."""
        self.inputs: list[InputSummary] = []
        self.samples: list[RolloutRow] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Sample fixes · {self._scope()}"), id="rollout-title", classes="fix-title")
        with Horizontal(id="rollout-form"):
            yield Label("model", classes="field-label")
            yield Input(self.model, id="rollout-model", placeholder="local model folder")
            yield Label("k", classes="field-label")
            yield Input(str(self.k), id="rollout-k", type="integer")
            yield Label("temperature", classes="field-label")
            yield Input(str(self.temperature), id="rollout-temperature", type="number")
            yield Label("max tokens", classes="field-label")
            yield Input(str(self.max_new_tokens), id="rollout-max-tokens", type="integer")
        with Horizontal(id="rollout-progress-row"):
            yield ProgressBar(id="rollout-progress", show_eta=False)
            yield Static("", id="rollout-status")
        yield MeasuredTable(id="rollout-inputs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="rollout-agreement", classes="summary")
        with Horizontal(id="rollout-body"):
            with Vertical(id="rollout-target-side"):
                yield Label("Input and target", classes="field-label")
                yield Static("", id="rollout-target")
            yield MeasuredTable(id="rollout-samples", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rollout-inputs", DataTable).add_columns("item", "passed", "mean reward", "signal", "input")
        self.query_one("#rollout-samples", DataTable).add_columns("#", "checks", "reward", "output")
        if self.item_filter is not None and self.scope is None:
            self._read_scope()
        if self.sample_set_id is not None:
            self._show_set(self.sample_set_id)
        else:
            self._status("ctrl+r samples k outputs per input of this filter; held-out items are never sampled.")

    def _scope(self) -> str:
        if self.item_filter is not None and self.scope is None:
            return "…"
        return scope_text(self.scope)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rollouts-scope")
    def _read_scope(self) -> None:
        try:
            scope = read_scope(self.workspace, self.run_id, self.item_filter)
        except CuratorError:
            scope = None
        self.post_message(self.ScopeRead(scope_text(scope)))

    @on(ScopeRead)
    def _scope_read(self, message: ScopeRead) -> None:
        self.query_one("#rollout-title", Static).update(Text(f"Sample fixes · {message.text}"))

    def _status(self, text: str) -> None:
        self.query_one("#rollout-status", Static).update(Text(literal(text)))

    # Sampling (worker) and its messages.

    def request(self) -> sampling_jobs.SampleRequest:
        """The form as a request (its bucket or failing check are read by the sampling worker); CuratorError names
        a field that does not hold a usable value."""
        return form_request(self, self.run_id)

    def action_sample(self) -> None:
        try:
            request = self.request()
        except CuratorError as problem:
            self._status(str(problem))
            return
        self._status("Loading the model…")
        self.sample_worker(request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rollouts-sample")
    def sample_worker(self, request: sampling_jobs.SampleRequest) -> None:
        worker = get_current_worker()

        def progressed(event: dict) -> None:
            if event.get("event") in ("loaded", "generated"):
                done = event.get("done", 0)
                self.post_message(self.SamplingProgressed(done, event.get("total", 0), event.get("backend", "")))

        try:
            bucket, failing = read_scope(self.workspace, self.run_id, self.item_filter)
            sample_set = sampling_jobs.run_sampling(
                self.workspace,
                replace(request, bucket=bucket, failing=failing),
                on_event=progressed,
                should_cancel=lambda: worker.is_cancelled,
            )
        except CuratorError as problem:
            self.post_message(self.SamplingStopped(str(problem)))
            return
        self.post_message(self.RolloutsSampled(sample_set.sample_set_id))

    @on(SamplingProgressed)
    def _progressed(self, message: SamplingProgressed) -> None:
        self.query_one("#rollout-progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)
        self._status(f"Sampling {message.done:,} / {message.total:,} rollouts…")

    @on(SamplingStopped)
    def _stopped(self, message: SamplingStopped) -> None:
        self._status(message.reason)

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        if message.group == "rollouts-write":
            self.writing = False
        self._status(f"{FAILURES.get(message.group, 'failed')}: {message.error}")

    @on(RolloutsSampled)
    def _sampled(self, message: RolloutsSampled) -> None:
        self._show_set(message.sample_set_id)

    # Showing a sample set (SampleSetView reads it in workers).

    @on(DataTable.RowHighlighted, "#rollout-inputs")
    def _input_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.inputs):
            self._show_input(self.inputs[event.cursor_row])

    def highlighted_input(self) -> InputSummary | None:
        table = self.query_one("#rollout-inputs", DataTable)
        return self.inputs[table.cursor_row] if self.inputs and 0 <= table.cursor_row < len(self.inputs) else None

    # Keys on the highlighted input (`a` and `p`: InputKeys).

    def action_open_item(self) -> None:
        current = self.highlighted_input()
        if current is not None and hasattr(self.app, "open_item"):
            self.app.open_item(self.run_id, current.item_key, ItemFilter(self.run_id))

    def action_back(self) -> None:
        running = [w for w in self.workers if w.node is self and w.group == "rollouts-sample" and w.is_running]
        if running:
            for worker in running:
                worker.cancel()
            self._status("Stopping the sampling…")
            return
        self.dismiss(self.sample_set_id)


registry.register_screen("rollouts", "Rollouts", RolloutScreen)


def sample_fixes_command(app):
    """The palette entry "Sample fixes", offered while the browser filters one bucket or one failing check. The
    palette lists its entries in a thread worker, so what the screen needs (the filter's scope, the base model) is
    read there, and choosing the entry only pushes the screen."""
    item_filter, run_id = getattr(app, "current_filter", None), getattr(app, "current_run_id", None)
    if item_filter is None or run_id is None:
        return
    try:
        bucket, failing = rollout_domain.item_filter_of(app.workspace, run_id, item_filter)
    except CuratorError:
        return
    model, scope = default_base_model(app.workspace, run_id), (bucket, failing)
    yield registry.PaletteCommand(
        f"Sample fixes: {scope_text(scope)}",
        "k samples per input (k, temperature), graded by the checks: accept the best, make pairs",
        lambda app: app.push_screen(RolloutScreen(app.workspace, run_id, item_filter, model=model, scope=scope)),
    )
