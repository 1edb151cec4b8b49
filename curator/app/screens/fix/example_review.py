"""Reviewing generated examples: accept, reject, edit, accept all; refused ones are listed with their reason."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static, TextArea

from curator.app import registry
from curator.app.screens.fix import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.screens.fix.example_writes import ExamplesCounted, ExamplesRead, QueuedExampleWrites
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal, one_line
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.storage.examples import ExampleRow
from curator.workspace import Workspace

STATUS_STYLES = {
    "proposed": "",
    "accepted": "bold green",
    "rejected": "dim",
    "failed_checks": "red",
    "duplicate": "yellow",
    "contaminated": "bold red",
}


def summary_text(rows: list[ExampleRow]) -> Text:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    text = Text()
    for status, count in sorted(counts.items()):
        text.append(f"{count} {status}  ", style=STATUS_STYLES.get(status, ""))
    return text


class ExampleReviewScreen(QueuedExampleWrites, ReportsWorkerFailures, Screen):
    """The examples of one batch (or template), each with its status, lineage and reason; read and written in a
    worker queue, a key's outcome shown at once."""

    CSS_PATH = "fix.tcss"
    BINDINGS = registry.bindings("fix.examples")

    def __init__(
        self,
        workspace: Workspace,
        *,
        batch_id: int | None = None,
        template_id: int | None = None,
        run_id: int | None = None,
    ) -> None:
        """One batch, one template's examples, or (`run_id` alone) every batch generated for the run."""
        super().__init__()
        self.workspace = workspace
        self.batch_id, self.template_id, self.run_id = batch_id, template_id, run_id
        self.rows: list[ExampleRow] = []
        self.editing: int | None = None
        self.leaving = False

    def compose(self) -> ComposeResult:
        if self.batch_id is not None:
            scope = f"batch {self.batch_id}"
        elif self.template_id is not None:
            scope = f"template {self.template_id}"
        else:
            scope = "every batch of this run's templates"
        yield Static(Text(f"generated examples · {scope}"), id="review-title", classes="fix-title")
        yield Static("", id="review-summary", classes="summary")
        yield MeasuredTable(id="example-table", cursor_type="row", zebra_stripes=True)
        with Vertical(id="edit-form"):
            yield Label("Input", classes="field-label")
            yield TextArea(id="edit-input", soft_wrap=True)
            yield Label("Target (ctrl+s keeps the edit, escape cancels)", classes="field-label")
            yield TextArea(id="edit-target", soft_wrap=True)
        yield Static("", id="review-error", classes="inline-error")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#example-table", DataTable).add_columns(
            "id", "status", "variant", "input", "target", "reason", "lineage"
        )
        self.reload()

    def reload(self) -> None:
        """Read the examples again (in the worker queue, after any write still going)."""
        self.queue_read()

    def on_examples_read(self, message: ExamplesRead) -> None:
        if message.error is not None:
            self._error(message.error)
        elif message.edited:
            self._close_edit()
            self._error("")
        if message.note:
            self.notify(message.note, timeout=2)
        self.show_rows(message.rows)

    def show_rows(self, rows: list[ExampleRow]) -> None:
        table = self.query_one("#example-table", DataTable)
        row_before = table.cursor_row
        self.rows = rows
        table.clear()
        for e in self.rows:
            source = f"run {e.source_run_id} item {e.source_item_key}"
            lineage = f"batch {e.batch_id} · {e.template_name} · {e.bucket_name or '—'} · {source} · seed {e.seed}"
            table.add_row(
                Text(str(e.example_id)),
                Text(e.status, style=STATUS_STYLES.get(e.status, "")),
                Text(one_line(e.variant)),
                Text(one_line(e.input, 60)),
                Text(one_line(e.target, 60)),
                Text(one_line(e.reason or "", 60)),
                Text(one_line(lineage)),
                key=str(e.example_id),
            )
        if self.rows:
            table.move_cursor(row=min(row_before, len(self.rows) - 1))
        self.query_one("#review-summary", Static).update(summary_text(self.rows))

    def highlighted(self) -> ExampleRow | None:
        table = self.query_one("#example-table", DataTable)
        return self.rows[table.cursor_row] if self.rows and 0 <= table.cursor_row < len(self.rows) else None

    def _error(self, problem: str) -> None:
        self.query_one("#review-error", Static).update(Text(literal(problem)))

    def _set_status(self, accept: bool) -> None:
        row = self.highlighted()
        if row is None or self.editing is not None:
            return
        if row.status not in ("proposed", "accepted", "rejected"):
            self._error(f"example {row.example_id} was refused: {row.reason}")
            return
        self.queue_status([row.example_id], accept)
        self._error("")
        status = "accepted" if accept else "rejected"  # shown at once; the stored rows follow from the worker
        self.show_rows([dataclasses.replace(r, status=status) if r is row else r for r in self.rows])
        table = self.query_one("#example-table", DataTable)
        table.move_cursor(row=min(table.cursor_row + 1, len(self.rows) - 1))

    def action_accept(self) -> None:
        self._set_status(True)

    def action_reject(self) -> None:
        self._set_status(False)

    def action_accept_all(self) -> None:
        if self.editing is None:
            self.queue_accept_all([r.example_id for r in self.rows if r.status == "proposed"])

    def action_edit(self) -> None:
        row = self.highlighted()
        if row is None or self.editing is not None:
            return
        self.editing = row.example_id
        self.query_one("#edit-input", TextArea).load_text(row.input)
        self.query_one("#edit-target", TextArea).load_text(row.target)
        self.query_one("#edit-form").add_class("editing")
        self.query_one("#edit-input", TextArea).focus()

    def action_save_edit(self) -> None:
        if self.editing is None:
            return
        self.queue_edit(
            self.editing,
            self.query_one("#edit-input", TextArea).text,
            self.query_one("#edit-target", TextArea).text,
        )

    def _close_edit(self) -> None:
        self.editing = None
        self.query_one("#edit-form").remove_class("editing")
        self.query_one("#example-table", DataTable).focus()

    def action_back(self) -> None:
        if self.editing is not None:
            self._close_edit()
            return
        if not self.leaving:
            self.leaving = True
            self.queue_counts()

    def on_examples_counted(self, message: ExamplesCounted) -> None:
        self.dismiss(message.counts)

    def on_work_failed(self, message: WorkFailed) -> None:
        """The queue's worker crashed (the app showed and logged it): say so here; the keys work again."""
        self.leaving = False
        self._error(f"reading or writing the examples failed: {message.error}")


registry.register_screen("example_review", "Generated examples", ExampleReviewScreen)
