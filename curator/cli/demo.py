"""`curator demo`: the embedded default. Converts SmolLM2-135M-Instruct from its offline wheel once, evaluates it
on the weather-tag task and opens the app on its failures; `--script` runs up to two loops headless and prints
the before/after table (`--json`: one line)."""

from __future__ import annotations

import time

import typer
from rich.table import Table

from curator.cli.context import console, echo_json, err_console, one_line, open_workspace, progress, state
from curator.cli.tables import Col, fitted_table

TASKS = ("weather", "service")
LABELS = {
    "convert": "converting SmolLM2-135M-Instruct (once)",
    "build": "building the demo model",
    "eval": "evaluating the base model",
    "train": "training LoRA",
    "reeval": "re-evaluating with the adapter",
    "check": "grading the replies (keyword, judge, learned)",
}


def _stage_printer(bar):
    """One progress bar task per stage (convert, eval, train, reeval), fed by the children's events."""
    tasks: dict[str, int] = {}

    def show(stage: str, event: dict) -> None:
        task = tasks.get(stage)
        if task is None:
            task = tasks[stage] = bar.add_task(LABELS.get(stage, stage), total=None)
        kind = event.get("event")
        if kind in ("convert", "base_step"):
            bar.update(task, completed=event["step"], total=event["steps"])
            if event.get("stage"):
                bar.update(task, description=f"{LABELS['convert']}: {event['stage']}")
        elif kind == "loaded":
            bar.update(task, total=event["total"], description=f"{LABELS[stage]} ({event.get('dtype', '?')})")
        elif kind == "generated":
            bar.update(task, completed=event["done"])
        elif kind == "step":
            bar.update(
                task,
                completed=event["step"],
                total=event["total_steps"],
                description=f"{LABELS['train']} (loss {event['loss']:.3f})",
            )
        elif kind == "progress":
            bar.update(task, completed=event["done"], total=event["total"], description=f"grading: {event['label']}")
        elif kind == "eval":
            bar.update(task, description=f"{LABELS['train']} (dev pass rate {event['pass_rate']:.0%})")

    return show


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _p(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


LOOP_COLUMNS = (
    Col("check", wrap=True),
    Col("dev\nbefore", justify="right", drop=2),
    Col("dev\nafter", justify="right", drop=1),
    Col("held-out\nbefore", justify="right"),
    Col("held-out\nafter", justify="right"),
    Col("held-out\nfixed/regr.", justify="right"),
    Col("McNemar\np", justify="right"),
)


def _loop_table(loop: dict, width: int) -> Table:
    """A loop's pass rates by check before and after, fitted to `width` (names wrap, numbers stay whole)."""
    cells = [
        [
            one_line(name),
            _cell(row["before"]["dev"]),
            _cell(row["after"]["dev"]),
            _cell(row["before"]["held_out"]),
            _cell(row["after"]["held_out"]),
            f"{row['fixed']['held_out']}/{row['regressed']['held_out']}",
            _p(row["p_value"]["held_out"]),
        ]
        for name, row in loop["checks"].items()
    ]
    title = f"loop {loop['loop']}: pass rate by check (dev is seen by training; held-out is the verdict)"
    return fitted_table(LOOP_COLUMNS, cells, width, title=title)


def demo(
    script: bool = typer.Option(False, "--script", help="Run up to two loops headless and print before/after."),
    as_json: bool = typer.Option(False, "--json", help="With --script: print one JSON line (for CI)."),
    model: str = typer.Option(
        None, "--model", "-m", help="A local Hugging Face model folder instead of the embedded SmolLM2-135M-Instruct."
    ),
    dtype: str = typer.Option(
        "auto",
        "--dtype",
        help="auto (bf16 where the CPU has native bf16 units (AVX512_BF16/AMX) or the GPU supports it, else fp32 on "
        "a CPU, fp16 on a GPU), bfloat16, float16, float32.",
    ),
    loops: int = typer.Option(2, "--loops", min=1, max=2, help="With --script: how many loops at most (1 or 2)."),
    task: str = typer.Option(
        "weather",
        "--task",
        help="weather (the weather-tag task), or service: customer-service replies graded by a keyword check, "
        "a judge and a learned grader, each calibrated against hand labels.",
    ),
    sweep: bool = typer.Option(
        False, "--sweep", help="With --script: how many examples the emoji fix needs (10/20/40 rows, two seeds each)."
    ),
) -> None:
    """Evaluate SmolLM2-135M-Instruct (converted once from its offline wheel) on the weather-tag task and open
    the app on its failures; `--task service` opens on the customer-service task's graders instead."""
    from curator.demo.setup import model_folder, prepare_demo
    from curator.errors import CuratorError
    from curator.inference.backends import DTYPES

    if dtype not in DTYPES:
        raise CuratorError(f"--dtype: '{dtype}' is not one of {', '.join(DTYPES)}")
    if task not in TASKS:
        raise CuratorError(f"--task: '{task}' is not one of {', '.join(TASKS)}")
    if task == "service":
        _service_demo(script, as_json)
        return
    if model is not None:
        model = str(model_folder(model))  # one line before the workspace is opened or anything runs
    started = time.monotonic()
    with open_workspace() as ws:
        with progress() as bar:
            demo_state = prepare_demo(ws, _stage_printer(bar), model=model, dtype=dtype)
        if not script:
            err_console.print(
                f"Demo ready in {time.monotonic() - started:.0f}s: run '{demo_state.base_run.name}' "
                f"({demo_state.base_run.item_count} items, {demo_state.model_name}) in {ws.root}",
                highlight=False,
                markup=False,
            )
    if not script:
        _open_app_on(demo_state)
        return
    if sweep:
        _sweep_demo(demo_state, as_json)
        return
    from curator.demo.script import run_script, summary

    with open_workspace() as ws:
        with progress() as bar:
            results = run_script(ws, demo_state, _stage_printer(bar), loops=loops)
    report = summary(demo_state, results, time.monotonic() - started)
    if as_json:
        echo_json(report)
        return
    for loop, result in zip(report["loops"], results, strict=True):
        console.print(_loop_table(loop, console.width))
        console.print(
            f"loop {loop['loop']}: {loop['bucket_items']} dev failures bucketed in '{loop['bucket']}', "
            f"{loop['generated_examples']} examples generated from {', '.join(loop['templates'])}, "
            f"{loop['accepted_examples']} accepted into {loop['dataset']}; job {result.job.job_id} trained in "
            f"{loop['train_s']:.0f}s; run '{loop['run']}' vs the base: {loop['items_fixed']} items fixed, "
            f"{loop['items_regressed']} regressed.",
            highlight=False,
            markup=False,
        )
    console.print(
        f"{report['generated_examples']} examples generated; {report['train_s']:.0f}s training, "
        f"{report['eval_s']:.0f}s evaluating, {report['total_s']:.0f}s in all ({report['model']}, {report['dtype']}).",
        highlight=False,
        markup=False,
    )


def _sweep_demo(demo_state, as_json: bool) -> None:
    """A quantity sweep of loop 1's fixes on held-out: the tables, the learning curve and the recommendation."""
    from curator.cli.sweeps import print_report
    from curator.demo import sweep

    with open_workspace() as ws:
        with progress() as bar:
            report = sweep.run_demo_sweep(ws, demo_state, _stage_printer(bar))
    if as_json:
        echo_json(report.as_dict())
    else:
        print_report(report)


def _service_demo(script: bool, as_json: bool) -> None:
    """The customer-service task: the graders of its hand-labelled replies, each with its calibration report."""
    from curator.demo.service import prepare_service_demo

    started = time.monotonic()
    with open_workspace() as ws:
        with progress() as bar:
            service = prepare_service_demo(ws, _stage_printer(bar))
    figures = {name: report.to_json() for name, report in service.reports.items()}
    if as_json:
        echo_json({"task": "service", "run": service.replies.name, "graders": figures})
    elif script:
        for name, report in service.reports.items():
            console.print(f"{name}: {_calibration_line(report)}", highlight=False, markup=False)
    if script or as_json:
        return
    err_console.print(
        f"Demo ready in {time.monotonic() - started:.0f}s: run '{service.replies.name}' "
        f"({service.replies.item_count} hand-labelled replies) in {ws.root}",
        highlight=False,
        markup=False,
    )
    from curator.cli.app import open_app

    open_app(state.workspace_path, start_run_id=service.replies.run_id)


def _calibration_line(report) -> str:
    """One grader's figures on the locked test labels, in one line."""
    rate = _cell
    warnings = f" [{'; '.join(report.problems)}]" if report.problems else ""
    return (
        f"{report.test_labels} test labels; TPR {rate(report.tpr)}, TNR {rate(report.tnr)}, accuracy "
        f"{rate(report.accuracy)} (majority {rate(report.majority_baseline)}), kappa "
        f"{'—' if report.kappa is None else f'{report.kappa:.2f}'}; pass rate {rate(report.raw_pass_rate)} raw, "
        f"{rate(report.corrected_pass_rate)} corrected{warnings}"
    )


def _open_app_on(demo_state) -> None:
    """Open the review app on the base run's overview, where its failures are."""
    from curator.cli.app import open_app

    open_app(state.workspace_path, start_run_id=demo_state.base_run.run_id)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
