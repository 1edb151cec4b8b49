"""The compare screen's tables: columns dropped by priority on a narrow screen, figures right-aligned, untrusted
names shown literally."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from curator.app.widgets.check_marks import MODEL_MARK, calibration_text, model_graded
from curator.app.widgets.literal import literal_text, one_line
from curator.app.widgets.measured_table import MeasuredTable
from curator.compare.comparison import (
    VERDICT_SPLIT,
    CheckComparison,
    Comparison,
    RowComparison,
    row_figures,
)
from curator.compare.stats import format_p
from curator.review.label_views import CheckStanding

VERDICT_STYLES = {"improved": "bold green", "regressed": "bold red", "no significant change": ""}
FLIP_COLUMNS = {"fixed": "fixed", "regressed": "regressed", "still_failing": "still failing"}


def delta_text(text: str) -> Text:
    """A change in points (formatted), green when up and red when down."""
    style = "green" if text.startswith("+") else "red" if text.startswith("-") else ""
    return Text(text, style=style, justify="right")


def figure(text: str) -> Text:
    """A number in a table cell, right-aligned."""
    return Text(text, justify="right")


def split_columns(split: str, narrow: bool) -> list[str]:
    """Column keys of a split's table, by priority: Δ and still-failing go first when the screen is narrow."""
    columns = ["name", "before", "after", "delta", "fixed", "regressed", "still_failing"]
    if narrow:
        columns = [c for c in columns if c not in ("delta", "still_failing")]
    return columns + (["verdict"] if split == VERDICT_SPLIT else [])


NAME_WIDTH = 18  # narrow screens crop long check names
NARROW_HEADERS = {"regressed": "regr.", "verdict": "verdict (McNemar)"}
HEADERS = {
    "name": "check",
    "before": "before",
    "after": "after",
    "delta": "Δ pts",
    "fixed": "fixed",
    "regressed": "regressed",
    "still_failing": "still failing",
    "verdict": "verdict (exact McNemar)",
}


def split_table(
    comparison: Comparison, split: str, narrow: bool, standings: dict[str, CheckStanding] | None = None
) -> DataTable:
    """A split's checks: rates, the flip counts (cells that open their items) and on held-out the verdict; a check
    graded by a model is marked, and its calibration shown beside the verdict."""
    standings = standings or {}
    table = MeasuredTable(id=f"compare-{split.replace('_', '-')}", cursor_type="cell", zebra_stripes=True)
    columns = split_columns(split, narrow)
    for key in columns:
        width = NAME_WIDTH if key == "name" and narrow else None
        table.add_column(NARROW_HEADERS.get(key, HEADERS[key]) if narrow else HEADERS[key], key=key, width=width)
    for check in comparison.checks:
        standing = standings.get(check.name)
        judged = standing is not None and model_graded(standing.kind)
        height = (3 if judged else 2) if narrow and split == VERDICT_SPLIT else 1
        cells = _check_cells(check, split, columns, narrow, standing if judged else None)
        table.add_row(*cells, key=check.name, height=height)
    every = comparison.every_check
    figures = row_figures(every, split)
    cells = {
        "name": Text(every.name, style="bold"),
        "before": figure(figures["before"]),
        "after": figure(figures["after"]),
        "delta": delta_text(figures["delta"]),
    }
    table.add_row(*(cells.get(key, "") for key in columns), key=every.name)
    return table


def _check_cells(
    check: CheckComparison, split: str, columns: list[str], narrow: bool, judged: CheckStanding | None
) -> list:
    figures = row_figures(check, split)
    joint = "\n" if narrow else ", "  # narrow: the p-value under the verdict, in a two-line row
    model = "" if judged is None else f"{joint}model-graded: {calibration_text(judged)}"
    cells = {
        "name": literal_text(f"{MODEL_MARK}{check.name}" if judged else check.name),
        "before": figure(figures["before"]),
        "after": figure(figures["after"]),
        "delta": delta_text(figures["delta"]),
        "verdict": Text.assemble(
            (f"{check.verdict}{joint}{format_p(check.test.p_value)}", VERDICT_STYLES[check.verdict]), (model, "yellow")
        ),
    }
    for kind in FLIP_COLUMNS:
        cells[kind] = figure(figures[kind])
    return [cells[key] for key in columns]


def bucket_table(rows: list[RowComparison], narrow: bool) -> DataTable:
    """Item pass rate per bucket, before and after (held-out only when narrow)."""
    table = MeasuredTable(id="compare-buckets", cursor_type="row", zebra_stripes=True)
    table.add_column("bucket", key="name")
    splits = ("held_out",) if narrow else ("held_out", "dev")
    for split in splits:
        for head in ("before", "after", "Δ pts"):
            table.add_column(f"{split} {head}", key=f"{split}-{head}")
    for row in rows:
        cells: list = [literal_text(row.name)]
        for split in splits:
            figures = row_figures(row, split)
            cells += [figure(figures["before"]), figure(figures["after"]), delta_text(figures["delta"])]
        table.add_row(*cells, key=row.name)
    return table


def compare_title(c: Comparison) -> Text:
    """After vs before, which run the before is, and the other run b switches to."""
    against = {"base": "the base run", "parent": "its parent"}.get(c.against, "the named run")
    other = {"base": "parent", "parent": "base"}.get(c.against)
    offer = f"  (b: against the {other})" if other and c.base_run_id != c.parent_run_id else ""
    return Text.assemble(
        ("after ", "dim"),
        (one_line(c.after_run.name), "bold"),
        ("  vs  before ", "dim"),
        (one_line(c.before_run.name), "bold"),
        (f" ({against}){offer}", "dim"),
    )
