"""Judges on the one grading path (`grade_outputs`): each output's prompt rendered, the distinct prompts asked of a
judge answerer, every sample's answer read and the samples voted, as `curator check` does over a run.

The answerer is whatever can reach the judge's model from the caller's process: an endpoint, a model loaded in
the training child, or the answer cache plus the judge child in the app (curator.jobs.judging.cached_answerer).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from curator.checks.judging.prompts import compile_rubric, render_prompt
from curator.checks.judging.verdicts import Verdict, verdict_of
from curator.checks.rules import Grade, not_graded
from curator.checks.spec import CheckSpec
from curator.sandbox.errors import TemplateError


class JudgeAnswerer(Protocol):
    """Raw answers of a judge's model: for each prompt, the answers of its `samples` samples (sample i with seed
    `seed + i`), in order. Failing to reach the model raises (one line); an unreadable answer is still an answer."""

    def __call__(self, spec: CheckSpec, prompts: list[str]) -> list[list[str]]: ...


def judge_grades(
    spec: CheckSpec,
    cases: Sequence,
    reasons: Sequence[dict[str, tuple[bool | None, str]]],
    answerer: JudgeAnswerer,
) -> list[Grade]:
    """One Grade per case (input, target, output) by a judge; `reasons[i]` are the other checks' verdicts on case
    i (the rubric's `reasons`). A rubric that fails on an output leaves it not graded, with the template's line."""
    rubric = compile_rubric(spec)
    prompts: list[str | None] = []
    failures: dict[int, str] = {}
    for index, (case, others) in enumerate(zip(cases, reasons, strict=True)):
        try:
            prompts.append(
                render_prompt(
                    rubric, spec.options, input=case.input, output=case.output, target=case.target, reasons=others
                )
            )
        except TemplateError as error:
            prompts.append(None)
            failures[index] = f"not graded: {error}"
    distinct = list(dict.fromkeys(p for p in prompts if p is not None))
    answers = dict(zip(distinct, answerer(spec, distinct), strict=True)) if distinct else {}
    return [
        not_graded(failures[index]) if prompt is None else as_grade(verdict_of(answers[prompt], spec.options))
        for index, prompt in enumerate(prompts)
    ]


def as_grade(verdict: Verdict) -> Grade:
    return Grade(
        applicable=True,
        passed=verdict.graded and verdict.passed,
        reason=verdict.reason,
        graded=verdict.graded,
        score=verdict.score,
    )
