"""`curator compare RUN`: a run against its parent, per check and per bucket, dev and held-out apart."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from curator.cli.context import console, open_workspace
from curator.compare import SPLITS, Comparison, RowComparison


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def signed(delta: float | None) -> str:
    return "" if delta is None else f"{delta * 100:+.0f}"


def comparison_table(title: str, rows: list[RowComparison]) -> Table:
    """before / after / delta for dev and held-out, one row per check or bucket."""
    table = Table(title=title, title_justify="left")
    table.add_column("name")
    for split in SPLITS:
        for head in ("before", "after", "Δ pts"):
            table.add_column(f"{split} {head}", justify="right")
    for row in rows:
        cells = []
        for split in SPLITS:
            cells += [percent(row.before[split].rate), percent(row.after[split].rate), signed(row.delta(split))]
        table.add_row(row.name, *cells)
    return table


def print_comparison(result: Comparison) -> None:
    console.print(f"[bold]{result.after_run.name}[/] against [bold]{result.before_run.name}[/]", highlight=False)
    console.print(comparison_table("checks", result.checks))
    if result.buckets:
        console.print(comparison_table("buckets (item pass rate)", result.buckets))
    console.print(f"fixed: {len(result.fixed)} items   regressed: {len(result.regressed)} items")
    for change in result.regressed[:20]:
        console.print(f"  regressed {change.item_id} ({change.split}): fails {', '.join(change.failed_checks)}",
                      highlight=False)


def compare(
    run: str = typer.Argument(..., help="The later run (name or id)."),
    parent: str = typer.Option(None, "--parent", help="Compare with this run instead of the run's parent."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """Compare a run with its parent: pass rate per check and per bucket, items fixed and regressed."""
    from curator.compare import compare_runs

    with open_workspace() as ws:
        result = compare_runs(ws, run, parent)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    print_comparison(result)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
