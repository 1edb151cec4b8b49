"""`curator demo`: the embedded default. Builds a tiny model offline, evaluates it, and opens the app on its
failures; `--script` runs the whole loop headless and prints the before/after table (`--json`: one line)."""

from __future__ import annotations

import json
import time

import typer
from rich.table import Table

from curator.cli.context import console, err_console, open_workspace, progress, state


def _stage_printer(bar):
    """One progress bar task per stage (build, eval, train, reeval), fed by the children's events."""
    tasks: dict[str, int] = {}
    labels = {
        "build": "building the demo model",
        "eval": "evaluating the base model",
        "train": "training LoRA",
        "reeval": "re-evaluating with the adapter",
    }

    def show(stage: str, event: dict) -> None:
        task = tasks.get(stage)
        if task is None:
            task = tasks[stage] = bar.add_task(labels.get(stage, stage), total=None)
        kind = event.get("event")
        if kind == "base_step":
            bar.update(task, completed=event["step"], total=event["steps"])
        elif kind == "loaded":
            bar.update(task, total=event["total"])
        elif kind == "generated":
            bar.update(task, completed=event["done"])
        elif kind == "step":
            bar.update(
                task,
                completed=event["step"],
                total=event["total_steps"],
                description=f"{labels['train']} (loss {event['loss']:.3f})",
            )
        elif kind == "eval":
            bar.update(task, description=f"{labels['train']} (dev pass rate {event['pass_rate']:.0%})")

    return show


def _before_after_table(rates: dict) -> Table:
    table = Table("check", "dev before", "dev after", "held-out before", "held-out after", title="pass rate by check")
    for name, before in rates["before"].items():
        after = rates["after"].get(name, {})
        cells = []
        for split in ("dev", "held_out"):
            for value in (before.get(split), after.get(split)):
                cells.append("—" if value is None else f"{value:.0%}")
        table.add_row(name, cells[0], cells[1], cells[2], cells[3])
    return table


def demo(
    script: bool = typer.Option(False, "--script", help="Run the whole loop headless and print before/after."),
    as_json: bool = typer.Option(False, "--json", help="With --script: print one JSON line (for CI)."),
) -> None:
    """Build the offline demo model, evaluate it on the weather-tag task and open the app on its failures."""
    from curator.demo.setup import prepare_demo

    started = time.monotonic()
    with open_workspace() as ws:
        with progress() as bar:
            demo_state = prepare_demo(ws, _stage_printer(bar))
        if not script:
            err_console.print(
                f"Demo ready in {time.monotonic() - started:.0f}s: run '{demo_state.base_run.name}' "
                f"({demo_state.base_run.item_count} items) in {ws.root}"
            )
    if not script:
        _open_app_on(demo_state)
        return
    from curator.demo.script import run_loop

    with open_workspace() as ws:
        with progress() as bar:
            result = run_loop(ws, demo_state, _stage_printer(bar))
    total_s = time.monotonic() - started
    rates = result.pass_rates()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    **rates,
                    "regressions": [c.item_id for c in result.comparison.regressed],
                    "generated_examples": result.generated_examples,
                    "train_s": round(result.train_s, 1),
                    "total_s": round(total_s, 1),
                },
                ensure_ascii=False,
            )
        )
        return
    console.print(_before_after_table(rates))
    console.print(
        f"{result.bucket_items} failures bucketed, {result.generated_examples} examples generated, "
        f"{result.accepted_examples} accepted into {result.dataset}; job {result.job.job_id} trained in "
        f"{result.train_s:.0f}s; run '{result.run.name}': {len(result.comparison.fixed)} items fixed, "
        f"{len(result.comparison.regressed)} regressed; {total_s:.0f}s in all.",
        highlight=False,
    )


def _open_app_on(demo_state) -> None:
    """Open the review app on the base run's overview, where its failures are."""
    from curator.cli.app import open_app

    open_app(state.workspace_path, start_run_id=demo_state.base_run.run_id)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
