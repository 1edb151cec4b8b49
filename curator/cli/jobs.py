"""`curator jobs`: the jobs the workspace launched (training, eval, sampling), their status, metrics and artifacts;
`curator jobs --cancel ID` stops one."""

from __future__ import annotations

import typer
from rich.table import Table

from curator.cli.context import console, echo_json, open_workspace


def _training_json(j) -> dict:
    return {
        "id": j.job_id,
        "kind": "train",
        "status": j.status,
        "base_model": j.base_model,
        "dataset": j.config.get("dataset"),
        "method": j.config.get("method", "sft"),
        "adapter": j.adapter_path,
        "error": j.error,
        "metrics": j.metrics,
        "produced_run_id": j.produced_run_id,
    }


def _child_json(j) -> dict:
    return {"id": j.job_id, "kind": j.kind, "status": j.status, "label": j.label, "error": j.error}


def _print_training(rows) -> None:
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


def _print_children(rows) -> None:
    table = Table("id", "kind", "status", "what", "error")
    for j in rows:
        table.add_row(str(j.job_id), j.kind, j.status, j.label, j.error or "")
    console.print(table)


def jobs(
    as_json: bool = typer.Option(False, "--json", help="One JSON object per job (training first, with kind)."),
    cancel: int = typer.Option(None, "--cancel", metavar="ID", help="Stop job ID (training, eval or sampling)."),
) -> None:
    """List training, eval and sampling jobs with their status, metrics and results; or cancel one."""
    from curator.jobs.child_jobs import list_child_jobs
    from curator.jobs.training import list_jobs

    if cancel is not None:
        from curator.jobs.cancel import cancel_job

        with open_workspace() as ws:
            done = cancel_job(ws, cancel)
        console.print(f"job {done.job_id} {done.status}" + (f": {done.detail}" if done.detail else ""), highlight=False)
        return
    with open_workspace() as ws:
        training, children = list_jobs(ws), list_child_jobs(ws)
    if as_json:
        echo_json([_training_json(j) for j in training] + [_child_json(j) for j in children])
        return
    if not training and not children:
        console.print("No jobs yet: `curator train --dataset NAME --model PATH`, `curator eval`, `curator sample`.")
        return
    if training:
        _print_training(training)
    if children:
        _print_children(children)


def register(app: typer.Typer) -> None:
    app.command("jobs")(jobs)
