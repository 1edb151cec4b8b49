"""`curator train` (a LoRA job from a dataset version, in a child process) and `curator jobs`."""

from __future__ import annotations

import json
import time

import typer
from rich.table import Table

from curator.cli.context import console, err_console, open_workspace
from curator.errors import CuratorError
from curator.training.job import LoraSettings, TrainerSettings

_LORA, _TRAIN = LoraSettings(), TrainerSettings()


def _targets(value: str) -> str | list[str]:
    """`all-linear` or a comma-separated list of module names."""
    return value if value == "all-linear" else [v.strip() for v in value.split(",") if v.strip()]


def train(
    dataset: str = typer.Option(
        ..., "--dataset", "-d", help="Dataset version (NAME or NAME@N) or a frozen JSONL file."
    ),
    model: str = typer.Option(..., "--model", "-m", help="Base model folder (local; safetensors)."),
    run: str = typer.Option(None, "--run", help="Run whose dev items and checks drive early stopping."),
    parent_adapter: str = typer.Option(None, "--parent-adapter", help="Continue training this LoRA adapter."),
    r: int = typer.Option(_LORA.r, "--lora-r", help="LoRA rank."),
    alpha: int = typer.Option(_LORA.alpha, "--lora-alpha", help="LoRA alpha."),
    dropout: float = typer.Option(_LORA.dropout, "--lora-dropout", help="LoRA dropout."),
    target_modules: str = typer.Option(
        "all-linear", "--target-modules", help="all-linear, or names like q_proj,v_proj."
    ),
    learning_rate: float = typer.Option(_TRAIN.learning_rate, "--lr", help="Peak learning rate."),
    epochs: float = typer.Option(_TRAIN.epochs, "--epochs", help="Passes over the dataset."),
    batch_size: int = typer.Option(_TRAIN.batch_size, "--batch-size", help="Examples per step and device."),
    max_length: int = typer.Option(_TRAIN.max_length, "--max-length", help="Tokens per example (longer are cut)."),
    max_steps: int = typer.Option(_TRAIN.max_steps, "--max-steps", help="Stop after this many steps (-1: epochs)."),
    seed: int = typer.Option(_TRAIN.seed, "--seed", help="Training seed."),
    eval_every: int = typer.Option(_TRAIN.eval_every, "--eval-every", help="Steps between dev evals (0: none)."),
    patience: int = typer.Option(_TRAIN.patience, "--patience", help="Evals without gain before stopping."),
    warmup: float = typer.Option(_TRAIN.warmup_ratio, "--warmup", help="Warmup as a share of the steps."),
    device: str = typer.Option(_TRAIN.device, "--device", help="auto, cpu or cuda."),
    bf16: bool = typer.Option(_TRAIN.bf16, "--bf16", help="Train in bfloat16 (GPUs that support it)."),
    cpu_threads: int = typer.Option(_TRAIN.cpu_threads, "--cpu-threads", help="Torch threads on CPU (0: default)."),
    launcher: str = typer.Option("python", "--launcher", help="python, or accelerate (several GPUs)."),
) -> None:
    """Train a LoRA adapter on a frozen dataset version in a child process, with early stopping on the checks."""
    from curator.jobs.training import TrainingRequest, create_job, get_job, record_event, start_job

    request = TrainingRequest(
        dataset=dataset,
        base_model=model,
        source_run=run,
        parent_adapter=parent_adapter,
        lora=LoraSettings(r=r, alpha=alpha, dropout=dropout, target_modules=_targets(target_modules)),
        trainer=TrainerSettings(
            learning_rate=learning_rate,
            epochs=epochs,
            batch_size=batch_size,
            max_length=max_length,
            max_steps=max_steps,
            seed=seed,
            eval_every=eval_every,
            patience=patience,
            device=device,
            cpu_threads=cpu_threads,
            warmup_ratio=warmup,
            bf16=bf16,
        ),
    )
    with open_workspace() as ws:
        job = create_job(ws, request, launcher)
        handle = start_job(ws, job.job_id, launcher)
    # The workspace stays free while the child runs (`curator jobs`, `runs` and the app can open it).
    err_console.print(f"job {job.job_id}: training in a child process (log: {handle.child.log_file})")
    final = handle.child.wait(_printer())
    with reopen_workspace() as ws:
        record_event(ws, handle.job_id, final)
        done = get_job(ws, handle.job_id)
    if done.status != "succeeded":
        raise CuratorError(f"training job {done.job_id} {done.status}: {done.error or 'stopped'}")
    console.print(f"job {done.job_id} succeeded: adapter {done.adapter_path}", highlight=False)


def reopen_workspace(interval_s: float = 1.0):
    """The workspace again after a child ended, waiting (with one note) while another Curator process holds it."""
    from curator.cli.context import state
    from curator.errors import WorkspaceLockedError
    from curator.workspace import Workspace

    noted = False
    while True:
        try:
            return Workspace.open(state.workspace_path)
        except WorkspaceLockedError:
            if not noted:
                err_console.print("waiting for the workspace to record the result (close Curator elsewhere)…")
                noted = True
            time.sleep(interval_s)


def _printer():
    """Print steps (every 10th), evals and the end of the job to stderr."""

    def show(event: dict) -> None:
        kind = event.get("event")
        if kind == "step" and (event["step"] % 10 == 0 or event["step"] == event["total_steps"]):
            err_console.print(
                f"step {event['step']}/{event['total_steps']} loss {event['loss']:.4f} "
                f"{event['tokens_per_s']:.0f} tok/s eta {event['eta_s']:.0f}s",
                highlight=False,
            )
        elif kind == "eval":
            err_console.print(
                f"eval at step {event['step']}: pass rate {event['pass_rate']:.1%}"
                + (" (best)" if event.get("best") else ""),
                highlight=False,
            )
        elif kind == "stopped_early":
            err_console.print(f"stopped early at step {event['step']}; best step {event['best_step']}")

    return show


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
    table = Table("id", "status", "dataset", "base model", "best pass rate", "steps", "adapter / error")
    for j in rows:
        best = j.metrics.get("best_pass_rate")
        table.add_row(
            str(j.job_id),
            j.status,
            str(j.config.get("dataset", "")),
            j.base_model,
            "—" if best is None else f"{best:.1%}",
            str(j.metrics.get("steps", "")),
            j.adapter_path or j.error or "",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("train")(train)
    app.command("jobs")(jobs)
