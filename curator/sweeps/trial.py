"""One trial of a sweep: the variant's frozen version (built once, through the recipes' own build), a LoRA job
from the sweep's base model with the trial's seed, and the base run's items re-evaluated with the adapter under
the base run's generation settings. Each step is skipped when what it makes already exists, so a trial resumes
where a killed or cancelled sweep left it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from curator.errors import CuratorError, NotFoundError
from curator.jobs import training as job_domain
from curator.jobs.reconcile import child_alive, reconcile_job
from curator.recipes.library import build, get_version, save_recipe
from curator.recipes.spec import spec_from_dict
from curator.review.runs import resolve_run
from curator.storage import jobs as job_queries
from curator.storage import sweeps as sweep_queries
from curator.storage.sweeps import SweepRow, TrialRow, VariantRow
from curator.training.job import LoraSettings, TrainerSettings
from curator.workspace import Workspace

EventCallback = Callable[[str, dict], None]  # (stage, event): stage is build, train or eval
ShouldStop = Callable[[], bool]
POLL_S = 0.5


class TrialCancelled(CuratorError):
    """The sweep was cancelled while this trial ran; what it finished is kept."""


def variant_version(ws: Workspace, variant: VariantRow, on_event: EventCallback) -> str:
    """The variant's frozen version as `name@N`: the one recorded, else its recipe's newest (a build whose
    recording was cut short), else a new build; every guard of the recipes' build applies."""
    if variant.dataset_version is not None:
        return f"{variant.recipe_name}@{variant.dataset_version}"
    try:
        version = get_version(ws, variant.recipe_name)
    except NotFoundError:
        save_recipe(ws, spec_from_dict(variant.spec, f"variant '{variant.label}'"))
        version = build(ws, variant.recipe_name)
        on_event("build", {"variant": variant.label, "dataset": f"{version.recipe_name}@{version.version}"})
    sweep_queries.set_version(ws.db, variant.sweep_id, variant.position, version.recipe_id, version.version)
    return f"{version.recipe_name}@{version.version}"


def trained_job(
    ws: Workspace, sweep: SweepRow, variant: VariantRow, trial: TrialRow, on_event: EventCallback, stop: ShouldStop
):
    """The trial's succeeded job: the recorded one (waited for when its child still runs), else a new one."""
    job = job_queries.get_job(ws.db, trial.job_id) if trial.job_id is not None else None
    if job is not None and job.status in ("queued", "running"):
        job = _follow_orphan(ws, job, stop)
    if job is not None and job.status == "succeeded":
        return job
    if job is not None:
        sweep_queries.forget_job(ws.db, sweep.sweep_id, trial.position, trial.seed)
    dataset = variant_version(ws, variant, on_event)
    lora = LoraSettings(**variant.settings["lora"])
    trainer = replace(TrainerSettings(**variant.settings["trainer"]), seed=trial.seed)
    request = job_domain.TrainingRequest(
        dataset=dataset, base_model=str(ws.resolve_path(sweep.base_model)), source_run=sweep.base_run_id,
        lora=lora, trainer=trainer,
    )  # fmt: skip
    created = job_domain.create_job(ws, request)
    sweep_queries.set_trial(ws.db, sweep.sweep_id, trial.position, trial.seed, "training", job_id=created.job_id)
    handle = job_domain.start_job(ws, created.job_id)
    job = job_domain.wait_job(ws, handle, lambda e: on_event("train", e | {"job_id": created.job_id}), stop)
    if job.status == "cancelled" or stop():
        raise TrialCancelled(f"job {job.job_id} cancelled")
    if job.status != "succeeded":
        raise CuratorError(f"training job {job.job_id} {job.status}: {job.error or 'no adapter'}")
    return job


def _follow_orphan(ws: Workspace, job, stop: ShouldStop):
    """A job a dead runner started: its child runs on in its own session; wait for it, then record its end."""
    if job.status == "queued":
        job_queries.mark_running(ws.db, job.job_id, pid=job.pid)
        job = job_queries.get_job(ws.db, job.job_id)
    while child_alive(job):
        if stop():
            from curator.jobs.cancel import cancel_job

            cancel_job(ws, job.job_id)
            raise TrialCancelled(f"job {job.job_id} cancelled")
        time.sleep(POLL_S)
    reconcile_job(ws, job)
    return job_queries.get_job(ws.db, job.job_id)


def _run_made_before(ws: Workspace, sweep: SweepRow, job):
    """The job's re-eval run when it exists: the one linked to the job, or one a runner stored but died before
    linking (linked now); else None."""
    if job.produced_run_id is not None:
        return resolve_run(ws, job.produced_run_id)
    base = resolve_run(ws, sweep.base_run_id)
    adapter = job_domain.usable_adapter(ws, job.job_id)
    try:
        made = resolve_run(ws, job_domain.reeval_run_name(ws, base, job.job_id))
    except NotFoundError:
        return None
    if not (made.adapter and ws.resolve_path(made.adapter) == ws.resolve_path(adapter)):
        return None
    job_queries.set_produced_run(ws.db, job.job_id, made.run_id)
    return made


def reeval_run(ws: Workspace, sweep: SweepRow, job, on_event: EventCallback, stop: ShouldStop):
    """The base run's items through base + the job's adapter (`reeval_with_adapter`: the base run's generation
    settings, dtype, backend and engine options), cancellable; a run the job already produced is reused."""
    made = _run_made_before(ws, sweep, job)
    if made is not None:
        return made
    last = {}

    def forward(event: dict) -> None:
        last["event"] = event.get("event")
        on_event("eval", event | {"job_id": job.job_id})

    try:
        return job_domain.reeval_with_adapter(
            ws, job.job_id, sweep.base_run_id, should_cancel=stop, on_event=forward,
            cpu_threads=(job.config.get("trainer") or {}).get("cpu_threads", 0),
        )  # fmt: skip
    except CuratorError:
        if stop() or last.get("event") == "cancelled":  # `sweep cancel`, Ctrl-C, or the eval child cancelled
            raise TrialCancelled(f"re-eval of job {job.job_id} cancelled") from None
        raise


def run_trial(
    ws: Workspace, sweep: SweepRow, variant: VariantRow, trial: TrialRow, on_event: EventCallback, stop: ShouldStop
) -> int:
    """Build, train and re-evaluate one trial (each step only when missing); returns the re-eval run's id."""
    if trial.status == "done" and trial.run_id is not None:
        return trial.run_id
    job = trained_job(ws, sweep, variant, trial, on_event, stop)
    sweep_queries.set_trial(ws.db, sweep.sweep_id, trial.position, trial.seed, "evaluating", job_id=job.job_id)
    run = reeval_run(ws, sweep, job, on_event, stop)
    sweep_queries.set_trial(ws.db, sweep.sweep_id, trial.position, trial.seed, "done", run_id=run.run_id)
    on_event("trial", {"variant": variant.label, "seed": trial.seed, "job_id": job.job_id, "run": run.name})
    return run.run_id
