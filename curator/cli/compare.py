"""`curator compare RUN`: a run against the base run (or its parent), per check and per bucket: held-out is the
verdict (with a paired test per check), dev is what training saw."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from curator.app.widgets.literal import one_line
from curator.cli.context import console, echo_json, open_workspace
from curator.cli.tables import Col, fitted_table
from curator.compare.comparison import (
    FLIP_KINDS,
    SPLIT_LABELS,
    SPLITS,
    VERDICT_SPLIT,
    CheckComparison,
    Comparison,
    ItemChange,
    RowComparison,
    row_figures,
)
from curator.compare.stats import format_p_value

VERDICT_STYLES = {"improved": "green", "regressed": "bold red", "no significant change": ""}


def comparison_table(title: str, rows: list[RowComparison], width: int) -> Table:
    """before / after / delta for dev and held-out, one row per bucket (the deltas go first when narrow)."""
    cols = [Col("name", wrap=True)]
    for split in SPLITS:
        label = SPLIT_LABELS[split].split(":")[0]
        cols += [
            Col(f"{label}\nbefore", justify="right"),
            Col(f"{label}\nafter", justify="right"),
            Col(f"{label}\nΔ pts", justify="right", drop=1),
        ]
    cells = [
        [one_line(row.name)]
        + [row_figures(row, split)[key] for split in SPLITS for key in ("before", "after", "delta")]
        for row in rows
    ]
    return fitted_table(cols, cells, width, title=title)


def split_table(result: Comparison, split: str, width: int) -> Table:
    """One split: per check before, after, delta and the paired flips; on held-out the test's verdict. Narrower
    than the figures, Δ and still failing go (they follow from the others); names wrap, p-values are never cut."""
    verdict = split == VERDICT_SPLIT
    cols = [
        Col("check", wrap=True),
        Col("before", justify="right"),
        Col("after", justify="right"),
        Col("Δ pts", justify="right", drop=1),
        Col("fixed", justify="right"),
        Col("regressed", justify="right", short="regr."),
        Col("still failing", justify="right", drop=2),
    ]
    adjusted = verdict and any(_holm_p(check) is not None for check in result.checks)
    if verdict:
        cols += [Col("verdict (McNemar)", wrap=True, min_width=11, short="verdict")]
        # The verdict rests on the Holm-adjusted p-value where there is one: the raw one goes first when narrow.
        cols += [Col("p", justify="right", drop=3 if adjusted else 0)]
        cols += [Col("p (Holm)", justify="right", short="p adj.")] if adjusted else []
    cells = [_check_cells(check, split, verdict, adjusted) for check in result.checks]
    every = result.every_check
    figures = row_figures(every, split)
    cells.append(
        [Text(every.name, style="bold"), *(figures[k] for k in ("before", "after", "delta"))] + [""] * (len(cols) - 4)
    )
    return fitted_table(cols, cells, width)


def _holm_p(check: CheckComparison) -> float | None:
    """The check's Holm-adjusted held-out p-value, when the comparison adjusted it."""
    return getattr(check.test, "p_adjusted", None)


def _check_cells(check: CheckComparison, split: str, verdict: bool, adjusted: bool) -> list:
    figures = row_figures(check, split)
    cells = [one_line(check.name)] + [figures[k] for k in ("before", "after", "delta", *FLIP_KINDS)]
    if verdict:
        cells.append(Text(check.verdict, style=VERDICT_STYLES[check.verdict]))
        cells.append(format_p_value(check.test.p_value))
    if adjusted:
        cells.append("" if _holm_p(check) is None else format_p_value(_holm_p(check)))
    return cells


def _change_line(kind: str, change: ItemChange) -> str:
    checks = change.regressed_checks if kind == "regressed" else change.fixed_checks
    buckets = f"  [{', '.join(one_line(b) for b in change.buckets)}]" if change.buckets else ""
    return f"  {kind} {one_line(change.item_id)} ({change.split}): {', '.join(checks)}{buckets}"


def print_comparison(result: Comparison, limit: int = 20) -> None:
    against = {"base": " (the base run)", "parent": " (its parent)"}.get(result.against, "")
    console.print(
        Text.assemble(
            (one_line(result.after_run.name), "bold"), " against ", (one_line(result.before_run.name), "bold"), against
        ),
        highlight=False,
    )
    if result.settings_note:
        console.print(Text(one_line(result.settings_note), style="yellow"), highlight=False, soft_wrap=True)
    for split in (VERDICT_SPLIT, "dev"):
        console.print(Text(SPLIT_LABELS[split], style="bold"), highlight=False, soft_wrap=True)
        console.print(split_table(result, split, console.width))
    if result.buckets:
        console.print(comparison_table("buckets (item pass rate)", result.buckets, console.width))
    console.print(
        f"items fixed: {len(result.fixed)}   regressed (a check that passed now fails): {len(result.regressed)}"
    )
    for kind, changes in (("regressed", result.regressed), ("fixed", result.fixed)):
        for change in changes[:limit]:
            console.print(_change_line(kind, change), highlight=False, soft_wrap=True)
        if len(changes) > limit:
            console.print(f"  … {len(changes) - limit} more {kind} (see --json)")
    for line in result.warnings():
        console.print(Text(f"WARNING: {line}", style="bold red"), highlight=False, soft_wrap=True)


def compare(
    run: str = typer.Argument(..., help="The later run (name or id)."),
    parent: str = typer.Option(None, "--parent", help="Compare with this run (name or id) instead."),
    against: str = typer.Option("base", "--against", help="base: the run its items come from; parent: its parent."),
    allow_settings_mismatch: bool = typer.Option(
        False, "--allow-settings-mismatch", help="Compare runs generated with different settings anyway."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """Compare a run with the base run: per check fixed, regressed and still failing; a paired test on held-out."""
    from curator.compare.comparison import compare_runs

    with open_workspace() as ws:
        result = compare_runs(ws, run, parent, against=against, allow_settings_mismatch=allow_settings_mismatch)
        payload = comparison_json(ws, result) if as_json else None
    if payload is not None:
        echo_json(payload)
        return
    print_comparison(result)


def comparison_json(ws, result: Comparison) -> dict:
    """The comparison for scripts: `before` is the run compared against and `against` says which it is (base,
    parent, or a run named with --parent); `base` and `parent` name the compared run's base and parent runs."""
    from curator.review.runs import resolve_run

    def name(run_id: int | None) -> str | None:
        return resolve_run(ws, run_id).name if run_id is not None else None

    payload = result.as_dict()
    return {
        "run": payload.pop("run"),
        "before": payload.pop("before"),
        "against": payload.pop("against"),
        "base": name(result.base_run_id),
        "parent": name(result.parent_run_id),
        **payload,
    }


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
