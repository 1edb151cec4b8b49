"""The sweep screen: the workspace's sweeps (or one recipe's); for the highlighted one, per check the held-out pass
rate of every variant with its Wilson interval and spread over seeds, the seeds' verdicts, the Pareto marks, the
learning curve of a quantity sweep and the recommendation; cancel and resume.

Every read goes through the sweep domain in a worker; a sweep resumed here runs its queue in this screen's worker
(one trial at a time), so leaving the screen cancels it (finished trials stay, `r` or `curator sweep resume` goes
on)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from curator.app import registry
from curator.app.screens.sweeps import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.screens.sweeps import cells
from curator.app.screens.sweeps.messages import ReportLoaded, SweepProgressed, SweepsListed, SweepStopped, progress_line
from curator.app.screens.sweeps.runner_watch import RunnerWatch
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal, literal_text
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.errors import CuratorError
from curator.storage import sweeps as sweep_queries
from curator.sweeps import queue as sweep_domain
from curator.sweeps.report import SweepReport, sweep_report
from curator.workspace import Workspace

RESUMABLE = ("queued", "cancelled", "failed")


class SweepsScreen(RunnerWatch, ReportsWorkerFailures, Screen):
    """The sweeps of the workspace (of `recipe` when given); the highlighted one's figures below the list."""

    CSS_PATH = "sweeps.tcss"
    BINDINGS = registry.bindings("sweeps")
    ACTION_SCOPES = ("sweeps",)

    def __init__(self, workspace: Workspace, recipe: str | None = None) -> None:
        super().__init__()
        self.workspace, self.recipe = workspace, recipe
        self.sweeps: dict[str, tuple] = {}
        """Sweep name -> (SweepRow, trials done, trials planned), as last listed."""
        self.report: SweepReport | None = None
        self.running: str | None = None
        """The sweep whose queue runs in this screen's worker."""

    def compose(self) -> ComposeResult:
        title = f"sweeps of recipe {self.recipe}" if self.recipe else "sweeps"
        yield Static(literal_text(title), id="sweeps-title")
        yield MeasuredTable(id="sweep-list", cursor_type="row")
        yield Static("reading the sweeps…", id="sweep-summary")
        yield MeasuredTable(id="sweep-figures", cursor_type="row")
        yield MeasuredTable(id="sweep-buckets", cursor_type="row")
        yield PlotextPlot(id="sweep-curve")
        yield Static("", id="sweep-front")
        yield Static("", id="sweep-recommendation")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#sweep-list", DataTable).add_columns("sweep", "recipe", "kind", "status", "trials done")
        self.query_one("#sweep-figures", DataTable).add_columns(*cells.FIGURE_COLUMNS)
        self.query_one("#sweep-curve").display = self.query_one("#sweep-buckets").display = False
        self.load_list()

    @property
    def highlighted(self) -> str | None:
        """The name of the sweep under the list's cursor."""
        table = self.query_one("#sweep-list", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sweep-list")
    def load_list(self) -> None:
        rows = []
        for sweep in sweep_domain.list_sweeps(self.workspace):
            if self.recipe is None or sweep.recipe_name == self.recipe:
                trials = sweep_queries.trials(self.workspace.db, sweep.sweep_id)
                rows.append((sweep, sum(t.status == "done" for t in trials), len(trials)))
        self.post_message(SweepsListed(rows))

    @on(SweepsListed)
    def _listed(self, message: SweepsListed) -> None:
        table = self.query_one("#sweep-list", DataTable)
        keep = self.highlighted
        table.clear()
        self.sweeps = {sweep.name: (sweep, done, total) for sweep, done, total in message.rows}
        self.check_runners()
        for sweep, done, total in message.rows:
            table.add_row(*(literal_text(c) for c in cells.list_row(sweep, done, total)), key=sweep.name)
        if not message.rows:
            recipe = self.recipe or "RECIPE"
            self._say(f"no sweep yet: `curator sweep {recipe} --base-run RUN --rows fixes=10,20,40 --seeds 2`")
            return
        names = list(self.sweeps)
        table.move_cursor(row=names.index(keep) if keep in self.sweeps else 0)
        self.load_report(self.highlighted)
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#sweep-list")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        name = str(event.row_key.value)
        if self.report is None or self.report.sweep.name != name:
            self.load_report(name)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sweep-report")
    def load_report(self, name: str) -> None:
        self.post_message(ReportLoaded(sweep_report(self.workspace, name)))

    @on(ReportLoaded)
    def _report_loaded(self, message: ReportLoaded) -> None:
        if message.report.sweep.name != self.highlighted:
            return
        report = self.report = message.report
        self._say(cells.summary_line(report))
        table = self.query_one("#sweep-figures", DataTable)
        table.clear()
        for row in cells.figure_rows(report):
            table.add_row(*(literal_text(c) for c in row))
        self._fill_buckets(report)
        self._plot(report)
        self.query_one("#sweep-front", Static).update(literal_text(cells.front_line(report)))
        line = "recommendation: " + report.recommendation
        self.query_one("#sweep-recommendation", Static).update(literal_text(line, style="bold"))
        self.refresh_bindings()

    def _fill_buckets(self, report: SweepReport) -> None:
        """Per bucket, the item pass rate of the base and of each variant (pooled over seeds, with their spread)."""
        table = self.query_one("#sweep-buckets", DataTable)
        columns, rows = cells.bucket_table(report)
        table.clear(columns=True)
        table.display = bool(rows)
        table.add_columns(*(literal_text(c) for c in columns))
        for row in rows:
            table.add_row(*(literal_text(c) for c in row))

    def _plot(self, report: SweepReport) -> None:
        """The learning curve (mean held-out pass rate against training rows) of a quantity sweep."""
        plot = self.query_one("#sweep-curve", PlotextPlot)
        series = cells.curve_series(report)
        plot.display = bool(series)
        plot.plt.clear_data()
        plot.plt.title("held-out pass rate against training rows (mean over seeds)")
        for name, (rows, rates) in series.items():
            plot.plt.plot(rows, rates, marker="braille", label=literal(name))
        plot.plt.xticks(sorted({r for rows, _rates in series.values() for r in rows}))
        plot.plt.ylim(0, 1)
        plot.refresh()

    def _say(self, line: str) -> None:
        self.query_one("#sweep-summary", Static).update(Text(literal(line)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Cancel a sweep that is queued or running; resume one that stopped (hidden from the footer otherwise)."""
        listed = self.sweeps.get(self.highlighted or "")
        if action == "cancel_sweep":
            return bool(listed) and listed[0].status not in ("finished", "cancelled")
        if action == "resume_sweep":
            stopped = listed and (listed[0].status in RESUMABLE or not self.runner_alive(listed[0]))
            return bool(stopped) and listed[0].status != "finished" and self.running is None
        return True

    def action_refresh(self) -> None:
        self.load_list()

    def action_cancel_sweep(self) -> None:
        name = self.highlighted
        if name:
            self._say(f"cancelling sweep {name}…")
            self.cancel(name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sweep-cancel")
    def cancel(self, name: str) -> None:
        try:
            sweep = sweep_domain.cancel_sweep(self.workspace, name)
        except CuratorError as error:
            self.post_message(SweepStopped(str(error)))
            return
        if sweep_domain.runner_alive(sweep):
            self.post_message(SweepProgressed(f"sweep {name}: stopping its job; finished trials stay"))
        else:
            self.post_message(SweepStopped(f"sweep {name} cancelled; finished trials stay (r resumes)"))

    def action_resume_sweep(self) -> None:
        name = self.highlighted
        if name and self.running is None:
            self.running = name
            self._say(f"resuming sweep {name}…")
            self.refresh_bindings()
            self.resume(name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sweep-run")
    def resume(self, name: str) -> None:
        worker = get_current_worker()

        def progressed(stage: str, event: dict) -> None:
            line = progress_line(name, stage, event)
            if line:
                self.post_message(SweepProgressed(line, trial_done=stage == "trial"))

        try:
            ended = sweep_domain.run_sweep(self.workspace, name, progressed, lambda: worker.is_cancelled)
        except CuratorError as error:
            self.post_message(SweepStopped(str(error)))
            return
        self.post_message(SweepStopped(f"sweep {name} {ended.status}" + (f": {ended.error}" if ended.error else "")))

    @on(SweepProgressed)
    def _progressed(self, message: SweepProgressed) -> None:
        self._say(message.line)
        if message.trial_done:
            self.load_list()

    @on(SweepStopped)
    def _stopped(self, message: SweepStopped) -> None:
        self.running = None
        self.load_list()
        self.notify(message.line, timeout=6, markup=False)

    @on(WorkFailed)
    def _work_failed(self, message: WorkFailed) -> None:
        """A worker crashed (the app showed and logged it): no "resuming…" line is left."""
        if message.group in ("sweep-run", "sweep-cancel"):
            self.running = None
            self.refresh_bindings()
        self._say(f"{message.group} failed: {message.error}")

    def action_close(self) -> None:
        self.dismiss()
