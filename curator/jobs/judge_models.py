"""Reaching a judge's model from the app or CLI process: the answer cache first, then the endpoint directly or a
local folder through the judge child (one model load per folder). `curator check` (curator.jobs.judging) and the
judge answerer that best-of-k selection grades with (`cached_answerer`) share these steps, and the cache: a
second selection over the same samples asks the model only for prompts it has not answered yet."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curator.checks.judging import plan as judge_plan
from curator.checks.judging.cache_keys import generation_params, model_identity
from curator.checks.spec import CheckSpec
from curator.errors import CuratorError
from curator.inference.judge_child import JudgeJob
from curator.inference.judge_endpoint import EndpointError, ask_endpoint, endpoint_judge
from curator.inference.judge_local import GENERATION_KEYS
from curator.jobs.process import ChildProcess
from curator.storage import judge_cache
from curator.workspace import Workspace

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LocalSettings:
    """How a local judge model runs in its child: backend, dtype, CPU threads."""

    backend: str = "auto"
    dtype: str = "auto"
    cpu_threads: int = 0


@dataclass
class JudgeOutcome:
    """What one judge did: items looked at, graded, passed; answers asked of the model and found in the cache."""

    name: str
    items: int = 0
    graded: int = 0
    passed: int = 0
    requests: int = 0
    cache_hits: int = 0
    model_calls: int = 0
    error: str | None = None
    kind: str = "judge"

    @property
    def not_graded(self) -> int:
        return self.items - self.graded

    def describe(self) -> str:
        return (
            f"judge '{self.name}': {self.items:,} items, {self.not_graded:,} not graded; "
            f"{self.model_calls:,} model calls, {self.cache_hits:,} answers from the cache"
        )


@dataclass
class PendingJudge:
    """One judge on its way through: its plan, the answers the cache had, those it still needs, and the new ones."""

    spec: CheckSpec
    outcome: JudgeOutcome
    plan: judge_plan.JudgePlan | None = None
    cached: dict[str, str] = field(default_factory=dict)
    missing: list[judge_plan.JudgeRequest] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def local_model(self) -> str | None:
        options = self.spec.options
        return None if options.get("endpoint") else str(Path(options["model"]).resolve())


def empty_plan(judge: PendingJudge, local: LocalSettings) -> judge_plan.JudgePlan:
    """A plan keyed by the judge's model and generation parameters (and, for a local model, backend and dtype)."""
    if judge.local_model is not None and not Path(judge.spec.options["model"]).is_dir():
        model = judge.spec.options["model"]
        raise CuratorError(f"model folder '{model}' is not a local folder (Curator never downloads weights)")
    params = generation_params(judge.spec.options)
    if judge.local_model is not None:  # the requested backend and dtype change a local model's answers too
        params |= {"backend": local.backend, "dtype": local.dtype}
    return judge_plan.JudgePlan(model_identity(judge.spec.options), params)


def look_up(ws: Workspace, judge: PendingJudge) -> None:
    """The cached answers of the judge's plan, the requests still missing, and the outcome's counts."""
    plan = judge.plan
    judge.cached = judge_cache.cached_answers(ws.db, list(plan.requests))
    judge.missing = plan.missing(judge.cached)
    outcome = judge.outcome
    outcome.items, outcome.requests = len(plan.items), len(plan.requests)
    outcome.cache_hits, outcome.model_calls = len(plan.requests) - len(judge.missing), len(judge.missing)


def ask_endpoint_for(judge: PendingJudge, progress: ProgressCallback, should_cancel) -> dict[str, str]:
    """The endpoint's answers to the judge's missing requests."""
    name = judge.spec.name
    progress(name, 0, len(judge.missing))
    requests = [r.as_json() for r in judge.missing]
    return ask_endpoint(endpoint_judge(judge.spec.options), requests, lambda d, t: progress(name, d, t), should_cancel)


def _generation(options: dict) -> dict:
    return {key: options[key] for key in GENERATION_KEYS}


def ask_child_for(
    ws: Workspace, model: str, group: list[PendingJudge], progress, should_cancel, local: LocalSettings
) -> None:
    """The new answers of every judge on one local model folder, from one child (one model load)."""
    label = ", ".join(judge.spec.name for judge in group)
    job_dir = ws.root / "jobs" / f"judge-{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**6}"
    job_dir.mkdir(parents=True)
    wanted = _write_requests(job_dir / "requests.jsonl", group)
    job = JudgeJob(
        model=model,
        requests_file=str(job_dir / "requests.jsonl"),
        answers_file=str(job_dir / "answers.jsonl"),
        progress_file=str(job_dir / "progress.jsonl"),
        cancel_file=str(job_dir / "cancel"),
        backend=local.backend,
        dtype=local.dtype,
        cpu_threads=local.cpu_threads,
    )
    job_file = job.save(job_dir / "judge-job.json")
    child = ChildProcess.module(
        "curator.inference.judge_child",
        [job_file],
        Path(job.progress_file),
        job_dir / "child.log",
        Path(job.cancel_file),
        tied_to_parent=True,  # nobody else would collect its answers: it stops when this process ends
    ).start()
    progress(label, 0, len(wanted))

    def on_event(event: dict) -> None:
        if event.get("event") == "generated":
            progress(label, event.get("done", 0), event.get("total", len(wanted)))

    final = child.wait(on_event, should_cancel=should_cancel)
    if final.get("event") != "succeeded":
        raise CuratorError("cancelled" if final.get("event") == "cancelled" else final.get("error", "the judge failed"))
    answers = _read_answers(Path(job.answers_file))
    if set(answers) != set(wanted):
        raise CuratorError(f"the judge child answered {len(answers)} of {len(wanted)} prompts; see {job_dir}")
    for judge in group:
        judge.answers = {request.key: answers[request.key] for request in judge.missing}


def _write_requests(path: Path, group: list[PendingJudge]) -> dict[str, dict]:
    """The distinct requests of a group of judges (each with its judge's generation settings), written as JSON lines."""
    wanted: dict[str, dict] = {}
    for judge in group:
        for request in judge.missing:
            wanted.setdefault(request.key, request.as_json() | {"generation": _generation(judge.spec.options)})
    with path.open("w", encoding="utf-8") as out:
        for request in wanted.values():
            out.write(json.dumps(request, ensure_ascii=False) + "\n")
    return wanted


def _read_answers(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as lines:
        return {record["key"]: record["answer"] for record in map(json.loads, lines)}


def cached_answerer(ws: Workspace, local: LocalSettings = LocalSettings(), should_cancel=lambda: False):
    """A judge answerer for `grade_outputs` in this process: answers from the cache, new ones from the endpoint
    or the judge child (never torch here), stored in the cache as they come. Failures raise one CuratorError line."""

    def answers(spec: CheckSpec, prompts: list[str]) -> list[list[str]]:
        judge = PendingJudge(spec, JudgeOutcome(spec.name))
        judge.plan = empty_plan(judge, local)
        for index, prompt in enumerate(prompts):
            judge.plan.add(index, prompt, spec.options["samples"])
        look_up(ws, judge)
        if judge.missing:
            _ask_model(ws, judge, local, should_cancel)
            with ws.db.transaction() as cur:
                judge_cache.insert_answers(cur, judge.plan.cache_rows(judge.answers))
        known = judge.cached | judge.answers
        return [[known[key] for key in keys] for _, keys in judge.plan.items]

    return answers


def _quiet(name: str, done: int, total: int) -> None:
    """No progress lines: best-of-k reports its own."""


def _ask_model(ws: Workspace, judge: PendingJudge, local: LocalSettings, should_cancel) -> None:
    """The judge's missing answers from its endpoint or its local folder's child; a failure names the judge."""
    try:
        if judge.local_model is None:
            judge.answers = ask_endpoint_for(judge, _quiet, should_cancel)
        else:
            ask_child_for(ws, judge.local_model, [judge], _quiet, should_cancel, local)
    except (EndpointError, CuratorError) as error:
        raise CuratorError(f"judge '{judge.spec.name}': {error}") from None
