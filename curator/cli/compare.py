"""`curator compare RUN`: a run against the base run (or its parent), per check and per bucket: held-out is the
verdict (with a paired test per check), dev is what training saw."""

from __future__ import annotations

import json

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from curator.app.widgets.literal import one_line
from curator.cli.context import console, open_workspace
from curator.compare.comparison import (
    SPLIT_LABELS,
    SPLITS,
    VERDICT_SPLIT,
    CheckComparison,
    Comparison,
    ItemChange,
    RowComparison,
    format_delta,
    format_rate,
)
from curator.compare.stats import format_p_value

VERDICT_STYLES = {"improved": "green", "regressed": "bold red", "no significant change": ""}


def comparison_table(title: str, rows: list[RowComparison]) -> Table:
    """before / after / delta for dev and held-out, one row per bucket."""
    table = Table(title=title, title_justify="left")
    table.add_column("name")
    for split in SPLITS:
        for head in ("before", "after", "Δ pts"):
            table.add_column(f"{split} {head}", justify="right")
    for row in rows:
        cells = []
        for split in SPLITS:
            cells += [
                format_rate(row.before[split].rate),
                format_rate(row.after[split].rate),
                format_delta(row.delta(split)),
            ]
        table.add_row(one_line(row.name), *cells)
    return table


NARROW = 110  # below this console width the Δ and still-failing columns go


def split_table(result: Comparison, split: str, narrow: bool = False) -> Table:
    """One split: per check before, after, delta and the paired flips; on held-out the test's verdict."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("check", no_wrap=True, max_width=18 if narrow else 24)
    heads = ["before", "after", "fixed", "regr."] if narrow else ["before", "after", "Δ pts", "fixed", "regressed"]
    heads += [] if narrow else ["still failing"]
    for head in heads:
        table.add_column(head, justify="right", min_width=len(head), no_wrap=True)
    verdict = split == VERDICT_SPLIT
    if verdict:
        table.add_column("verdict" if narrow else "verdict (McNemar)", no_wrap=True, width=21)
        table.add_column("p", justify="right", no_wrap=True, width=7)
    for check in result.checks:
        table.add_row(*_check_cells(check, split, verdict, narrow))
    every = result.every_check
    cells = [format_rate(every.before[split].rate), format_rate(every.after[split].rate)]
    if not narrow:
        cells.append(format_delta(every.delta(split)))
    table.add_row(Text(every.name, style="bold"), *cells, *([""] * (len(heads) - len(cells) + 2 * verdict)))
    return table


def _check_cells(check: CheckComparison, split: str, verdict: bool, narrow: bool) -> list:
    flips = check.flips.get(split)
    fixed, regressed, still = (
        str(len(flips.keys(k))) if flips else "0" for k in ("fixed", "regressed", "still_failing")
    )
    cells = [one_line(check.name), format_rate(check.before[split].rate), format_rate(check.after[split].rate)]
    cells += [fixed, regressed] if narrow else [format_delta(check.delta(split)), fixed, regressed, still]
    if verdict:
        cells.append(Text(check.verdict, style=VERDICT_STYLES[check.verdict]))
        cells.append(format_p_value(check.test.p_value))
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
    narrow = console.width < NARROW
    for split in (VERDICT_SPLIT, "dev"):
        console.print(Text(SPLIT_LABELS[split], style="bold"), highlight=False, soft_wrap=True)
        console.print(split_table(result, split, narrow))
    if result.buckets:
        console.print(comparison_table("buckets (item pass rate)", result.buckets))
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
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    print_comparison(result)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
