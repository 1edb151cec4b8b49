"""Judge checks over a run: render each rubric, look up the answer cache, ask the model only for what is new (a
local folder in a child process, or an OpenAI-compatible endpoint), then store the answers, the verdicts and the
check results of one judge in one transaction. A judge that fails stores nothing and leaves the others alone."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from curator.checks.judging import plan as judge_plan
from curator.checks.judging.cache_keys import generation_params, model_identity
from curator.checks.judging.rubric import RUBRIC_NAMES, judge_prompt, rubric_values
from curator.checks.spec import CheckSpec, validate_specs
from curator.errors import CuratorError
from curator.fix.templates.engine import compile_text
from curator.fix.templates.spec import TemplateError
from curator.inference.judge_child import JudgeJob
from curator.inference.judge_endpoint import EndpointError, EndpointJudge, ask_endpoint
from curator.jobs.process import ChildProcess
from curator.review.runs import resolve_run
from curator.storage import checks as check_sql
from curator.storage import judge_cache
from curator.storage.judge_cache import VERDICT_SCHEMA
from curator.workspace import Workspace

JUDGE_KIND = "judge"
ProgressCallback = Callable[[str, int, int], None]
_RESULT_SCHEMA = pa.schema([("item_key", pa.int64()), ("passed", pa.bool_()), ("reason", pa.string())])


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

    @property
    def not_graded(self) -> int:
        return self.items - self.graded


class JudgeFailed(CuratorError):
    """One or more judges failed; one line each (their other checks and the other judges are stored)."""

    def __init__(self, outcomes: list[JudgeOutcome]):
        super().__init__("\n".join(f"judge '{o.name}': {o.error}" for o in outcomes if o.error))


def split_specs(specs: list[CheckSpec]) -> tuple[list[CheckSpec], list[CheckSpec]]:
    """(the checks the runner grades, the judge checks), each in spec order."""
    return [s for s in specs if s.kind != JUDGE_KIND], [s for s in specs if s.kind == JUDGE_KIND]


def run_judges(
    ws: Workspace,
    run_ref: str | int,
    specs: list[CheckSpec],
    progress: ProgressCallback | None = None,
    should_cancel: Callable[[], bool] = lambda: False,
    local: LocalSettings = LocalSettings(),
) -> list[JudgeOutcome]:
    """Grade every applicable item of a run by each judge spec; a judge's failure is recorded in its outcome."""
    run = resolve_run(ws, run_ref)
    specs = validate_specs(specs)
    reasons = judge_cache.other_reasons(ws.db, run.run_id, [s.name for s in specs])
    outcomes = []
    for spec in specs:
        outcome = JudgeOutcome(spec.name)
        try:
            _run_one(ws, run.run_id, spec, reasons, outcome, progress or (lambda *a: None), should_cancel, local)
        except (CuratorError, EndpointError) as error:
            outcome.error = str(error).splitlines()[0] if str(error) else type(error).__name__
        outcomes.append(outcome)
    return outcomes


def raise_failures(outcomes: list[JudgeOutcome]) -> list[JudgeOutcome]:
    """The outcomes, or JudgeFailed naming each judge that failed."""
    if any(o.error for o in outcomes):
        raise JudgeFailed(outcomes)
    return outcomes


def _run_one(ws, run_id, spec, reasons, outcome, progress, should_cancel, local) -> None:
    options = spec.options
    if not options.get("endpoint") and not Path(options["model"]).is_dir():
        raise CuratorError(f"model folder '{options['model']}' is not a local folder (Curator never downloads weights)")
    rubric = compile_text(f"judge {spec.name}", "rubric", options["rubric"], list(RUBRIC_NAMES))
    params = generation_params(options)
    if not options.get("endpoint"):  # the requested backend and dtype change a local model's answers too
        params |= {"backend": local.backend, "dtype": local.dtype}
    plan = judge_plan.JudgePlan(model_identity(options), params)
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
    cached = judge_cache.cached_answers(ws.db, list(plan.requests))
    missing = plan.missing(cached)
    outcome.items, outcome.requests = len(plan.items), len(plan.requests)
    outcome.cache_hits, outcome.model_calls = len(plan.requests) - len(missing), len(missing)
    progress(spec.name, 0, len(missing))
    new = _ask(ws, spec, missing, progress, should_cancel, local) if missing else {}
    graded = judge_plan.verdicts(plan, cached | new, options)
    outcome.graded = sum(v.graded for _, v in graded)
    outcome.passed = sum(v.graded and v.passed for _, v in graded)
    _store(ws, run_id, spec, plan.cache_rows(new), graded)


def _ask(ws, spec, missing, progress, should_cancel, local: LocalSettings) -> dict[str, str]:
    options = spec.options
    if options.get("endpoint"):
        judge = EndpointJudge(
            options["endpoint"],
            options["model"],
            temperature=options["temperature"],
            seed=options["seed"],
            max_new_tokens=options["max_new_tokens"],
            timeout_s=options["timeout_s"],
        )
        on_answer = lambda done, total: progress(spec.name, done, total)  # noqa: E731
        try:
            return ask_endpoint(judge, [r.as_json() for r in missing], on_answer, should_cancel)
        except Exception as error:  # JobCancelled, EndpointError: one line for the outcome
            raise CuratorError(str(error) or type(error).__name__) from None
    return _ask_child(ws, spec, missing, progress, should_cancel, local)


def _ask_child(ws, spec, missing, progress, should_cancel, local: LocalSettings) -> dict[str, str]:
    options = spec.options
    job_dir = ws.root / "jobs" / f"judge-{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**6}"
    job_dir.mkdir(parents=True)
    with (job_dir / "requests.jsonl").open("w", encoding="utf-8") as out:
        for request in missing:
            out.write(json.dumps(request.as_json(), ensure_ascii=False) + "\n")
    job = JudgeJob(
        model=str(Path(options["model"]).resolve()),
        requests_file=str(job_dir / "requests.jsonl"),
        answers_file=str(job_dir / "answers.jsonl"),
        progress_file=str(job_dir / "progress.jsonl"),
        cancel_file=str(job_dir / "cancel"),
        backend=local.backend,
        dtype=local.dtype,
        cpu_threads=local.cpu_threads,
        generation={
            "temperature": options["temperature"],
            "seed": options["seed"],
            "max_new_tokens": options["max_new_tokens"],
            "batch_size": options["batch_size"],
        },
    )
    job_file = job.save(job_dir / "judge-job.json")
    child = ChildProcess.module(
        "curator.inference.judge_child",
        [job_file],
        Path(job.progress_file),
        job_dir / "child.log",
        cancel_file=Path(job.cancel_file),
    ).start()

    def on_event(event: dict) -> None:
        if event.get("event") == "generated":
            progress(spec.name, event.get("done", 0), event.get("total", len(missing)))

    final = child.wait(on_event, should_cancel=should_cancel)
    if final.get("event") != "succeeded":
        raise CuratorError("cancelled" if final.get("event") == "cancelled" else final.get("error", "the judge failed"))
    answers = {}
    with open(job.answers_file, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            answers[record["key"]] = record["answer"]
    if set(answers) != {r.key for r in missing}:
        raise CuratorError(f"the judge child answered {len(answers)} of {len(missing)} prompts; see {job_dir}")
    return answers


def _store(ws: Workspace, run_id: int, spec: CheckSpec, cache_rows: list[dict], graded: list) -> None:
    results = pa.table(
        [
            [k for k, v in graded if v.graded],
            [v.passed for _, v in graded if v.graded],
            [v.reason for _, v in graded if v.graded],
        ],
        schema=_RESULT_SCHEMA,
    )
    samples = spec.options["samples"]
    verdict_table = pa.Table.from_pylist(
        [
            {
                "item_key": key,
                "graded": v.graded,
                "passed": v.passed if v.graded else None,
                "score": v.score,
                "agreement": v.agreement,
                "samples": samples,
                "reason": v.reason,
            }
            for key, v in graded
        ],
        schema=VERDICT_SCHEMA,
    )
    with ws.db.transaction() as cur:
        judge_cache.insert_answers(cur, cache_rows)
        positions = check_sql.check_positions(cur, run_id)
        position = positions.get(spec.name, max(positions.values(), default=-1) + 1)
        check_sql.clear_checks(cur, run_id, [spec.name])
        check_sql.insert_check_spec(cur, run_id, spec.name, spec.kind, spec.to_json(), position)
        check_sql.insert_result_table(cur, run_id, spec.name, results)
        judge_cache.replace_verdicts(cur, run_id, spec.name, verdict_table)


def run_all_checks(
    ws: Workspace,
    run_ref: str | int,
    specs: list[CheckSpec],
    progress: ProgressCallback | None = None,
    should_cancel: Callable[[], bool] = lambda: False,
    local: LocalSettings = LocalSettings(),
) -> list[JudgeOutcome]:
    """The runner's checks first (judges see their reasons), then the judges; returns the judges' outcomes."""
    from curator.checks import run_checks

    others, judges = split_specs(specs)
    run = resolve_run(ws, run_ref)
    if others:
        run_checks(ws, run.run_id, others, progress=progress)
        with ws.db.transaction() as cur:  # a check that was a judge before keeps no stale verdicts
            judge_cache.clear_verdicts(cur, run.run_id, [s.name for s in others])
    return run_judges(ws, run.run_id, judges, progress, should_cancel, local) if judges else []


def not_graded_counts(ws: Workspace, run_id: int) -> dict[str, tuple[int, int]]:
    """judge name -> (items left not graded, items looked at) on a run: the parse-failure rate per judge."""
    return judge_cache.not_graded_counts(ws.db, run_id)
