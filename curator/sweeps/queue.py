"""Sweeps as a queue: create one from a saved recipe (every variant planned and guarded before anything is
stored), run its trials one at a time, cancel it from anywhere (finished trials are kept), resume it.

The queue's state is in the database (sweep, variants, trials with their job and run ids), so a sweep survives the
process that ran it: a trial whose run exists is never redone, a job whose child still runs is waited for. Cancel
writes `<workspace>/sweeps/<name>/cancel`, which the running queue polls without touching the database."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from curator.errors import BadInputError, CuratorError, NotFoundError
from curator.jobs import training as job_domain
from curator.pids import pid_alive
from curator.recipes import library
from curator.recipes.spec import spec_from_dict
from curator.review.runs import resolve_run
from curator.storage import datasets as dataset_queries
from curator.storage import sweeps as sweep_queries
from curator.storage.sweeps import SweepRow
from curator.sweeps.plan import SweepPlan, variants
from curator.sweeps.trial import EventCallback, TrialCancelled, run_trial
from curator.training.job import LoraSettings, TrainerSettings, settings_problem
from curator.unique_names import first_free_name
from curator.workspace import Workspace

_SAFE_NAME = re.compile(r"[A-Za-z0-9_][\w.-]*\Z")


@dataclass
class SweepRequest:
    """What `curator sweep RECIPE` asks for (the demo builds one the same way)."""

    recipe: str
    base_run: str | int  # its items are re-evaluated; its checks, dev items and generation settings are used
    plan: SweepPlan
    name: str | None = None  # default: RECIPE-sweep, -sweep-2, ...
    base_model: str | None = None  # default: the base run's model folder
    lora: LoraSettings | None = None  # default: `curator train`'s for the model and device (the plan's on top)
    trainer: TrainerSettings | None = None


def sweep_folder(ws: Workspace, name: str) -> Path:
    return ws.root / "sweeps" / name


def cancel_file(ws: Workspace, name: str) -> Path:
    return sweep_folder(ws, name) / "cancel"


def get_sweep(ws: Workspace, name: str) -> SweepRow:
    sweep = sweep_queries.find_sweep(ws.db, name)
    if sweep is None:
        raise NotFoundError(f"no sweep named '{name}' (see `curator sweep list`)")
    return sweep


def list_sweeps(ws: Workspace) -> list[SweepRow]:
    return sweep_queries.list_sweeps(ws.db)


def _sweep_name(ws: Workspace, request: SweepRequest) -> str:
    taken = lambda n: sweep_queries.sweep_name_taken(ws.db, n) or dataset_queries.find_recipe(ws.db, f"{n}-1")  # noqa: E731
    name = request.name or first_free_name(f"{request.recipe}-sweep", taken)
    if not _SAFE_NAME.match(name):
        raise BadInputError(f"sweep '{name}'", "a sweep name may hold letters, digits, '_', '-' and '.'", field="name")
    if sweep_queries.sweep_name_taken(ws.db, name):
        raise CuratorError(f"a sweep named '{name}' exists (see `curator sweep show {name}`)")
    return name


def create_sweep(ws: Workspace, request: SweepRequest) -> SweepRow:
    """Plan every variant, refuse the sweep when any could not build or train (one line naming it), then store
    the variants' recipes and the sweep with its queued trials in one transaction."""
    spec = library.get_recipe(ws, request.recipe)
    base = resolve_run(ws, request.base_run)
    model = request.base_model or job_domain.default_base_model(ws, base.run_id)
    if not model or not ws.resolve_path(model).is_dir():
        raise CuratorError(f"base model '{model or base.model}' is not a local folder: name one with --model")
    name = _sweep_name(ws, request)
    plan = request.plan

    def defaults(method: str) -> tuple[LoraSettings, TrainerSettings]:
        lora, trainer = job_domain.default_settings(ws, model, method=method)
        given = replace(request.trainer, method=method) if request.trainer else trainer
        return request.lora or lora, given

    planned = variants(spec, plan, defaults(plan.methods[0] if plan.methods else "sft"), defaults)
    guard = library.held_out_guard(ws)
    recipes = []
    for position, variant in enumerate(planned, start=1):
        problem = settings_problem(variant.lora, variant.trainer)
        if problem:
            raise CuratorError(f"variant '{variant.label}': {problem}")
        recipe_spec = spec_from_dict(variant.spec | {"name": f"{name}-{position}"}, f"variant '{variant.label}'")
        if dataset_queries.find_recipe(ws.db, recipe_spec.name):
            raise CuratorError(f"a recipe named '{recipe_spec.name}' exists: give the sweep another --name")
        for entry in library.plan(ws, recipe_spec, guard):
            if entry.too_small:
                raise CuratorError(f"variant '{variant.label}': {library.too_small_message(entry, recipe_spec.total)}")
        recipes.append(recipe_spec)
    rows = [(v.label, r.name, r.to_dict(), v.settings()) for v, r in zip(planned, recipes, strict=True)]
    stored_model = ws.storable_path(ws.resolve_path(model))
    with ws.db.transaction():
        for recipe_spec in recipes:
            library.save_recipe(ws, recipe_spec)
        sweep_queries.insert_sweep(
            ws.db, name, spec.name, base.run_id, stored_model, plan.to_dict() | {"recipe": spec.to_dict()}, rows,
            plan.seeds,
        )  # fmt: skip
    return get_sweep(ws, name)


def runner_alive(sweep: SweepRow) -> bool:
    """Whether a process (this one included) is running this sweep's queue now."""
    return sweep.status == "running" and pid_alive(sweep.runner_pid)


def run_sweep(
    ws: Workspace,
    name: str,
    on_event: EventCallback = lambda stage, e: None,
    should_cancel: Callable[[], bool] = lambda: False,
) -> SweepRow:
    """Run (or resume) the sweep's queue: each trial in order, one at a time; a failed trial is recorded and the
    queue goes on; a cancel keeps every finished trial. Returns the sweep as it ended."""
    sweep = get_sweep(ws, name)
    if runner_alive(sweep) and sweep.runner_pid != os.getpid():
        raise CuratorError(f"sweep '{name}' is running in process {sweep.runner_pid} (`curator sweep cancel {name}`)")
    if sweep.status == "finished":
        return sweep
    flag = cancel_file(ws, name)
    flag.unlink(missing_ok=True)
    stop = lambda: flag.exists() or should_cancel()  # noqa: E731
    sweep_queries.set_status(ws.db, sweep.sweep_id, "running", runner_pid=os.getpid())
    variants_at = {v.position: v for v in sweep_queries.variants(ws.db, sweep.sweep_id)}
    failures, cancelled = [], False
    for trial in sweep_queries.trials(ws.db, sweep.sweep_id):
        if stop():
            break
        variant = variants_at[trial.position]
        try:
            run_trial(ws, sweep, variant, trial, on_event, stop)
        except TrialCancelled as stopped:  # `sweep cancel`, or Ctrl-C while a child ran
            sweep_queries.set_trial(ws.db, sweep.sweep_id, trial.position, trial.seed, "cancelled", error=str(stopped))
            cancelled = True
            break
        except CuratorError as error:
            sweep_queries.set_trial(ws.db, sweep.sweep_id, trial.position, trial.seed, "failed", error=str(error))
            failures.append(f"{variant.label} seed {trial.seed}: {error}")
            on_event("failed", {"variant": variant.label, "seed": trial.seed, "error": str(error)})
        except BaseException as error:  # Ctrl-C or a crash: the queue is left to resume
            sweep_queries.set_trial(ws.db, sweep.sweep_id, trial.position, trial.seed, "cancelled", error=repr(error))
            sweep_queries.set_status(ws.db, sweep.sweep_id, "cancelled", error="interrupted")
            raise
    _settle(ws, sweep, cancelled or stop(), failures)
    flag.unlink(missing_ok=True)
    return get_sweep(ws, name)


def _settle(ws: Workspace, sweep: SweepRow, cancelled: bool, failures: list[str]) -> None:
    """The sweep's status once its queue stopped: cancelled, finished (every trial done) or failed."""
    if cancelled:
        sweep_queries.set_status(ws.db, sweep.sweep_id, "cancelled", error="cancelled; finished trials are kept")
    elif failures:
        error = f"{len(failures)} trial(s) failed; first: {failures[0]}"
        sweep_queries.set_status(ws.db, sweep.sweep_id, "failed", error=error)
    elif all(t.status == "done" for t in sweep_queries.trials(ws.db, sweep.sweep_id)):
        sweep_queries.set_status(ws.db, sweep.sweep_id, "finished")
    else:
        sweep_queries.set_status(ws.db, sweep.sweep_id, "failed", error="some trials did not run; resume the sweep")


def cancel_sweep(ws: Workspace, name: str) -> SweepRow:
    """Stop the sweep: its running queue (in any process) stops its job and ends; with no live runner, a job it
    left running is cancelled here. Finished trials are kept; `resume` goes on from there."""
    sweep = get_sweep(ws, name)
    if sweep.status in ("finished", "cancelled"):
        raise CuratorError(f"sweep '{name}' is already {sweep.status}: nothing to cancel")
    flag = cancel_file(ws, name)
    flag.parent.mkdir(parents=True, exist_ok=True)
    flag.write_text("", encoding="utf-8")
    if not runner_alive(sweep):
        from curator.jobs.cancel import cancel_job
        from curator.storage import jobs as job_queries

        for trial in sweep_queries.trials(ws.db, sweep.sweep_id):
            job = job_queries.get_job(ws.db, trial.job_id) if trial.job_id is not None else None
            if job is not None and job.status in ("queued", "running"):
                cancel_job(ws, job.job_id)
            if trial.status in ("training", "evaluating"):
                sweep_queries.set_trial(ws.db, sweep.sweep_id, trial.position, trial.seed, "cancelled")
        sweep_queries.set_status(ws.db, sweep.sweep_id, "cancelled", error="cancelled; finished trials are kept")
        flag.unlink(missing_ok=True)
    return get_sweep(ws, name)
