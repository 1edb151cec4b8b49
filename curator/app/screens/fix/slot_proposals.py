"""A slot's proposed values as the held-out guard left them (proposed, or refused with why: a duplicate, a
held-out item's surface form, too close to a held-out input with its score); the analyst accepts or rejects them
one by one or all at once. It dismisses with the values accepted here, which the slot now ends with."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from curator.app import registry
from curator.app.screens.fix import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal_text, one_line
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.fix import slot_expansion
from curator.storage.slot_proposals import SlotProposalRow
from curator.workspace import Workspace

STATUS_STYLES = {"proposed": "bold", "accepted": "green", "rejected": "dim", "contaminated": "red", "duplicate": "red"}
REFUSED = ("contaminated", "duplicate")


class SlotProposalsScreen(ReportsWorkerFailures, ModalScreen[list[str]]):
    """Review what a model proposed for one slot; nothing is generated from a value before it is accepted."""

    CSS_PATH = "fix.tcss"
    BINDINGS = registry.bindings("fix.proposals")

    @dataclass
    class ProposalsLoaded(Message):
        rows: list[SlotProposalRow]

    @dataclass
    class ProposalsReviewed(Message):
        status: str
        values: list[str]

    def __init__(self, workspace: Workspace, template_name: str, slot: str, note: str = "") -> None:
        super().__init__()
        self.workspace, self.template_name, self.slot, self.note = workspace, template_name, slot, note
        self.rows: list[SlotProposalRow] = []
        self.accepted: list[str] = []
        """Values accepted on this screen, in order: the editor appends them to the slot."""

    def compose(self) -> ComposeResult:
        with Vertical(id="proposals-box"):
            yield Label(Text.assemble("Proposed values for slot ", (one_line(self.slot), "bold")))
            yield Static(literal_text(self.note or "loading…", "dim"), id="proposals-status")
            yield MeasuredTable(id="proposals-table", cursor_type="row")
            yield Static("", id="proposal-detail")
            yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#proposals-table", DataTable).add_columns("value", "status", "why")
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="fix-proposals-load", name="reading proposals")
    def _load(self) -> None:
        self.post_message(
            self.ProposalsLoaded(slot_expansion.list_proposals(self.workspace, self.template_name, self.slot))
        )

    @on(ProposalsLoaded)
    def _loaded(self, message: ProposalsLoaded) -> None:
        self.rows = message.rows
        table = self.query_one("#proposals-table", DataTable)
        row = table.cursor_row
        table.clear()
        for proposal in self.rows:
            table.add_row(
                Text(one_line(proposal.value)),
                Text(proposal.status, style=STATUS_STYLES.get(proposal.status, "")),
                Text(one_line(proposal.reason or "")),
            )
        if self.rows:
            table.move_cursor(row=min(row, len(self.rows) - 1))
        table.focus()
        if not self.note:  # listed without asking the model: say how many wait
            waiting = sum(p.status == "proposed" for p in self.rows)
            self.note = f"{waiting} waiting for you, {len(self.rows)} in all" if self.rows else "no proposals yet"
            self._status(self.note)

    @on(DataTable.RowHighlighted, "#proposals-table")
    def _show_detail(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted value and why the guard refused it, whole (the table cuts long ones)."""
        proposal = self.rows[event.cursor_row] if 0 <= event.cursor_row < len(self.rows) else None
        shown = Text()
        if proposal is not None:
            shown = Text.assemble((one_line(proposal.value), "bold"), f"  {proposal.status}")
            if proposal.reason:
                shown.append(f": {one_line(proposal.reason)}")
        self.query_one("#proposal-detail", Static).update(shown)

    def _highlighted(self) -> SlotProposalRow | None:
        row = self.query_one("#proposals-table", DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _review_one(self, status: str) -> None:
        proposal = self._highlighted()
        if proposal is None:
            return
        if proposal.status in REFUSED:
            self._status(f"'{one_line(proposal.value)}' was refused ({proposal.status}): it cannot be {status}")
        elif proposal.status != "proposed":
            self._status(f"'{one_line(proposal.value)}' is already {proposal.status}")
        else:
            self._review(status, [proposal.value])

    def action_accept(self) -> None:
        self._review_one("accepted")

    def action_reject(self) -> None:
        self._review_one("rejected")

    def action_accept_all(self) -> None:
        self._review("accepted", None)

    def action_reject_all(self) -> None:
        self._review("rejected", None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="fix-proposals-review", name="reviewing proposals")
    def _review(self, status: str, values: list[str] | None) -> None:
        moved = slot_expansion.review(self.workspace, self.template_name, self.slot, status, values)
        self.post_message(self.ProposalsReviewed(status, moved))

    @on(ProposalsReviewed)
    def _reviewed(self, message: ProposalsReviewed) -> None:
        if message.status == "accepted":
            self.accepted += message.values
        verb = "added to the slot" if message.status == "accepted" else "rejected"
        self._status(f"{len(message.values)} value(s) {verb}" if message.values else "no proposed value left")
        self._load()

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        self._status(f"{message.group.removeprefix('fix-proposals-')} failed: {message.error}")

    def action_back(self) -> None:
        self.dismiss(self.accepted)

    def _status(self, line: str) -> None:
        self.query_one("#proposals-status", Static).update(literal_text(line))
