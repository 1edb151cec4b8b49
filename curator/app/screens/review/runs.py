"""The runs screen: every run of the workspace; enter opens one, c compares it with its parent, d deletes one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from curator.app import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app import registry
from curator.app.widgets.dialogs import ConfirmDialog
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import one_line
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.widgets.paths import fitted_end
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.errors import CuratorError
from curator.review import runs as run_domain
from curator.storage.runs import RunRow

MODEL_WIDTH, ADAPTER_WIDTH = 16, 18


def _pass_rate(run: RunRow) -> str:
    return "–" if run.pass_rate is None else f"{run.pass_rate:.1%}"


class RunsScreen(ReportsWorkerFailures, Screen):
    """A table of runs: name, model, adapter, items, pass rate, parent run, date."""

    CSS_PATH = "../../styles/app.tcss"
    BINDINGS = registry.bindings("runs")
    ACTION_SCOPES = ("runs",)

    @dataclass
    class RunsLoaded(Message):
        runs: list[RunRow]

    @dataclass
    class RunDeleted(Message):
        """A run was deleted (in a worker), or refused with `error`."""

        name: str
        error: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[RunRow] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Runs", style="bold"), id="runs-title", classes="screen-title")
        yield MeasuredTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="runs-empty")
        yield FittingFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (
            ("run", 22),
            ("model", MODEL_WIDTH),
            ("adapter", ADAPTER_WIDTH),
            ("items", 8),
            ("pass rate", 9),
            ("parent run", 16),
            ("date", 16),
        ):
            table.add_column(label, width=width)
        self.load_runs()

    def on_screen_resume(self) -> None:
        self.load_runs()

    @work(thread=True, exclusive=True, exit_on_error=False, group="runs")
    def load_runs(self) -> None:
        self.post_message(self.RunsLoaded(run_domain.list_runs(self.app.workspace)))

    @on(RunsLoaded)
    def _show_runs(self, message: RunsLoaded) -> None:
        self.runs = message.runs
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for run in self.runs:
            table.add_row(
                Text(one_line(run.name)),
                Text(fitted_end(run.model, MODEL_WIDTH, parts=1)),
                Text(fitted_end(run.adapter, ADAPTER_WIDTH)),
                Text(f"{run.item_count:,}", justify="right"),
                Text(_pass_rate(run), justify="right"),
                Text(one_line(run.parent_name or "–")),
                run.created_at.strftime("%Y-%m-%d %H:%M"),
                key=str(run.run_id),
            )
        if self.runs:
            table.move_cursor(row=min(cursor, len(self.runs) - 1))
        empty = "" if self.runs else "No runs yet: import one with `curator import FILE`, or try `curator demo`."
        self.query_one("#runs-empty", Static).update(empty)

    def highlighted_run(self) -> RunRow | None:
        table = self.query_one(DataTable)
        return self.runs[table.cursor_row] if self.runs and 0 <= table.cursor_row < len(self.runs) else None

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_run()

    def action_open_run(self) -> None:
        run = self.highlighted_run()
        if run is not None:
            self.app.open_run(run.run_id)

    def action_compare_with_parent(self) -> None:
        run = self.highlighted_run()
        if run is not None:
            self.app.compare_with_parent(run.run_id)

    def action_delete_run(self) -> None:
        run = self.highlighted_run()
        if run is None:
            return
        message = (
            f"Delete run '{run.name}' ({run.item_count:,} items)? Its items, check results and labels "
            "go with it; buckets and other runs stay."
        )
        self.app.push_screen(ConfirmDialog(message, yes_label="Delete"), callback=lambda yes: self._delete(run, yes))

    def _delete(self, run: RunRow, confirmed: bool | None) -> None:
        if confirmed:
            self._delete_run(run)

    @work(thread=True, exit_on_error=False, group="delete-run")
    def _delete_run(self, run: RunRow) -> None:
        try:
            run_domain.delete_run(self.app.workspace, run.run_id)
        except CuratorError as error:
            self.post_message(self.RunDeleted(run.name, str(error)))
            return
        self.post_message(self.RunDeleted(run.name))

    @on(RunDeleted)
    def _run_deleted(self, message: RunDeleted) -> None:
        if message.error is None:
            self.notify(f"deleted run {message.name}", timeout=2, markup=False)
        else:
            self.notify(message.error, severity="error", markup=False)
        self.load_runs()

    @on(WorkFailed)
    def _delete_failed(self, message: WorkFailed) -> None:
        """A delete that crashed (shown and logged by the app): show the runs as stored."""
        if message.group == "delete-run":
            self.load_runs()


registry.register_screen("runs", "Runs", RunsScreen)
