"""Sampling runs: k outputs per input of a run from a local model (+ adapter), in a child process, then graded
by the run's checks and stored as rollouts. The workspace may stay closed while the child samples."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from curator.errors import CuratorError
from curator.fix import rollouts as rollout_domain
from curator.fix.rollouts import SamplingPlan
from curator.inference.backends import GenerationSettings
from curator.inference.dtypes import DTYPES
from curator.inference.sample_child import SampleJob
from curator.jobs.child_jobs import outcome_error, read_outputs, record_outcome, start_child_job
from curator.jobs.judging import cached_answerer
from curator.jobs.process import ChildProcess
from curator.storage.rollouts import SampleSetRow
from curator.workspace import Workspace

EventCallback = Callable[[dict], None]
MAX_K = 64


@dataclass
class SampleRequest:
    """Which run's inputs to sample (optionally one bucket or one failing check), with which model and settings."""

    run: str | int
    model: str
    adapter: str | None = None
    bucket: str | None = None
    failing: str | None = None
    k: int = 8
    temperature: float = 0.8
    top_p: float = 0.95
    max_new_tokens: int = 128
    batch_size: int = 32  # sequences per generate call (prompts × k)
    seed: int = 0
    backend: str = "auto"
    dtype: str = "auto"
    cpu_threads: int = 0
    rewards: Path | None = None  # a checks TOML whose [rewards] table weights the run's checks
    trust_remote_code: bool = False

    def generation(self) -> GenerationSettings:
        return GenerationSettings(
            max_new_tokens=self.max_new_tokens,
            temperature=self.temperature,
            top_p=self.top_p,
            batch_size=self.batch_size,
            seed=self.seed,
        )


@dataclass
class SampleHandle:
    """A started sampling child and what is needed to grade and store its samples."""

    request: SampleRequest
    plan: SamplingPlan
    job_id: int
    job_dir: Path
    child: ChildProcess


def check_request(request: SampleRequest) -> None:
    """Settings that cannot sample are refused before anything starts."""
    if not 1 <= request.k <= MAX_K:
        raise CuratorError(f"k must be between 1 and {MAX_K}, not {request.k}")
    if request.temperature <= 0:
        raise CuratorError(f"temperature must be > 0 to sample (greedy: k equal samples), not {request.temperature}")
    if not 0 < request.top_p <= 1:
        raise CuratorError(f"top-p must be above 0 and at most 1, not {request.top_p}")
    if request.max_new_tokens < 1 or request.batch_size < 1:
        raise CuratorError("max new tokens and batch size must be at least 1")
    if request.dtype not in DTYPES:
        raise CuratorError(f"unknown dtype '{request.dtype}' (one of {', '.join(DTYPES)})")
    for label, path in (("model", request.model), ("adapter", request.adapter)):
        if path is not None and not Path(path).is_dir():
            raise CuratorError(f"{label} path '{path}' is not a local folder (Curator loads models from disk only)")


def start_sampling(ws: Workspace, request: SampleRequest) -> SampleHandle:
    """Pick the inputs, record the job and start its child (it ends with this process); returns at once."""
    adapter = str(ws.local_folder(request.adapter)) if request.adapter else None
    request = replace(request, model=str(ws.local_folder(request.model)), adapter=adapter)
    check_request(request)
    plan = rollout_domain.plan_sampling(ws, request.run, request.bucket, request.failing, request.rewards)
    job = SampleJob(
        model=str(Path(request.model).resolve()),
        adapter=str(Path(request.adapter).resolve()) if request.adapter else None,
        items_file="",
        outputs_file="",
        progress_file="",
        k=request.k,
        backend=request.backend,
        dtype=request.dtype,
        trust_remote_code=request.trust_remote_code,
        cpu_threads=request.cpu_threads,
        generation=request.generation().as_dict(),
    )
    label = f"{request.run} ×{request.k}" + (
        f" ({request.bucket or request.failing})" if request.bucket or request.failing else ""
    )
    started = start_child_job(ws, "sample", label, plan.items, job)
    return SampleHandle(request, plan, started.job_id, started.job_dir, started.child)


def finish_sampling(ws: Workspace, handle: SampleHandle, final: dict) -> SampleSetRow:
    """Grade and store the samples of a child that succeeded; raises with the child's error otherwise. The job
    row records the outcome either way."""
    try:
        sample_set = _store_samples(ws, handle, final)
    except BaseException as error:
        record_outcome(ws, handle.job_id, final, error, None)
        raise
    record_outcome(ws, handle.job_id, final, None, sample_set.sample_set_id)
    return sample_set


def _store_samples(ws: Workspace, handle: SampleHandle, final: dict) -> SampleSetRow:
    error = outcome_error("sample", final)
    if error is not None:
        raise error
    samples: dict[int, list[str]] = {}
    for record in read_outputs(handle.job_dir):
        samples.setdefault(record["item_key"], []).append(record["output"])
    request = handle.request
    settings = {
        "k": request.k,
        **final.get("generation", request.generation().as_dict()),
        "backend": final.get("backend"),
        "dtype": final.get("dtype", request.dtype),
        "dtype_reason": final.get("dtype_reason"),
        "sample_s": final.get("sample_s"),
        "job": str(handle.job_dir),
        "job_id": handle.job_id,
    }
    judges = cached_answerer(ws)  # judge checks: cached answers, then the endpoint or the judge child
    return rollout_domain.store_rollouts(ws, handle.plan, request.model, request.adapter, settings, samples, judges)


def run_sampling(
    ws: Workspace,
    request: SampleRequest,
    on_event: EventCallback = lambda e: None,
    should_cancel: Callable[[], bool] = lambda: False,
) -> SampleSetRow:
    """Start the child, wait for it, grade and store (the CLI does the same with the workspace closed meanwhile)."""
    handle = start_sampling(ws, request)
    final = handle.child.wait(on_event, should_cancel=should_cancel)
    return finish_sampling(ws, handle, final)
