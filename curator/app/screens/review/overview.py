"""The run overview: pass rate per check as bars, and the bucket table sorted by impact."""

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
from curator.app.widgets.check_marks import calibration_text, model_graded, not_graded_text
from curator.app.widgets.dialogs import ConfirmDialog
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal_text, one_line
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.worker_errors import ReportsWorkerFailures
from curator.review import browse
from curator.review.browse import ItemFilter, RunOverview
from curator.review.label_views import CheckStanding, check_standings
from curator.review.runs import RunSummary, summarise_run

BAR_WIDTH = 30
NARROW_BAR_WIDTH = 12
NARROW = 100
SPLIT_ORDER = {"dev": 0, "held_out": 1}
NO_BUCKETS_HINT = (
    "No buckets yet: press i to browse the items, then b on an item to put it in a bucket "
    "(type a new name to create one), or S for suggested buckets."
)


def worst_check_row(checks: list) -> int:
    """The row of the check with the lowest pass rate (most failures on a tie); 0 without checks."""
    if not checks:
        return 0
    return min(range(len(checks)), key=lambda i: (checks[i].pass_rate, -(checks[i].total - checks[i].passed), i))


def bar(rate: float, width: int = BAR_WIDTH) -> Text:
    """A pass-rate bar: green for the passing share, red for the rest."""
    filled = round(rate * width)
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "red"), f" {rate:6.1%}")


def ordered_splits(splits: set[str]) -> list[str]:
    """dev, then held-out, then any other split by name."""
    return sorted(splits, key=lambda split: (SPLIT_ORDER.get(split, len(SPLIT_ORDER)), split))


def split_label(split: str) -> str:
    return "held-out" if split == "held_out" else one_line(split)


def split_rate(counts: tuple[int, int] | None) -> str:
    """`62.5%` of a split's (passed, graded) counts; `–` when none of its items was graded."""
    return f"{counts[0] / counts[1]:.1%}" if counts and counts[1] else "–"


def split_rates(by_split: dict[str, tuple[int, int]]) -> str:
    """`dev 62.5% of 16 · held-out 50.0% of 8`."""
    return " · ".join(
        f"{split_label(s)} {split_rate(by_split[s])} of {by_split[s][1]:,}" for s in ordered_splits(set(by_split))
    )


class OverviewScreen(ReportsWorkerFailures, Screen):
    """Where a run stands: each check's pass rate, and which buckets hold the most failures."""

    CSS_PATH = "../../styles/app.tcss"
    DEFAULT_CSS = """
    OverviewScreen #buckets-empty { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = registry.bindings("overview")
    ACTION_SCOPES = ("overview",)

    @dataclass
    class OverviewLoaded(Message):
        overview: RunOverview
        summary: RunSummary
        """Pass counts per split (dev, held-out) of each check and of "passes every check"."""
        standings: dict[str, CheckStanding]
        """Per check: items not graded (model-graded checks) and the latest calibration."""

    def __init__(self, run_id: int) -> None:
        super().__init__()
        self.run_id = run_id
        self.overview: RunOverview | None = None
        self.summary: RunSummary | None = None
        self.standings: dict[str, CheckStanding] = {}
        self._placed_cursor = False
        self._narrow: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="overview-title", classes="screen-title")
        yield Static(Text("Checks", style="bold"), classes="section-title")
        yield MeasuredTable(id="checks-table", cursor_type="row")
        yield Static(Text("Buckets (most failures first)", style="bold"), classes="section-title")
        yield MeasuredTable(id="buckets-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(NO_BUCKETS_HINT), id="buckets-empty")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#buckets-empty").display = False  # the first ScreenResume loads the overview

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        if narrow != self._narrow:
            self._narrow = narrow
            if self.overview is not None:
                self._fill_checks(self.overview)
                self._fill_buckets(self.overview)

    def on_screen_resume(self) -> None:
        self.load_overview()

    @work(thread=True, exclusive=True, exit_on_error=False, group="overview")
    def load_overview(self) -> None:
        workspace = self.app.workspace
        overview = browse.run_overview(workspace, self.run_id)
        summary = summarise_run(workspace, self.run_id)
        self.post_message(self.OverviewLoaded(overview, summary, check_standings(workspace, self.run_id)))

    @on(OverviewLoaded)
    def _show(self, message: OverviewLoaded) -> None:
        self.overview, self.summary = overview, summary = message.overview, message.summary
        self.standings = message.standings
        run = overview.run
        rate = "no checks yet" if run.pass_rate is None else f"{run.pass_rate:.1%} of items pass every check"
        title = Text.assemble((one_line(run.name), "bold"), f"  ·  {run.item_count:,} items  ·  {rate}")
        if summary.every_check is not None and summary.every_check.by_split:
            title.append(f" ({split_rates(summary.every_check.by_split)})")
        self.query_one("#overview-title", Static).update(title)
        self._fill_checks(overview)
        self._fill_buckets(overview)
        if not self._placed_cursor and overview.checks:
            self._placed_cursor = True
            table = self.query_one("#checks-table", DataTable)
            table.move_cursor(row=worst_check_row(overview.checks))
            table.focus()

    def _fill_checks(self, overview: RunOverview) -> None:
        table = self.query_one("#checks-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        narrow = self.size.width < NARROW
        by_check = {c.name: c.by_split for c in self.summary.checks} if self.summary else {}
        splits = [] if narrow else ordered_splits({split for counts in by_check.values() for split in counts})
        standing = {c.name: self.standings.get(c.name) for c in overview.checks}
        judged = any(model_graded(c.kind) or calibration_text(standing[c.name]) for c in overview.checks)
        extra = ["not graded", "calibration"] if judged else []
        if narrow:
            table.add_columns("check", "pass rate", "failing", "graded", *extra)
        else:
            columns = ("check", "kind", "pass rate", *(split_label(s) for s in splits), "failing", "graded")
            table.add_columns(*columns, *extra)
        for check in overview.checks:
            counts = by_check.get(check.name, {})
            kind = check.kind + (" (model)" if model_graded(check.kind) else "")
            cells = [
                literal_text(one_line(check.name)),
                *([] if narrow else [literal_text(kind)]),
                bar(check.pass_rate, NARROW_BAR_WIDTH if narrow else BAR_WIDTH),
                *(Text(split_rate(counts.get(split)), justify="right") for split in splits),
                Text(f"{check.total - check.passed:,}", justify="right"),
                Text(f"{check.total:,}", justify="right"),
            ]
            if judged:
                cells += [Text(not_graded_text(standing[check.name]), justify="right")]
                cells += [literal_text(calibration_text(standing[check.name]))]
            table.add_row(*cells, key=check.name)
        if overview.checks:
            table.move_cursor(row=min(max(row, 0), len(overview.checks) - 1))

    def _fill_buckets(self, overview: RunOverview) -> None:
        table = self.query_one("#buckets-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        check_names = [c.name for c in overview.checks]
        narrow = self.size.width < NARROW
        headers = ["bucket", "items", "failures" if narrow else "share of failures"]
        headers += [literal_text(one_line(n)) for n in check_names]
        table.add_columns(*headers, *([] if narrow else ["newest note"]))
        for impact in overview.buckets:
            rates = [
                Text("–" if n not in impact.check_pass_rates else f"{impact.check_pass_rates[n]:.0%}", justify="right")
                for n in check_names
            ]
            table.add_row(
                literal_text(one_line(impact.bucket.name)),
                Text(f"{impact.items:,}", justify="right"),
                Text(f"{impact.failure_share:.1%}", justify="right"),
                *rates,
                *([] if narrow else [literal_text(one_line(impact.newest_note or "", 40))]),
                key=str(impact.bucket.bucket_id),
            )
        table.display = bool(overview.buckets)
        self.query_one("#buckets-empty").display = not overview.buckets
        if overview.buckets:
            table.move_cursor(row=min(max(row, 0), len(overview.buckets) - 1))

    def action_browse_all(self) -> None:
        self.app.open_browser(ItemFilter(self.run_id))

    def action_suggest_buckets(self) -> None:
        self.app.open_suggestions(self.run_id)

    def action_review_examples(self) -> None:
        self.app.open_generated_examples(self.run_id)

    def action_open_mixer(self) -> None:
        self.app.open_mixer()

    def action_retrain(self) -> None:
        """Retrain on the highlighted bucket of the bucket table (whichever table has the focus)."""
        table = self.query_one("#buckets-table", DataTable)
        if self.overview is None or not self.overview.buckets:
            self.notify("no buckets in this run yet: put failures in a bucket first (b in the browser)", markup=False)
            return
        row = min(max(table.cursor_row, 0), len(self.overview.buckets) - 1)
        self.app.retrain_on_bucket(self.overview.buckets[row].bucket, self.run_id)

    def action_calibrate(self) -> None:
        """The calibration report of the highlighted check."""
        table = self.query_one("#checks-table", DataTable)
        if self.overview is None or not self.overview.checks:
            self.notify("this run has no checks yet", markup=False)
            return
        row = min(max(table.cursor_row, 0), len(self.overview.checks) - 1)
        self.app.open_calibration(self.run_id, self.overview.checks[row].name)

    def action_open_selected(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            self._open_row(focused)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self._open_row(event.data_table)

    def _open_row(self, table: DataTable) -> None:
        if self.overview is None or not table.row_count:
            return
        if table.id == "checks-table":
            check = self.overview.checks[table.cursor_row]
            if check.total > check.passed:
                self.app.open_browser(ItemFilter(self.run_id, failing_check=check.name))
                return
            failing = sum(c.total - c.passed for c in self.overview.checks)
            if not failing:
                self.notify(f"{one_line(check.name)} has no failures, and neither has any other check", markup=False)
                return
            question = f"{one_line(check.name)} has no failures. Browse every item that fails any check instead?"
            self.app.push_screen(
                ConfirmDialog(question, yes_label="Browse failures"),
                callback=lambda yes: yes and self.app.open_browser(ItemFilter(self.run_id, failing_any=True)),
            )
        else:
            bucket = self.overview.buckets[table.cursor_row].bucket
            self.app.open_browser(ItemFilter(self.run_id, bucket_id=bucket.bucket_id))


registry.register_screen("overview", "Run overview", OverviewScreen)
