"""`curator runs` and `curator show`: what is in the workspace."""

from __future__ import annotations

import json

import typer
from rich.table import Table
from rich.text import Text

from curator.cli.context import console, literal, open_workspace
from curator.review import runs as run_domain
from curator.storage.runs import RunRow


def _run_json(run: RunRow) -> dict:
    return {
        "id": run.run_id,
        "name": run.name,
        "model": run.model,
        "adapter": run.adapter,
        "source_path": run.source_path,
        "source_format": run.source_format,
        "parent": run.parent_name,
        "created_at": run.created_at.isoformat(timespec="seconds"),
        "items": run.item_count,
        "pass_rate": run.pass_rate,
    }


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def runs(as_json: bool = typer.Option(False, "--json", help="One JSON object per run, for scripts.")) -> None:
    """List the runs in the workspace."""
    with open_workspace() as ws:
        rows = run_domain.list_runs(ws)
    if as_json:
        typer.echo(json.dumps([_run_json(r) for r in rows]))
        return
    table = Table("id", "name", "model", "adapter", "items", "pass rate", "parent", "created", "format")
    for r in rows:
        table.add_row(
            str(r.run_id),
            r.name,
            r.model or "",
            r.adapter or "",
            f"{r.item_count:,}",
            _percent(r.pass_rate),
            r.parent_name or "",
            r.created_at.strftime("%Y-%m-%d %H:%M"),
            r.source_format or "",
        )
    console.print(table if rows else "No runs yet: `curator import FILE` adds one.")


def show(
    run: str = typer.Argument(..., help="Run name or id."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Show a run: its items per split and the pass rate of each check."""
    with open_workspace() as ws:
        summary = run_domain.summarise_run(ws, run)
    if as_json:
        payload = _run_json(summary.run) | {
            "splits": summary.splits,
            "checks": [
                {
                    "name": c.name,
                    "kind": c.kind,
                    "passed": c.passed,
                    "total": c.total,
                    "pass_rate": c.pass_rate,
                    "by_split": {s: {"passed": p, "total": t} for s, (p, t) in c.by_split.items()},
                }
                for c in summary.checks
            ],
        }
        typer.echo(json.dumps(payload))
        return
    r = summary.run
    console.print(
        Text.assemble(
            (literal(r.name), "bold"),
            literal(f"  model={r.model or '—'} adapter={r.adapter or '—'} format={r.source_format or '—'}"),
        ),
        highlight=False,
    )
    console.print(f"{r.item_count:,} items: " + ", ".join(f"{n:,} {s}" for s, n in summary.splits.items()))
    if not summary.checks:
        console.print("No checks yet: `curator check RUN --spec checks.toml`.")
        return
    table = Table("check", "kind", "passed", "total", "pass rate")
    for c in summary.checks:
        table.add_row(c.name, c.kind, f"{c.passed:,}", f"{c.total:,}", _percent(c.pass_rate))
    console.print(table)


def delete(
    run: str = typer.Argument(..., help="Run name or id."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a run with its items, check results and labels."""
    with open_workspace() as ws:
        target = run_domain.resolve_run(ws, run)
        if not yes and not typer.confirm(literal(f"Delete run '{target.name}' ({target.item_count:,} items)?")):
            raise typer.Exit(1)
        run_domain.delete_run(ws, target.run_id)
    console.print(f"Deleted run '{target.name}'.")


def register(app: typer.Typer) -> None:
    app.command("runs")(runs)
    app.command("show")(show)
    app.command("delete")(delete)
