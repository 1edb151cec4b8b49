"""The one grading path: many outputs graded against a list of checks, for every caller that grades outside a run
(template rows, rollouts and revisions, rewards, the training child's dev evals and GRPO reward).

`grade_outputs` returns, per output, the Grade of every check that applies to it. Rule kinds grade each output on
its own (curator.checks.rules); a learned grader embeds all outputs in one batch and reads its fitted file; a judge
needs its model and the run's other verdicts, which only `curator check` (curator.jobs.judging) has, so here it
is applicable but not graded, with that reason. Pure Python, no database: the training child imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from curator.checks.rules import NOT_APPLICABLE, Grade, applies, grade_rule, not_graded
from curator.checks.spec import MODEL_GRADED_KINDS, CheckSpec

__all__ = ["NOT_APPLICABLE", "Case", "Grade", "grade", "grade_outputs", "stored_results", "JUDGE_NOT_GRADED"]

JUDGE_NOT_GRADED = "not graded: a judge grades only through `curator check` (it needs its model and the run)"


@dataclass(frozen=True)
class Case:
    """One output to grade, with the input and target of its item."""

    input: str | None
    target: str | None
    output: str | None


def grade_outputs(specs: Sequence[CheckSpec], cases: Sequence[Case]) -> list[dict[str, Grade]]:
    """Per case, {check name: Grade} of every check that applies to it, in spec order; a model-graded check that
    gave no verdict is there with `graded=False` and the reason."""
    graded: list[dict[str, Grade]] = [{} for _ in cases]
    for spec in specs:
        positions = [index for index, case in enumerate(cases) if applies(spec, case.input)]
        for index, result in zip(positions, _grade_spec(spec, [cases[i] for i in positions]), strict=True):
            if result.applicable:
                graded[index][spec.name] = result
    return graded


def grade(spec: CheckSpec, *, input: str | None, target: str | None, output: str | None) -> Grade:
    """One output by one check (NOT_APPLICABLE when the check does not apply to it)."""
    return grade_outputs([spec], [Case(input, target, output)])[0].get(spec.name, NOT_APPLICABLE)


def stored_results(grades: dict[str, Grade]) -> dict[str, list]:
    """Grades in the shape rollouts, examples and revisions store: {name: [passed, reason]}, passed None where the
    check applied but gave no verdict."""
    return {name: [g.passed if g.graded else None, g.reason] for name, g in grades.items()}


def _grade_spec(spec: CheckSpec, cases: list[Case]) -> list[Grade]:
    """Grades of cases that meet the spec's input conditions."""
    if spec.kind not in MODEL_GRADED_KINDS:
        return [grade_rule(spec, input=c.input, target=c.target, output=c.output) for c in cases]
    if spec.kind == "learned" and cases:
        from curator.checks.learned.grading import grade_learned  # NumPy and the embedding model: only when used

        return grade_learned(spec.options, [c.input or "" for c in cases], [c.output or "" for c in cases])
    return [not_graded(JUDGE_NOT_GRADED) for _ in cases]
