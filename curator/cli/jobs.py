"""`curator jobs`: the jobs the workspace launched, their status, metrics and artifacts."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from curator.cli.context import console, open_workspace


def jobs(as_json: bool = typer.Option(False, "--json", help="One JSON object per job.")) -> None:
    """List training jobs with their status, metrics and adapter."""
    from curator.jobs.training import list_jobs

    with open_workspace() as ws:
        rows = list_jobs(ws)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": j.job_id,
                        "status": j.status,
                        "base_model": j.base_model,
                        "dataset": j.config.get("dataset"),
                        "method": j.config.get("method", "sft"),
                        "adapter": j.adapter_path,
                        "error": j.error,
                        "metrics": j.metrics,
                        "produced_run_id": j.produced_run_id,
                    }
                    for j in rows
                ]
            )
        )
        return
    if not rows:
        console.print("No training jobs yet: `curator train --dataset NAME --model PATH`.")
        return
    table = Table("id", "status", "method", "dataset", "base model", "best pass rate", "steps", "adapter / error")
    for j in rows:
        best = j.metrics.get("best_pass_rate")
        table.add_row(
            str(j.job_id),
            j.status,
            str(j.config.get("method", "sft")),
            str(j.config.get("dataset", "")),
            j.base_model,
            "—" if best is None else f"{best:.1%}",
            str(j.metrics.get("steps", "")),
            j.adapter_path or j.error or "",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("jobs")(jobs)
