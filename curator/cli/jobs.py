"""`curator jobs`: the jobs the workspace launched (training, eval, sampling), their status, metrics and artifacts;
`curator jobs --cancel ID` stops one."""

from __future__ import annotations

import typer

from curator.cli.context import console, echo_json, one_line, open_workspace
from curator.cli.tables import Col, fitted_table


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


TRAINING_COLUMNS = (
    Col("id", justify="right", min_width=2),
    Col("status", min_width=6),
    Col("method", drop=3, min_width=4),
    Col("dataset", wrap=True, min_width=8),
    Col("base model", drop=2, wrap=True, min_width=10),
    Col("best pass rate", justify="right", min_width=6, short="best"),
    Col("steps", drop=4, justify="right", min_width=5),
    Col("adapter / error", drop=1, wrap=True, min_width=12),
)
CHILD_COLUMNS = (
    Col("id", justify="right", min_width=2),
    Col("kind", min_width=4),
    Col("status", min_width=6),
    Col("what", wrap=True, min_width=10),
    Col("error", drop=1, wrap=True, min_width=10),
)


def _print_training(rows) -> None:
    cells = []
    for j in rows:
        best = j.metrics.get("best_pass_rate")
        cells.append(
            [
                str(j.job_id),
                j.status,
                one_line(str(j.config.get("method", "sft"))),
                one_line(str(j.config.get("dataset", ""))),
                one_line(j.base_model),  # whole: every path Curator prints is accepted back
                "—" if best is None else f"{best:.1%}",
                str(j.metrics.get("steps", "")),
                one_line(j.adapter_path or j.error or ""),
            ]
        )
    console.print(fitted_table(TRAINING_COLUMNS, cells, console.width))


def _print_children(rows) -> None:
    cells = [[str(j.job_id), j.kind, j.status, one_line(j.label), one_line(j.error or "")] for j in rows]
    console.print(fitted_table(CHILD_COLUMNS, cells, console.width))


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
