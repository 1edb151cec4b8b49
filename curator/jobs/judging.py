"""Judge checks over a run: render each rubric, look up the answer cache, ask the model only for what is new (a
local folder in a child process, or an OpenAI-compatible endpoint), then store the answers, the verdicts and the
check results of one judge in one transaction. A judge that fails stores nothing and leaves the others alone."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curator.checks.judging import plan as judge_plan
from curator.checks.judging.cache_keys import generation_params, model_identity
from curator.checks.judging.rubric import RUBRIC_NAMES, judge_prompt, rubric_values
from curator.checks.runner import run_checks
from curator.checks.spec import MODEL_GRADED_KINDS, CheckSpec, validate_specs
from curator.child.failures import JobCancelled
from curator.errors import CuratorError
from curator.fix.templates.engine import compile_text
from curator.fix.templates.spec import TemplateError
from curator.inference.judge_child import JudgeJob
from curator.inference.judge_endpoint import EndpointError, EndpointJudge, ask_endpoint
from curator.jobs.learning import LEARNED_KIND, LearnedOutcome, run_learned
from curator.jobs.process import ChildProcess
from curator.review.runs import resolve_run
from curator.storage import checks as check_sql
from curator.storage import judge_cache
from curator.workspace import Workspace

JUDGE_KIND = "judge"
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


class JudgeFailed(CuratorError):
    """One or more judges or learned checks failed; one line each (the other checks are stored)."""

    def __init__(self, outcomes: list):
        super().__init__("\n".join(f"{o.kind} '{o.name}': {o.error}" for o in outcomes if o.error))


def split_specs(specs: list[CheckSpec]) -> tuple[list[CheckSpec], list[CheckSpec], list[CheckSpec]]:
    """(the rule checks the runner grades, the learned checks, the judge checks), each in spec order."""
    rules = [s for s in specs if s.kind not in MODEL_GRADED_KINDS]
    return rules, [s for s in specs if s.kind == LEARNED_KIND], [s for s in specs if s.kind == JUDGE_KIND]


@dataclass
class _Judge:
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


def run_judges(
    ws: Workspace,
    run_ref: str | int,
    specs: list[CheckSpec],
    progress: ProgressCallback | None = None,
    should_cancel: Callable[[], bool] = lambda: False,
    local: LocalSettings = LocalSettings(),
) -> list[JudgeOutcome]:
    """Grade every applicable item of a run by each judge spec; a judge's failure is recorded in its outcome.

    Local judges on the same model folder share one child (one model load); each judge is stored on its own."""
    run = resolve_run(ws, run_ref)
    specs = validate_specs(specs)
    reasons = judge_cache.other_reasons(ws.db, run.run_id, [s.name for s in specs])
    report = progress or (lambda *a: None)
    judges = [_Judge(spec, JudgeOutcome(spec.name)) for spec in specs]
    for judge in judges:
        _attempt([judge], lambda j=judge: _prepare(ws, run.run_id, j, reasons, local))
    for judge in _live(judges):
        if judge.missing and judge.local_model is None:
            _attempt([judge], lambda j=judge: j.answers.update(_ask_endpoint(j, report, should_cancel)))
    groups: dict[str, list[_Judge]] = {}
    for judge in _live(judges):
        if judge.missing and judge.local_model is not None:
            groups.setdefault(judge.local_model, []).append(judge)
    for model, group in groups.items():
        _attempt(group, lambda m=model, g=group: _ask_child(ws, m, g, report, should_cancel, local))
    for judge in _live(judges):
        _attempt([judge], lambda j=judge: _finish(ws, run.run_id, j))
    return [judge.outcome for judge in judges]


def _live(judges: list[_Judge]) -> list[_Judge]:
    return [judge for judge in judges if judge.outcome.error is None]


def _attempt(judges: list[_Judge], step: Callable[[], object]) -> None:
    """Run one step; a failure becomes the one-line error of every judge it concerns."""
    try:
        step()
    except (CuratorError, EndpointError, JobCancelled) as error:
        line = str(error).splitlines()[0] if str(error) else type(error).__name__
        for judge in judges:
            judge.outcome.error = line


def raise_failures(outcomes: list[JudgeOutcome]) -> list[JudgeOutcome]:
    """The outcomes, or JudgeFailed naming each judge that failed."""
    if any(o.error for o in outcomes):
        raise JudgeFailed(outcomes)
    return outcomes


def _prepare(ws: Workspace, run_id: int, judge: _Judge, reasons: dict, local: LocalSettings) -> None:
    """Render the rubric over every applicable item and look the prompts up in the cache."""
    spec, options = judge.spec, judge.spec.options
    if judge.local_model is not None and not Path(options["model"]).is_dir():
        raise CuratorError(f"model folder '{options['model']}' is not a local folder (Curator never downloads weights)")
    rubric = compile_text(f"judge {spec.name}", "rubric", options["rubric"], list(RUBRIC_NAMES))
    params = generation_params(options)
    if judge.local_model is not None:  # the requested backend and dtype change a local model's answers too
        params |= {"backend": local.backend, "dtype": local.dtype}
    plan = judge.plan = judge_plan.JudgePlan(model_identity(options), params)
    columns = ("input", "target", "output")
    for batch in check_sql.iter_check_inputs(ws.db, run_id, columns, spec.when_input, spec.unless_input):
        rows = batch.to_pydict()
        for key, input_text, target, output in zip(*(rows[c] for c in ("item_key", *columns)), strict=True):
            values = rubric_values(input=input_text, output=output, target=target, reasons=reasons.get(key, {}))
            try:
                rendered = rubric.render(values)
            except TemplateError as error:
                raise CuratorError(f"item {key}: {error}") from None
            plan.add(key, judge_prompt(rendered, options["scale"], options.get("score_range")), options["samples"])
    judge.cached = judge_cache.cached_answers(ws.db, list(plan.requests))
    judge.missing = plan.missing(judge.cached)
    outcome = judge.outcome
    outcome.items, outcome.requests = len(plan.items), len(plan.requests)
    outcome.cache_hits, outcome.model_calls = len(plan.requests) - len(judge.missing), len(judge.missing)


def _finish(ws: Workspace, run_id: int, judge: _Judge) -> None:
    graded = judge_plan.verdicts(judge.plan, judge.cached | judge.answers, judge.spec.options)
    judge.outcome.graded = sum(v.graded for _, v in graded)
    judge.outcome.passed = sum(v.graded and v.passed for _, v in graded)
    _store(ws, run_id, judge.spec, judge.plan.cache_rows(judge.answers), graded)


def _ask_endpoint(judge: _Judge, progress: ProgressCallback, should_cancel) -> dict[str, str]:
    options, name = judge.spec.options, judge.spec.name
    client = EndpointJudge(
        options["endpoint"],
        options["model"],
        temperature=options["temperature"],
        seed=options["seed"],
        max_new_tokens=options["max_new_tokens"],
        timeout_s=options["timeout_s"],
    )
    progress(name, 0, len(judge.missing))
    return ask_endpoint(client, [r.as_json() for r in judge.missing], lambda d, t: progress(name, d, t), should_cancel)


def _generation(options: dict) -> dict:
    return {key: options[key] for key in ("temperature", "seed", "max_new_tokens", "batch_size")}


def _ask_child(ws: Workspace, model: str, group: list[_Judge], progress, should_cancel, local: LocalSettings) -> None:
    """The new answers of every judge on one local model folder, from one child (one model load)."""
    label = ", ".join(judge.spec.name for judge in group)
    job_dir = ws.root / "jobs" / f"judge-{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**6}"
    job_dir.mkdir(parents=True)
    wanted: dict[str, dict] = {}
    for judge in group:
        for request in judge.missing:
            wanted.setdefault(request.key, request.as_json() | {"generation": _generation(judge.spec.options)})
    with (job_dir / "requests.jsonl").open("w", encoding="utf-8") as out:
        for request in wanted.values():
            out.write(json.dumps(request, ensure_ascii=False) + "\n")
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
    answers = {}
    with open(job.answers_file, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            answers[record["key"]] = record["answer"]
    if set(answers) != set(wanted):
        raise CuratorError(f"the judge child answered {len(answers)} of {len(wanted)} prompts; see {job_dir}")
    for judge in group:
        judge.answers = {request.key: answers[request.key] for request in judge.missing}


def _store(ws: Workspace, run_id: int, spec: CheckSpec, cache_rows: list[dict], graded: list) -> None:
    verdict_rows = [
        {
            "item_key": key,
            "graded": v.graded,
            "passed": v.passed if v.graded else None,
            "score": v.score,
            "agreement": v.agreement,
            "samples": spec.options["samples"],
            "reason": v.reason,
        }
        for key, v in graded
    ]
    judge_cache.store_judge(ws.db, run_id, spec.name, spec.kind, spec.to_json(), cache_rows, verdict_rows)


def run_all_checks(
    ws: Workspace,
    run_ref: str | int,
    specs: list[CheckSpec],
    progress: ProgressCallback | None = None,
    should_cancel: Callable[[], bool] = lambda: False,
    local: LocalSettings = LocalSettings(),
) -> list[LearnedOutcome | JudgeOutcome]:
    """Every kind of check: the runner's first, then the learned checks, then the judges (whose rubrics see the
    others' reasons); returns the learned checks' and the judges' outcomes."""
    rules, learned, judges = split_specs(specs)
    run = resolve_run(ws, run_ref)
    if rules:
        run_checks(ws, run.run_id, rules, progress=progress)
        with ws.db.transaction() as cur:  # a check that was a judge before keeps no stale verdicts
            judge_cache.clear_verdicts(cur, run.run_id, [s.name for s in rules])
    outcomes: list = run_learned(ws, run.run_id, learned, progress) if learned else []
    return outcomes + (run_judges(ws, run.run_id, judges, progress, should_cancel, local) if judges else [])


def not_graded_counts(ws: Workspace, run_id: int) -> dict[str, tuple[int, int]]:
    """judge or learned check -> (items left not graded, items looked at) on a run (a judge's parse failures)."""
    return judge_cache.not_graded_counts(ws.db, run_id)
