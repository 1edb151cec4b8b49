"""Training jobs on the domain side: create from a dataset version, run the child, record its events.

The child (`python -m curator.training JOBFILE`) never opens the database; this module is the one writer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from curator.checks import stored_checks
from curator.errors import CuratorError, NotFoundError
from curator.inference.engine_settings import EngineSettings
from curator.jobs.process import ChildProcess
from curator.jobs.run_settings import inherited_eval_options, reeval_generation, run_engine
from curator.jobs.training_inputs import (
    DatasetRef,
    TrainingRequest,
    check_dataset_unchanged,
    check_launcher,
    dev_sample,
    eval_generation,
    resolve_dataset,
    reward_spec,
    validate_request,
)
from curator.review.runs import resolve_run
from curator.storage import jobs as job_queries
from curator.storage.jobs import JobRow
from curator.storage.runs import RunRow
from curator.training.defaults import default_settings as training_defaults
from curator.training.job import JobSpec, LoraSettings, TrainerSettings, settings_problem
from curator.workspace import Workspace

EventCallback = Callable[[dict], None]


@dataclass
class TrainingHandle:
    """A started training child and its job."""

    job_id: int
    spec: JobSpec
    child: ChildProcess


def create_job(ws: Workspace, request: TrainingRequest, launcher: str = "python") -> JobRow:
    """Check the request, then record a queued job and write its job file under `<models>/adapters/job-N/`."""
    check_launcher(launcher)
    lora, trainer = request.lora or LoraSettings(), request.trainer or TrainerSettings()
    validate_request(request, lora, trainer)
    problem = settings_problem(lora, trainer) or (request.engine or EngineSettings()).problem()
    if problem:
        raise CuratorError(problem)
    dataset = resolve_dataset(ws, request.dataset)
    source = resolve_run(ws, request.source_run) if request.source_run else None
    engine = request.engine or run_engine(source)
    if trainer.method == "grpo" and source is None:
        raise CuratorError("--method grpo needs --run: the run's checks are the reward of every sampled completion")
    rewards = reward_spec(ws, request, source)
    generation = eval_generation(source, request.generation)
    config = {
        "lora": asdict(lora),
        "trainer": asdict(trainer),
        "generation": generation,
        "dataset": dataset.label,
        "method": trainer.method,
        "rewards": rewards,
        "engine": asdict(engine),  # the re-eval's (and GRPO's) vLLM engine options
    }
    job_id = job_queries.insert_job(  # paths relative inside the workspace: a copied workspace uses its own files
        ws.db,
        dataset_path=ws.storable_path(dataset.path),
        base_model=ws.storable_path(request.base_model),
        config=config,
        dataset_recipe_id=dataset.recipe_id,
        dataset_version=dataset.version,
        source_run_id=source.run_id if source else None,
        parent_adapter=ws.storable_path(request.parent_adapter) if request.parent_adapter else None,
    )
    try:
        return _write_job_file(ws, job_id, request, dataset, (lora, trainer, generation, engine), source, rewards)
    except BaseException as error:  # no job left queued that could never start
        job_queries.mark_finished(ws.db, job_id, "failed", error=str(error) or type(error).__name__)
        raise


def _write_job_file(
    ws: Workspace,
    job_id: int,
    request: TrainingRequest,
    dataset: DatasetRef,
    settings: tuple[LoraSettings, TrainerSettings, dict, EngineSettings],
    source,
    rewards: dict | None = None,
) -> JobRow:
    lora, trainer, generation, engine = settings
    job_dir = ws.models_dir / "adapters" / f"job-{job_id}"
    checks = stored_checks(ws, source.run_id) if source else []
    spec = JobSpec(
        dataset_file=dataset.path,
        base_model=str(Path(request.base_model).resolve()),
        output_dir=str(job_dir / "adapter"),
        progress_file=str(job_dir / "progress.jsonl"),
        parent_adapter=str(Path(request.parent_adapter).resolve()) if request.parent_adapter else None,
        lora=lora,
        trainer=trainer,
        generation=generation,
        engine=engine,
        job_id=job_id,
        dev_items=dev_sample(ws, source.run_id, checks, seed=trainer.seed) if source else [],
        checks=[json.loads(s.to_json()) for s in checks],
        rewards=rewards or {},
    )
    spec.save(job_dir / "job.json")
    job_queries.set_paths(ws.db, job_id, str(job_dir), spec.progress_file)
    return get_job(ws, job_id)


def located(ws: Workspace, job: JobRow) -> JobRow:
    """The job with its dataset and adapter paths absolute (stored relative to the workspace when inside it)."""
    absolute = {
        name: str(ws.resolve_path(getattr(job, name)))
        for name in ("dataset_path", "adapter_path", "parent_adapter")
        if getattr(job, name)
    }
    return replace(job, **absolute)


def get_job(ws: Workspace, job_id: int) -> JobRow:
    job = job_queries.get_job(ws.db, int(job_id))
    if job is None:
        raise NotFoundError(f"no training job {job_id} (see `curator jobs`)")
    return located(ws, job)


def default_base_model(ws: Workspace, run_ref: str | int | None = None) -> str:
    """The base model a retrain starts from: the run's model if it is a local folder, else "" (the form asks)."""
    model = resolve_run(ws, run_ref).model if run_ref is not None else None
    if model and ws.resolve_path(model).is_dir():
        return str(ws.resolve_path(model))
    return ""


def default_settings(
    ws: Workspace, base_model: str, method: str = "sft", device: str = "auto"
) -> tuple[LoraSettings, TrainerSettings]:
    """LoRA and trainer defaults for a `method` retrain from `base_model`, by its size and the device."""
    return training_defaults(str(ws.resolve_path(base_model)) if base_model else "", device=device, method=method)


def list_jobs(ws: Workspace) -> list[JobRow]:
    return [located(ws, job) for job in job_queries.list_jobs(ws.db)]


def start_job(ws: Workspace, job_id: int, launcher: str = "python") -> TrainingHandle:
    """Start the child for a queued job; returns at once."""
    job = get_job(ws, job_id)
    if job.status != "queued":
        raise CuratorError(f"job {job_id} is {job.status}; only a queued job can start")
    try:
        check_launcher(launcher)
        check_dataset_unchanged(ws, job.dataset_recipe_id, job.dataset_version)  # edited while queued: one line
        job_dir = Path(job.job_dir)
        spec = JobSpec.load(job_dir / "job.json")
        Path(spec.progress_file).unlink(missing_ok=True)
        child = ChildProcess.module(
            "curator.training",
            [job_dir / "job.json"],
            Path(spec.progress_file),
            job_dir / "child.log",
            cancel_file=spec.cancel_file,
            launcher=launcher,
        )
        child.start()
    except Exception as error:  # a job that cannot start is failed, not left queued
        job_queries.mark_finished(ws.db, job_id, "failed", error=str(error) or type(error).__name__)
        raise
    job_queries.mark_running(ws.db, job_id, pid=child.process.pid)
    return TrainingHandle(job_id, spec, child)


def record_event(ws: Workspace, job_id: int, event: dict) -> None:
    """Store how the job ended when `event` is final; progress events are read from the file, not stored."""
    kind = event.get("event")
    if kind == "succeeded":
        adapter = event.get("adapter_path")
        job_queries.mark_finished(
            ws.db,
            job_id,
            "succeeded",
            metrics=event.get("metrics"),
            adapter_path=ws.storable_path(adapter) if adapter else None,  # relative inside the workspace
        )
    elif kind in ("failed", "cancelled"):
        job_queries.mark_finished(ws.db, job_id, kind, error=event.get("error"))


def wait_job(
    ws: Workspace,
    handle: TrainingHandle,
    on_event: EventCallback = lambda e: None,
    should_cancel: Callable[[], bool] = lambda: False,
) -> JobRow:
    """Follow the child to its end, recording the outcome."""
    final = handle.child.wait(on_event, should_cancel=should_cancel)
    record_event(ws, handle.job_id, final)
    return get_job(ws, handle.job_id)


def run_job(
    ws: Workspace,
    request: TrainingRequest,
    launcher: str = "python",
    on_event: EventCallback = lambda e: None,
    should_cancel: Callable[[], bool] = lambda: False,
) -> JobRow:
    """Create, start and wait for a job: `curator train` and `curator demo --script`."""
    job = create_job(ws, request, launcher)
    return wait_job(ws, start_job(ws, job.job_id, launcher), on_event, should_cancel)


def usable_adapter(ws: Workspace, job_id: int) -> str:
    """The adapter of a succeeded job; a clear error for any other status."""
    job = get_job(ws, job_id)
    if job.status != "succeeded" or not job.adapter_path:
        raise CuratorError(f"job {job_id} is {job.status}: it has no usable adapter")
    return job.adapter_path


def reeval_run_name(ws: Workspace, run: RunRow, job_id: int) -> str:
    """`<base run>@job<N>`: the base model + job N's adapter over the base run's items (never `a+job1+job2`,
    which would suggest adapters stacked on each other)."""
    from curator.compare.comparison import base_and_parent

    base_id = run.run_id if not run.adapter else base_and_parent(ws, run)[0]
    return f"{resolve_run(ws, base_id).name if base_id is not None else run.name}@job{job_id}"


def reeval_with_adapter(
    ws: Workspace,
    job_id: int,
    run_ref: str | int | None = None,
    *,
    allow_settings_mismatch: bool = False,
    should_cancel: Callable[[], bool] = lambda: False,
    **eval_options,
):
    """Re-evaluate a run's items with base + the job's adapter under the run's own generation settings, dtype and
    backend, and the job's vLLM engine options (unless others are asked for); the new run is recorded as the job's
    product. `should_cancel` stops the eval child (nothing is stored)."""
    from curator.jobs.evals import EvalRequest, run_eval

    job = get_job(ws, job_id)
    adapter = usable_adapter(ws, job_id)
    ref = run_ref if run_ref is not None else job.source_run_id
    if ref is None:
        raise CuratorError(f"job {job_id} has no source run: name the run to re-evaluate")
    run = resolve_run(ws, ref)
    on_event = eval_options.pop("on_event", lambda e: None)
    generation = reeval_generation(run, eval_options.pop("generation", None), allow_settings_mismatch)
    eval_options = inherited_eval_options(run, (job.config or {}).get("engine"), eval_options)
    request = EvalRequest(
        model=str(ws.resolve_path(job.base_model)),
        adapter=adapter,
        items=run.run_id,
        name=reeval_run_name(ws, run, job_id),
        generation=generation,
        **eval_options,
    )
    new_run = run_eval(ws, request, on_event=on_event, should_cancel=should_cancel)
    job_queries.set_produced_run(ws.db, job_id, new_run.run_id)
    return new_run
