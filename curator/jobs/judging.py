"""Judge checks over a run: render each rubric, look up the answer cache, ask the model only for what is new (a
local folder in a child process, or an OpenAI-compatible endpoint), then store the answers, the verdicts and the
check results of one judge in one transaction. A judge that fails stores nothing and leaves the others alone."""

from __future__ import annotations

from collections.abc import Callable

from curator.checks.judging import plan as judge_plan
from curator.checks.judging.prompts import compile_rubric, render_prompt
from curator.checks.runner import run_checks
from curator.checks.spec import MODEL_GRADED_KINDS, CheckSpec, validate_specs
from curator.child.failures import JobCancelled
from curator.errors import CuratorError
from curator.inference.judge_endpoint import EndpointError
from curator.jobs.judge_models import (
    JudgeOutcome,
    LocalSettings,
    PendingJudge,
    ProgressCallback,
    ask_child_for,
    ask_endpoint_for,
    cached_answerer,
    empty_plan,
    look_up,
)
from curator.jobs.learning import LEARNED_KIND, LearnedOutcome, run_learned
from curator.review.runs import resolve_run
from curator.sandbox.errors import TemplateError
from curator.storage import checks as check_sql
from curator.storage import judge_cache
from curator.workspace import Workspace

JUDGE_KIND = "judge"
__all__ = ["JudgeOutcome", "LocalSettings", "cached_answerer", "run_all_checks", "run_judges", "raise_failures"]


class JudgeFailed(CuratorError):
    """One or more judges or learned checks failed; one line each (the other checks are stored)."""

    def __init__(self, outcomes: list):
        super().__init__("\n".join(f"{o.kind} '{o.name}': {o.error}" for o in outcomes if o.error))


def split_specs(specs: list[CheckSpec]) -> tuple[list[CheckSpec], list[CheckSpec], list[CheckSpec]]:
    """(the rule checks the runner grades, the learned checks, the judge checks), each in spec order."""
    rules = [s for s in specs if s.kind not in MODEL_GRADED_KINDS]
    return rules, [s for s in specs if s.kind == LEARNED_KIND], [s for s in specs if s.kind == JUDGE_KIND]


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
    judges = [PendingJudge(spec, JudgeOutcome(spec.name)) for spec in specs]
    for judge in judges:
        _attempt([judge], lambda j=judge: _prepare(ws, run.run_id, j, reasons, local))
    for judge in _live(judges):
        if judge.missing and judge.local_model is None:
            _attempt([judge], lambda j=judge: j.answers.update(ask_endpoint_for(j, report, should_cancel)))
    groups: dict[str, list[PendingJudge]] = {}
    for judge in _live(judges):
        if judge.missing and judge.local_model is not None:
            groups.setdefault(judge.local_model, []).append(judge)
    for model, group in groups.items():
        _attempt(group, lambda m=model, g=group: ask_child_for(ws, m, g, report, should_cancel, local))
    for judge in _live(judges):
        _attempt([judge], lambda j=judge: _finish(ws, run.run_id, j))
    return [judge.outcome for judge in judges]


def _live(judges: list[PendingJudge]) -> list[PendingJudge]:
    return [judge for judge in judges if judge.outcome.error is None]


def _attempt(judges: list[PendingJudge], step: Callable[[], object]) -> None:
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


def _prepare(ws: Workspace, run_id: int, judge: PendingJudge, reasons: dict, local: LocalSettings) -> None:
    """Render the rubric over every applicable item and look the prompts up in the cache."""
    spec, options = judge.spec, judge.spec.options
    rubric = compile_rubric(spec)
    plan = judge.plan = empty_plan(judge, local)
    columns = ("input", "target", "output")
    for batch in check_sql.iter_check_inputs(ws.db, run_id, columns, spec.when_input, spec.unless_input):
        rows = batch.to_pydict()
        for key, input_text, target, output in zip(*(rows[c] for c in ("item_key", *columns)), strict=True):
            try:
                prompt = render_prompt(
                    rubric, options, input=input_text, output=output, target=target, reasons=reasons.get(key, {})
                )
            except TemplateError as error:
                raise CuratorError(f"item {key}: {error}") from None
            plan.add(key, prompt, options["samples"])
    look_up(ws, judge)


def _finish(ws: Workspace, run_id: int, judge: PendingJudge) -> None:
    graded = judge_plan.verdicts(judge.plan, judge.cached | judge.answers, judge.spec.options)
    judge.outcome.graded = sum(v.graded for _, v in graded)
    judge.outcome.passed = sum(v.graded and v.passed for _, v in graded)
    _store(ws, run_id, judge.spec, judge.plan.cache_rows(judge.answers), graded)


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
