"""The one grading path: many outputs graded against a list of checks, for every caller that grades outside a run
(template rows, rollouts and revisions, rewards, the training child's dev evals and GRPO reward).

`grade_outputs` returns, per output, the Grade of every check that applies to it. Rule kinds grade each output on
its own (curator.checks.rules); a learned grader embeds all outputs in one batch and reads its fitted file; a judge
renders its rubric over each output and the other checks' reasons (graded first) and asks the caller's judge
answerer (curator.checks.judging.grading) for the distinct prompts; without an answerer a judge is applicable
but not graded, with that reason. Pure Python, no database: the training child imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from curator.checks.rules import NOT_APPLICABLE, Grade, applies, grade_rule, not_graded
from curator.checks.spec import MODEL_GRADED_KINDS, CheckSpec

if TYPE_CHECKING:
    from curator.checks.judging.grading import JudgeAnswerer

__all__ = ["NOT_APPLICABLE", "Case", "Grade", "grade", "grade_outputs", "stored_results", "JUDGE_NOT_GRADED"]

JUDGE_NOT_GRADED = "not graded: no judge model was given to grade with (see `curator check`)"
JUDGE_KIND = "judge"


@dataclass(frozen=True)
class Case:
    """One output to grade, with the input and target of its item."""

    input: str | None
    target: str | None
    output: str | None


def grade_outputs(
    specs: Sequence[CheckSpec], cases: Sequence[Case], judges: JudgeAnswerer | None = None
) -> list[dict[str, Grade]]:
    """Per case, {check name: Grade} of every check that applies to it, in spec order; a model-graded check that
    gave no verdict is there with `graded=False` and the reason. `judges` answers the judge checks' prompts
    (None: judges are not graded); the other checks are graded first, so that a rubric sees their reasons."""
    by_spec: dict[str, list[tuple[int, Grade]]] = {}
    for spec in (s for s in specs if s.kind != JUDGE_KIND):
        by_spec[spec.name] = _grade_applicable(spec, cases, None, judges)
    if any(spec.kind == JUDGE_KIND for spec in specs):
        reasons: list[dict] = [{} for _ in cases]
        for name, results in by_spec.items():
            for index, result in results:
                reasons[index][name] = (result.passed if result.graded else None, result.reason)
        for spec in (s for s in specs if s.kind == JUDGE_KIND):
            by_spec[spec.name] = _grade_applicable(spec, cases, reasons, judges)
    graded: list[dict[str, Grade]] = [{} for _ in cases]
    for spec in specs:
        for index, result in by_spec[spec.name]:
            graded[index][spec.name] = result
    return graded


def grade(spec: CheckSpec, *, input: str | None, target: str | None, output: str | None) -> Grade:
    """One output by one check (NOT_APPLICABLE when the check does not apply to it)."""
    return grade_outputs([spec], [Case(input, target, output)])[0].get(spec.name, NOT_APPLICABLE)


def stored_results(grades: dict[str, Grade]) -> dict[str, list]:
    """Grades in the shape rollouts, examples and revisions store: {name: [passed, reason]}, passed None where the
    check applied but gave no verdict."""
    return {name: [g.passed if g.graded else None, g.reason] for name, g in grades.items()}


def _grade_applicable(
    spec: CheckSpec, cases: Sequence[Case], reasons: list[dict] | None, judges: JudgeAnswerer | None
) -> list[tuple[int, Grade]]:
    """(case index, Grade) for the cases the spec applies to."""
    positions = [index for index, case in enumerate(cases) if applies(spec, case.input)]
    chosen = [cases[i] for i in positions]
    if spec.kind == JUDGE_KIND:
        results = _grade_judge(spec, chosen, [reasons[i] for i in positions], judges)
    else:
        results = _grade_spec(spec, chosen)
    return [(index, result) for index, result in zip(positions, results, strict=True) if result.applicable]


def _grade_judge(spec: CheckSpec, cases: list[Case], reasons: list[dict], judges: JudgeAnswerer | None) -> list[Grade]:
    if judges is None or not cases:
        return [not_graded(JUDGE_NOT_GRADED) for _ in cases]
    from curator.checks.judging.grading import judge_grades  # the templates' sandbox: only when a judge grades

    return judge_grades(spec, cases, reasons, judges)


def _grade_spec(spec: CheckSpec, cases: list[Case]) -> list[Grade]:
    """Grades of cases that meet the spec's input conditions (rule kinds and learned graders)."""
    if spec.kind not in MODEL_GRADED_KINDS:
        return [grade_rule(spec, input=c.input, target=c.target, output=c.output) for c in cases]
    if spec.kind == "learned" and cases:
        from curator.checks.learned.grading import grade_learned  # NumPy and the embedding model: only when used

        return grade_learned(spec.options, [c.input or "" for c in cases], [c.output or "" for c in cases])
    return [not_graded(f"not graded: unknown model-graded kind '{spec.kind}'") for _ in cases]
