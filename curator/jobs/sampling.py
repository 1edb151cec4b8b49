"""Sampling runs: k outputs per input of a run from a local model (+ adapter), in a child process, then graded
by the run's checks and stored as rollouts. The workspace may stay closed while the child samples."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from curator.errors import CuratorError
from curator.fix import rollouts as rollout_domain
from curator.fix.rollouts import SamplingPlan
from curator.inference.backends import DTYPES, GenerationSettings
from curator.inference.sample_child import SampleJob
from curator.jobs.evals import jobs_root
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
    """Pick the inputs, write the job and start the child; returns at once."""
    check_request(request)
    plan = rollout_domain.plan_sampling(ws, request.run, request.bucket, request.failing, request.rewards)
    job_dir = jobs_root(ws) / f"sample-{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**6}"
    job_dir.mkdir(parents=True)
    with (job_dir / "items.jsonl").open("w", encoding="utf-8") as out:
        for item in plan.items:
            record = {"item_key": item["item_key"], "input": item["input"], "input_messages": item["input_messages"]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    job = SampleJob(
        model=str(Path(request.model).resolve()),
        adapter=str(Path(request.adapter).resolve()) if request.adapter else None,
        items_file=str(job_dir / "items.jsonl"),
        outputs_file=str(job_dir / "samples.jsonl"),
        progress_file=str(job_dir / "progress.jsonl"),
        cancel_file=str(job_dir / "cancel"),
        k=request.k,
        backend=request.backend,
        dtype=request.dtype,
        trust_remote_code=request.trust_remote_code,
        cpu_threads=request.cpu_threads,
        generation=request.generation().as_dict(),
    )
    job_file = job.save(job_dir / "sample-job.json")
    child = ChildProcess.module(
        "curator.inference.sample_child",
        [job_file],
        Path(job.progress_file),
        job_dir / "child.log",
        cancel_file=Path(job.cancel_file),
    )
    return SampleHandle(request, plan, job_dir, child.start())


def finish_sampling(ws: Workspace, handle: SampleHandle, final: dict) -> SampleSetRow:
    """Grade and store the samples of a child that succeeded; raises with the child's error otherwise."""
    if final.get("event") == "cancelled":
        raise CuratorError("sampling cancelled: nothing was stored")
    if final.get("event") != "succeeded":
        raise CuratorError(f"sampling failed: {final.get('error', final.get('event'))}")
    samples: dict[int, list[str]] = {}
    with (handle.job_dir / "samples.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            samples.setdefault(record["item_key"], []).append(record["output"])
    request = handle.request
    settings = {
        "k": request.k,
        **final.get("generation", request.generation().as_dict()),
        "backend": final.get("backend"),
        "dtype": final.get("dtype", request.dtype),
        "sample_s": final.get("sample_s"),
        "job": str(handle.job_dir),
    }
    return rollout_domain.store_rollouts(ws, handle.plan, request.model, request.adapter, settings, samples)


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
