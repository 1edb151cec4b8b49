"""Asking a model for more values of a slot ("N more ways to say this, like these"): the form (model folder or
endpoint, how many values, samples, temperature), then a worker that makes the call as `curator template expand`
does, with progress shown and escape stopping the model. It dismisses with what it ended with (None: nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.worker import Worker, get_current_worker

from curator.app import registry
from curator.app.screens.fix import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.screens.fix.slot_expansion_request import (
    DEFAULT_COUNT,
    DEFAULT_K,
    DEFAULT_TEMPERATURE,
    ExpansionSettings,
    default_model_folder,
    progress_line,
    propose_values,
    read_settings,
)
from curator.app.widgets.literal import literal_text, one_line
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.errors import CuratorError
from curator.storage.slot_proposals import SlotProposalRow
from curator.workspace import Workspace

FIELDS = (
    ("expand-model", "model", "a local model folder, or the endpoint's model name"),
    ("expand-endpoint", "endpoint", "an OpenAI-compatible URL (empty: the folder above)"),
    ("expand-count", "how many values", str(DEFAULT_COUNT)),
    ("expand-k", "samples (k)", str(DEFAULT_K)),
    ("expand-temperature", "temperature", str(DEFAULT_TEMPERATURE)),
)


@dataclass(frozen=True)
class ExpansionOutcome:
    """The proposals the model's answers made, or None when the analyst asked to list those waiting."""

    rows: list[SlotProposalRow] | None


HINT = "enter asks the model · ctrl+r lists the proposals waiting · escape cancels"


class SlotExpansionDialog(ReportsWorkerFailures, ModalScreen[ExpansionOutcome | None]):
    """The expansion form for one slot of a stored template; enter asks, escape cancels (or stops the model)."""

    CSS_PATH = "fix.tcss"
    BINDINGS = registry.bindings("fix.expand")

    @dataclass
    class DefaultModelFound(Message):
        folder: str

    @dataclass
    class ExpansionProgressed(Message):
        line: str

    @dataclass
    class ValuesProposed(Message):
        rows: list[SlotProposalRow]

    class ExpansionStopped(Message):
        """The cancelled call has ended: the model is stopped and nothing was stored."""

    def __init__(self, workspace: Workspace, template_name: str, slot: str) -> None:
        super().__init__()
        self.workspace, self.template_name, self.slot = workspace, template_name, slot
        self.running: Worker | None = None
        """The call under way, if any (escape cancels it)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="expand-box"):
            yield Label(
                Text.assemble(
                    "More values for slot ", (one_line(self.slot), "bold"), " of ", one_line(self.template_name)
                )
            )
            yield Static(
                "A model proposes them; the held-out guard vets them; nothing is generated until you accept.",
                id="expand-intro",
            )
            with Grid(id="expand-fields"):
                for field_id, title, placeholder in FIELDS:
                    yield Label(title)
                    yield Input(
                        value="" if field_id in ("expand-model", "expand-endpoint") else placeholder,
                        placeholder=placeholder,
                        id=field_id,
                    )
            yield Static(Text(HINT, style="dim"), id="expand-status")

    def on_mount(self) -> None:
        self.query_one("#expand-model", Input).focus()
        self._find_default_model()

    @work(thread=True, exit_on_error=False, group="fix-expand-default", name="finding the run's model")
    def _find_default_model(self) -> None:
        folder = default_model_folder(self.workspace, self.template_name)
        if folder:
            self.post_message(self.DefaultModelFound(folder))

    @on(DefaultModelFound)
    def _default_model_found(self, message: DefaultModelFound) -> None:
        field = self.query_one("#expand-model", Input)
        if not field.value:
            field.value = message.folder

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running is not None:
            return
        values = [self.query_one(f"#{field_id}", Input).value for field_id, _, _ in FIELDS]
        try:
            settings = read_settings(*values)
        except CuratorError as problem:
            self._status(str(problem), "red")
            return
        self._status("loading the model…" if settings.endpoint is None else "asking the endpoint…", "")
        self.running = self._expand(settings)

    @work(thread=True, exit_on_error=False, group="fix-expand", name="asking for more values")
    def _expand(self, settings: ExpansionSettings) -> None:
        worker = get_current_worker()

        def on_event(event: dict) -> None:
            line = progress_line(event)
            if line and not worker.is_cancelled:
                self.post_message(self.ExpansionProgressed(line))

        try:
            rows = propose_values(
                self.workspace, self.template_name, self.slot, settings, on_event, lambda: worker.is_cancelled
            )
        except Exception:
            if not worker.is_cancelled:
                raise  # shown in one line (ReportsWorkerFailures), the form stays for another try
            rows = None
        self.post_message(self.ExpansionStopped() if worker.is_cancelled else self.ValuesProposed(rows))

    @on(ExpansionProgressed)
    def _progressed(self, message: ExpansionProgressed) -> None:
        if self.running is not None and not self.running.is_cancelled:
            self._status(message.line, "")

    @on(ValuesProposed)
    def _proposed(self, message: ValuesProposed) -> None:
        self.running = None
        self.dismiss(ExpansionOutcome(message.rows))

    @on(ExpansionStopped)
    def _stopped(self) -> None:
        self.running = None
        self.dismiss(None)

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        if message.group == "fix-expand":
            self.running = None
            self._status(f"nothing stored: {message.error}", "red")

    def action_list_waiting(self) -> None:
        """List the slot's proposals without asking the model (earlier ones may be waiting)."""
        if self.running is None:
            self.dismiss(ExpansionOutcome(None))

    def action_cancel(self) -> None:
        """Leave; while the model runs, stop it first (a second escape leaves at once)."""
        if self.running is None or self.running.is_cancelled:
            self.dismiss(None)
            return
        self.running.cancel()
        self._status("stopping the model…", "")

    def _status(self, line: str, style: str) -> None:
        self.query_one("#expand-status", Static).update(literal_text(line, style))
