"""Critique and revise: a reviser model (a local folder) writes a critique of each failing dev output, then a
revision, in child processes (the judge child, once per step: the revision prompt holds the critique, rendered
in the sandbox here between the two). The workspace may stay closed while the children run; what they wrote is
then graded by the run's checks and stored (`fix/revision_runs.py`). Each call is a `revise` job: `curator jobs`
lists it; `curator jobs --cancel ID` writes `job_dir/cancel`, which both steps watch, and stops the step's child
(the job row names the child of the step under way)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curator.child.failures import JobCancelled
from curator.errors import CuratorError
from curator.fix.revision_prompts import RevisionPrompts
from curator.fix.revision_runs import (
    DEFAULT_MAX_CHANGE,
    ReviseReport,
    RevisionPlan,
    check_max_change,
    plan_revisions,
    store_model_revisions,
)
from curator.inference.dtypes import DTYPES
from curator.inference.judge_child import JudgeJob
from curator.inference.judge_endpoint import EndpointError, EndpointJudge, ask_endpoint
from curator.jobs.child_jobs import jobs_root, record_outcome
from curator.jobs.process import ChildProcess
from curator.jobs.reconcile import record_worker
from curator.sandbox.errors import TemplateError
from curator.storage import job_processes as job_queries
from curator.workspace import Workspace

EventCallback = Callable[[dict], None]
ChildCallback = Callable[[str, int | None, str], None]  # a step's child started: step, pid (None: endpoint), progress
STEPS = ("critique", "revision")


@dataclass
class ReviseRequest:
    """Which run's failing outputs to revise (optionally one bucket's or one check's), with which reviser."""

    run: str | int
    model: str  # a local folder, or with `endpoint` the name the server knows the model by
    endpoint: str | None = None  # an OpenAI-compatible base URL (vllm serve, transformers serve, llama.cpp...)
    timeout_s: float = 120.0  # per endpoint request
    bucket: str | None = None
    failing: str | None = None
    principles: str | None = None
    critique_template: str | None = None  # template text; None: the default
    revision_template: str | None = None
    max_change: float = DEFAULT_MAX_CHANGE
    max_new_tokens: int = 256
    temperature: float = 0.0  # 0: greedy
    batch_size: int = 16
    seed: int = 0
    backend: str = "auto"
    dtype: str = "auto"
    cpu_threads: int = 0
    trust_remote_code: bool = False

    def generation(self) -> dict:
        return {
            "max_new_tokens": self.max_new_tokens,
            "temperature": self.temperature,
            "batch_size": self.batch_size,
            "seed": self.seed,
        }


@dataclass
class ReviseHandle:
    """A revise call under way: its plan, prompts, folder, the critique prompts, and what the children wrote."""

    request: ReviseRequest
    plan: RevisionPlan
    prompts: RevisionPrompts
    job_dir: Path
    critique_prompts: dict[int, str]
    job_id: int
    critiques: dict[int, str] = field(default_factory=dict)
    revisions: dict[int, str] = field(default_factory=dict)
    failures: dict[int, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def check_request(request: ReviseRequest) -> RevisionPrompts:
    """Settings and templates that cannot revise are refused before anything starts; returns the prompts."""
    check_max_change(request.max_change)
    if request.temperature < 0:
        raise CuratorError(f"temperature must be 0 (greedy) or more, not {request.temperature}")
    if request.max_new_tokens < 1 or request.batch_size < 1:
        raise CuratorError("max new tokens and batch size must be at least 1")
    if request.dtype not in DTYPES:
        raise CuratorError(f"unknown dtype '{request.dtype}' (one of {', '.join(DTYPES)})")
    if request.endpoint is None and not Path(request.model).is_dir():
        raise CuratorError(f"model path '{request.model}' is not a local folder (Curator loads models from disk only)")
    return RevisionPrompts.build(request.critique_template, request.revision_template, request.principles)


def plan_revising(ws: Workspace, request: ReviseRequest) -> ReviseHandle:
    """Pick the failing outputs and render every critique prompt (a template that fails on an item refuses the
    whole call, naming the item); nothing starts and nothing is stored."""
    prompts = check_request(request)
    plan = plan_revisions(ws, request.run, request.bucket, request.failing)
    rendered = {}
    for item in plan.items:
        try:
            rendered[item["item_key"]] = prompts.critique_prompt(item)
            prompts.revision_prompt(item, "")  # the revision template's sandbox refusals, before any model runs
        except TemplateError as error:
            raise CuratorError(f"item '{item['item_id']}': {error}") from None
    job_id = job_queries.insert_child_job(
        ws.db, "revise", f"{request.run}: {len(rendered)} output(s) by {request.model}"
    )
    job_dir = jobs_root(ws) / f"revise-{job_id}"
    try:
        job_dir.mkdir(parents=True, exist_ok=True)
        (job_dir / "cancel").unlink(missing_ok=True)  # a folder left by a workspace reset
        job_queries.set_child_paths(ws.db, job_id, str(job_dir), str(job_dir / "critique-progress.jsonl"))
    except BaseException as error:
        job_queries.finish_child_job(ws.db, job_id, "failed", error=str(error) or type(error).__name__)
        raise
    return ReviseHandle(request, plan, prompts, job_dir, rendered, job_id)


def mark_step(ws: Workspace, handle: ReviseHandle, pid: int | None, progress_path: str) -> None:
    """The job row names the child of the step under way (its pid, which `curator jobs --cancel` stops)."""
    job_queries.set_child_paths(ws.db, handle.job_id, str(handle.job_dir), progress_path)
    job_queries.mark_child_running(ws.db, handle.job_id, pid)


def record_end(ws: Workspace, handle: ReviseHandle, error: BaseException | None, revise_set_id: int | None = None):
    """Store how the revise job ended (once: a job `curator jobs --cancel` already recorded keeps its outcome)."""
    cancelled = error is not None and "cancelled" in str(error)
    record_outcome(ws, handle.job_id, {"event": "cancelled"} if cancelled else {}, error, revise_set_id)


def generate(
    handle: ReviseHandle,
    on_event: EventCallback = lambda e: None,
    should_cancel: Callable[[], bool] = lambda: False,
    on_child: ChildCallback = lambda step, pid, progress: None,
) -> None:
    """Run both steps (no workspace needed): critiques, then revisions of the items whose prompt rendered. The
    job's cancel file (`curator jobs --cancel`) stops them as `should_cancel` does."""
    cancel_file = handle.job_dir / "cancel"

    def cancelled() -> bool:
        return should_cancel() or cancel_file.exists()

    on_event({"event": "step", "step": "critique", "total": len(handle.critique_prompts)})
    handle.critiques = _ask(handle, "critique", handle.critique_prompts, on_event, cancelled, on_child)
    if cancelled():
        raise CuratorError("revising cancelled: nothing was stored")
    items = {item["item_key"]: item for item in handle.plan.items}
    revision_prompts = {}
    for key, critique in handle.critiques.items():
        try:
            revision_prompts[key] = handle.prompts.revision_prompt(items[key], critique)
        except TemplateError as error:
            handle.failures[key] = f"the revision prompt could not be rendered: {error}"
    on_event({"event": "step", "step": "revision", "total": len(revision_prompts)})
    if revision_prompts:
        handle.revisions = _ask(handle, "revision", revision_prompts, on_event, cancelled, on_child)


def _ask(handle: ReviseHandle, step: str, prompts: dict[int, str], on_event, should_cancel, on_child) -> dict:
    """The reviser's answers to `prompts` ({item_key: prompt}); raises with its error when a step fails."""
    requests = [{"key": str(key), "prompt": prompt, "sample_index": 0} for key, prompt in prompts.items()]
    answers, handle.seconds[step] = ask_model(
        handle.request, handle.job_dir, step, requests, on_event, should_cancel, on_child
    )
    return {int(key): answer for key, answer in answers.items()}


def ask_model(
    request: ReviseRequest,
    folder: Path,
    step: str,
    requests: list[dict],
    on_event: EventCallback = lambda e: None,
    should_cancel: Callable[[], bool] = lambda: False,
    on_child: ChildCallback = lambda step, pid, progress: None,
    what: str = "revising",
) -> tuple[dict[str, str], float]:
    """One judge child (or the endpoint) answering `requests` (key, prompt, sample_index: sample i is drawn with
    seed + i); returns {key: answer} and the seconds spent generating. Also what `curator template expand` asks."""
    if request.endpoint is not None:
        record_worker(folder)  # no child: the job folder names this process, so reconciling sees the work alive
        on_child(step, None, "")
        return _ask_endpoint(request, step, requests, on_event, should_cancel, what)
    with (folder / f"{step}-requests.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in requests)
    job = JudgeJob(
        model=str(Path(request.model).resolve()),
        requests_file=str(folder / f"{step}-requests.jsonl"),
        answers_file=str(folder / f"{step}-answers.jsonl"),
        progress_file=str(folder / f"{step}-progress.jsonl"),
        cancel_file=str(folder / "cancel"),
        backend=request.backend,
        dtype=request.dtype,
        trust_remote_code=request.trust_remote_code,
        cpu_threads=request.cpu_threads,
        generation=request.generation(),
    )
    job.save(folder / f"{step}-job.json")
    job_file = job.save(folder / "job.json")  # the name `curator jobs` looks for on the child's command line
    child = ChildProcess.module(
        "curator.inference.judge_child",
        [job_file],
        Path(job.progress_file),
        folder / f"{step}.log",
        cancel_file=Path(job.cancel_file),
        tied_to_parent=True,
    ).start()
    on_child(step, child.process.pid, job.progress_file)
    final = child.wait(lambda event: on_event(event | {"step": step}), should_cancel=should_cancel)
    if final.get("event") == "cancelled" or child.cancel_requested:
        raise CuratorError(f"{what} cancelled: nothing was stored")
    if final.get("event") != "succeeded":
        raise CuratorError(f"the {step} step failed: {final.get('error', final.get('event'))} (see {folder})")
    with open(job.answers_file, encoding="utf-8") as lines:
        answers = {r["key"]: r["answer"] for r in (json.loads(line) for line in lines if line.strip())}
    if set(answers) != {r["key"] for r in requests}:
        raise CuratorError(f"the {step} step answered {len(answers)} of {len(requests)} prompts; see {folder}")
    return answers, final.get("generate_s", 0.0)


def _ask_endpoint(request: ReviseRequest, step: str, wanted: list[dict], on_event, should_cancel, what) -> tuple:
    """The endpoint's answers ({key: answer}) and the seconds they took."""
    judge = EndpointJudge(
        request.endpoint,
        request.model,
        temperature=request.temperature,
        seed=request.seed,
        max_new_tokens=request.max_new_tokens,
        timeout_s=request.timeout_s,
    )
    on_event({"event": "loaded", "backend": "endpoint", "total": len(wanted), "step": step})
    started = time.monotonic()
    try:
        answers = ask_endpoint(
            judge,
            wanted,
            lambda done, total: on_event({"event": "generated", "done": done, "total": total, "step": step}),
            should_cancel,
        )
    except JobCancelled:
        raise CuratorError(f"{what} cancelled: nothing was stored") from None
    except EndpointError as error:
        raise CuratorError(f"the {step} step failed: {error}") from None
    return answers, round(time.monotonic() - started, 3)


def finish_revising(ws: Workspace, handle: ReviseHandle) -> ReviseReport:
    """Grade and store what the reviser wrote (the revise set, every revision, the kept ones' examples)."""
    request = handle.request
    written = {
        key: (handle.critiques.get(key, ""), handle.revisions.get(key))
        for key in (item["item_key"] for item in handle.plan.items)
    }
    settings = {
        **handle.prompts.settings(),
        **request.generation(),
        "backend": "endpoint" if request.endpoint else request.backend,
        "endpoint": request.endpoint,
        "dtype": request.dtype,
        "seconds": handle.seconds,
        "job": str(handle.job_dir),
        "job_id": handle.job_id,
    }
    try:
        report = store_model_revisions(
            ws, handle.plan, request.model, settings, written, request.max_change, handle.failures
        )
    except BaseException as error:
        record_end(ws, handle, error)
        raise
    record_end(ws, handle, None, report.revise_set_id)
    return report


def run_revising(
    ws: Workspace,
    request: ReviseRequest,
    on_event: EventCallback = lambda e: None,
    should_cancel: Callable[[], bool] = lambda: False,
) -> ReviseReport:
    """Plan, critique, revise, grade and store (the CLI does the same with the workspace closed meanwhile)."""
    handle = plan_revising(ws, request)
    try:
        generate(handle, on_event, should_cancel, lambda step, pid, progress: mark_step(ws, handle, pid, progress))
    except BaseException as error:
        record_end(ws, handle, error)
        raise
    return finish_revising(ws, handle)
