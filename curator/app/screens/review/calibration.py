"""The calibration screen: how well one check agrees with the analyst's verdict labels on its locked test part
(curator.review.calibration), and the ways from there to more labels: the disagreement queue and "label next"."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from curator.app import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app import registry
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal, one_line
from curator.app.worker_errors import ReportsWorkerFailures
from curator.errors import CuratorError
from curator.review import browse
from curator.review.calibration import CalibrationReport, calibrate
from curator.review.calibration_rows import report_rows

KEYS_HINT = "p false passes · f false fails · d every disagreement · l label next · v next check"


def confusion_table(r: CalibrationReport) -> Table:
    """The confusion matrix on the test labels: the check's verdict across, the analyst's label down."""
    cells = r.confusion
    table = Table(title="your label ↓  check →", title_justify="left", box=None, header_style="bold")
    for column in ("", "check pass", "check fail"):
        table.add_column(column, justify="right")
    table.add_row("label pass", Text(f"{cells.true_pass}", style="green"), Text(f"{cells.false_fail}", style="red"))
    table.add_row("label fail", Text(f"{cells.false_pass}", style="red"), Text(f"{cells.true_fail}", style="green"))
    return table


def report_table(r: CalibrationReport) -> Table:
    table = Table(box=None, header_style="bold")
    table.add_column("figure", no_wrap=True)
    table.add_column("value")
    for figure, value in report_rows(r):
        table.add_row(figure, value)
    return table


def problems_text(r: CalibrationReport) -> Text:
    text = Text()
    for line in r.problems:
        text.append("warning: ", style="bold yellow")
        text.append(literal(line) + "\n")
    return text


class CalibrationScreen(ReportsWorkerFailures, Screen):
    """One check's calibration report on the run; v moves to the next check."""

    CSS_PATH = "../../styles/app.tcss"
    DEFAULT_CSS = """
    CalibrationScreen #calibration-body { height: 1fr; padding: 0 1; }
    CalibrationScreen #calibration-matrix { margin: 1 0; }
    """
    BINDINGS = registry.bindings("calibration")
    ACTION_SCOPES = ("calibration",)

    @dataclass
    class ReportLoaded(Message):
        check_name: str | None
        check_names: list[str]
        report: CalibrationReport | None
        error: str | None

    def __init__(self, run_id: int, check_name: str | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.check_name = check_name
        self.check_names: list[str] = []
        self.report: CalibrationReport | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="calibration-title", classes="screen-title")
        with VerticalScroll(id="calibration-body"):
            yield Static("", id="calibration-problems")
            yield Static("", id="calibration-matrix")
            yield Static("", id="calibration-report")
            yield Static(Text(KEYS_HINT, style="dim"), id="calibration-keys")
        yield FittingFooter()

    def on_mount(self) -> None:
        self._show_title("scoring the check on the test labels …")
        self.load_report(self.check_name)

    def on_screen_resume(self) -> None:
        self.load_report(self.check_name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="calibration")
    def load_report(self, check_name: str | None) -> None:
        ws = self.app.workspace
        names = browse.check_names(ws, self.run_id)
        check = check_name if check_name in names else (names[0] if names else None)
        if check is None:
            self.post_message(self.ReportLoaded(None, names, None, "this run has no checks yet"))
            return
        try:
            self.post_message(self.ReportLoaded(check, names, calibrate(ws, self.run_id, check), None))
        except CuratorError as error:
            self.post_message(self.ReportLoaded(check, names, None, str(error)))

    @on(ReportLoaded)
    def _loaded(self, message: ReportLoaded) -> None:
        self.check_name, self.check_names, self.report = message.check_name, message.check_names, message.report
        report = message.report
        if report is None:
            self._show_title(message.error or "")
            for part in ("problems", "matrix", "report"):
                self.query_one(f"#calibration-{part}", Static).update("")
            return
        status = "uncalibrated" if report.uncalibrated else "calibrated"
        self._show_title(f"{report.check_kind}, version {report.check_version}, {status}")
        self.query_one("#calibration-problems", Static).update(problems_text(report))
        self.query_one("#calibration-matrix", Static).update(confusion_table(report))
        self.query_one("#calibration-report", Static).update(report_table(report))

    def _show_title(self, status: str) -> None:
        title = Text.assemble(("calibration of ", "dim"), (one_line(self.check_name or "…"), "bold"))
        title.append(f"  ·  {one_line(status)}")
        self.query_one("#calibration-title", Static).update(title)

    def action_next_check(self) -> None:
        if not self.check_names:
            return
        current = self.check_names.index(self.check_name) if self.check_name in self.check_names else -1
        self.check_name = self.check_names[(current + 1) % len(self.check_names)]
        self._show_title("scoring the check on the test labels …")
        self.load_report(self.check_name)

    def action_queue(self, kind: str) -> None:
        if self.check_name is not None:
            self.app.open_disagreements(self.run_id, self.check_name, kind or None)

    def action_label_next(self) -> None:
        if self.check_name is not None:
            self.app.open_label_next(self.run_id, self.check_name)


registry.register_screen("calibration", "Calibration", CalibrationScreen)
