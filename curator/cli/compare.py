"""`curator compare RUN`: a run against its parent, per check and per bucket, dev and held-out apart."""

from __future__ import annotations

import json

import typer
from rich.table import Table
from rich.text import Text

from curator.cli.context import console, open_workspace
from curator.compare.comparison import SPLITS, Comparison, RowComparison, format_delta, format_rate


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
            cells += [
                format_rate(row.before[split].rate),
                format_rate(row.after[split].rate),
                format_delta(row.delta(split)),
            ]
        table.add_row(row.name, *cells)
    return table


def print_comparison(result: Comparison) -> None:
    console.print(
        Text.assemble((result.after_run.name, "bold"), " against ", (result.before_run.name, "bold")), highlight=False
    )
    console.print(comparison_table("checks", result.checks))
    if result.buckets:
        console.print(comparison_table("buckets (item pass rate)", result.buckets))
    console.print(f"fixed: {len(result.fixed)} items   regressed: {len(result.regressed)} items")
    for change in result.regressed[:20]:
        console.print(
            f"  regressed {change.item_id} ({change.split}): fails {', '.join(change.failed_checks)}", highlight=False
        )


def compare(
    run: str = typer.Argument(..., help="The later run (name or id)."),
    parent: str = typer.Option(None, "--parent", help="Compare with this run instead of the run's parent."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """Compare a run with its parent: pass rate per check and per bucket, items fixed and regressed."""
    from curator.compare.comparison import compare_runs

    with open_workspace() as ws:
        result = compare_runs(ws, run, parent)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    print_comparison(result)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
