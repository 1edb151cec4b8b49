"""Grading generated outputs with the run's checks inside a child process (no database): rule kinds and learned
graders as everywhere, and judges through `child_judges` (an endpoint directly; a local judge model loaded once in
this process, beside the model being trained)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from curator.checks.graders import Case, grade_outputs
from curator.checks.spec import CheckSpec

if TYPE_CHECKING:
    from curator.checks.judging.grading import JudgeAnswerer


def specs_from_dicts(checks: list[dict]) -> list[CheckSpec]:
    """Check specs as the domain serialised them into a job file."""
    return [CheckSpec.from_json(json.dumps(c)) for c in checks]


def child_judges(specs: list[CheckSpec]) -> JudgeAnswerer | None:
    """The judge answerer of a training child whose checks include a judge (None when none does)."""
    return answer_in_child if any(spec.kind == "judge" for spec in specs) else None


def answer_in_child(spec: CheckSpec, prompts: list[str]) -> list[list[str]]:
    """A judge's answers from this process: its endpoint, or its local folder loaded once (transformers: a vLLM
    engine would claim the GPU the training runs on)."""
    if spec.options.get("endpoint"):
        from curator.inference.judge_endpoint import endpoint_answers  # the openai client: only when a judge asks

        return endpoint_answers(spec.options, prompts)
    from curator.inference.judge_local import local_answers  # torch: loaded by the trainer already

    return local_answers(spec.options, prompts, backend="transformers")


@dataclass
class DevPassRates:
    """Dev-eval results: how many items pass every check that applies to them (the rate early stopping keeps the
    best checkpoint by), and pass counts per check (shown beside it)."""

    per_check: dict[str, list[int]] = field(default_factory=dict)  # name -> [passed, graded]
    items_passing: int = 0
    items_graded: int = 0  # items at least one check graded

    @property
    def pass_rate(self) -> float:
        """Share of graded items that pass every check that applies to them."""
        return self.items_passing / self.items_graded if self.items_graded else 0.0

    def as_dict(self) -> dict:
        return {
            "pass_rate": round(self.pass_rate, 4),
            "items": self.items_graded,
            "per_check": {name: round(p / n, 4) if n else None for name, (p, n) in self.per_check.items()},
        }


def dev_pass_rates(
    specs: list[CheckSpec], items: list[dict], outputs: list[str], judges: JudgeAnswerer | None = None
) -> DevPassRates:
    """Dev-eval pass counts: each output graded against its item (input, target) by every spec, in one
    `grade_outputs` call (judges through `judges`); a check that applies but gives no verdict counts for nothing."""
    result = DevPassRates({spec.name: [0, 0] for spec in specs})
    cases = [Case(item.get("input"), item.get("target"), output) for item, output in zip(items, outputs, strict=True)]
    for grades in grade_outputs(specs, cases, judges):
        graded = [(name, g) for name, g in grades.items() if g.graded]
        for name, g in graded:
            counts = result.per_check[name]
            counts[0] += int(g.passed)
            counts[1] += 1
        if graded:
            result.items_graded += 1
            result.items_passing += int(all(g.passed for _, g in graded))
    return result
